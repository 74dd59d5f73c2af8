"""The validator as a run schedules it: in a child forked when the run starts (its imports overlap
loading), with the same problems as in the parent, and still deciding before anything is returned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from ...helpers import ROOT

# The `default` breaks its own schema: openapi-spec-validator reports it; sdkgen can still build.
SPEC = textwrap.dedent("""\
    openapi: 3.0.3
    info: {title: t, version: "1"}
    paths:
      /things:
        get:
          operationId: listThings
          parameters:
            - {name: limit, in: query, schema: {type: integer, default: "ten"}}
          responses:
            "200": {description: ok}
""")


# Forks happen in a fresh interpreter, never in pytest's (see tests/generator/output/test_cache.py).
def _run(spec: Path, jobs: int, strict: bool) -> Any:
    code = textwrap.dedent(f"""
        import json, os
        from pathlib import Path
        from generator.pipeline import generate
        from generator.problems import SpecError
        from generator.timings import Timings
        timings = Timings()
        try:
            result = generate(Path({str(spec)!r}), package="things", strict={strict!r}, jobs={jobs}, timings=timings)
            problems, raised = result.problems, False
        except SpecError as exc:
            problems, raised = exc.problems, True
        print(json.dumps({{"problems": [[p.level, p.pointer, p.message, p.line] for p in problems],
                          "note": timings.notes.get("validate", ""), "raised": raised}}))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SDKGEN_CACHE_DIR": "off"}
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_the_child_finds_what_the_parent_finds(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    here, there = _run(spec, jobs=1, strict=False), _run(spec, jobs=2, strict=False)
    assert there["problems"] == here["problems"]
    assert here["raised"] is False and there["raised"] is False
    assert any("spec validator" in p[2] and p[0] == "warning" for p in here["problems"])
    if sys.platform.startswith("linux"):
        assert "in a child process" in there["note"]
        assert "in a child process" not in here["note"]


def test_strict_run_stops_on_the_childs_findings(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    seen = _run(spec, jobs=2, strict=True)
    assert seen["raised"] is True
    assert any("spec validator" in p[2] and p[0] == "error" for p in seen["problems"])
