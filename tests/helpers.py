"""Shared test helpers."""

from __future__ import annotations

import difflib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The public OpenAPI documents the tests use, vendored with their MANIFEST (source, licence).
CORPUS = ROOT / "tests" / "corpus" / "documents"
RUNTIME_PREFIX = "/_runtime/"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }


def explain_difference(expected: dict[str, bytes], actual: dict[str, bytes], refresh: str) -> str:
    """Missing and extra files first, then a unified diff of each changed file, then the fix."""
    lines: list[str] = []
    lines += [f"missing: {p}" for p in sorted(set(expected) - set(actual))]
    lines += [f"extra:   {p}" for p in sorted(set(actual) - set(expected))]
    for path in sorted(set(expected) & set(actual)):
        if expected[path] != actual[path]:
            lines.extend(difflib.unified_diff(
                expected[path].decode("utf-8", "replace").splitlines(),
                actual[path].decode("utf-8", "replace").splitlines(),
                f"expected/{path}", f"generated/{path}", lineterm="", n=2))
    lines.append(f"to refresh: {refresh}")
    return "\n".join(lines)
