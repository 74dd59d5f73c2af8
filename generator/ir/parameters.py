"""Parameters of an operation: its keyword arguments and the runtime's `Param` descriptors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import naming
from ..problems import Finding, pointer_join
from . import examples, text
from .context import Context, global_key
from .model import Arg, Location, ParamIR
from .schemas import UNRESOLVED
from .spec import scalar

IGNORED_HEADERS = frozenset({"authorization", "accept", "content-type"})
DEFAULT_STYLE = {Location.PATH: "simple", Location.QUERY: "form", Location.HEADER: "simple", Location.COOKIE: "form"}


class Drop(Exception):
    """This operation cannot be generated faithfully."""


@dataclass(slots=True)
class Args:
    """The arguments of one method as they are collected, in order."""

    scope: naming.Scope = field(default_factory=naming.argument_scope)
    required: list[Arg] = field(default_factory=list)
    optional: list[Arg] = field(default_factory=list)
    params: list[ParamIR] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)  # argument -> Python source of an example value

    def add(self, arg: Arg, required: bool) -> None:
        (self.required if required else self.optional).append(arg)

    @property
    def all(self) -> list[Arg]:
        return self.required + self.optional


def merged(ctx: Context, item: dict[str, Any], op: dict[str, Any], ptr: str) -> list[tuple[str, dict[str, Any]]]:
    """The path item's and the operation's parameters (the operation's win), with pointers; a
    parameter described by `content` takes the schema of its first media type."""
    out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    item_ptr = ptr.rsplit("/", 1)[0]
    for base, params in ((pointer_join(item_ptr, "parameters"), item.get("parameters")), (pointer_join(ptr, "parameters"), op.get("parameters"))):
        for i, raw in enumerate(params or []):
            p_ptr = pointer_join(base, i)
            param = ctx.schemas.deref(raw, p_ptr)
            if "content" in param and "schema" not in param and isinstance(param["content"], dict):
                media = next(iter(param["content"].values()), {})
                param = {**param, "schema": media.get("schema", {}) if isinstance(media, dict) else {}}
            out[(str(param.get("name")), str(param.get("in")))] = (p_ptr, param)
    return list(out.values())


def add_parameters(ctx: Context, path: str, item: dict[str, Any], op: dict[str, Any], ptr: str, model_ctx: str,
                   args: Args, switch_wire: str) -> str | None:
    """Add the operation's parameters to `args`; the query parameter that switches streaming on
    (named `switch_wire`), if any."""
    switch = None
    for p_ptr, param in merged(ctx, item, op, ptr):
        py = _parameter(ctx, p_ptr, param, model_ctx, args)
        if py is not None and str(param.get("name")) == switch_wire and param.get("in") == "query":
            switch = py
    _undeclared_path_parameters(ctx, path, ptr, args)
    return switch


def _location(ctx: Context, p_ptr: str, param: dict[str, Any]) -> Location | None:
    """Where the parameter goes, None when it is left out; raises Drop when it is unusable."""
    wire = str(param.get("name") or "")
    location = str(param.get("in") or "")
    if location not in {loc.value for loc in Location} or not wire:
        if UNRESOLVED in param:  # a dangling $ref, reported when loading
            return None
        raise Drop(f"parameter at {p_ptr} has no valid name/in")
    if location == "header" and wire.lower() in IGNORED_HEADERS:
        ctx.report(Finding.IGNORED, p_ptr, f"header parameter {wire!r} is set by the SDK itself; not an argument")
        return None
    return Location(location)


def _parameter(ctx: Context, p_ptr: str, param: dict[str, Any], model_ctx: str, args: Args) -> str | None:
    location = _location(ctx, p_ptr, param)
    if location is None:
        return None
    wire = str(param["name"])
    schema = ctx.schemas.add(param.get("schema", {}), pointer_join(p_ptr, "schema"), model_ctx + naming.pascal(wire))
    py = args.scope.claim(naming.snake(wire))
    required = bool(param.get("required")) or location is Location.PATH
    annotation = ctx.schemas.annotation(schema, input_side=True)
    doc = _with_global(ctx, location, wire, required, annotation,
                       param_doc(param, ctx.schemas.target(schema) if "$ref" in schema else schema))
    args.add(Arg(py, annotation if required else optional(annotation), None if required else "None", doc), required)
    style = str(param.get("style") or DEFAULT_STYLE[location])
    explode = param.get("explode")
    args.params.append(ParamIR(py, wire, location, style, bool(explode) if explode is not None else style == "form"))
    _example(ctx, p_ptr, param, py, required, args)
    return py


def _with_global(ctx: Context, location: Location, wire: str, required: bool, annotation: str,
                 doc: tuple[str, ...]) -> tuple[str, ...]:
    """The argument's doc; an SDK-wide default (`ctx.globals`) is noted here and there."""
    key = global_key(location.value, wire)
    name = None if required else ctx.globals.names.get(key)
    if name is None:
        return doc
    ctx.globals.info.setdefault(key, (optional(annotation), doc))
    return doc + (f"Default: the `{name}` given to the SDK (`SDK({name}=...)`).",)


def _example(ctx: Context, p_ptr: str, param: dict[str, Any], py: str, required: bool, args: Args) -> None:
    has_example, example = examples.first_example(param)
    if not has_example:
        has_example, example = examples.first_example(ctx.schemas.deref(param.get("schema", {}), p_ptr))
    if required or has_example:
        value = example if has_example else examples.value_for(param.get("schema", {}), ctx.deref)
        args.examples[py] = examples.python_source(value)


def _undeclared_path_parameters(ctx: Context, path: str, ptr: str, args: Args) -> None:
    """A `{name}` in the path with no parameter declared: still a required argument (else the
    placeholder would be sent as is), and the spec is told."""
    declared = {p.wire for p in args.params}
    for placeholder in re.findall(r"{([^{}]+)}", path):
        if placeholder in declared:
            continue
        ctx.report(Finding.ASSUMED, ptr, f"path parameter {placeholder!r} is not declared; taken as a required string")
        py = args.scope.claim(naming.snake(placeholder))
        args.required.append(Arg(py, "str", None, ("Path parameter (not described by the spec).",)))
        args.params.append(ParamIR(py, placeholder, Location.PATH, "simple", False))
        declared.add(placeholder)


def optional(annotation: str) -> str:
    return annotation if annotation == "Any" or annotation.endswith("| None") else f"{annotation} | None"


_FACTS = (("minimum", "Minimum"), ("maximum", "Maximum"), ("minLength", "Min length"), ("maxLength", "Max length"))


def param_doc(param: dict[str, Any], schema: dict[str, Any]) -> tuple[str, ...]:
    """Doc lines of an argument: its description, then what its schema allows."""
    lines = list(text.doc_lines(param.get("description") or schema.get("description"), width=80))
    facts = _facts(schema) if isinstance(schema, dict) else []
    if facts:
        lines.extend(text.doc_lines(" ".join(facts), width=80))
    return tuple(lines) or ("See the API reference.",)


def _facts(schema: dict[str, Any]) -> list[str]:
    facts = []
    if "default" in schema and scalar(schema["default"]):
        facts.append(f"Server default: {text.literal(schema['default'])}.")
    for key, label in _FACTS:
        if key in schema and scalar(schema[key]):
            facts.append(f"{label}: {schema[key]!r}.")
    if isinstance(schema.get("pattern"), str):
        facts.append(f"Pattern: {schema['pattern']}")
    return facts
