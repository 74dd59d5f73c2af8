"""Hostile document shapes are refused with a clear error, in bounded time and memory.

The bounds are upper limits for a 2-core CI machine; the checks finish far below them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..helpers import ROOT

TIME_LIMIT_S = 20.0
MEMORY_LIMIT_MB = 600


def _generate(spec: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run sdkgen in a child; its own wall time and peak RSS (from wait4, not the whole test run's)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "--package-name", "x",
                             "--no-cache"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    stdout, stderr = proc.communicate(timeout=120)
    elapsed = time.perf_counter() - started
    peak_mb = _peak_rss_mb.get(proc.pid, 0.0)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), elapsed, peak_mb


_peak_rss_mb: dict[int, float] = {}
_original_waitpid = os.waitpid


def _waitpid_with_rusage(pid: int, options: int) -> tuple[int, int]:
    # subprocess reaps children with os.waitpid; wait4 gives the same plus that child's rusage
    got, status, usage = os.wait4(pid, options)
    if got:
        _peak_rss_mb[got] = usage.ru_maxrss / 1024
    return got, status


@pytest.fixture(autouse=True)
def _measure_children(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "waitpid", _waitpid_with_rusage)


HEADER = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


def _alias_bomb() -> str:
    lines = [HEADER, "x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"x-a{i}: &a{i} [{refs}]\n")
    lines.append("paths: {}\n")
    return "".join(lines)


def _deep_nesting() -> str:
    depth = 5000
    return HEADER + "paths: {}\nx-deep: " + "[" * depth + "]" * depth + "\n"


def _deep_schema() -> str:
    schema = "{type: string}"
    for _ in range(120):  # 240 levels: parses, but deeper than any real spec
        schema = "{type: object, properties: {a: " + schema + "}}"
    return HEADER + "paths: {}\ncomponents:\n  schemas:\n    Deep: " + schema + "\n"


def _ref_cycle() -> str:
    return HEADER + """paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/C'}
    C: {$ref: '#/components/schemas/A'}
"""


@pytest.mark.parametrize("case, text, message", [
    ("alias-bomb", _alias_bomb(), "expands to more than"),
    ("deep-nesting", _deep_nesting(), "nest"),
    ("deep-schema", _deep_schema(), "nests deeper than"),
])
def test_hostile_shapes_are_refused_quickly(tmp_path: Path, case: str, text: str, message: str) -> None:
    spec = tmp_path / f"{case}.yaml"
    spec.write_text(text)
    res, elapsed, peak_mb = _generate(spec, tmp_path / "out")
    assert res.returncode == 1, res.stdout + res.stderr
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert elapsed < TIME_LIMIT_S
    assert 0 < peak_mb < MEMORY_LIMIT_MB
    assert not (tmp_path / "out" / "x").exists()


def test_reference_cycle_terminates_with_a_finding(tmp_path: Path) -> None:
    spec = tmp_path / "cycle.yaml"
    spec.write_text(_ref_cycle())
    res, elapsed, _ = _generate(spec, tmp_path / "out")
    assert "Traceback" not in res.stderr, res.stderr
    assert elapsed < TIME_LIMIT_S
    # a cycle of pure references has no type: either refused with a pointer, or typed loosely and reported
    assert res.returncode in (0, 1)
    assert "/components/schemas/" in res.stderr


def test_oversized_document_is_refused(tmp_path: Path) -> None:
    from generator.loading.source import MAX_BYTES

    spec = tmp_path / "big.yaml"
    with spec.open("w") as f:
        f.write(HEADER + "paths: {}\nx-pad: '")
        chunk = "a" * (1024 * 1024)
        for _ in range(MAX_BYTES // len(chunk) + 1):
            f.write(chunk)
        f.write("'\n")
    res, elapsed, peak_mb = _generate(spec, tmp_path / "out")
    assert res.returncode == 1
    assert "larger than" in res.stderr
    assert elapsed < TIME_LIMIT_S
    assert 0 < peak_mb < MEMORY_LIMIT_MB
