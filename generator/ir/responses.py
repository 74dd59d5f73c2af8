"""Responses: the result model, the event model of a stream, declared errors and their classes."""

from __future__ import annotations

from typing import Any

from .. import naming
from ..problems import pointer_join
from . import text
from .context import Context
from .model import ErrorClassIR, ErrorIR
from .spec import JSON, as_dict

STATUS_CLASSES = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}


def _responses(op: dict[str, Any]) -> dict[str, Any]:
    # YAML reads `200:` as an integer key; status codes are strings from here on
    return {str(k): v for k, v in as_dict(op.get("responses")).items()}


def _chosen(responses: dict[str, Any]) -> str | None:
    """The status whose body is the result: the first 2xx, else `default` when no 4xx/5xx is declared."""
    success = sorted(s for s in responses if s.startswith("2"))
    if success:
        return success[0]
    if "default" in responses and not any(s[0] in "45" for s in responses if s != "default"):
        return "default"
    return None


def responses(ctx: Context, op: dict[str, Any], ptr: str, model_ctx: str) -> tuple[str | None, str | None, tuple[ErrorIR, ...]]:
    """The result model, the event model (None when there is none) and the declared errors."""
    declared = _responses(op)
    chosen = _chosen(declared)
    response_name = event_name = None
    if chosen is not None:
        response_name, event_name = _success(ctx, declared[chosen], pointer_join(ptr, "responses", chosen), model_ctx)
    errors = tuple(_error(ctx, status, resp, pointer_join(ptr, "responses", status), model_ctx)
                   for status, resp in declared.items()
                   if not (status.startswith(("1", "2", "3")) or (status == "default" and chosen == "default")))
    return response_name, event_name, errors


def _success(ctx: Context, raw: Any, r_ptr: str, model_ctx: str) -> tuple[str | None, str | None]:
    response_name = event_name = None
    resp = ctx.schemas.deref(raw, r_ptr)
    for media, media_obj in as_dict(resp.get("content")).items():
        m_ptr = pointer_join(r_ptr, "content", media, "schema")
        schema = media_obj.get("schema") if isinstance(media_obj, dict) else None
        if str(media).startswith("text/event-stream"):
            event_name = _event_model(ctx, schema or {}, m_ptr, model_ctx)
        elif JSON.match(str(media)) and response_name is None:
            response_name = named(ctx, schema if schema is not None else {}, m_ptr, model_ctx + "Response")  # None: JSON of any shape
    return response_name, event_name


def _error(ctx: Context, status: str, raw: Any, r_ptr: str, model_ctx: str) -> ErrorIR:
    resp = ctx.schemas.deref(raw, r_ptr)
    model = None
    for media, media_obj in as_dict(resp.get("content")).items():
        if JSON.match(str(media)) and isinstance(media_obj, dict) and media_obj.get("schema") is not None:
            model = named(ctx, media_obj["schema"], pointer_join(r_ptr, "content", media, "schema"),
                          model_ctx + naming.pascal(status) + "Error")
            break
    if model is None:
        return ErrorIR(status, None, status_base(status))
    cls = _error_class(ctx, model, status, resp)
    _note_error_status(ctx, model, status)
    return ErrorIR(status, model, cls)


def named(ctx: Context, schema: Any, ptr: str, context: str) -> str:
    """The model name of a schema: its component's, or a new one named after `context`."""
    normal = ctx.schemas.add(schema, ptr, context)
    name = ctx.schemas.ref_name(normal)
    if name is None:
        name = ctx.schemas.scope.claim(naming.model_name(context))
        ctx.schemas.schemas[name] = normal
    return name


def _event_model(ctx: Context, schema: Any, ptr: str, model_ctx: str) -> str:
    raw = ctx.schemas.deref(schema, ptr) if isinstance(schema, dict) else {}
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    # Speakeasy's convention describes the SSE frame ({event, data, id, retry}); the event
    # payload users want is `data`.
    if props and "data" in props and set(props) <= {"event", "data", "id", "retry"}:
        return named(ctx, props["data"], pointer_join(ptr, "properties", "data"), model_ctx + "Event")
    return named(ctx, schema, ptr, model_ctx + "Event")


def _error_class(ctx: Context, model: str, status: str, resp: dict[str, Any]) -> str:
    if model in ctx.error_classes:
        return ctx.error_classes[model].class_name
    name = ctx.error_scope.claim(naming.error_class(model))
    doc = text.doc_lines(resp.get("description")) or (f"Raised when the API answers with a {model} body.",)
    ctx.error_classes[model] = ErrorClassIR(name, status_base(status), model, doc)
    return name


def _note_error_status(ctx: Context, model: str, status: str) -> None:
    """A model used for errors of different kinds gets the common base, SDKError."""
    current = ctx.error_classes[model]
    if current.base != status_base(status):
        ctx.error_classes[model] = ErrorClassIR(current.class_name, "SDKError", model,
                                                text.doc_lines(f"Raised when the API answers with a {model} body."))


def status_base(status: str) -> str:
    return STATUS_CLASSES.get(status, "InternalServerError" if status.startswith("5") else "SDKError")


def _success_media(ctx: Context, op: dict[str, Any], ptr: str) -> list[tuple[dict[str, Any], list[str]]]:
    """(content, media types) of each 2xx response, in status order."""
    declared = _responses(op)
    out = []
    for status in sorted(s for s in declared if s.startswith("2")):
        resp = ctx.schemas.deref(declared[status], pointer_join(ptr, "responses", status))
        content = as_dict(resp.get("content")) if isinstance(resp, dict) else {}
        out.append((content, [str(m) for m in content]))
    return out


def json_accept(ctx: Context, op: dict[str, Any], ptr: str) -> str | None:
    """The Accept header of a JSON operation whose success media types do not include
    application/json (None when they do)."""
    media: list[str] = []
    for _, types in _success_media(ctx, op, ptr):
        media += [m for m in types if JSON.match(m) and m not in media]
    if not media or any(m.split(";")[0].strip() == "application/json" for m in media):
        return None
    return ", ".join(media)


def download_media(ctx: Context, op: dict[str, Any], ptr: str) -> str | None:
    """The Accept header of an operation whose success body is a file or text (no JSON, no
    event stream), else None."""
    for content, types in _success_media(ctx, op, ptr):
        media = [m for m in types if not m.startswith("text/event-stream")]
        if media and not any(JSON.match(m) for m in media) and len(media) == len(content):
            return ", ".join(media)
    return None


def has_json_success(op: dict[str, Any]) -> bool:
    for status, resp in as_dict(op.get("responses")).items():
        if str(status).startswith("2") and isinstance(resp, dict):
            if any(JSON.match(str(media)) for media in (resp.get("content") or {})):
                return True
    return False


def redirect(op: dict[str, Any]) -> bool:
    """The declared outcome is a 3xx redirect (no 2xx)."""
    statuses = [str(s) for s in (op.get("responses") or {})] if isinstance(op.get("responses"), dict) else []
    return not any(s.startswith("2") for s in statuses) and any(s.startswith("3") for s in statuses)
