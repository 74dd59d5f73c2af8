"""Generate every corpus document once per session (two at a time), with its coverage report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..helpers import CORPUS, ROOT
from .manifest import CorpusDoc, corpus_docs

DOCS = corpus_docs()


@dataclass
class Generated:
    doc: CorpusDoc
    out: Path
    returncode: int
    stderr: str
    report: dict[str, Any] | None


def _generate(doc: CorpusDoc, base: Path) -> Generated:
    out = base / doc.name
    report = base / f"{doc.name}.report.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(doc.root), "-o", str(out), "--package-name", doc.package,
         "--project-name", doc.package.replace("_", "-"),
         "--report", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    data = json.loads(report.read_text("utf-8")) if report.is_file() else None
    return Generated(doc, out, run.returncode, run.stderr, data)


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    if not DOCS:
        pytest.fail(f"no corpus MANIFEST found under {CORPUS}")
    base = tmp_path_factory.mktemp("corpus")
    # largest first, so the two workers finish together
    ordered = sorted(DOCS, key=lambda d: -d.operations)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda d: _generate(d, base), ordered))
    yield {r.doc.name: r for r in results}
