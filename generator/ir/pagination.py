"""Cursor pagination: the runtime's `Pagination` descriptor of an operation.

Declared by `x-sdkgen-pagination: {type: cursor, cursor_param, cursor_field, has_more_field,
items_field}` or Speakeasy's `x-speakeasy-pagination` (`inputs` with a cursor parameter,
`outputs.nextCursor` / `outputs.results` as `$.field`); recognised without either on a GET with
an `after` query parameter whose JSON response has `data` (an array), `has_more` and `last_id`.
"""

from __future__ import annotations

from typing import Any

from ..problems import Finding, pointer_join
from .bodies import object_fields
from .context import Context
from .model import Location, PaginationIR, ParamIR
from .schemas import SCHEMA_PREFIX
from .spec import as_dict, as_list, ext, json_path_field


class _Skip(Exception):
    """The declaration cannot work; the message says why."""


# (cursor_param, cursor_field, has_more_field, items_field) as declared
_Declared = tuple[str, str | None, str | None, str]
_CONVENTION: _Declared = ("after", "last_id", "has_more", "data")


def pagination(ctx: Context, op: dict[str, Any], ptr: str, method: str, params: list[ParamIR],
               response_name: str | None) -> PaginationIR | None:
    """The operation's pagination, or None (a declaration that cannot work is reported)."""
    cfg = ext(op, "pagination")
    query = {p.wire: p.py_name for p in params if p.location is not Location.PATH}
    fields = _response_fields(ctx, response_name)
    try:
        declared = _convention(ctx, method, query, fields) if cfg is None else _declared(cfg)
        if declared is None:
            return None
        return _checked(ctx, declared, query, fields, response_name)
    except _Skip as exc:
        e_ptr = pointer_join(ptr, "x-sdkgen-pagination" if "x-sdkgen-pagination" in op else "x-speakeasy-pagination")
        ctx.report(Finding.UNSUPPORTED, e_ptr, f"{exc}; the method returns single pages")
        return None


def _response_fields(ctx: Context, response_name: str | None) -> dict[str, Any]:
    if not response_name:
        return {}
    return {w: s for w, s, _ in object_fields(ctx, {"$ref": SCHEMA_PREFIX + response_name}) or []}


def _convention(ctx: Context, method: str, query: dict[str, str], fields: dict[str, Any]) -> _Declared | None:
    if method != "get" or "after" not in query or not {"data", "has_more", "last_id"} <= set(fields):
        return None
    if ctx.schemas.target(fields["data"]).get("type") != "array":
        return None
    return _CONVENTION


def _declared(cfg: Any) -> _Declared:
    if not isinstance(cfg, dict):
        raise _Skip("pagination must be an object")
    if str(cfg.get("type") or "cursor") != "cursor":
        raise _Skip(f"pagination type {cfg.get('type')!r} is not supported (only 'cursor')")
    if "inputs" in cfg or "outputs" in cfg:
        return _speakeasy(cfg)
    cursor_param, cursor_field = cfg.get("cursor_param"), cfg.get("cursor_field")
    has_more, items = cfg.get("has_more_field"), cfg.get("items_field", "data")
    if not all(isinstance(v, str) or v is None for v in (cursor_param, cursor_field, has_more, items)) or not cursor_param or not items:
        raise _Skip("pagination needs `cursor_param` and `items_field` (strings)")
    return cursor_param, cursor_field, has_more, items


def _speakeasy(cfg: dict[str, Any]) -> _Declared:
    inputs = as_list(cfg.get("inputs"))
    cursor_param = next((str(i.get("name")) for i in inputs if isinstance(i, dict) and i.get("type") == "cursor"), None)
    outputs = as_dict(cfg.get("outputs"))
    cursor_field, items = json_path_field(outputs.get("nextCursor")), json_path_field(outputs.get("results"))
    if cursor_param is None or items is None:
        raise _Skip("pagination needs an input of type 'cursor' and outputs.results as `$.field`")
    return cursor_param, cursor_field, None, items


def _checked(ctx: Context, declared: _Declared, query: dict[str, str], fields: dict[str, Any],
             response_name: str | None) -> PaginationIR:
    cursor_param, cursor_field, has_more, items = declared
    py_param = query.get(cursor_param)
    if py_param is None:
        raise _Skip(f"pagination cursor_param {cursor_param!r} is not a query, header or cookie parameter of the operation")
    if response_name is None or not fields:
        raise _Skip("a paginated operation needs a JSON object response")
    for label, field in (("items_field", items), ("cursor_field", cursor_field), ("has_more_field", has_more)):
        if field is not None and field not in fields:
            raise _Skip(f"pagination {label} {field!r} is not a property of the response {response_name}")
    ctx.page_models.setdefault(response_name)
    return PaginationIR(py_param, items, cursor_field or None, has_more or None)
