"""Unions told apart by a tag, on the expression trees of ``pydantic_models``: the rules of
``emit/unions.py`` (which rewrites datamodel-code-generator's text), applied before layout.

A union whose class members (at least two, all distinct) each hold a closed ``Literal`` under
one JSON key, and whose other members cannot be JSON objects, becomes
``Annotated[A | B | ..., tag_dispatch(key, {value: member, ...})]`` (``| None`` after it when
the union held ``None``). See ``unions.py`` for why and for the runtime side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .black_layout import Atom, Expr, Kw, Or, Sub
from .pydantic_types import literal_text

_SCALARS = frozenset(
    {"str", "int", "float", "bool", "bytes", "None", "AwareDatetime", "NaiveDatetime", "datetime",
     "date", "time", "timedelta", "UUID", "Decimal", "StrictStr", "StrictInt", "StrictFloat", "StrictBool"})
_ARRAYS = frozenset({"list", "set", "frozenset", "tuple", "List", "Set", "Tuple", "FrozenSet"})


class _ModelLike(Protocol):
    name: str
    bases: list[str]
    fields: list[dict[str, Any]]
    value: Expr | None


@dataclass
class _Field:
    attr: str
    key: str
    values: tuple[Any, ...] | None
    required: bool


@dataclass
class _Class:
    fields: dict[str, _Field] = field(default_factory=dict)
    is_object: bool = True


def add_tag_dispatch(models: list[Any]) -> bool:
    """Rewrite the annotations of ``models`` (in module order) in place; True when any changed."""
    classes = _classes(models)
    aliases = {m.name: m.value for m in models if m.value is not None}
    changed = False
    for m in models:
        if m.value is not None:
            m.value, hit = _rewrite(m.value, classes, aliases)
            aliases[m.name] = m.value
            changed = changed or hit
        for f in m.fields:
            f["annotation"], hit = _rewrite(f["annotation"], classes, aliases)
            changed = changed or hit
    return changed


def _classes(models: list[_ModelLike]) -> dict[str, _Class]:
    out: dict[str, _Class] = {}
    for m in models:
        if m.value is not None:
            continue
        info = _Class()
        for base in m.bases:
            if base in out:
                info.is_object = info.is_object and out[base].is_object
                info.fields.update(out[base].fields)
            elif base not in ("BaseModel", "CursorPage"):
                info.is_object = False
        for f in m.fields:
            info.fields[f["name"]] = _Field(f["name"], f["key"], f["values"], f["required"])
        out[m.name] = info
    return out


def _rewrite(e: Expr, classes: dict[str, _Class], aliases: dict[str, Any]) -> tuple[Expr, bool]:
    if isinstance(e, Or):
        new = _dispatch(e, classes, aliases)
        if new is not None:
            return new, True
        parts = [_rewrite(p, classes, aliases) for p in e.parts]
        return Or(tuple(p for p, _ in parts)), any(h for _, h in parts)
    if isinstance(e, Sub):
        if _discriminated(e):
            return e, False
        args = [_rewrite(a, classes, aliases) for a in e.args]
        return Sub(e.head, tuple(a for a, _ in args), e.brackets, e.magic), any(h for _, h in args)
    if isinstance(e, Kw):
        value, hit = _rewrite(e.value, classes, aliases)
        return Kw(e.name, value, e.sep), hit
    return e, False


def _discriminated(e: Sub) -> bool:
    """``Annotated[union, Field(discriminator=...)]``: left as it is."""
    if e.head != "Annotated" or not isinstance(e.args[0], Or):
        return False
    return any(isinstance(m, Sub) and m.head == "Field" and any(isinstance(k, Kw) and k.name == "discriminator" for k in m.args)
               for m in e.args[1:])


def _dispatch(e: Or, classes: dict[str, _Class], aliases: dict[str, Any]) -> Expr | None:
    nullable = Atom("None") in e.parts
    members = [m for m in e.parts if m != Atom("None")]
    tagged = [m.text for m in members if isinstance(m, Atom) and m.text in classes and classes[m.text].is_object]
    others = [m for m in members if not (isinstance(m, Atom) and m.text in tagged)]
    if len(tagged) < 2 or len(set(tagged)) != len(tagged):
        return None
    if any(_kind(m, aliases) == "object" for m in others):
        return None  # an object that carries no tag: only trying it tells
    choice = _tag_key(tagged, classes)
    table = _table(tagged, classes, choice[0]) if choice is not None else {}
    if choice is None or len(table) < 2:
        return None  # no shared tag, or one tag for all: nothing to dispatch on
    wrapped = Sub("Annotated", (Or(tuple(members)), _call(choice[0], choice[1], table, tagged, classes, bool(others))))
    return Or((wrapped, Atom("None"))) if nullable else wrapped


def _table(tagged: list[str], classes: dict[str, _Class], key: str) -> dict[Any, list[str]]:
    """Tag value -> the members that carry it, in union order."""
    table: dict[Any, list[str]] = {}
    for name in tagged:
        tag = _tag_field(classes[name], key)
        for value in (tag.values if tag is not None else None) or ():
            table.setdefault(value, []).append(name)
    return table


def _call(key: str, attr: str, table: dict[Any, list[str]], tagged: list[str], classes: dict[str, _Class],
          fallback: bool) -> Sub:
    order = {name: i for i, name in enumerate(tagged)}
    entries: list[Expr] = []
    for value, names in table.items():
        names.sort(key=lambda n: (-_required(classes[n]), order[n]))
        target: Expr = Atom(literal_text(names[0])) if len(names) == 1 else \
            Sub("", tuple(Atom(literal_text(n)) for n in names), "()")
        entries.append(Kw(literal_text(value), target, ": "))
    args: list[Expr] = [Atom(literal_text(key)), Sub("", tuple(entries), "{}")]
    if attr != key:
        args.append(Kw("attr", Atom(literal_text(attr))))
    if fallback:
        args.append(Kw("fallback", Atom("True")))
    return Sub("tag_dispatch", tuple(args), "()")


def _kind(e: Expr, aliases: dict[str, Any], depth: int = 0) -> str:
    if depth > 20:
        return "object"
    if isinstance(e, Atom):
        if e.text in _SCALARS:
            return "scalar"
        if e.text in aliases:
            return _kind(aliases[e.text], aliases, depth + 1)
        return "object"
    if isinstance(e, Sub):
        if e.head == "Literal":
            return "scalar"
        if e.head == "Annotated":
            return _kind(e.args[0], aliases, depth + 1)
        return "array" if e.head in _ARRAYS else "object"
    if isinstance(e, Or):
        kinds = {_kind(p, aliases, depth + 1) for p in e.parts}
        return "object" if "object" in kinds else "array" if "array" in kinds else "scalar"
    return "object"


def _tag_field(info: _Class, key: str) -> _Field | None:
    for f in info.fields.values():
        if f.key == key:
            return f
    return None


def _ok(values: tuple[Any, ...] | None) -> bool:
    return bool(values) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values or ())


def _tag_key(tagged: list[str], classes: dict[str, _Class]) -> tuple[str, str] | None:
    candidates: list[tuple[str, str]] = []
    for f in classes[tagged[0]].fields.values():
        if not _ok(f.values):
            continue
        others = [_tag_field(classes[n], f.key) for n in tagged]
        if all(g is not None and _ok(g.values) and g.attr == f.attr for g in others):
            candidates.append((f.key, f.attr))
    if not candidates:
        return None
    for c in candidates:
        if c[0] == "type":
            return c

    def distinct(c: tuple[str, str]) -> int:
        return len({v for n in tagged for v in (_tag_field(classes[n], c[0]).values or ())})  # type: ignore[union-attr]

    best = max(distinct(c) for c in candidates)
    return next(c for c in candidates if distinct(c) == best)


def _required(info: _Class) -> int:
    return sum(1 for f in info.fields.values() if f.required)
