"""Unions told apart by a tag: validated straight to the member the tag names.

pydantic validates a union that has no discriminator by trying its members; in its default
("smart") mode it tries all of them, so a 24-member union of conversation items costs tens of
microseconds per item. Specs often leave the discriminator out on purpose: two members share a
tag (an input and an output `message`), which OpenAPI's discriminator cannot express.

This pass finds, in the module datamodel-code-generator wrote, every union whose object members
each carry a constant property (a closed `Literal`, from `const` or a one-value `enum`) under
one shared key, and wraps it as ``Annotated[A | B | ..., tag_dispatch(key, table)]``. The
runtime's ``tag_dispatch`` (``_runtime/model.py``) builds pydantic's tagged union from it:
the tag picks the member; members that share a tag are tried in turn, the one with more
required fields first (the narrower); members that are not objects (a string, an array)
take the input that is not an object. Unknown tags fail validation as before, so responses
still go through the runtime's tolerance path.

Only the module's own source is read: which members are classes, their fields and bases.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from ..ir.text import literal
from .source_lines import source_lines

# Annotation names that stand for JSON scalars (never a JSON object).
_SCALAR_NAMES = frozenset(
    {"str", "int", "float", "bool", "bytes", "None", "AwareDatetime", "NaiveDatetime", "datetime",
     "date", "time", "timedelta", "UUID", "Decimal", "StrictStr", "StrictInt", "StrictFloat", "StrictBool"}
)
_ARRAY_NAMES = frozenset({"list", "set", "frozenset", "tuple", "List", "Set", "Tuple", "FrozenSet"})
# Bases that make a class a plain object model (fields only from the class and local bases).
_MODEL_BASES = frozenset({"BaseModel", "CursorPage"})
_PREFERRED_KEY = "type"


@dataclass
class _Field:
    attr: str
    key: str  # the JSON name (alias when there is one)
    values: tuple[Any, ...] | None  # a closed Literal's values, else None
    required: bool


@dataclass
class _Class:
    fields: dict[str, _Field] = field(default_factory=dict)  # by attribute name, bases first
    is_object: bool = True  # False for RootModel and anything not built on a model base


def add_tag_dispatch(source: str, runtime_module: str) -> str:
    """``source`` with every qualifying union wrapped in ``tag_dispatch``; unchanged when none
    qualifies. ``runtime_module`` is the dotted name of the runtime's model module."""
    changed = False
    while True:  # one pass per nesting level: a union inside a member of another one
        tree = ast.parse(source)
        classes, aliases = _classes(tree), _aliases(tree)
        segment = _Segments(source)
        edits: list[tuple[int, int, int, int, str]] = []
        for node, parent in _walk_with_parent(tree):
            if not _is_union(node) or _is_union(parent) or _already_discriminated(node, parent):
                continue
            text = _rewrite(node, segment, classes, aliases)
            if text is not None:
                edits.append((node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0, text))
        edits = [e for e in edits if not any(o is not e and _inside(o, e) for o in edits)]
        if not edits:
            return _add_imports(source, runtime_module) if changed else source
        source, changed = _apply(source, edits), True


class _Segments:
    """``ast.get_source_segment`` for many nodes of one source: it splits the whole source on
    every call, which made this pass quadratic in the module's size."""

    def __init__(self, source: str) -> None:
        self._lines = [line.encode() for line in source_lines(source)]

    def __call__(self, node: ast.expr) -> str:
        # ast offsets are in UTF-8 bytes; lines are 1-based
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        start, end = node.col_offset, node.end_col_offset or 0
        if first == last:
            return self._lines[first][start:end].decode()
        parts = [self._lines[first][start:], *self._lines[first + 1:last], self._lines[last][:end]]
        return b"".join(parts).decode()


def _inside(inner: tuple[int, int, int, int, str], outer: tuple[int, int, int, int, str]) -> bool:
    return outer[:2] <= inner[:2] and inner[2:4] <= outer[2:4]


# --- what the module defines ------------------------------------------------------------------


def _classes(tree: ast.Module) -> dict[str, _Class]:
    out: dict[str, _Class] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        info = _Class()
        for base in node.bases:
            name = base.id if isinstance(base, ast.Name) else None
            if name in out:
                parent = out[name]
                info.is_object = info.is_object and parent.is_object
                info.fields.update(parent.fields)
            elif name not in _MODEL_BASES:
                info.is_object = False  # RootModel[...] and anything unknown
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                attr = stmt.target.id
                values, alias = _literal_and_alias(stmt.annotation)
                info.fields[attr] = _Field(attr, alias or attr, values, stmt.value is None)
        out[node.name] = info
    return out


def _aliases(tree: ast.Module) -> dict[str, ast.expr]:
    """Type aliases (``X = TypeAliasType("X", value)``) by name."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "TypeAliasType"
            and len(node.value.args) == 2
        ):
            out[node.targets[0].id] = node.value.args[1]
    return out


def _literal_and_alias(annotation: ast.expr) -> tuple[tuple[Any, ...] | None, str | None]:
    """(values of a closed ``Literal[...]``, the field's alias) of a field annotation."""
    alias: str | None = None
    if _subscript_of(annotation, "Annotated"):
        parts = _slice_items(annotation)  # type: ignore[arg-type]
        for meta in parts[1:]:
            if isinstance(meta, ast.Call):
                for kw in meta.keywords:
                    if kw.arg == "alias" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        alias = kw.value.value
        annotation = parts[0]
    if not _subscript_of(annotation, "Literal"):
        return None, alias
    values = []
    for item in _slice_items(annotation):  # type: ignore[arg-type]
        if not isinstance(item, ast.Constant):
            return None, alias
        values.append(item.value)
    return tuple(values), alias


# --- finding unions ---------------------------------------------------------------------------


def _walk_with_parent(tree: ast.AST) -> list[tuple[ast.AST, ast.AST | None]]:
    out: list[tuple[ast.AST, ast.AST | None]] = []
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        out.append((node, parent))
        stack.extend((child, node) for child in ast.iter_child_nodes(node))
    return out


def _is_union(node: ast.AST | None) -> TypeGuard[ast.BinOp]:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)


def _members(node: ast.expr) -> list[ast.expr]:
    if _is_union(node):
        return _members(node.left) + _members(node.right)
    return [node]


def _already_discriminated(node: ast.AST, parent: ast.AST | None) -> bool:
    """The union is the first argument of ``Annotated[..., Field(discriminator=...)]`` or of
    ``Annotated[..., tag_dispatch(...)]``."""
    if not isinstance(parent, ast.Tuple) or not parent.elts or parent.elts[0] is not node:
        return False
    return any(
        isinstance(meta, ast.Call)
        and (
            any(kw.arg == "discriminator" for kw in meta.keywords)
            or (isinstance(meta.func, ast.Name) and meta.func.id == "tag_dispatch")
        )
        for meta in parent.elts[1:]
    )


def _subscript_of(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name


def _slice_items(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _kind(node: ast.expr, aliases: dict[str, ast.expr], depth: int = 0) -> str:
    """"scalar", "array" or "object" (anything that may be a JSON object, or unknown)."""
    if depth > 20:
        return "object"
    if isinstance(node, ast.Constant) and node.value is None:
        return "scalar"
    if isinstance(node, ast.Name):
        if node.id in _SCALAR_NAMES:
            return "scalar"
        if node.id in aliases:
            return _kind(aliases[node.id], aliases, depth + 1)
        return "object"
    if _subscript_of(node, "Literal"):
        return "scalar"
    if _subscript_of(node, "Annotated"):
        return _kind(_slice_items(node)[0], aliases, depth + 1)  # type: ignore[arg-type]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in _ARRAY_NAMES:
        return "array"
    if _is_union(node):
        kinds = {_kind(m, aliases, depth + 1) for m in _members(node)}
        return "object" if "object" in kinds else "array" if "array" in kinds else "scalar"
    return "object"


# --- the rewrite ------------------------------------------------------------------------------


def _rewrite(node: ast.BinOp, segment: _Segments, classes: dict[str, _Class], aliases: dict[str, ast.expr]) -> str | None:
    members = _members(node)
    nullable = any(_is_none(m) for m in members)
    members = [m for m in members if not _is_none(m)]
    tagged, others = _tagged(members, classes)
    if len(tagged) < 2 or len(set(tagged)) != len(tagged):
        return None
    if any(_kind(m, aliases) == "object" for m in others):
        return None  # an object that carries no tag: only trying it tells
    choice = _tag_key(tagged, classes)
    if choice is None:
        return None
    key, attr = choice
    table = _tag_table(tagged, classes, key)
    if len(table) < 2:
        return None  # one tag for all: nothing to dispatch on
    args = [literal(key), "{" + ", ".join(_entries(table, tagged, classes)) + "}"]
    if attr != key:
        args.append(f"attr={literal(attr)}")
    if others:
        args.append("fallback=True")
    union = " | ".join(segment(m) for m in members)
    text = f"Annotated[{union}, tag_dispatch({', '.join(args)})]"
    return f"{text} | None" if nullable else text


def _tagged(members: list[ast.expr], classes: dict[str, _Class]) -> tuple[list[str], list[ast.expr]]:
    """The members that are object models (by name), and the others."""
    tagged = [m.id for m in members if isinstance(m, ast.Name) and m.id in classes and classes[m.id].is_object]
    others = [m for m in members if not (isinstance(m, ast.Name) and m.id in tagged)]
    return tagged, others


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _tag_table(tagged: list[str], classes: dict[str, _Class], key: str) -> dict[Any, list[str]]:
    """Tag value -> the members that carry it, in member order."""
    table: dict[Any, list[str]] = {}
    for name in tagged:
        field = _tag_field(classes[name], key)
        for value in (field.values if field is not None else None) or ():
            table.setdefault(value, []).append(name)
    return table


def _entries(table: dict[Any, list[str]], tagged: list[str], classes: dict[str, _Class]) -> list[str]:
    """`"tag": "Model"` (or a tuple of models) for the dispatch table."""
    order = {name: i for i, name in enumerate(tagged)}
    entries = []
    for value, names in table.items():
        # Members sharing a tag: the narrower (more required fields) first, then spec order.
        names.sort(key=lambda n: (-_required(classes[n]), order[n]))
        target = literal(names[0]) if len(names) == 1 else "(" + ", ".join(literal(n) for n in names) + ")"
        entries.append(f"{literal(value)}: {target}")
    return entries


def _tag_field(info: _Class, key: str) -> _Field | None:
    for f in info.fields.values():
        if f.key == key:
            return f
    return None


def _tag_key(tagged: list[str], classes: dict[str, _Class]) -> tuple[str, str] | None:
    """The JSON key every tagged member holds a closed literal under (``type`` preferred, else
    the one with most distinct values, else the first in the first member's field order),
    with its attribute name; None when there is none or members name the attribute apart."""
    candidates: list[tuple[str, str]] = []
    first = classes[tagged[0]]
    for f in first.fields.values():
        if not _tag_values_ok(f.values):
            continue
        fields = [_tag_field(classes[n], f.key) for n in tagged]
        if all(g is not None and _tag_values_ok(g.values) and g.attr == f.attr for g in fields):
            candidates.append((f.key, f.attr))
    if not candidates:
        return None

    def distinct(candidate: tuple[str, str]) -> int:
        return len({v for n in tagged for v in (_tag_field(classes[n], candidate[0]).values or ())})  # type: ignore[union-attr]

    for candidate in candidates:
        if candidate[0] == _PREFERRED_KEY:
            return candidate
    best = max(distinct(c) for c in candidates)
    return next(c for c in candidates if distinct(c) == best)


def _tag_values_ok(values: tuple[Any, ...] | None) -> bool:
    # strings and integers only: a bool would be the same dict key as 1
    return bool(values) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values)  # type: ignore[union-attr]


def _required(info: _Class) -> int:
    return sum(1 for f in info.fields.values() if f.required)


def _apply(source: str, edits: list[tuple[int, int, int, int, str]]) -> str:
    """Replace spans given as (line, byte column) pairs, as ast reports them."""
    lines = source.encode().splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    data = source.encode()
    chunks: list[bytes] = []
    at = 0
    for line, col, end_line, end_col, text in sorted(edits):
        begin, end = starts[line - 1] + col, starts[end_line - 1] + end_col
        chunks += [data[at:begin], text.encode()]
        at = end
    chunks.append(data[at:])
    return b"".join(chunks).decode()


def _add_imports(source: str, runtime_module: str) -> str:
    """Import ``Annotated`` and ``tag_dispatch`` after ``from __future__ import annotations``."""
    tree = ast.parse(source)
    have_annotated = any(
        isinstance(n, ast.ImportFrom) and any(a.name == "Annotated" and a.asname is None for a in n.names)
        for n in tree.body
    )
    future = next(
        (n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"), None
    )
    lines = source_lines(source)
    at = future.end_lineno if future is not None and future.end_lineno is not None else 0
    added = ([] if have_annotated else ["from typing import Annotated\n"]) + [
        f"from {runtime_module} import tag_dispatch\n"
    ]
    return "".join(lines[:at] + added + lines[at:])
