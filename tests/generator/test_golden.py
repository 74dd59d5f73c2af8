"""Golden tests: small one-feature specs and the MKA1 spec, compared byte for byte.

Refresh after an intended change with:
    SDKGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generator/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.emit.package import templates_root
from generator.pipeline import generate
from generator.maintenance.history import CHANGELOG, Previous
from generator.maintenance.surface import SURFACE_FILE
from generator.output.write import compare, read_text

from ..helpers import ROOT, explain_difference, tree

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "spec.yaml").is_file())
REFRESH = "SDKGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generator/test_golden.py"


def _without_runtime(files: dict[str, bytes]) -> dict[str, bytes]:
    # The runtime is a verbatim copy, checked once below; goldens show what the generator made.
    return {p: c for p, c in files.items() if "/_runtime/" not in p}


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str) -> None:
    result = generate(GOLDEN / case / "spec.yaml", package=f"{case}_sdk", strict=True)
    actual = _without_runtime(dict(result.files.files))
    expected_dir = GOLDEN / case / "expected"
    if os.environ.get("SDKGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, content in actual.items():
            target = expected_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    expected = tree(expected_dir)
    assert expected == actual, explain_difference(expected, actual, REFRESH)


def test_runtime_is_copied_verbatim() -> None:
    result = generate(GOLDEN / "params" / "spec.yaml", package="params_sdk")
    runtime = templates_root() / "runtime"
    copied = {p.split("/_runtime/", 1)[1]: c for p, c in result.files.files.items() if "/_runtime/" in p}
    assert copied == {p.name: p.read_bytes() for p in sorted(runtime.glob("*.py"))}


def test_mka1_spec_matches_generated_folder() -> None:
    out = ROOT / "generated"
    previous = Previous(read_text(out, SURFACE_FILE), read_text(out, CHANGELOG))
    result = generate(ROOT / "spec" / "mka1.yaml", package="mka1", dist_name="mka1", strict=True, previous=previous)
    drift = compare(result.files, ROOT / "generated")
    assert drift.clean, explain_difference(
        tree(ROOT / "generated"), {**tree(ROOT / "generated"), **dict(result.files.files)},
        "sdkgen generate")
