"""Static descriptions of operations, emitted by the generator as module-level constants.

Generated methods hold no request logic: they pass one of these descriptions plus the call's
values to ``ClientCore.request``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from .types import RetryConfig

__all__ = [
    "Param",
    "Body",
    "ErrorSpec",
    "RetryPolicy",
    "Security",
    "StreamSpec",
    "Pagination",
    "Operation",
    "lazy_operation",
]

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
    token_url: str = ""  # oauth2: the client-credentials flow's token URL


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """How an operation's event stream is read, where it ends and how it resumes.

    ``cursor``: wire name of the event field that orders events (e.g. "sequence_number");
    events whose cursor is not past the last one seen are duplicates and dropped.
    ``terminal``: event types (the payload's ``type``) after which the stream is complete; when
    declared, a stream that ends before one of them counts as broken. ``sentinel``: a data
    value such as "[DONE]" that ends the stream. ``switch``: Python name of this operation's
    boolean query parameter that turns streaming on (set when resuming through it).

    Resume, when ``resume_param`` is set: after a break the stream sends ``resume`` (an
    operation, returned by a callable so it may live in any module; None means this same
    operation) with ``resume_param`` = the last cursor seen. ``id_field`` is a dotted path
    to the id of the resource in the events (e.g. "response.id"), passed to that operation's
    ``id_param``. At most ``max_attempts`` reconnections in a row without a new event; the
    first is immediate, the next wait ``initial_interval_ms`` doubling up to
    ``max_interval_ms`` (a ``retry:`` time sent by the server replaces the initial interval).
    """

    cursor: str | None = None
    terminal: frozenset[str] = frozenset()
    sentinel: str | None = None
    switch: str | None = None
    resume_param: str | None = None
    resume: Callable[[], Operation] | None = None
    id_field: str | None = None
    id_param: str | None = None
    max_attempts: int = 5
    initial_interval_ms: int = 500
    max_interval_ms: int = 8000


def lazy_operation(module: str, name: str, package: str | None = None) -> Callable[[], Operation]:
    """A reference to the operation ``name`` of another module, imported on first use (so
    modules that resume through each other can import in any order)."""

    def resolve() -> Operation:
        return getattr(importlib.import_module(module, package), name)

    return resolve


@dataclass(frozen=True, slots=True)
class Pagination:
    """Cursor pagination of a list operation.

    ``cursor_param``: Python name of the request parameter that takes the cursor (e.g.
    "after"). The other fields are wire names of response fields: ``items_field`` holds the
    page's items, ``cursor_field`` the cursor of the next page (None: the ``id`` of the last
    item; also used when a page says it has more but gives no cursor) and ``has_more_field``
    whether more pages follow (None: keep going until a page comes back empty or without a
    cursor).
    """

    cursor_param: str
    cursor_field: str | None = None
    items_field: str = "data"
    has_more_field: str | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """Everything the runtime needs to know about one operation.

    ``security``: the operation's security requirements, as in OpenAPI: alternatives (any one
    will do) of scheme names (all sent together), in spec order; ``((),)`` holds one empty
    alternative (anonymous access allowed), ``()`` means no auth, None means the SDK-wide
    requirements apply. The client sends the first alternative it has credentials for
    (``client.select_security``). ``stream`` describes how its event stream ends and resumes.
    """

    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    response: str | None = None
    event: str | None = None
    errors: tuple[ErrorSpec, ...] = ()
    security: tuple[tuple[str, ...], ...] | None = None
    timeout_ms: int | None = None
    retries: RetryConfig | None = None
    stream: StreamSpec | None = None
    pagination: Pagination | None = None
    # the Accept header of an operation whose success body is a file or text, returned
    # unread as a (Async)Download
    download: str | None = None
    # the operation answers with a redirect (3xx, no 2xx declared): a 3xx is its result
    redirect: bool = False
    # the Accept header of a JSON operation whose media type is not application/json
    # (application/vnd.api+json, */*)
    accept: str | None = None
