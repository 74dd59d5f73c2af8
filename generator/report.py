"""The coverage report: what of the spec made it into the SDK, and every problem with its place.

Written by `sdkgen generate --report FILE` (JSON) and summed up in one line on stderr.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .loading.source import Document
from .problems import Problem

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORMAT = "sdkgen-coverage/1"


@dataclass
class Coverage:
    spec: str
    spec_version: str
    operations_total: int
    operations_generated: int
    schemas_total: int
    problems: list[Problem]
    skipped: list[Problem] = field(default_factory=list)

    @property
    def degraded(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "degraded"]

    @property
    def percent(self) -> float:
        return 100.0 if self.operations_total == 0 else 100.0 * self.operations_generated / self.operations_total

    def count(self, level: str) -> int:
        return sum(p.level == level for p in self.problems)

    def summary(self) -> str:
        return (f"sdkgen: coverage: {self.operations_generated}/{self.operations_total} operations "
                f"({self.percent:.0f}%), {len(self.degraded)} schema(s) degraded of {self.schemas_total}, "
                f"{self.count('error')} error(s), {self.count('warning')} warning(s)")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "spec": self.spec,
            "spec_version": self.spec_version,
            "operations": {
                "total": self.operations_total,
                "generated": self.operations_generated,
                "percent": round(self.percent, 2),
                "skipped": [_problem(p) for p in self.skipped],
            },
            "schemas": {
                "total": self.schemas_total,
                "degraded": [_problem(p) for p in self.degraded],
            },
            "problems": {
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "notes": self.count("note"),
                "items": [_problem(p) for p in self.problems],
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def coverage(doc: Document, problems: list[Problem], *, generated: int | None, schemas_total: int) -> Coverage:
    """`generated` is None when the run stopped before any operation was built."""
    total = count_operations(doc.data)
    skipped = [p for p in problems if p.drops_operation]
    if generated is None:
        generated = 0
    return Coverage(doc.display_path, doc.source_version, total, generated, schemas_total, list(problems), skipped)


def count_operations(data: dict[str, Any]) -> int:
    paths_value = data.get("paths")
    paths: dict[Any, Any] = paths_value if isinstance(paths_value, dict) else {}
    total = 0
    for path, item in paths.items():
        seen = 0
        while isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/") and seen < 20:
            item, seen = _get(data, item["$ref"][1:]), seen + 1
        if isinstance(item, dict):
            total += sum(isinstance(item.get(m), dict) for m in HTTP_METHODS)
    return total


def _get(data: Any, pointer: str) -> Any:
    node = data
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _problem(p: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {"level": p.level, "file": p.file, "line": p.line, "pointer": p.pointer or "/", "message": p.message}
    if p.kind:
        out["kind"] = p.kind
    if p.drops_operation:
        out["drops_operation"] = True
    return out

