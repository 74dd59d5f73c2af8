"""IR values as Python source: the one place that turns a typed IR value into code.

Registered as the templates' `py` filter (`{{ op.retries | py }}`), plus `body_value` for the
value a method passes as `body=`. Spec text only ever becomes a literal (`text.literal`: repr).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from ..ir import text
from ..ir.model import BodyIR, OperationIR, OperationRef, PaginationIR, RetryIR, ServerIR, StreamIR


def python(value: Any) -> str:
    """Python source of an IR value: None, a scalar, a tuple of them, an enum member (its value)
    or one of the IR's descriptors (`Body(...)`, `RetryConfig(...)`, `StreamSpec(...)`, ...)."""
    render = _RENDERERS.get(type(value))
    if render is not None:
        return render(value)
    if isinstance(value, Enum):
        return text.literal(value.value)
    return text.literal(value)


def body_value(body: BodyIR | None) -> str:
    """The value a method passes as `body=`: its one body argument, or a dict of wire names to
    the arguments the body is built from, or None."""
    if body is None:
        return "None"
    if body.single_arg:
        return body.single_arg
    return "{" + "".join(f"{text.literal(wire)}: {py}, " for wire, py in body.fields) + "}"


def stream_value(op: OperationIR) -> str:
    """What a method passes as `stream=`: its switch argument, True when it always streams,
    else None (it cannot stream)."""
    if op.stream_switch:
        return op.stream_switch
    return "True" if op.always_streams else "None"


def _call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


def _keywords(pairs: list[tuple[str, Any]]) -> list[str]:
    """`key=value` for the pairs whose value is not None."""
    return [f"{key}={value}" for key, value in pairs if value is not None]


def _body(body: BodyIR) -> str:
    nullable = ""
    if body.nullable:
        nullable = ", nullable=frozenset({" + "".join(f"{text.literal(n)}, " for n in body.nullable) + "})"
    return f"Body({text.literal(body.media_type)}, {python(body.kind)}{nullable})"


def _retries(retries: RetryIR) -> str:
    if retries.none or retries.backoff is None:
        return "RetryConfig.none()"
    b = retries.backoff
    backoff = _call("BackoffStrategy", [f"initial_interval_ms={b.initial_interval_ms!r}", f"max_interval_ms={b.max_interval_ms!r}",
                                        f"exponent={b.exponent!r}", f"max_elapsed_ms={b.max_elapsed_ms!r}"])
    return _call("RetryConfig", [f"backoff={backoff}", f"retry_connection_errors={retries.retry_connection_errors!r}",
                                 f"status_codes={text.literal(retries.status_codes)}"])


def _pagination(page: PaginationIR) -> str:
    return _call("Pagination", _keywords([
        ("cursor_param", text.literal(page.cursor_param)),
        ("cursor_field", text.literal(page.cursor_field) if page.cursor_field else None),
        ("items_field", text.literal(page.items_field)),
        ("has_more_field", text.literal(page.has_more_field) if page.has_more_field else None),
    ]))


def _operation_ref(ref: OperationRef) -> str:
    if ref.module is None:
        return f"lambda: {ref.const}"
    return f"lazy_operation({text.literal('.' + ref.module)}, {text.literal(ref.const)}, __package__)"


def _optional_literal(value: str | None) -> str | None:
    return None if value is None else text.literal(value)


def _stream(stream: StreamIR) -> str:
    terminal = None
    if stream.terminal is not None:
        terminal = "frozenset({" + ", ".join(text.literal(t) for t in stream.terminal) + "})"
    return _call("StreamSpec", _keywords([
        ("cursor", _optional_literal(stream.cursor)),
        ("terminal", terminal),
        ("sentinel", _optional_literal(stream.sentinel)),
        ("switch", _optional_literal(stream.switch)),
        ("resume_param", _optional_literal(stream.resume_param)),
        ("resume", _operation_ref(stream.resume) if stream.resume else None),
        ("id_field", _optional_literal(stream.id_field)),
        ("id_param", _optional_literal(stream.id_param)),
        ("max_attempts", stream.max_attempts),
        ("initial_interval_ms", stream.initial_interval_ms),
        ("max_interval_ms", stream.max_interval_ms),
    ]))


def _server(server: ServerIR) -> str:
    variables = ", ".join(f"{text.literal(name)}: ({text.literal(default)}, {text.literal(allowed)})"
                          for name, default, allowed in server.variables)
    return f"({text.literal(server.url)}, {{{variables}}})"


def servers(templates: tuple[ServerIR, ...]) -> str:
    """The servers' URL templates with their variables, as a tuple."""
    return f"({', '.join(_server(s) for s in templates)},)"


_RENDERERS: dict[type, Callable[[Any], str]] = {
    BodyIR: _body,
    RetryIR: _retries,
    PaginationIR: _pagination,
    StreamIR: _stream,
    OperationRef: _operation_ref,
    ServerIR: _server,
}

FILTERS: dict[str, Callable[[Any], str]] = {"py": python, "body_value": body_value, "servers": servers,
                                            "stream_value": stream_value}
