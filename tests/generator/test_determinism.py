"""Same spec, same generator → byte-identical output, whatever PYTHONHASHSEED is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..helpers import ROOT, tree


def _generate(spec: Path, out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    # --no-cache: every run computes everything, or a cache hit would hide a difference
    subprocess.run([sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "--package-name", "mka1", "-q",
                    "--no-cache"],
                   cwd=ROOT, env=env, check=True)
    return tree(out)


def test_two_processes_with_different_hash_seeds_agree(tmp_path: Path) -> None:
    spec = ROOT / "spec" / "mka1.yaml"
    first = _generate(spec, tmp_path / "a", "1")
    second = _generate(spec, tmp_path / "b", "4242")
    assert len(first) > 10
    assert first == second


def test_regeneration_changes_nothing(tmp_path: Path) -> None:
    spec = ROOT / "tests" / "golden" / "streaming" / "spec.yaml"
    once = _generate(spec, tmp_path / "out", "0")
    mtimes = {p: (tmp_path / "out" / p).stat().st_mtime_ns for p in once if p != ".sdkgen-manifest"}
    twice = _generate(spec, tmp_path / "out", "7")
    assert once == twice
    assert mtimes == {p: (tmp_path / "out" / p).stat().st_mtime_ns for p in twice if p != ".sdkgen-manifest"}
