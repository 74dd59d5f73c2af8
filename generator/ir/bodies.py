"""Request bodies: the arguments a body becomes and the runtime's `Body` descriptor."""

from __future__ import annotations

from typing import Any

from .. import naming
from ..problems import pointer_join
from . import examples, text
from .context import Context
from .model import Arg, BodyIR, MediaKind
from .parameters import Args, optional, param_doc
from .spec import pick_media

_FIELD_KINDS = (MediaKind.JSON, MediaKind.FORM, MediaKind.MULTIPART)
_FILE = "bytes | IO[bytes]"
_MULTIPART_FILE = "bytes | IO[bytes] | tuple[str, bytes | IO[bytes], str]"


def body(ctx: Context, op: dict[str, Any], ptr: str, model_ctx: str, args: Args, switch_wire: str) -> tuple[BodyIR | None, str | None]:
    """The operation's request body, its arguments added to `args`; and the body field that
    switches streaming on (named `switch_wire`, a boolean), if any."""
    raw = op.get("requestBody")
    if raw is None:
        return None, None
    b_ptr = pointer_join(ptr, "requestBody")
    spec_body = ctx.schemas.deref(raw, b_ptr)
    content = spec_body.get("content") if isinstance(spec_body.get("content"), dict) else {}
    if not content:
        return None, None
    media, kind = pick_media(content)
    media_obj = content[media] if isinstance(content[media], dict) else {}
    required = bool(spec_body.get("required"))
    schema = ctx.schemas.add(media_obj.get("schema", {}), pointer_join(b_ptr, "content", media, "schema"), model_ctx + "RequestBody")
    fields = object_fields(ctx, schema) if kind in _FIELD_KINDS else None
    first_required = len(args.required)
    if fields is None:
        ir, switch = _whole_body(ctx, spec_body, schema, media, kind, required, args), None
    else:
        ir, switch = _field_body(ctx, fields, media, kind, required, args, switch_wire)
    _examples(ctx, op, ir, {a.name for a in args.required[first_required:]}, args)
    return ir, switch


def _whole_body(ctx: Context, spec_body: dict[str, Any], schema: dict[str, Any], media: str, kind: MediaKind,
                required: bool, args: Args) -> BodyIR:
    """A body passed as one argument (`body`, or `content` for bytes)."""
    py = args.scope.claim("body" if kind is not MediaKind.BINARY else "content")
    annotation = ctx.schemas.annotation(schema, input_side=True)
    if kind is MediaKind.BINARY:
        annotation = "bytes | IO[bytes] | Iterator[bytes]"
    elif kind is MediaKind.TEXT:
        annotation = "str"
    doc = text.doc_lines(spec_body.get("description")) or ("The request body.",)
    args.add(Arg(py, annotation if required else optional(annotation), None if required else "None", doc), required)
    return BodyIR(media, kind, (), py, ())


def _field_body(ctx: Context, fields: list[tuple[str, Any, bool]], media: str, kind: MediaKind, required: bool,
                args: Args, switch_wire: str) -> tuple[BodyIR, str | None]:
    """A body built from one argument per property."""
    pairs: list[tuple[str, str]] = []
    nullable: list[str] = []
    switch: str | None = None
    for wire, prop_schema, prop_required in fields:
        py = args.scope.claim(naming.snake(wire))
        annotation = ctx.schemas.annotation(prop_schema, input_side=True)
        if kind is MediaKind.MULTIPART and "bytes" in annotation:
            annotation = annotation.replace(_FILE, _MULTIPART_FILE)
        if _field_arg(ctx, py, wire, prop_schema, annotation, prop_required and required, args):
            nullable.append(wire)
        pairs.append((wire, py))
        if wire == switch_wire and "bool" in annotation:
            switch = py
    return BodyIR(media, kind, tuple(pairs), None, tuple(nullable)), switch


def _field_arg(ctx: Context, py: str, wire: str, schema: Any, annotation: str, required: bool, args: Args) -> bool:
    """Add the argument of one body property; True when it may be sent as null (it defaults to
    NOT_GIVEN, so None means "send null")."""
    target = ctx.schemas.target(schema)
    doc = param_doc({"description": target.get("description") if "$ref" in schema else schema.get("description")}, target)
    if required:
        args.add(Arg(py, annotation, None, doc), True)
        return False
    if ctx.schemas.is_nullable(schema):
        args.add(Arg(py, optional(annotation) + " | NotGiven", "NOT_GIVEN", doc), False)
        return True
    args.add(Arg(py, optional(annotation), "None", doc), False)
    return False


def object_fields(ctx: Context, schema: dict[str, Any], depth: int = 0) -> list[tuple[str, Any, bool]] | None:
    """Properties of an object body (allOf parts merged): (wire name, schema, required), or
    None when it is not a plain object."""
    if depth > 10:
        return None
    target = ctx.schemas.target(schema)
    if any(k in target for k in ("anyOf", "oneOf")) or target.get("type") not in (None, "object"):
        return None
    fields = _all_of_fields(ctx, target, depth)
    if fields is None:
        return None
    props = target.get("properties")
    if not isinstance(props, dict):
        if not fields:
            return None
        props = {}
    required = set(target.get("required") or [])
    for wire, s in props.items():
        fields[str(wire)] = (s, str(wire) in required)
    for wire in required:
        if wire in fields:
            fields[wire] = (fields[wire][0], True)
    return [(w, s, r) for w, (s, r) in fields.items()] or None


def _all_of_fields(ctx: Context, target: dict[str, Any], depth: int) -> dict[str, tuple[Any, bool]] | None:
    fields: dict[str, tuple[Any, bool]] = {}
    for part in target.get("allOf") or []:
        sub = object_fields(ctx, part, depth + 1)
        if sub is None:
            return None
        for wire, s, req in sub:
            fields[wire] = (s, req)
    return fields


def _examples(ctx: Context, op: dict[str, Any], body_ir: BodyIR, required: set[str], args: Args) -> None:
    """Example arguments for a body: the spec's media example, else values for required fields."""
    spec_body = ctx.deref(op.get("requestBody"))
    content = spec_body.get("content") if isinstance(spec_body.get("content"), dict) else {}
    media = next(iter(content.values()), {}) if content else {}
    media = media if isinstance(media, dict) else {}
    found, example = examples.first_example(media)
    schema = media.get("schema", {})
    if not found:
        found, example = examples.first_example(ctx.deref(schema))
    if body_ir.single_arg is not None:
        value = example if found else examples.value_for(schema, ctx.deref)
        args.examples[body_ir.single_arg] = examples.python_source(value)
        return
    generated = examples.value_for(schema, ctx.deref)
    for wire, py in body_ir.fields:
        if found and isinstance(example, dict) and wire in example:
            args.examples[py] = examples.python_source(example[wire])
        elif py in required and isinstance(generated, dict) and wire in generated:
            args.examples[py] = examples.python_source(generated[wire])
