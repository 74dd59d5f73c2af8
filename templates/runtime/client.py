"""The request pipeline: the only module that sends.

``ClientCore.request`` and ``request_async`` share everything that does no I/O (building the
request, retry decisions, turning a response into a result or an error); the two loops
differ only in the lines that send, sleep and read.
"""

from __future__ import annotations

import base64
import logging
import random as _random
import sys
import threading
import time
import uuid
from dataclasses import replace
from functools import cached_property, partial
from typing import Any, AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence, TypeVar

import httpx

from .errors import (
    APIConnectionError,
    APITimeoutError,
    PoolExhaustedError,
    ResponseValidationError,
    SDKError,
    StreamInterruptedError,
    invalid_body,
    match_error_spec,
    redact,
    status_error,
)
from .download import AsyncDownload, Download
from .hooks import HookContext, Hooks
from .log import get_logger, hide_query_params
from .model import LazyModule, Models
from .oauth import ClientCredentials
from .operation import Operation, Security
from .pagination import attach_page
from .raw import RawResponse
from .retries import IDEMPOTENT_METHODS, Retrier
from .serialize import (
    check_credential,
    check_credentials,
    encode_form,
    encode_json,
    encode_query,
    expand_path,
    serialize_cookies,
    serialize_headers,
    serialize_query,
    split_multipart,
)
from .shards import ShardedTransport
from .sse import AsyncEventStream, EventStream
from .types import NOT_GIVEN, CallOptions, ClientOptions, RetryConfig
from .urls import request_url

__all__ = ["ClientCore", "BaseSDK", "select_security"]

_SSE = "text/event-stream"
_JSON = "application/json"
_EITHER = "application/json, text/event-stream"
_CHUNK = 64 * 1024
_NO_OPTIONS = CallOptions()
# Seconds of the clients the SDK makes itself when no timeout_ms applies: connecting should be
# quick, but a model may think for minutes between two bytes of an answer.
_CONNECT_S, _READ_S = 10.0, 600.0


_NO_RETRIER = Retrier(None, allowed=False)


def select_security(
    alternatives: Sequence[Sequence[str]],
    schemes: Mapping[str, Security],
    values: Mapping[str, Any],
) -> tuple[str, ...]:
    """The schemes to send credentials for (no I/O; the sync and async paths share it).

    ``alternatives`` are OpenAPI security requirements: any one will do, and the schemes inside
    one are all required together. The first alternative, in spec order, each of whose schemes
    is known and has a configured value (a value, a token provider callable or
    ``ClientCredentials``; not None or ``NOT_GIVEN``) wins. An empty alternative (anonymous
    access allowed) only applies when no other is satisfied, so optional credentials are still
    sent. When none is satisfied nothing is sent: the server decides (a 401 becomes
    ``AuthenticationError``), the client never refuses a call itself.
    """
    for names in alternatives:
        if names and all(name in schemes and _configured(values.get(name)) for name in names):
            return tuple(names)
    return ()


def _configured(value: Any) -> bool:
    return value is not None and value is not NOT_GIVEN


class _Call:
    """One call in progress: its request parts, built once, and its retry state."""

    __slots__ = (
        "op",
        "url",
        "target",
        "log_url",
        "where",
        "headers",
        "content",
        "files",
        "rewind",
        "timeout",
        "limit",
        "deadline",
        "attempt_end",
        "retrier",
        "secrets",
        "security",
        "page",
    )

    def __init__(self, op: Operation) -> None:
        self.op = op
        self.url = ""
        self.target: httpx.URL | str | None = None  # url, parsed once per server (urls.py)
        self.log_url = ""
        self.where = ""
        self.headers: dict[str, str] = {}
        self.content: Any = None  # bytes, str, a file-like or an iterator of bytes
        self.files: tuple[dict[str, Any], list[tuple[str, Any]]] | None = None
        self.rewind: int | None = None  # where a seekable body starts, to replay it
        self.timeout: Any = httpx.USE_CLIENT_DEFAULT  # or an httpx.Timeout
        self.limit: float | None = None  # seconds of one attempt (timeout_ms)
        self.deadline: float | None = None  # clock() time the whole call must end by
        self.attempt_end: float | None = None  # clock() time this attempt must end by
        self.retrier = _NO_RETRIER  # replaced by _prepare; one shared placeholder
        self.secrets: list[str] = []
        self.security: tuple[str, ...] = ()  # the schemes whose credentials were sent
        # paginated operations only: the call's values, body and options, for the next page
        self.page: tuple[dict[str, Any], Any, CallOptions | None] | None = None

    def build(self, client: httpx.Client | httpx.AsyncClient, is_async: bool) -> httpx.Request:
        """A fresh request for one attempt (a streamed body is a new iterator each time)."""
        data, files = self.files if self.files is not None else (None, None)
        return client.build_request(
            self.op.method,
            self.target if self.target is not None else self.url,
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

    def __init__(self, options: ClientOptions | None = None, /, **fields: Any) -> None:
        """``options``, or the fields of ``ClientOptions`` as keyword arguments (or both: the
        keywords then change those fields)."""
        if options is None:
            options = ClientOptions(**fields)
        elif fields:
            options = replace(options, **fields)
        self.options = options
        servers, server_url, server_idx = options.servers, options.server_url, options.server_idx
        security, default_security = options.security, options.default_security
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
        hide_query_params(
            s.param_name for s in security if s.type.lower() == "apikey" and s.location == "query"
        )
        # The API-wide requirements (alternatives of scheme names) for operations without
        # their own; not given: each scheme on its own, in order.
        self.default_security: tuple[tuple[str, ...], ...] = (
            tuple((scheme.name,) for scheme in security)
            if default_security is None
            else tuple(tuple(names) for names in default_security)
        )
        self.security_values: dict[str, Any] = dict(options.security_values or {})
        check_credentials(self.schemes, self.security_values)
        # True: a success body that does not match its schema raises ResponseValidationError
        # instead of being returned unvalidated.
        self.strict_responses = options.strict_responses
        self.timeout_ms = options.timeout_ms
        self.deadline_ms = options.deadline_ms
        self.retry_config = options.retry_config
        self.default_retries = options.default_retries
        self.user_agent = options.user_agent
        self.log = get_logger(options.logger_name)
        self.models = Models(options.models_module, self.log)
        self.errors = LazyModule(options.errors_module)
        # Defaults of parameters the SDK constructor takes (e.g. X-On-Behalf-Of), keyed by
        # (location, wire name; lower case for headers); applied where a call leaves them out.
        self.param_defaults: dict[tuple[str, str], Any] = _defaults(options.param_defaults)
        headers = options.http_headers or {}
        self.headers: dict[str, str] = {k.lower(): v for k, v in headers.items()}
        self.hooks = options.hooks if options.hooks is not None else Hooks()
        # How the client waits between retries, and the clock and jitter of the backoff;
        # tests replace them to check delays without sleeping.
        self.sleep: Callable[[float], Any] = time.sleep
        self.async_sleep: Callable[[float], Awaitable[Any]] = _async_sleep
        self.clock: Callable[[], float] = time.monotonic
        self.random: Callable[[], float] = _random.random
        self._pool = _Pool(options)
        self._root = True  # False for clients made by derive(): they share the pool
        self._raw = False  # True for the with_raw_response view
        self._plain: ClientCore = self  # the view that returns parsed results
        self._raw_view: ClientCore | None = None

    # --- clients ---------------------------------------------------------------------------

    def _get_client(self) -> httpx.Client:
        client = self._pool.sync
        return client if client is not None else self._pool.make_sync()

    def _get_async_client(self) -> httpx.AsyncClient:
        return self._pool.make_async()

    def close(self) -> None:
        """Close the sync client if the SDK created it (derived clients leave the shared pool
        to the client they came from)."""
        if self._root:
            self._pool.close()

    async def aclose(self) -> None:
        """Close the clients the SDK created."""
        if self._root:
            await self._pool.aclose()

    # --- derived clients (no I/O) ------------------------------------------------------------

    def derive(
        self,
        *,
        server_url: Any = NOT_GIVEN,
        timeout_ms: Any = NOT_GIVEN,
        deadline_ms: Any = NOT_GIVEN,
        retry_config: Any = NOT_GIVEN,
        security_values: Mapping[str, Any] | None = None,
        param_defaults: Mapping[tuple[str, str], Any] | None = None,
        http_headers: Mapping[str, str] | None = None,
        strict_responses: Any = NOT_GIVEN,
    ) -> ClientCore:
        """A client with some settings changed that shares this one's connection pool, model
        cache and hooks' current list (copied). ``NOT_GIVEN`` keeps a setting; in the
        mappings, a ``NOT_GIVEN`` value keeps the entry and ``None`` removes it."""
        new = object.__new__(ClientCore)
        new.__dict__.update(self.__dict__)
        new._root = False
        new._raw = False
        new._plain = new
        new._raw_view = None
        new.hooks = self.hooks.copy()
        if server_url is not NOT_GIVEN:
            new.server_url = str(server_url).rstrip("/")
        if timeout_ms is not NOT_GIVEN:
            new.timeout_ms = timeout_ms
        if deadline_ms is not NOT_GIVEN:
            new.deadline_ms = deadline_ms
        if retry_config is not NOT_GIVEN:
            new.retry_config = retry_config
        if security_values:
            new.security_values = _merged(self.security_values, security_values)
            check_credentials(new.schemes, new.security_values)
        if strict_responses is not NOT_GIVEN:
            new.strict_responses = bool(strict_responses)
        if param_defaults:
            new.param_defaults = _merged(self.param_defaults, _defaults(param_defaults, keep=True))
        if http_headers:
            new.headers = _merged(self.headers, {k.lower(): v for k, v in http_headers.items()})
        return new

    def raw_view(self) -> ClientCore:
        """The same client, returning ``RawResponse`` objects (for ``with_raw_response``)."""
        view = self._raw_view
        if view is None:
            view = object.__new__(ClientCore)
            view.__dict__.update(self.__dict__)
            view._root = False
            view._raw = True
            view._plain = self
            self._raw_view = view
        return view

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
        if self.param_defaults:
            values = self._with_defaults(op, values)
        call = _Call(op)
        if op.pagination is not None:
            call.page = (dict(values), body, options)
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
        elif op.download is not None:
            headers["accept"] = op.download
        else:
            headers["accept"] = op.accept or _JSON

        # POST/PATCH may be retried only with an idempotency key; one key per call, reused
        # by every attempt, so the server can recognise the repeats.
        has_key_param = False
        for param in op.params:
            if param.location == "header" and param.wire_name.lower() == "idempotency-key":
                has_key_param = True
                headers.setdefault(param.wire_name.lower(), str(uuid.uuid4()))

        replayable = self._encode_body(op, body, call)
        if self.headers:
            headers.update(self.headers)
        if options.http_headers:
            for name, value in options.http_headers.items():
                headers[name.lower()] = value

        encoded = encode_query(query) if query else None
        call.url = call.log_url = base + path if encoded is None else f"{base}{path}?{encoded}"
        call.target = request_url(base, path, encoded)
        if query and secret_query:
            call.log_url = f"{base}{path}?{encode_query(query, secret_query)}"

        self._set_limits(call, options)
        config = options.retries or self.retry_config or op.retries or self.default_retries
        allowed = replayable and (
            op.method.upper() in IDEMPOTENT_METHODS or has_key_param or "idempotency-key" in headers
        )
        call.retrier = Retrier(config, allowed=allowed, clock=self.clock, random=self.random)
        return call

    def _apply_security(
        self,
        op: Operation,
        call: _Call,
        query: list[tuple[str, str]],
        cookies: list[tuple[str, str]],
    ) -> set[str]:
        """Add the credentials of the chosen security alternative to the request; returns the
        names of query parameters that hold secrets (kept out of logs)."""
        secret_query: set[str] = set()
        call.security = names = self._security_for(op)
        for name in names:
            scheme = self.schemes.get(name)
            value: Any = self.security_values.get(name)
            if isinstance(value, ClientCredentials):
                value = check_credential(name, self._client_token(value, scheme))
            elif callable(value):  # a token provider, asked on every call so tokens can rotate
                value = check_credential(name, value())
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

    def _security_for(self, op: Operation) -> tuple[str, ...]:
        """The schemes whose credentials ``op`` sends with this client's values."""
        alternatives = self.default_security if op.security is None else op.security
        return select_security(alternatives, self.schemes, self.security_values)

    def _token_url(self, scheme: Security) -> str:
        """An OAuth2 token URL, resolved against the server URL when relative."""
        url = scheme.token_url
        return str(httpx.URL(self.server_url + "/").join(url)) if url and "://" not in url else url

    def _client_token(self, credentials: ClientCredentials, scheme: Security | None) -> Any:
        """The cached token; sync calls fetch it here when missing (async calls fetched it
        before, in _fetch_tokens_async)."""
        if scheme is None:
            return None
        return credentials.cached() or credentials.token(self._get_client(), self._token_url(scheme))

    async def _fetch_tokens_async(self, op: Operation) -> None:
        """Fetch expired client-credentials tokens of the alternative ``op`` will send without
        blocking the event loop."""
        for name in self._security_for(op):
            value, scheme = self.security_values.get(name), self.schemes.get(name)
            if isinstance(value, ClientCredentials) and scheme is not None and value.cached() is None:
                await value.token_async(self._get_async_client(), self._token_url(scheme))

    def _drop_tokens(self, call: _Call) -> None:
        """After a 401, forget the fetched tokens the call sent so the next call gets fresh ones."""
        for name in call.security:
            value = self.security_values.get(name)
            if isinstance(value, ClientCredentials):
                value.invalidate()

    def _encode_body(self, op: Operation, body: Any, call: _Call) -> bool:
        """Encode the body into ``call``; returns whether it can be sent more than once."""
        spec = op.body
        if spec is None or body is None or body is NOT_GIVEN:
            return True
        kind = spec.kind
        if kind == "multipart":
            call.files = split_multipart(body)
            if not call.files[1]:
                # without a file httpx would send the fields urlencoded: make them parts
                fields = [(k, v) for k, vs in call.files[0].items() for v in (vs if isinstance(vs, list) else [vs])]
                call.files = ({}, [(k, (None, v)) for k, v in fields])
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

    # --- time limits (no I/O) ---------------------------------------------------------------

    def _set_limits(self, call: _Call, options: CallOptions) -> None:
        """The call's timeout_ms (the call's, else the client's, else the operation's) and
        the time its deadline_ms ends."""
        choices = (options.timeout_ms, self.timeout_ms, call.op.timeout_ms)
        timeout_ms = next((t for t in choices if t is not None), None)
        if timeout_ms is not None:
            call.limit = timeout_ms / 1000
        deadline_ms = options.deadline_ms if options.deadline_ms is not None else self.deadline_ms
        if deadline_ms is not None:
            call.deadline = self.clock() + deadline_ms / 1000

    def _begin_attempt(self, call: _Call) -> None:
        """Set the time limits of the next attempt: ``timeout_ms``, or what is left of the
        call's ``deadline_ms`` when that is less."""
        if call.limit is None and call.deadline is None:
            return
        now = self.clock()
        budget = call.limit
        if call.deadline is not None:
            left = call.deadline - now
            if left <= 0:
                raise APITimeoutError(f"{call.where} timed out: deadline_ms expired")
            budget = left if budget is None else min(budget, left)
        assert budget is not None
        call.attempt_end = now + budget
        pool = min(budget, self.options.pool_timeout_ms / 1000)
        call.timeout = httpx.Timeout(budget, pool=pool)

    def _bound_body(self, call: _Call, response: httpx.Response) -> None:
        """Make reading the body fail once the attempt's time is up. httpx's timeouts bound
        each read, so a server dripping a byte at a time would otherwise never time out."""
        end = call.attempt_end
        if end is None:
            return
        left = max(end - self.clock(), 0.001)
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):  # read once by httpcore, when the body starts
            timeouts["read"] = min(timeouts.get("read") or left, left)
        response.stream = _Bounded(response.stream, end, self.clock, response.request)

    def _fits(self, call: _Call, delay: float | None) -> float | None:
        """``delay``, or None when the retry after it would start past the call's deadline."""
        if delay is None or call.deadline is None or self.clock() + delay < call.deadline:
            return delay
        self.log.debug("not retrying %s %s: deadline_ms", call.op.method, call.log_url)
        return None

    def _reads_body(self, call: _Call, response: httpx.Response) -> bool:
        """Whether the send loop reads the body (event streams and downloads are read later
        by their caller)."""
        if call.op.download is not None and response.is_success:
            return False
        return not self._is_event_stream(response)

    # --- decisions on the outcome (no I/O) -------------------------------------------------

    def _after_error(self, call: _Call, exc: httpx.RequestError) -> float:
        """The delay before retrying after a transport failure; raises if there is none."""
        delay = self._fits(call, call.retrier.after_error(exc))
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
        delay = self._fits(call, call.retrier.after_status(response.status_code, response.headers))
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
        if isinstance(exc, httpx.PoolTimeout):
            return self._pool_error(call, exc)
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if cls is APITimeoutError else "failed"
        return cls(redact(f"{call.where} {what}: {type(exc).__name__}: {exc}", call.secrets))

    def _pool_error(self, call: _Call, exc: Exception) -> PoolExhaustedError:
        size = self.options.max_connections if self._pool.owned() else None
        return PoolExhaustedError(
            f"{call.where}: no free connection within the pool timeout: "
            + (f"all {size} connections of the SDK's pool" if size else "every connection")
            + " are in use (event streams or downloads left open?). Close them when done, or"
            " use them in `with`; or raise SDK(max_connections=..., pool_timeout_ms=...)."
            f" ({type(exc).__name__})"
        )

    def _is_event_stream(self, response: httpx.Response) -> bool:
        content_type = response.headers.get("content-type", "")
        return response.is_success and content_type.lower().startswith(_SSE)

    def _event_parser(self, call: _Call) -> Callable[[str, str | None], Any]:
        if self.strict_responses:
            return partial(self.models.parse_event, call.op.event, strict=True)
        return partial(self.models.parse_event, call.op.event)

    def _result(self, call: _Call, response: httpx.Response) -> Any:
        """The value of a response whose body has been read, or the error it means."""
        if not response.is_success:
            if _redirected(call, response):
                return None  # the redirect is the answer; its Location is in the raw response
            raise self._status_error(call, response)
        name = call.op.response
        if name is None or response.status_code == 204:
            return None
        try:
            value = self.models.parse(name, response.content, self.strict_responses)
        except ValueError as exc:  # the method's declared type cannot be returned
            raise invalid_body(call.where, response, exc, call.secrets) from exc
        if call.page is not None:
            attach_page(value, self._plain, call.op, *call.page)
        return value

    def _status_error(self, call: _Call, response: httpx.Response) -> SDKError:
        if response.status_code == 401:
            self._drop_tokens(call)
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

    # --- event streams and how they resume (the streams call back into request) ------------

    def _resume_plan(self, call: _Call) -> tuple[bool, bool]:
        """Whether the stream of ``call`` can resume at all, and whether it may restart from
        the beginning when it broke before its first event. No I/O."""
        spec = call.op.stream
        if spec is None or spec.resume_param is None:
            return False, False
        if spec.resume is None:  # the same request again, with the cursor
            resendable = call.files is None and (
                call.content is None or isinstance(call.content, bytes)
            )
            idempotent = (
                call.op.method.upper() in IDEMPOTENT_METHODS or "idempotency-key" in call.headers
            )
            return resendable, resendable and idempotent
        return True, spec.resume().method.upper() in IDEMPOTENT_METHODS

    def _resume_args(
        self,
        op: Operation,
        params: Mapping[str, Any] | None,
        body: Any,
        options: CallOptions | None,
        point: StreamInterruptedError,
        idempotency_key: str | None = None,
    ) -> tuple[Operation, dict[str, Any], Any, CallOptions]:
        """The call that continues a broken stream of ``op`` after ``point``. No I/O."""
        spec = op.stream
        assert spec is not None and spec.resume_param is not None
        given: Mapping[str, Any] = params or {}
        headers = dict(options.http_headers or {}) if options is not None else {}
        if spec.resume is None:
            target, values = op, dict(given)
            if idempotency_key is not None:  # the same request again: the same key
                headers["idempotency-key"] = idempotency_key
        else:
            # Another operation (create -> get): the resource id, the streaming switch, and
            # the arguments both operations share (headers such as X-On-Behalf-Of).
            target, values, body = spec.resume(), {}, None
            shared = {(p.wire_name, p.location): p.py_name for p in op.params}
            for param in target.params:
                source = shared.get((param.wire_name, param.location))
                if source is not None and given.get(source) is not None:
                    values[param.py_name] = given[source]
            if target.stream is not None and target.stream.switch is not None:
                values[target.stream.switch] = True
            if spec.id_param is not None:
                values[spec.id_param] = point.resource_id
        if point.last_cursor is not None:
            values[spec.resume_param] = point.last_cursor
        if point.last_event_id is not None:
            headers["last-event-id"] = point.last_event_id
        options = replace(options or _NO_OPTIONS, http_headers=headers or None)
        self.log.info(
            "%s: resuming the event stream through %s after cursor %r",
            op.operation_id,
            target.operation_id,
            point.last_cursor,
        )
        return target, values, body, options

    def _resumed(self, op: Operation, result: Any) -> httpx.Response:
        """The response of a reopened stream; anything but an event stream ends the stream."""
        if isinstance(result, (EventStream, AsyncEventStream)):
            return result._detach()  # pyright: ignore[reportPrivateUsage]
        raise ResponseValidationError(f"{op.operation_id}: resuming returned no event stream")

    def _event_stream(
        self,
        call: _Call,
        response: httpx.Response,
        params: Mapping[str, Any] | None,
        body: Any,
        options: CallOptions | None,
    ) -> EventStream[Any]:
        resumable, restartable = self._resume_plan(call)
        op, key = call.op, call.headers.get("idempotency-key")

        def reconnect(point: StreamInterruptedError) -> httpx.Response:
            target, values, new_body, opts = self._resume_args(
                op, params, body, options, point, key
            )
            result = self.request(target, params=values, body=new_body, stream=True, options=opts)
            return self._resumed(target, result)

        def on_error(error: SDKError) -> BaseException:
            return Hooks.run(self.hooks.on_error, error, _context(call))

        return EventStream(
            response,
            self._event_parser(call),
            spec=op.stream,
            where=call.where,
            reconnect=reconnect if resumable else None,
            restartable=restartable,
            on_error=on_error if self.hooks.on_error else None,
        )

    def _async_event_stream(
        self,
        call: _Call,
        response: httpx.Response,
        params: Mapping[str, Any] | None,
        body: Any,
        options: CallOptions | None,
    ) -> AsyncEventStream[Any]:
        resumable, restartable = self._resume_plan(call)
        op, key = call.op, call.headers.get("idempotency-key")

        async def reconnect(point: StreamInterruptedError) -> httpx.Response:
            target, values, new_body, opts = self._resume_args(
                op, params, body, options, point, key
            )
            result = await self.request_async(
                target, params=values, body=new_body, stream=True, options=opts
            )
            return self._resumed(target, result)

        async def on_error(error: SDKError) -> BaseException:
            return await Hooks.run_async(self.hooks.on_error, error, _context(call))

        return AsyncEventStream(
            response,
            self._event_parser(call),
            spec=op.stream,
            where=call.where,
            reconnect=reconnect if resumable else None,
            restartable=restartable,
            on_error=on_error if self.hooks.on_error else None,
        )

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
        """Send ``op`` and return its validated result, an ``EventStream``, or None (in the
        ``raw_view()``, a ``RawResponse`` around it)."""
        call = self._prepare(op, params, body, stream, options)
        if not self.hooks.on_error:
            return self._request(call, params, body, options)
        try:
            return self._request(call, params, body, options)
        except SDKError as exc:
            error: Any = Hooks.run(self.hooks.on_error, exc, _context(call))
            if error is exc:
                raise
            raise error from exc

    def _request(
        self,
        call: _Call,
        params: Mapping[str, Any] | None,
        body: Any,
        options: CallOptions | None,
    ) -> Any:
        response = self._send(call)
        if call.op.download is not None and response.is_success:
            download = Download(response, call.op.download, call.where)
            return RawResponse(response, lambda: download) if self._raw else download
        if self._is_event_stream(response):
            if self._raw:
                return RawResponse(
                    response,
                    partial(self._plain._event_stream, call, response, params, body, options),
                )
            return self._event_stream(call, response, params, body, options)
        response.close()  # read by _send
        if self._raw and (response.is_success or _redirected(call, response)):
            return RawResponse(response, partial(self._plain._result, call, response))
        return self._result(call, response)

    def _send(self, call: _Call) -> httpx.Response:
        """Send ``call``, retrying as its policy allows, until a response is final. Its body
        is read (a failed read is retried like a failed send), except for event streams and
        downloads."""
        client = self._get_client()
        hooks = self.hooks
        while True:
            self._begin_attempt(call)
            request = call.build(client, False)
            if hooks.before_request:
                request = Hooks.run(hooks.before_request, request, _context(call))
            self.log.debug("HTTP %s %s", call.op.method, call.log_url)
            started = time.perf_counter()
            try:
                # Always streamed: an event stream must not be read eagerly, and for
                # everything else the caller reads the body.
                response = client.send(request, stream=True)
            except httpx.RequestError as exc:
                self.sleep(self._after_error(call, exc))
                continue
            if hooks.after_response:
                try:
                    response = Hooks.run(hooks.after_response, response, _context(call))
                except BaseException:
                    response.close()
                    raise
            delay = self._after_response(call, response, started)
            if delay is None:
                if not self._reads_body(call, response):
                    return response
                try:
                    self._bound_body(call, response)
                    response.read()
                    return response
                except httpx.RequestError as exc:
                    response.close()
                    delay = self._after_error(call, exc)
            else:
                _drain(response)
            self.sleep(delay)

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
        await self._fetch_tokens_async(op)
        call = self._prepare(op, params, body, stream, options)
        if not self.hooks.on_error:
            return await self._request_async(call, params, body, options)
        try:
            return await self._request_async(call, params, body, options)
        except SDKError as exc:
            error: Any = await Hooks.run_async(self.hooks.on_error, exc, _context(call))
            if error is exc:
                raise
            raise error from exc

    async def _request_async(
        self,
        call: _Call,
        params: Mapping[str, Any] | None,
        body: Any,
        options: CallOptions | None,
    ) -> Any:
        response = await self._send_async(call)
        if call.op.download is not None and response.is_success:
            download = AsyncDownload(response, call.op.download, call.where)
            return RawResponse(response, lambda: download) if self._raw else download
        if self._is_event_stream(response):
            if self._raw:
                return RawResponse(
                    response,
                    partial(self._plain._async_event_stream, call, response, params, body, options),
                )
            return self._async_event_stream(call, response, params, body, options)
        await response.aclose()  # read by _send_async
        if self._raw and (response.is_success or _redirected(call, response)):
            return RawResponse(response, partial(self._plain._result, call, response))
        return self._result(call, response)

    async def _send_async(self, call: _Call) -> httpx.Response:
        client = self._get_async_client()
        hooks = self.hooks
        while True:
            self._begin_attempt(call)
            request = call.build(client, True)
            if hooks.before_request:
                request = await Hooks.run_async(hooks.before_request, request, _context(call))
            self.log.debug("HTTP %s %s", call.op.method, call.log_url)
            started = time.perf_counter()
            try:
                response = await client.send(request, stream=True)
            except httpx.RequestError as exc:
                await self.async_sleep(self._after_error(call, exc))
                continue
            if hooks.after_response:
                try:
                    response = await Hooks.run_async(
                        hooks.after_response, response, _context(call)
                    )
                except BaseException:
                    await response.aclose()
                    raise
            delay = self._after_response(call, response, started)
            if delay is None:
                if not self._reads_body(call, response):
                    return response
                try:
                    self._bound_body(call, response)
                    await response.aread()
                    return response
                except httpx.RequestError as exc:
                    await response.aclose()
                    delay = self._after_error(call, exc)
            else:
                await _adrain(response)
            await self.async_sleep(delay)

    # --- helpers without I/O -----------------------------------------------------------------

    def _with_defaults(self, op: Operation, values: Mapping[str, Any]) -> Mapping[str, Any]:
        """``values`` with the client's parameter defaults filled in where left out."""
        filled: dict[str, Any] | None = None
        defaults = self.param_defaults
        for param in op.params:
            name = param.wire_name.lower() if param.location == "header" else param.wire_name
            default = defaults.get((param.location, name))
            if default is None:
                continue
            given = values.get(param.py_name)
            if given is None or given is NOT_GIVEN:
                if filled is None:
                    filled = dict(values)
                filled[param.py_name] = default
        return values if filled is None else filled


async def _async_sleep(seconds: float) -> None:
    # asyncio is imported here, not at the top: importing it costs tens of milliseconds at
    # start-up, and only async calls (which run in its loop, so it is loaded) need it.
    import asyncio

    await asyncio.sleep(seconds)


def _context(call: _Call) -> HookContext:
    op = call.op
    return HookContext(op.operation_id, op.method, op.path, call.retrier.retries + 1)


def _defaults(
    values: Mapping[tuple[str, str], Any] | None, keep: bool = False
) -> dict[tuple[str, str], Any]:
    """Parameter defaults keyed by (location, wire name), header names in lower case; None
    values are dropped (or kept, to remove an inherited default, when ``keep``)."""
    out: dict[tuple[str, str], Any] = {}
    for (location, name), value in (values or {}).items():
        if value is NOT_GIVEN or (value is None and not keep):
            continue
        out[(location, name.lower() if location == "header" else name)] = value
    return out


def _merged(base: Mapping[Any, Any], changes: Mapping[Any, Any]) -> dict[Any, Any]:
    """``base`` updated by ``changes``: ``NOT_GIVEN`` keeps an entry, None removes it."""
    out = dict(base)
    for key, value in changes.items():
        if value is NOT_GIVEN:
            continue
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


class _Pool:
    """The HTTP clients of an SDK, made on first use and shared with the clients derived
    from it (``with_options``, ``with_raw_response``)."""

    __slots__ = (
        "sync",
        "async_",
        "_owns_sync",
        "_owns_async",
        "_lock",
        "_timeout",
        "_limits",
        "_loop",
        "_closer",
    )

    def __init__(self, options: ClientOptions):
        self.sync = options.client
        self.async_ = options.async_client
        self._owns_sync = options.client is None
        self._owns_async = options.async_client is None
        self._lock = threading.Lock()
        # Waiting for a free connection has its own short limit: a pool held by streams
        # nobody closes does not free up by waiting the read timeout (minutes).
        self._timeout = httpx.Timeout(_READ_S, connect=_CONNECT_S, pool=options.pool_timeout_ms / 1000)
        self._limits = httpx.Limits(
            max_connections=options.max_connections,
            max_keepalive_connections=options.max_keepalive_connections,
        )
        self._loop: Any = None  # the event loop the async client's connections belong to
        self._closer: AsyncGenerator[None, None] | None = None

    def make_sync(self) -> httpx.Client:
        with self._lock:
            if self.sync is None:
                self.sync = httpx.Client(timeout=self._timeout, limits=self._limits)
            return self.sync

    def make_async(self) -> httpx.AsyncClient:
        """The async client for the running loop: connections belong to one event loop, so
        a new loop (``asyncio.run`` again) gets a new client."""
        loop = _running_loop()
        client = self.async_
        if client is not None and (not self._owns_async or loop is None or self._loop is loop):
            return client
        with self._lock:
            transport = ShardedTransport(self._limits)
            client = httpx.AsyncClient(timeout=self._timeout, transport=transport)
            self.async_, self._loop = client, loop
            if loop is not None:
                self._closer = _close_with_loop(client)
        return client

    def owned(self) -> bool:
        """Whether the SDK made its clients (so their limits are its options)."""
        return self._owns_sync and self._owns_async

    def close(self) -> None:
        if self._owns_sync and self.sync is not None:
            self.sync.close()
            self.sync = None

    async def aclose(self) -> None:
        closer, self._closer = self._closer, None
        if closer is not None:
            await closer.aclose()
        elif self._owns_async and self.async_ is not None:
            await self.async_.aclose()
        if self._owns_async:
            self.async_ = self._loop = None
        self.close()


def _running_loop() -> Any:
    asyncio = sys.modules.get("asyncio")  # not imported: no loop can be running
    try:
        return asyncio.get_running_loop() if asyncio is not None else None
    except RuntimeError:
        return None


def _close_with_loop(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """An async generator, started, that closes ``client`` when it is closed.

    The loop registers every async generator started in it and closes them while it shuts
    down (``asyncio.run`` does), so the connections are closed inside their loop rather than
    by the garbage collector once the loop is gone ("Event loop is closed"). Dropped earlier,
    with the SDK, it is closed by the loop too (its finalizer hook).
    """

    async def closer() -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            await client.aclose()

    gen = closer()
    # Runs to the first yield without awaiting anything, so it needs no await here; starting
    # it is what registers it with the running loop.
    try:
        gen.asend(None).send(None)
    except StopIteration:
        pass
    return gen


class _Bounded(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body whose reading fails with ``ReadTimeout`` once ``end`` has passed."""

    __slots__ = ("_stream", "_end", "_clock", "_request")

    def __init__(
        self, stream: Any, end: float, clock: Callable[[], float], request: httpx.Request
    ) -> None:
        self._stream = stream
        self._end = end
        self._clock = clock
        self._request = request

    def _check(self) -> None:
        if self._clock() > self._end:
            raise httpx.ReadTimeout(
                "the response did not arrive in full within the time limit", request=self._request
            )

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._check()
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._check()
            yield chunk

    def close(self) -> None:
        self._stream.close()

    async def aclose(self) -> None:
        await self._stream.aclose()


def _redirected(call: _Call, response: httpx.Response) -> bool:
    """A 3xx answer to an operation whose declared outcome is a redirect."""
    return call.op.redirect and 300 <= response.status_code < 400


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

    def __init__(self, options: ClientOptions | None = None, /, **fields: Any) -> None:
        """``options`` (what the generated ``SDK`` passes), or its fields as keywords."""
        self._core = ClientCore(options, **fields)

    @property
    def hooks(self) -> Hooks:
        """This client's hooks; add to them with ``sdk.hooks.add_before_request(fn)`` etc."""
        return self._core.hooks

    def _with_options(self: _S, **changes: Any) -> _S:
        """A copy of this SDK with ``changes`` applied to its core (see ``ClientCore.derive``);
        it shares the connection pool and the model cache, so it is cheap to make."""
        new = object.__new__(type(self))
        cls = type(self)
        for name, value in self.__dict__.items():
            # resources made by cached properties are bound to the old core: not copied
            if not isinstance(getattr(cls, name, None), cached_property):
                new.__dict__[name] = value
        new._core = self._core.derive(**changes)
        return new

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
