"""The benchmark's smoke run (`python -m benchmarks --smoke`), so the benchmark never rots.

It runs every code path of the benchmark once, briefly (about a minute once the peers' venvs
exist under benchmarks/.venvs/; the first run installs them). It never writes
benchmarks/RESULTS.md: the full run is made by hand and its results committed.
Set SDKGEN_SKIP_BENCH_SMOKE=1 to skip it locally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("SDKGEN_SKIP_BENCH_SMOKE")), reason="SDKGEN_SKIP_BENCH_SMOKE is set"
)


def test_benchmark_smoke_run_completes_and_writes_a_report(tmp_path: Path) -> None:
    committed = ROOT / "benchmarks" / "RESULTS.md"
    before = committed.read_bytes() if committed.exists() else None
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    text = out.read_text()
    for heading in ("## Goals at a glance", "## 1. SSE throughput", "## 2. Warm per-call overhead",
                    "## 3. Cold start and memory", "## 4. Generation", "## Rounds and machine load",
                    "## Versions"):
        assert heading in text, heading
    rows = json.loads(out.with_suffix(".json").read_text())["results"]
    ours = {(r["section"], r["variant"]) for r in rows if "error" not in r}
    for needed in (("sse", "ours"), ("sse", "min-lines"), ("warm", "ours"), ("warm", "httpx-json"), ("concurrent", "ours"),
                   ("cold", "ours"), ("cold", "synth-big"), ("gen", "sdkgen generate (cold)"),
                   ("gen", "sdkgen check (unchanged)"), ("gen", "sdkgen regenerate (one-schema edit)")):
        assert needed in ours, needed
    # Peers may be skipped (e.g. offline), but never silently.
    for peer in ("openai", "meetkai", "httpx-sse"):
        if ("sse", peer) not in ours:
            assert "Skipped in this run" in text
    after = committed.read_bytes() if committed.exists() else None
    assert after == before, "the smoke run must never touch benchmarks/RESULTS.md"
