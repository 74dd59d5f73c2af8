"""Load stage: read a spec file safely into a `Document`. One of the two stages that touch the disk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, SpecError

try:  # the C loader is many times faster on large specs
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Document:
    """A parsed spec: the data tree plus what is needed to point at places in the source."""

    path: Path
    text: str
    data: dict[str, Any]
    _lines: dict[str, int] | None = field(default=None, repr=False)

    @property
    def display_path(self) -> str:
        return str(self.path)

    def line_of(self, pointer: str) -> int | None:
        """1-based line of the node at a JSON pointer (the nearest existing ancestor)."""
        if self._lines is None:
            self._lines = _line_map(self.text)
        parts = pointer.split("/")
        while parts:
            line = self._lines.get("/".join(parts))
            if line is not None:
                return line
            parts.pop()
        return None

    def problem(self, level: Any, pointer: str, message: str, **kw: Any) -> Problem:
        return Problem(level, pointer, message, self.display_path, self.line_of(pointer), **kw)


def load(path: str | Path) -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([Problem("error", "", f"cannot read spec: {exc.strerror}", str(path))]) from None
    if len(raw) > MAX_BYTES:
        raise SpecError([Problem("error", "", f"spec is larger than {MAX_BYTES} bytes", str(path))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Problem("error", "", f"spec is not UTF-8 ({exc.reason} at byte {exc.start})", str(path))]) from None
    data = _parse(text, str(path))
    if not isinstance(data, dict):
        raise SpecError([Problem("error", "", "spec root must be a mapping", str(path), 1)])
    return Document(path=path, text=text, data=data)


def _parse(text: str, name: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError([Problem("error", "", f"invalid JSON: {exc.msg}", name, exc.lineno)]) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            problem += f" ({context} at line {context_mark.line + 1})"
        raise SpecError([Problem("error", "", f"invalid YAML: {problem}", name, line)]) from None


def _line_map(text: str) -> dict[str, int]:
    """Map every JSON pointer in the document to its line, from the YAML node tree.

    JSON is a subset of YAML, so one composer serves both formats. Built only when a problem
    needs a line number.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if node is None:
            continue
        lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = str(key.value).replace("~", "~0").replace("/", "~1")
                lines[f"{pointer}/{k}"] = key.start_mark.line + 1
                stack.append((f"{pointer}/{k}", value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                stack.append((f"{pointer}/{i}", value))
    return lines
