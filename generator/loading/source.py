"""The loaded document and its sources: the types every loading step shares (a leaf module).

`Source` is one file as read; `Document` is the tree later stages read, with the maps that point
from it back into the user's files; `parse_source` reads one file safely (YAML or JSON, size- and
shape-capped)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Level, Problem, pointer_join, refused
from .limits import check_shape

try:  # the C parser is many times faster on large specs
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 400


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The safe loader, made to produce JSON data: keys as written, no date objects."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found a non-scalar key", key_node.start_mark)
            mapping[str(key_node.value)] = self.construct_object(value_node, deep=deep)
        return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


@dataclass
class Source:
    """One file (or fetched URL) the document was read from."""

    key: str  # how problems name it: the path as given for the root, resolved paths for others
    text: str
    data: Any
    location: str  # absolute path or URL, to resolve relative refs against
    _lines: dict[str, int] | None = field(default=None, repr=False)

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


class PointerMap:
    """Where the parts of a derived tree came from: prefix in the tree → (source, pointer).

    The longest recorded prefix of a pointer wins; the rest of the pointer is appended to the
    place it maps to.
    """

    def __init__(self, default: tuple[str, str]):
        self._map: dict[str, tuple[str, str]] = {"": default}

    def record(self, prefix: str, source: str, pointer: str) -> None:
        self._map[prefix] = (source, pointer)

    def resolve(self, pointer: str) -> tuple[str, str]:
        probe = pointer
        while True:
            hit = self._map.get(probe)
            if hit is not None:
                return hit[0], hit[1] + pointer[len(probe):]
            if not probe:
                return self._map[""][0], pointer
            probe = probe.rsplit("/", 1)[0]


@dataclass
class Document:
    """A loaded spec: the tree later stages read, plus what is needed to point into the files."""

    path: Path
    text: str
    data: dict[str, Any]
    sources: dict[str, Source] = field(default_factory=dict)
    # The tree as written (after bundling, before a Swagger 2.0 conversion): what is validated.
    source_data: dict[str, Any] | None = None
    source_version: str = ""
    load_problems: list[Problem] = field(default_factory=list)
    _bundle_map: PointerMap | None = field(default=None, repr=False)
    _convert_map: PointerMap | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.sources:
            self.sources[str(self.path)] = Source(str(self.path), self.text, self.data, str(self.path.resolve()))
        if self.source_data is None:
            self.source_data = self.data
        if not self.source_version:
            self.source_version = str(self.data.get("openapi") or self.data.get("swagger") or "")

    @property
    def display_path(self) -> str:
        return str(self.path)

    @property
    def converted(self) -> bool:
        return self._convert_map is not None

    def locate(self, pointer: str, *, converted: bool = True) -> tuple[str, str, int | None]:
        """(file, pointer in that file, line) of a pointer into `data` (or, with
        converted=False, into `source_data`)."""
        if converted and self._convert_map is not None:
            _, pointer = self._convert_map.resolve(pointer)
        key = str(self.path)
        if self._bundle_map is not None:
            key, pointer = self._bundle_map.resolve(pointer)
        source = self.sources.get(key)
        return key, pointer, source.line_of(pointer) if source is not None else None

    def line_of(self, pointer: str) -> int | None:
        return self.locate(pointer)[2]

    def problem(self, level: Level, pointer: str, message: str, **kw: Any) -> Problem:
        """A problem at a pointer into `data`, reported where it is in the user's files."""
        file, in_file, line = self.locate(pointer)
        return Problem(level, in_file, message, file, line, **kw)

    def source_problem(self, level: Level, pointer: str, message: str, **kw: Any) -> Problem:
        """A problem at a pointer into `source_data` (what the validator sees)."""
        file, in_file, line = self.locate(pointer, converted=False)
        return Problem(level, in_file, message, file, line, **kw)


def read_source(path: Path, key: str) -> Source:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise refused(f"cannot read spec: {exc.strerror}", key) from None
    return parse_source(raw, key, str(path.resolve()))


def parse_source(raw: bytes, key: str, location: str) -> Source:
    if len(raw) > MAX_BYTES:
        raise refused(f"spec is larger than {MAX_BYTES} bytes", key)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refused(f"spec is not UTF-8 ({exc.reason} at byte {exc.start})", key) from None
    try:
        data = _parse(text, key)
    except RecursionError:
        raise refused("spec nests too deeply to parse; refused", key) from None
    check_shape(data, key)
    return Source(key, text, data, location)


def _parse(text: str, name: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise refused(f"invalid JSON: {exc.msg}", name, exc.lineno) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            problem += f" ({context} at line {context_mark.line + 1})"
        raise refused(f"invalid YAML: {problem}", name, line) from None


def _line_map(text: str) -> dict[str, int]:
    """Map every JSON pointer in a file to its line, from the YAML node tree.

    JSON is a subset of YAML, so one composer serves both formats. Built only when a problem
    needs a line number.
    """
    try:
        root = yaml.compose(text, Loader=_Base)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if node is None or pointer.count("/") > MAX_DEPTH:  # aliases can make cycles
            continue
        lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = pointer_join("", str(key.value))
                lines[f"{pointer}{k}"] = key.start_mark.line + 1
                if value is not node:
                    stack.append((f"{pointer}{k}", value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                if value is not node:
                    stack.append((f"{pointer}/{i}", value))
    return lines
