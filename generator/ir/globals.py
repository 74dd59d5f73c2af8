"""SDK-wide parameter defaults ("globals"): parameters the SDK constructor takes for every call.

Rule: an optional header parameter declared by every operation (in a spec of two operations or
more), or an optional header, query or cookie parameter marked `x-sdkgen-global: true` (or
listed in Speakeasy's document-level `x-speakeasy-globals.parameters`). `x-sdkgen-global: false`
opts a parameter out. The constructor argument sets the parameter on every operation that
declares it, unless the call passes its own value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import naming
from . import text
from .context import Context, GlobalKey, global_key
from .model import GlobalIR, SecurityIR
from .parameters import IGNORED_HEADERS
from .spec import HTTP_METHODS, as_dict, quiet_deref

_LOCATIONS = ("header", "query", "cookie")


@dataclass(slots=True)
class _Candidates:
    flagged: dict[GlobalKey, None] = field(default_factory=dict)
    opted_out: set[GlobalKey] = field(default_factory=set)
    required: set[GlobalKey] = field(default_factory=set)
    seen: dict[GlobalKey, str] = field(default_factory=dict)  # key -> wire name as first written
    per_op: list[set[GlobalKey]] = field(default_factory=list)  # each operation's header keys

    def chosen(self) -> list[GlobalKey]:
        common = set.intersection(*self.per_op) if len(self.per_op) >= 2 else set()
        return [k for k in self.seen if (k in common or k in self.flagged) and k not in self.opted_out and k not in self.required]


def name_globals(ctx: Context, security: tuple[SecurityIR, ...]) -> None:
    """Choose the globals and name their constructor arguments (`ctx.globals`)."""
    found = _Candidates()
    _speakeasy_globals(ctx.data, found)
    for item, op in _operations(ctx.data):
        found.per_op.append(_operation_keys(ctx.data, item, op, found))
    scope = naming.Scope(set(naming.SDK_OPTIONS) | {s.arg for s in security})
    for key in found.chosen():
        ctx.globals.names[key] = scope.claim(naming.snake(found.seen[key]))
        ctx.globals.wire[key] = found.seen[key]


def _speakeasy_globals(data: dict[str, Any], found: _Candidates) -> None:
    speakeasy = data.get("x-speakeasy-globals")
    for raw in (speakeasy.get("parameters") or []) if isinstance(speakeasy, dict) else []:
        param = quiet_deref(data, raw)
        if isinstance(param.get("name"), str) and param.get("in") in _LOCATIONS:
            key = global_key(str(param["in"]), param["name"])
            found.flagged.setdefault(key)
            found.seen.setdefault(key, param["name"])


def _operations(data: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for item in as_dict(data.get("paths")).values():
        item = quiet_deref(data, item)
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield item, op


def _operation_keys(data: dict[str, Any], item: dict[str, Any], op: dict[str, Any], found: _Candidates) -> set[GlobalKey]:
    keys: set[GlobalKey] = set()
    for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
        param = quiet_deref(data, raw)
        wire, location = param.get("name"), param.get("in")
        if not isinstance(wire, str) or location not in _LOCATIONS:
            continue
        if location == "header" and wire.lower() in IGNORED_HEADERS | {"idempotency-key"}:
            continue
        key = global_key(location, wire)
        _note(found, key, wire, param)
        if location == "header":
            keys.add(key)
    return keys


def _note(found: _Candidates, key: GlobalKey, wire: str, param: dict[str, Any]) -> None:
    found.seen.setdefault(key, wire)
    if param.get("required"):
        found.required.add(key)
    flag = param.get("x-sdkgen-global")
    if flag is True:
        found.flagged.setdefault(key)
    elif flag is False:
        found.opted_out.add(key)


def global_irs(ctx: Context) -> tuple[GlobalIR, ...]:
    """The globals some operation declared (in the order they were chosen)."""
    g = ctx.globals
    return tuple(GlobalIR(name, g.info[key][0], key, g.info[key][1], text.code_span(g.wire[key]))
                 for key, name in g.names.items() if key in g.info)
