"""Static descriptions of operations, emitted by the generator as module-level constants.

Generated methods hold no request logic: they pass one of these descriptions plus the call's
values to ``ClientCore.request``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .types import RetryConfig

__all__ = ["Param", "Body", "ErrorSpec", "RetryPolicy", "Security", "Operation"]

# The spec-level retry policy has exactly the shape of the user-facing config.
RetryPolicy = RetryConfig


@dataclass(frozen=True, slots=True)
class Param:
    """A path, query, header or cookie parameter with its OpenAPI serialization style."""

    py_name: str
    wire_name: str
    location: str  # "path" | "query" | "header" | "cookie"
    style: str  # "simple" | "form" | "label" | "matrix" | "spaceDelimited" | "pipeDelimited" | "deepObject"
    explode: bool


@dataclass(frozen=True, slots=True)
class Body:
    """How the request body is encoded.

    kind: "json", "form" (urlencoded from a dict), "multipart" (dict of fields; files are
    file-like objects or ``(filename, file_or_bytes[, content_type])`` tuples),
    "binary" (bytes, file-like or iterator of bytes) or "text".

    nullable: wire names of the top-level fields that may be sent as JSON ``null``. When the
    body is a dict built from keyword arguments, a ``None`` under any other key means "left
    out" and is dropped; ``NOT_GIVEN`` is always dropped.
    """

    media_type: str
    kind: str
    nullable: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """A declared error response: status ("404", "4XX" or "default"), the model name of its
    body (or None) and the name of the exception class in the generated errors module."""

    status: str
    model: str | None
    error_class: str


@dataclass(frozen=True, slots=True)
class Security:
    """A security scheme from ``components.securitySchemes``.

    type "http" uses scheme "bearer" or "basic"; "apiKey" uses location (header, query or
    cookie) and param_name; "oauth2" and "openIdConnect" are sent as bearer tokens.
    """

    name: str
    type: str
    scheme: str = ""
    location: str = ""
    param_name: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """Everything the runtime needs to know about one operation.

    ``security``: None means the SDK-wide schemes apply, ``()`` means none, otherwise the
    names of the schemes to send. ``stream_sentinel`` is a data value (e.g. "[DONE]") that
    ends an event stream.
    """

    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    response: str | None = None
    event: str | None = None
    errors: tuple[ErrorSpec, ...] = ()
    security: tuple[str, ...] | None = None
    timeout_ms: int | None = None
    retries: RetryConfig | None = None
    stream_sentinel: str | None = None
