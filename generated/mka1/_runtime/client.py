"""The request pipeline: the only module that sends.

``ClientCore.request`` and ``request_async`` share everything that does no I/O (building the
request, retry decisions, turning a response into a result or an error); the two loops
differ only in the lines that send, sleep and read.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
import uuid
from functools import partial
from typing import Any, AsyncIterator, Callable, Iterator, Mapping, Sequence, TypeVar

import httpx

from .errors import (
    APIConnectionError,
    APITimeoutError,
    ResponseValidationError,
    SDKError,
    match_error_spec,
    redact,
    status_error,
)
from .model import LazyModule, Models
from .operation import Operation, Security
from .retries import IDEMPOTENT_METHODS, Retrier
from .serialize import (
    encode_form,
    encode_json,
    encode_query,
    expand_path,
    serialize_cookies,
    serialize_headers,
    serialize_query,
    split_multipart,
)
from .sse import AsyncEventStream, EventStream
from .types import NOT_GIVEN, CallOptions, RetryConfig

__all__ = ["ClientCore", "BaseSDK"]

_SSE = "text/event-stream"
_JSON = "application/json"
_EITHER = "application/json, text/event-stream"
_CHUNK = 64 * 1024
_NO_OPTIONS = CallOptions()


class _Call:
    """One call in progress: its request parts, built once, and its retry state."""

    __slots__ = (
        "op",
        "url",
        "log_url",
        "where",
        "headers",
        "content",
        "files",
        "rewind",
        "timeout",
        "retrier",
        "secrets",
    )

    def __init__(self, op: Operation) -> None:
        self.op = op
        self.url = ""
        self.log_url = ""
        self.where = ""
        self.headers: dict[str, str] = {}
        self.content: Any = None  # bytes, str, a file-like or an iterator of bytes
        self.files: tuple[dict[str, Any], list[tuple[str, Any]]] | None = None
        self.rewind: int | None = None  # where a seekable body starts, to replay it
        self.timeout: Any = httpx.USE_CLIENT_DEFAULT  # or an httpx.Timeout
        self.retrier = Retrier(None)
        self.secrets: list[str] = []

    def build(self, client: httpx.Client | httpx.AsyncClient, is_async: bool) -> httpx.Request:
        """A fresh request for one attempt (a streamed body is a new iterator each time)."""
        data, files = self.files if self.files is not None else (None, None)
        return client.build_request(
            self.op.method,
            self.url,
            headers=self.headers,
            content=self._content(is_async),
            data=data,
            files=files,
            timeout=self.timeout,
        )

    def _content(self, is_async: bool) -> Any:
        content = self.content
        if content is None or isinstance(content, bytes):
            return content
        if self.rewind is not None:
            content.seek(self.rewind)
        if hasattr(content, "read"):
            return _async_chunks(content) if is_async else _chunks(content)
        if is_async and not hasattr(content, "__aiter__"):
            return _async_iter(content)  # httpx.AsyncClient only takes async iterables
        return content


def _chunks(file: Any) -> Iterator[bytes]:
    # Read in chunks so a large upload never sits in memory whole.
    while chunk := file.read(_CHUNK):
        yield chunk.encode() if isinstance(chunk, str) else chunk


async def _async_chunks(file: Any) -> AsyncIterator[bytes]:
    for chunk in _chunks(file):
        yield chunk


async def _async_iter(items: Any) -> AsyncIterator[bytes]:
    for item in items:
        yield item


def _replayable(value: Any) -> tuple[bool, int | None]:
    """Whether a body can be sent again, and the offset to rewind a seekable file to."""
    if value is None or isinstance(value, (bytes, bytearray, memoryview, str)):
        return True, None
    if hasattr(value, "read"):
        try:
            if value.seekable():
                return True, value.tell()
        except (AttributeError, OSError, ValueError):
            pass
        return False, None
    return False, None  # an iterator is consumed by the first attempt


class ClientCore:
    """Holds the SDK configuration and sends operations described by ``Operation``."""

    def __init__(
        self,
        *,
        models_module: str,
        errors_module: str,
        servers: Sequence[str] = (),
        server_url: str | None = None,
        server_idx: int = 0,
        security: Sequence[Security] = (),
        security_values: Mapping[str, Any] | None = None,
        timeout_ms: int | None = None,
        retry_config: RetryConfig | None = None,
        default_retries: RetryConfig | None = None,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
        user_agent: str = "sdkgen-python",
        logger_name: str = "sdkgen",
    ) -> None:
        if server_url is None:
            if not servers:
                raise ValueError("this API declares no server: pass server_url")
            if not 0 <= server_idx < len(servers):
                raise ValueError(
                    f"server_idx {server_idx} is out of range: the API has {len(servers)} "
                    f"server(s), numbered 0 to {len(servers) - 1}"
                )
            server_url = servers[server_idx]
        self.server_url = server_url.rstrip("/")
        self.schemes = {scheme.name: scheme for scheme in security}
        self.default_security = tuple(scheme.name for scheme in security)
        self.security_values: dict[str, Any] = dict(security_values or {})
        self.timeout_ms = timeout_ms
        self.retry_config = retry_config
        self.default_retries = default_retries
        self.user_agent = user_agent
        self.log = logging.getLogger(logger_name)
        if not self.log.handlers:
            # Library convention: without it Python's last-resort handler prints our warnings
            # to stderr of apps that configured no logging. Records still propagate.
            self.log.addHandler(logging.NullHandler())
        self.models = Models(models_module, self.log)
        self.errors = LazyModule(errors_module)
        self._client = client
        self._async_client = async_client
        self._owns_client = client is None
        self._owns_async_client = async_client is None
        self._lock = threading.Lock()

    # --- clients ---------------------------------------------------------------------------

    def _get_client(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client()
                client = self._client
        return client

    def _get_async_client(self) -> httpx.AsyncClient:
        client = self._async_client
        if client is None:
            with self._lock:
                if self._async_client is None:
                    self._async_client = httpx.AsyncClient()
                client = self._async_client
        return client

    def close(self) -> None:
        """Close the sync client if the SDK created it."""
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close the clients the SDK created."""
        if self._owns_async_client and self._async_client is not None:
            await self._async_client.aclose()
            self._async_client = None
        self.close()

    # --- building (no I/O) -----------------------------------------------------------------

    def _prepare(
        self,
        op: Operation,
        params: Mapping[str, Any] | None,
        body: Any,
        stream: bool | None,
        options: CallOptions | None,
    ) -> _Call:
        options = options or _NO_OPTIONS
        values: Mapping[str, Any] = params or {}
        call = _Call(op)
        path = expand_path(op.path, op.params, values)
        base = options.server_url.rstrip("/") if options.server_url else self.server_url
        call.where = f"{op.operation_id}: {op.method} {path}"

        headers = call.headers
        headers["user-agent"] = self.user_agent
        query = serialize_query(op.params, values)
        cookies = serialize_cookies(op.params, values)
        secret_query = self._apply_security(op, call, query, cookies)
        for name, value in serialize_headers(op.params, values).items():
            headers[name.lower()] = value
        if cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies)
        if stream:
            headers["accept"] = _SSE
        elif op.response is None and op.event is not None:
            headers["accept"] = _EITHER
        else:
            headers["accept"] = _JSON

        # POST/PATCH may be retried only with an idempotency key; one key per call, reused
        # by every attempt, so the server can recognise the repeats.
        has_key_param = False
        for param in op.params:
            if param.location == "header" and param.wire_name.lower() == "idempotency-key":
                has_key_param = True
                headers.setdefault(param.wire_name.lower(), str(uuid.uuid4()))

        replayable = self._encode_body(op, body, call)
        if options.http_headers:
            for name, value in options.http_headers.items():
                headers[name.lower()] = value

        call.url = call.log_url = base + path
        if query:
            call.url = call.log_url = f"{base}{path}?{encode_query(query)}"
            if secret_query:
                call.log_url = f"{base}{path}?{encode_query(query, secret_query)}"

        timeout_ms = next(
            (t for t in (options.timeout_ms, op.timeout_ms, self.timeout_ms) if t is not None), None
        )
        if timeout_ms is not None:
            call.timeout = httpx.Timeout(timeout_ms / 1000)
        config = options.retries or self.retry_config or op.retries or self.default_retries
        allowed = replayable and (op.method.upper() in IDEMPOTENT_METHODS or has_key_param)
        call.retrier = Retrier(config, allowed=allowed)
        return call

    def _apply_security(
        self,
        op: Operation,
        call: _Call,
        query: list[tuple[str, str]],
        cookies: list[tuple[str, str]],
    ) -> set[str]:
        """Add credentials to the request; returns the names of query parameters that hold
        secrets (kept out of logs)."""
        secret_query: set[str] = set()
        names = self.default_security if op.security is None else op.security
        for name in names:
            scheme = self.schemes.get(name)
            value: Any = self.security_values.get(name)
            if callable(value):  # a token provider, asked on every call so tokens can rotate
                value = value()
            if scheme is None or value is None or value is NOT_GIVEN:
                continue
            kind = scheme.type.lower()
            if kind == "http" and scheme.scheme.lower() == "basic":
                if isinstance(value, Mapping):
                    user, password = value["username"], value["password"]
                else:
                    user, password = value
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                call.headers["authorization"] = "Basic " + token
                call.secrets += [token, str(password)]
            elif kind == "apikey":
                secret = str(value)
                call.secrets.append(secret)
                if scheme.location == "query":
                    query.append((scheme.param_name, secret))
                    secret_query.add(scheme.param_name)
                elif scheme.location == "cookie":
                    cookies.append((scheme.param_name, secret))
                else:
                    call.headers[scheme.param_name.lower()] = secret
            else:  # http bearer, oauth2 and openIdConnect all carry a bearer token
                token = str(value)
                call.secrets.append(token)
                call.headers["authorization"] = (
                    token if token[:7].lower() == "bearer " else "Bearer " + token
                )
        return secret_query

    def _encode_body(self, op: Operation, body: Any, call: _Call) -> bool:
        """Encode the body into ``call``; returns whether it can be sent more than once."""
        spec = op.body
        if spec is None or body is None or body is NOT_GIVEN:
            return True
        kind = spec.kind
        if kind == "multipart":
            call.files = split_multipart(body)
            # httpx rewinds seekable files itself; anything else is read once.
            return all(
                _replayable(f[1] if isinstance(f, tuple) else f)[0] for _, f in call.files[1]
            )
        call.headers["content-type"] = spec.media_type
        if kind == "json":
            if isinstance(body, Mapping):
                nullable = spec.nullable
                body = {k: v for k, v in body.items() if v is not None or k in nullable}
            call.content = encode_json(body)
        elif kind == "form":
            call.content = encode_form(body)
        elif isinstance(body, (bytes, bytearray, memoryview)):
            call.content = bytes(body)
        elif isinstance(body, str) or kind == "text":
            call.content = str(body).encode()
        else:  # binary: a file-like or an iterator of bytes, streamed as it is read
            call.content = body
        replayable, call.rewind = _replayable(call.content)
        return replayable

    # --- decisions on the outcome (no I/O) -------------------------------------------------

    def _after_error(self, call: _Call, exc: httpx.RequestError) -> float:
        """The delay before retrying after a transport failure; raises if there is none."""
        delay = call.retrier.after_error(exc)
        if delay is None:
            raise self._connection_error(call, exc) from exc
        self.log.debug(
            "retrying %s %s in %.2fs (retry %d): %s",
            call.op.method,
            call.log_url,
            delay,
            call.retrier.retries,
            type(exc).__name__,
        )
        return delay

    def _after_response(
        self, call: _Call, response: httpx.Response, started: float
    ) -> float | None:
        """The delay before retrying this response, or None to keep it."""
        if self.log.isEnabledFor(logging.DEBUG):
            self.log.debug(
                "HTTP %s %s -> %d in %.1f ms",
                call.op.method,
                call.log_url,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        if response.status_code < 400:
            return None
        delay = call.retrier.after_status(response.status_code, response.headers)
        if delay is not None:
            self.log.debug(
                "retrying %s %s in %.2fs (retry %d): status %d",
                call.op.method,
                call.log_url,
                delay,
                call.retrier.retries,
                response.status_code,
            )
        return delay

    def _connection_error(self, call: _Call, exc: Exception) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if cls is APITimeoutError else "failed"
        return cls(redact(f"{call.where} {what}: {type(exc).__name__}: {exc}", call.secrets))

    def _is_event_stream(self, response: httpx.Response) -> bool:
        content_type = response.headers.get("content-type", "")
        return response.is_success and content_type.lower().startswith(_SSE)

    def _event_parser(self, call: _Call) -> Callable[[str, str | None], Any]:
        return partial(self.models.parse_event, call.op.event)

    def _result(self, call: _Call, response: httpx.Response) -> Any:
        """The value of a response whose body has been read, or the error it means."""
        if not response.is_success:
            raise self._status_error(call, response)
        name = call.op.response
        if name is None or response.status_code == 204 or not response.content:
            return None
        try:
            return self.models.parse(name, response.content)
        except ValueError as exc:
            raise ResponseValidationError(
                f"{call.where} returned {response.status_code} with a body that is not valid JSON",
                response,
            ) from exc

    def _status_error(self, call: _Call, response: httpx.Response) -> SDKError:
        spec = match_error_spec(response.status_code, call.op.errors)
        cls: type[SDKError] | None = None
        data: Any = None
        if spec is not None:
            try:
                cls = self.errors.get(spec.error_class)
            except AttributeError:
                self.log.warning(
                    "error class %s not found; raising a generic error", spec.error_class
                )
            if spec.model is not None and response.content:
                try:
                    data = self.models.parse(spec.model, response.content)
                except ValueError:
                    data = None  # not JSON: the text is still on the error's .body
        return status_error(response, where=call.where, cls=cls, data=data, secrets=call.secrets)

    # --- the two I/O loops -----------------------------------------------------------------

    def request(
        self,
        op: Operation,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        stream: bool | None = None,
        options: CallOptions | None = None,
    ) -> Any:
        """Send ``op`` and return its validated result, an ``EventStream``, or None."""
        call = self._prepare(op, params, body, stream, options)
        client = self._get_client()
        while True:
            self.log.debug("HTTP %s %s", op.method, call.log_url)
            started = time.perf_counter()
            try:
                # Always streamed: an event stream must not be read eagerly, and for
                # everything else we read the body ourselves just below.
                response = client.send(call.build(client, False), stream=True)
            except httpx.RequestError as exc:
                time.sleep(self._after_error(call, exc))
                continue
            delay = self._after_response(call, response, started)
            if delay is None:
                break
            _drain(response)
            time.sleep(delay)
        if self._is_event_stream(response):
            return EventStream(
                response, self._event_parser(call), sentinel=op.stream_sentinel, where=call.where
            )
        try:
            response.read()
        except httpx.RequestError as exc:
            raise self._connection_error(call, exc) from exc
        finally:
            response.close()
        return self._result(call, response)

    async def request_async(
        self,
        op: Operation,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        stream: bool | None = None,
        options: CallOptions | None = None,
    ) -> Any:
        """The async twin of ``request``; returns an ``AsyncEventStream`` for streams."""
        call = self._prepare(op, params, body, stream, options)
        client = self._get_async_client()
        while True:
            self.log.debug("HTTP %s %s", op.method, call.log_url)
            started = time.perf_counter()
            try:
                response = await client.send(call.build(client, True), stream=True)
            except httpx.RequestError as exc:
                await asyncio.sleep(self._after_error(call, exc))
                continue
            delay = self._after_response(call, response, started)
            if delay is None:
                break
            await _adrain(response)
            await asyncio.sleep(delay)
        if self._is_event_stream(response):
            return AsyncEventStream(
                response, self._event_parser(call), sentinel=op.stream_sentinel, where=call.where
            )
        try:
            await response.aread()
        except httpx.RequestError as exc:
            raise self._connection_error(call, exc) from exc
        finally:
            await response.aclose()
        return self._result(call, response)


# Reading a small error body before closing lets the connection go back to the pool.
def _drain(response: httpx.Response) -> None:
    try:
        response.read()
    except httpx.HTTPError:
        pass
    finally:
        response.close()


async def _adrain(response: httpx.Response) -> None:
    try:
        await response.aread()
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()


_S = TypeVar("_S", bound="BaseSDK")


class BaseSDK:
    """Base of the generated ``SDK`` class: configuration and lifetime of the HTTP clients.

    Use it as a context manager (``with`` or ``async with``) or call ``close()`` /
    ``aclose()`` to release the connections of clients the SDK created itself; clients
    passed in by the caller are left for the caller to close.
    """

    def __init__(
        self,
        *,
        models_module: str,
        errors_module: str,
        servers: tuple[str, ...] = (),
        server_url: str | None = None,
        server_idx: int = 0,
        security: tuple[Security, ...] = (),
        security_values: dict[str, Any] | None = None,
        timeout_ms: int | None = None,
        retry_config: RetryConfig | None = None,
        default_retries: RetryConfig | None = None,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
        user_agent: str = "sdkgen-python",
        logger_name: str = "sdkgen",
    ) -> None:
        self._core = ClientCore(
            models_module=models_module,
            errors_module=errors_module,
            servers=servers,
            server_url=server_url,
            server_idx=server_idx,
            security=security,
            security_values=security_values,
            timeout_ms=timeout_ms,
            retry_config=retry_config,
            default_retries=default_retries,
            client=client,
            async_client=async_client,
            user_agent=user_agent,
            logger_name=logger_name,
        )

    def close(self) -> None:
        self._core.close()

    async def aclose(self) -> None:
        await self._core.aclose()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        # Only the URL: credentials live on the core and are never shown.
        return f"{type(self).__name__}(server_url={self._core.server_url!r})"
