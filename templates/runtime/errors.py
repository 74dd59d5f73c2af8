"""Exceptions raised by the SDK. Every failure a call can meet is one of these::

    SDKError                          any failed call; .status_code/.headers/.body/.raw_response
    ├── APIConnectionError            no usable response: DNS, refused, reset, TLS (status_code None)
    │   ├── APITimeoutError           timeout_ms or deadline_ms expired
    │   │   └── PoolExhaustedError     no free connection in time: streams left open?
    │   └── StreamInterruptedError    an event stream broke and could not resume (.last_cursor)
    ├── ResponseValidationError       a success body that is not the declared type (.body, .raw_response)
    │   └── StreamDecodeError         an event of a JSON event stream that is not JSON (.event, .data, .id)
    ├── InvalidCredentialError        a credential that cannot be sent (a line break, non-ASCII)
    ├── BadRequestError               400
    ├── AuthenticationError           401
    ├── PermissionDeniedError         403
    ├── NotFoundError                 404
    ├── ConflictError                 409
    ├── UnprocessableEntityError      422
    ├── RateLimitError                429
    └── InternalServerError           500 and above

Errors declared by the API spec are generated subclasses of these; their ``data`` attribute
holds the parsed error body.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import httpx

from .operation import ErrorSpec

__all__ = [
    "SDKError",
    "APIConnectionError",
    "APITimeoutError",
    "PoolExhaustedError",
    "StreamInterruptedError",
    "ResponseValidationError",
    "StreamDecodeError",
    "InvalidCredentialError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "match_error_spec",
    "status_error",
    "excerpt",
    "invalid_body",
]

# Characters of a body quoted in a message: enough for a JSON error or a proxy page's title,
# short enough that a log line stays one line. The whole body stays on the error's .body.
_EXCERPT = 200


class SDKError(Exception):
    """Base class of every error the SDK raises."""

    message: str
    status_code: int | None
    headers: httpx.Headers
    body: str
    raw_response: httpx.Response | None
    data: Any

    def __init__(
        self,
        message: str,
        raw_response: httpx.Response | None = None,
        body: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.raw_response = raw_response
        self.status_code = raw_response.status_code if raw_response is not None else None
        self.headers = raw_response.headers if raw_response is not None else httpx.Headers()
        self.body = body if body is not None else _read_text(raw_response)
        self.data = data

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        # Only the message: the request (and its Authorization header) stays out of logs.
        return f"{type(self).__name__}({self.message!r})"


class APIConnectionError(SDKError):
    """The request did not get a usable response."""


class APITimeoutError(APIConnectionError):
    """The connect, read, write or pool timeout expired."""


class PoolExhaustedError(APITimeoutError):
    """Every connection of the pool stayed in use for ``pool_timeout_ms``: usually event
    streams or downloads that were never closed."""


class StreamInterruptedError(APIConnectionError):
    """An event stream broke after it had started (connection lost, or the server ended it
    before its terminal event) and could not be resumed.

    ``last_event_id`` is the last SSE ``id:`` seen, ``last_cursor`` the cursor of the last
    event delivered and ``resource_id`` the id of the streamed resource (when the stream
    declares one), so a caller can ask the server to continue from there.
    """

    def __init__(
        self,
        message: str,
        raw_response: httpx.Response | None = None,
        *,
        last_event_id: str | None = None,
        last_cursor: Any = None,
        resource_id: str | None = None,
    ) -> None:
        super().__init__(message, raw_response, body="")
        self.last_event_id = last_event_id
        self.last_cursor = last_cursor
        self.resource_id = resource_id


class ResponseValidationError(SDKError):
    """A success response whose body is not what the method is typed to return: empty, not
    JSON, JSON of another type (an array for an object, ``null``), or, with
    ``strict_responses``, any mismatch with the schema. Without strict mode, drift inside an
    object (unknown or missing fields, unknown enum values or union members, a field of
    another type) is tolerated: such bodies are returned, with a warning in the log."""


class StreamDecodeError(ResponseValidationError):
    """An event of a JSON event stream whose ``data`` is not JSON, or JSON that cannot be an
    event (an array where an object is declared; with ``strict_responses``, any mismatch).
    ``event``, ``data`` and ``id`` are the raw SSE fields of that event; the stream ends."""

    def __init__(
        self,
        message: str,
        raw_response: httpx.Response | None = None,
        *,
        event: str,
        data: str,
        id: str | None,
    ) -> None:
        super().__init__(message, raw_response, body="")
        self.event = event
        self.data = data
        self.id = id


class InvalidCredentialError(SDKError, ValueError):
    """A credential given to the SDK that cannot be sent as it is: a line break (it would
    split the HTTP header) or a character outside printable ASCII. The message names the
    security scheme, never the value. Raised by the constructor, or by the first call for a
    token provider."""


class BadRequestError(SDKError):
    """400"""


class AuthenticationError(SDKError):
    """401"""


class PermissionDeniedError(SDKError):
    """403"""


class NotFoundError(SDKError):
    """404"""


class ConflictError(SDKError):
    """409"""


class UnprocessableEntityError(SDKError):
    """422"""


class RateLimitError(SDKError):
    """429"""


class InternalServerError(SDKError):
    """500 and above"""


_BY_STATUS: dict[int, type[SDKError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _read_text(response: httpx.Response | None) -> str:
    if response is None:
        return ""
    try:
        return response.text
    except httpx.ResponseNotRead:
        return ""


def builtin_error_class(status: int) -> type[SDKError]:
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, SDKError)


def match_error_spec(status: int, specs: Sequence[ErrorSpec]) -> ErrorSpec | None:
    """The declared error response for ``status``: exact code, then "4XX"-style class,
    then "default"."""
    code = str(status)
    by_class = default = None
    for spec in specs:
        pattern = spec.status.upper()
        if pattern == code:
            return spec
        if pattern == code[0] + "XX":
            by_class = by_class or spec
        elif pattern == "DEFAULT":
            default = default or spec
    return by_class or default


def server_message(body: str) -> str | None:
    """The server's own explanation from a JSON error body, if it has one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    if isinstance(error, str):
        return error
    for key in ("message", "detail"):
        value: Any = data.get(key)
        if isinstance(value, str):
            return value
        if value is not None:
            return json.dumps(value, ensure_ascii=False)
    return None


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= 4:  # very short values would garble unrelated text
            text = text.replace(secret, "***")
    return text


def status_error(
    response: httpx.Response,
    *,
    where: str,
    cls: type[SDKError] | None = None,
    data: Any = None,
    secrets: Iterable[str] = (),
) -> SDKError:
    """Build the exception for a non-2xx response whose body has been read.

    ``where`` names the call, e.g. "getThing: GET /things/1".
    """
    secrets = tuple(secrets)
    body = _read_text(response)
    detail = server_message(body)
    if detail is None and body.strip():
        detail = body
    if detail:  # redacted before it is cut: a cut could leave half a secret unrecognised
        detail = excerpt(redact(detail, secrets), size=len(response.content))
    status = f"{response.status_code} {response.reason_phrase}".rstrip()
    message = f"{where} returned {status}" + (f": {detail}" if detail else "")
    error_cls = cls or builtin_error_class(response.status_code)
    return error_cls(redact(message, secrets), response, body, data)


def invalid_body(
    where: str, response: httpx.Response, exc: ValueError, secrets: Iterable[str] = ()
) -> ResponseValidationError:
    """The error for a read success response whose body cannot be returned: ``exc`` is
    what parsing raised (not JSON, or the model's ``BodyMismatch``)."""
    body = redact(_read_text(response), secrets)
    if not response.content:
        what = "an empty body"
    elif isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        kind = response.headers.get("content-type")
        what = "a body that is not JSON" + (f" ({kind})" if kind else "")
    else:
        what = f"a body that {exc}"
    status = f"{response.status_code} {response.reason_phrase}".rstrip()
    message = f"{where} returned {status} with {what}" + (
        f": {excerpt(body, size=len(response.content))}" if body.strip() else ""
    )
    return ResponseValidationError(message, response)


def excerpt(text: str, limit: int = _EXCERPT, size: int | None = None) -> str:
    """``text`` on one line, cut to ``limit`` characters with a note of the body's ``size``
    (default: the text's), so a proxy's HTML page does not fill a log line (the full text
    stays on the error)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    if size is None:
        size = len(text.encode("utf-8", "replace"))
    return f"{flat[:limit]}… (cut; the body has {size} bytes)"
