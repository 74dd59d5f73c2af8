"""What the generator reads from the runtime core it copies into every SDK (`templates/runtime/`),
so that values both sides use (retry defaults) have one home: the runtime."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any


def templates_root() -> Path:
    """`templates/` next to the package in a checkout, or bundled inside it when installed."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "runtime").is_dir():
            return candidate
    raise RuntimeError("sdkgen templates not found; reinstall sdkgen")


@functools.cache
def runtime_defaults(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Field defaults of the runtime's dataclasses that are literals: class name -> field -> value."""
    source = (path or templates_root() / "runtime" / "types.py").read_text(encoding="utf-8")
    out: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            fields = out.setdefault(node.name, {})
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                    try:
                        fields[stmt.target.id] = ast.literal_eval(stmt.value)
                    except ValueError:
                        continue
    return out
