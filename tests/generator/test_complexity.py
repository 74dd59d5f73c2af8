"""The IR builder and the emit stage stay readable: no block above grade C (radon cc)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_no_block_above_grade_c() -> None:
    complexity = pytest.importorskip("radon.complexity")
    too_complex = []
    for folder in ("generator/ir", "generator/emit"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for block in complexity.cc_visit(path.read_text(encoding="utf-8")):
                if complexity.cc_rank(block.complexity) > "C":
                    too_complex.append(f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})")
    assert too_complex == []
