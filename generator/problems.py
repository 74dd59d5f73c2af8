"""Spec problems as values: collected while loading, validating and building, reported together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Problem:
    level: Level
    pointer: str
    message: str
    file: str = ""
    line: int | None = None
    # An error that would drop an operation; `--allow-partial` lets the run go on without it.
    drops_operation: bool = False
    # "degraded": a schema typed more loosely than the spec says (counted in the coverage report).
    kind: str = ""

    def render(self) -> str:
        place = self.file or "<spec>"
        if self.line is not None:
            place += f":{self.line}"
        pointer = self.pointer or "/"
        return f"{place}: {self.level}: {self.message} (at {pointer})"


class SpecError(Exception):
    """Raised when the spec cannot produce a faithful SDK; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.coverage: object | None = None  # a report.Coverage when the run got that far
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"{len(errors)} error(s) in the spec")

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)


def pointer_join(base: str, *parts: object) -> str:
    """Extend a JSON pointer (RFC 6901 escaping)."""
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


MISSING = object()


def pointer_get(data: object, pointer: str) -> object:
    """The node at a JSON pointer ("" is the root), or MISSING."""
    node = data
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node
