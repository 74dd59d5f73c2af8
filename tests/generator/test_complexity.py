"""The generator stays readable: no block in generator/ above grade C (radon cc)."""

from __future__ import annotations

from radon import complexity

from ..helpers import ROOT


def test_no_block_above_grade_c() -> None:
    too_complex = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for block in complexity.cc_visit(path.read_text(encoding="utf-8")):
            if complexity.cc_rank(block.complexity) > "C":
                too_complex.append(f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})")
    assert too_complex == []
