"""Server-sent events: an incremental decoder (bytes in, events out) and the typed streams
returned to callers.

The decoder follows the WHATWG "interpreting an event stream" rules. It works line by line
with bytes methods, never byte by byte, and keeps only the unfinished last line buffered,
so memory stays flat however long the stream runs.

The streams resume by themselves when the operation's ``StreamSpec`` says how: after a break
(transport error, or the body ending before a declared terminal event) they ask the
``reconnect`` hook for a new response starting after the last cursor seen, and drop events
already delivered, so the consumer sees every event once, in order.
"""

from __future__ import annotations

import random
import time
import warnings
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Generic,
    TypeVar,
)

import httpx

from .download import aclose_soon
from .errors import (
    APIConnectionError,
    SDKError,
    StreamDecodeError,
    StreamInterruptedError,
    excerpt,
)
from .model import BodyMismatch, UnknownEvent
from .operation import StreamSpec

__all__ = ["ServerSentEvent", "SSEDecoder", "EventStream", "AsyncEventStream"]

T = TypeVar("T")

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent:
    """One dispatched event. ``id`` is the last event id in force when it was dispatched."""

    __slots__ = ("event", "data", "id", "retry")

    def __init__(
        self,
        data: str = "",
        event: str = "message",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.data, self.id, self.retry) == (
            other.event,
            other.data,
            other.id,
            other.retry,
        )


class SSEDecoder:
    """Feed it byte chunks split anywhere; it returns the events completed so far.

    An event still open when the stream ends is discarded, as the standard requires;
    ``pending`` tells whether that would happen.
    """

    __slots__ = (
        "_tail",
        "_skip_lf",
        "_started",
        "_event",
        "_data",
        "_retry",
        "_id",
        "last_event_id",
        "retry",
    )

    def __init__(self, last_event_id: str | None = None) -> None:
        self._tail: list[bytes] = []  # pieces of the unfinished last line
        self._skip_lf = False  # the previous chunk ended in "\r"; a leading "\n" belongs to it
        self._started = False
        self._event: bytes | None = None
        self._data: list[bytes] = []
        self._retry: int | None = None
        # The id of the event being read; it becomes ``last_event_id`` only when that event
        # is complete, so an event cut off by a broken connection is asked for again.
        self._id = last_event_id
        self.last_event_id = last_event_id
        self.retry: int | None = None  # reconnection time (ms) last asked for by the server

    @property
    def pending(self) -> bool:
        """True if bytes of an unfinished event are buffered."""
        return bool(self._tail or self._data or self._event is not None)

    @property
    def buffered(self) -> int:
        """Bytes held for the unfinished line (for memory checks)."""
        return sum(len(piece) for piece in self._tail)

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        # "\r" and "\n" never occur inside a multi-byte UTF-8 sequence, so everything up to
        # the last line ending is complete text and the rest waits for the next chunk.
        end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        if end < 0:
            if chunk:
                self._tail.append(chunk)
            return []
        head = chunk[: end + 1]
        if self._tail:
            self._tail.append(head)
            head = b"".join(self._tail)
            self._tail = []
        if end + 1 < len(chunk):
            self._tail.append(chunk[end + 1 :])
        elif chunk[end] == 13:
            self._skip_lf = True
        if not self._started:
            self._started = True
            if head.startswith(_BOM):
                head = head[3:]
        return self._lines(head.splitlines())  # bytes.splitlines: only \r\n, \r and \n

    def _lines(self, lines: list[bytes]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        for line in lines:
            if not line:
                self.last_event_id = self._id
                data = self._data
                if data:
                    events.append(
                        ServerSentEvent(
                            (data[0] if len(data) == 1 else b"\n".join(data)).decode("utf-8", "replace"),
                            (
                                "message"
                                if self._event is None
                                else self._event.decode("utf-8", "replace")
                            ),
                            self.last_event_id,
                            self._retry,
                        )
                    )
                    self._data = []
                self._event = None
                self._retry = None
                continue
            name, _, value = line.partition(b":")  # a comment line has an empty name
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                self._data.append(value)
            elif name == b"event":
                self._event = value
            elif name == b"id":
                if b"\0" not in value:
                    self._id = value.decode("utf-8", "replace")
            elif name == b"retry":
                if value.isdigit():
                    self._retry = self.retry = int(value)
        return events


class _ShortStream(Exception):
    """The server ended the body before a declared terminal event."""


# Raised while reading or reopening a stream, these mean "the stream broke"; whether it can be
# resumed is decided by _StreamCore._after_break.
_BREAKS = (httpx.TransportError, _ShortStream, SDKError)

_ALIASES: dict[tuple[type, str], str] = {}  # (model class, wire name) -> attribute name


def _field(item: Any, name: str) -> Any:
    """The value of wire field ``name`` of a parsed event (a model, an UnknownEvent or JSON)."""
    cls = type(item)
    attr = _ALIASES.get((cls, name))
    if attr is not None:  # a model class seen before: the fast path
        return getattr(item, attr, None)
    if cls is dict:
        return item.get(name)
    if cls is UnknownEvent:
        data = item.data
        return data.get(name) if isinstance(data, dict) else None
    attr = name
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):  # a field whose Python name differs from its wire name
        for key, info in fields.items():
            if getattr(info, "alias", None) == name:
                attr = str(key)
                break
    _ALIASES[(cls, name)] = attr
    return getattr(item, attr, None)


def _event_type(item: Any, event: str) -> str:
    value = item.get("type") if isinstance(item, dict) else getattr(item, "type", None)
    value = getattr(value, "value", value)  # an enum member
    return value if isinstance(value, str) else event


def _not_after(cursor: Any, last: Any) -> bool:
    """True when ``cursor`` is not past ``last``: the event was already delivered."""
    if isinstance(cursor, (int, float)) and isinstance(last, (int, float)):
        return cursor <= last
    return cursor == last  # cursors without an order: only an exact repeat is known


def _retryable(exc: BaseException) -> bool:
    """Whether a failed attempt to reopen a stream is worth another attempt."""
    if isinstance(exc, (httpx.TransportError, _ShortStream, APIConnectionError)):
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(status, int) and (status == 429 or status >= 500)


_NO_SPEC = StreamSpec()
_S = TypeVar("_S", bound="_StreamCore[Any]")


class _StreamCore(Generic[T]):
    """What the sync and async streams share: turning bytes into items, and deciding, without
    I/O, whether and when a broken stream is reopened."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        spec: StreamSpec | None = None,
        where: str = "event stream",
        resumable: bool = False,
        restartable: bool = False,
    ) -> None:
        self.response = response
        self._parse = parse
        spec = spec or _NO_SPEC
        self._spec = spec
        self._sentinel = spec.sentinel
        self._cursor = spec.cursor
        self._terminal = spec.terminal
        self._id_path = tuple(spec.id_field.split(".")) if spec.id_field else None
        self._where = where
        self._resumable = resumable
        self._restartable = restartable
        self._decoder = SSEDecoder()
        self._closed = False
        self._done = False
        self._attempts = 0  # reconnection attempts since the last new event
        self._break: StreamInterruptedError | None = None  # set while a reconnection is due
        self._failed: StreamDecodeError | None = None  # raised once the events before it are out
        self.events_received = 0
        self.reconnects = 0
        self.last_cursor: Any = None
        self.resource_id: str | None = None

    @property
    def last_event_id(self) -> str | None:
        return self._decoder.last_event_id

    def _items(self, chunk: bytes) -> list[T]:
        """Items completed by ``chunk``; sets ``_done`` at the sentinel or a terminal event."""
        items: list[T] = []
        # This runs once per event: locals, and plain attribute reads on the hot path.
        parse, sentinel, cursor_name, terminal = (
            self._parse,
            self._sentinel,
            self._cursor,
            self._terminal,
        )
        for sse in self._decoder.feed(chunk):
            data = sse.data
            if data == sentinel:
                self._done = True
                break
            try:  # free unless it raises (zero-cost exceptions): nothing added per event
                item = parse(data, sse.event)
            except ValueError as exc:
                # the events before it in this chunk are still delivered; then the stream ends
                self._failed = self._undecodable(sse, exc)
                self._done = True
                break
            if cursor_name is not None:
                cursor = _field(item, cursor_name)
                if cursor is not None:
                    last = self.last_cursor
                    if last is not None and (
                        cursor <= last
                        if type(cursor) is int and type(last) is int
                        else _not_after(cursor, last)
                    ):
                        continue  # sent again after a reconnection: already delivered
                    self.last_cursor = cursor
            if self._id_path is not None and self.resource_id is None:
                value: Any = item
                for part in self._id_path:
                    value = _field(value, part)
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    self.resource_id = str(value)
            items.append(item)
            if terminal:
                kind = getattr(item, "type", None)
                if kind.__class__ is not str:
                    kind = _event_type(item, sse.event)
                if kind in terminal:
                    self._done = True
                    break
        if items:
            self.events_received += len(items)
            self._attempts = 0
        return items

    def _undecodable(self, sse: ServerSentEvent, exc: ValueError) -> StreamDecodeError:
        """The error for an event whose data the parser refused (not JSON, or JSON that
        cannot be an event). Not a break: the server sent it, reading it again would not help."""
        reason = str(exc) if isinstance(exc, BodyMismatch) else "is not JSON"
        error = StreamDecodeError(
            f"{self._where}: the data of an event {reason} (event {sse.event!r}, id {sse.id!r}): "
            + excerpt(sse.data),
            self.response,
            event=sse.event,
            data=sse.data,
            id=sse.id,
        )
        error.__cause__ = exc
        return error

    def _check_end(self) -> None:
        """At the end of the body: a stream that declares terminal events must have sent one."""
        if not self._done and self._terminal:
            raise _ShortStream("the server ended the stream before a terminal event")

    def _interrupted(self, exc: BaseException, reason: str = "") -> StreamInterruptedError:
        detail = str(exc) if isinstance(exc, _ShortStream) else f"{type(exc).__name__}: {exc}"
        return StreamInterruptedError(
            f"{self._where}: event stream interrupted after {self.events_received} events: "
            + detail
            + (f"; {reason}" if reason else ""),
            self.response,
            last_event_id=self._decoder.last_event_id,
            last_cursor=self.last_cursor,
            resource_id=self.resource_id,
        )

    def _after_break(self, exc: BaseException) -> StreamInterruptedError | None:
        """The error to raise, or None when a reconnection is due (``_break`` holds where
        to resume and ``_delay()`` how long to wait first)."""
        reason = self._cannot_resume(exc) if self._resumable else ""
        if reason is None:
            self._attempts += 1
            self._break = self._interrupted(exc)
            return None
        self._break = None
        return self._interrupted(exc, reason)

    def _cannot_resume(self, exc: BaseException) -> str | None:
        """Why the stream cannot go on after ``exc``, or None when it can."""
        spec = self._spec
        if not _retryable(exc):
            return "resuming failed"
        if self._attempts >= spec.max_attempts:
            return f"gave up after {self._attempts} attempts to resume"
        if self._id_path is not None and self.resource_id is None and spec.resume is not None:
            return f"cannot resume: no {spec.id_field} received yet"
        if self.last_cursor is None:
            if self.events_received:
                return "cannot resume: no cursor received yet"
            if not self._restartable:
                return "cannot resume: nothing received and the request cannot be safely re-sent"
        return None

    def _delay(self) -> float:
        """Seconds to wait before reconnection attempt ``_attempts`` (1-based)."""
        n = self._attempts
        server_ms = self._decoder.retry
        if n <= 1:
            return (server_ms or 0) / 1000
        spec = self._spec
        base = server_ms if server_ms is not None else spec.initial_interval_ms
        ms = min(base * 2 ** (n - 2), max(spec.max_interval_ms, base))
        return ms * (0.75 + random.random() / 4) / 1000

    def _restart(self, response: httpx.Response) -> None:
        self.response = response
        retry = self._decoder.retry
        self._decoder = SSEDecoder(self._decoder.last_event_id)
        self._decoder.retry = retry
        self._break = None
        self.reconnects += 1

    def _detach(self) -> httpx.Response:
        """Hand the response over to another stream (used when reopening one)."""
        self._closed = True
        return self.response

    def _dropped(self) -> bool:
        """Called by ``__del__``: whether the connection is still held (the stream was neither
        read to its end nor closed); warns, as files do, since the caller leaked it."""
        if getattr(self, "_closed", True):  # closed, or __init__ did not finish
            return False
        self._closed = True
        if self.response.is_closed:
            return False
        warnings.warn(
            f"{self._where}: event stream dropped without close(); its connection is released"
            " now. Use `with` or call close() when done.",
            ResourceWarning,
            source=self,
        )
        return True


def _weak(stream: _S) -> _S:
    """A weak proxy of ``stream`` for its own generator: a strong reference there would make
    a cycle (stream -> generator -> frame -> stream) that only the cyclic collector frees, so
    a stream dropped unclosed would hold its connection until then, and the pool runs dry
    long before (the generator only runs while the caller holds the stream)."""
    return weakref.proxy(stream)  # pyright: ignore[reportReturnType]


def _response_of(stream: _StreamCore[Any]) -> httpx.Response | None:
    try:
        return stream.response
    except ReferenceError:  # the stream was dropped; its __del__ released the connection
        return None


class EventStream(_StreamCore[T]):
    """A stream of typed events; iterate it, ideally inside ``with``.

    The HTTP connection is released when the stream is exhausted, on ``close()``, on leaving
    ``with``, on an error, and at the latest when the object is garbage collected.

    ``reconnect`` is the resume hook: given the interruption (with ``last_event_id``,
    ``last_cursor`` and ``resource_id``), it returns a new streaming response to continue
    from, or raises. ``restartable``: the request may be re-sent from the start when the
    stream broke before any event. Without a hook an interruption raises
    ``StreamInterruptedError``. ``on_error`` gets that error first (the SDK's ``on_error``
    hooks) and returns the exception to raise.
    """

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        spec: StreamSpec | None = None,
        where: str = "event stream",
        reconnect: Callable[[StreamInterruptedError], httpx.Response] | None = None,
        restartable: bool = False,
        on_error: Callable[[SDKError], BaseException] | None = None,
    ) -> None:
        super().__init__(
            response,
            parse,
            spec=spec,
            where=where,
            resumable=reconnect is not None,
            restartable=restartable,
        )
        self._reconnect = reconnect
        self._on_error = on_error
        self._iterator = EventStream._run(_weak(self))

    def _run(self) -> Generator[T, None, None]:
        try:
            while True:
                try:
                    if self._break is not None and self._reconnect is not None:
                        self._restart(self._reconnect(self._break))
                    for chunk in self.response.iter_bytes():
                        items = self._items(chunk)
                        if items:
                            yield from items
                        if self._done:
                            if self._failed is not None:
                                raise self._failed
                            return
                    self._check_end()
                    return
                except StreamDecodeError as exc:
                    raise exc if self._on_error is None else self._on_error(exc)
                except _BREAKS as exc:
                    self.response.close()
                    error = self._after_break(exc)
                    if error is not None:
                        raise (error if self._on_error is None else self._on_error(error)) from exc
                    delay = self._delay()
                    if delay:
                        time.sleep(delay)
        finally:
            response = _response_of(self)
            if response is not None:
                response.close()

    def __iter__(self) -> EventStream[T]:
        return self

    def __next__(self) -> T:
        return next(self._iterator)

    def __enter__(self) -> EventStream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._iterator.close()
            self.response.close()

    def __del__(self) -> None:
        try:
            if self._dropped():
                self._iterator.close()
                self.response.close()
        except Exception:  # interpreter shutdown or a half-built object: nothing to release
            pass


class AsyncEventStream(_StreamCore[T]):
    """The async twin of ``EventStream``: ``async for``, ``async with``, ``aclose()``.
    Cancelling the task that reads it closes the connection."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        spec: StreamSpec | None = None,
        where: str = "event stream",
        reconnect: Callable[[StreamInterruptedError], Awaitable[httpx.Response]] | None = None,
        restartable: bool = False,
        on_error: Callable[[SDKError], Awaitable[BaseException]] | None = None,
    ) -> None:
        super().__init__(
            response,
            parse,
            spec=spec,
            where=where,
            resumable=reconnect is not None,
            restartable=restartable,
        )
        self._reconnect = reconnect
        self._on_error = on_error
        self._iterator = AsyncEventStream._run(_weak(self))

    async def _run(self) -> AsyncGenerator[T, None]:
        try:
            while True:
                try:
                    if self._break is not None and self._reconnect is not None:
                        self._restart(await self._reconnect(self._break))
                    async for chunk in self.response.aiter_bytes():
                        for item in self._items(chunk):
                            yield item
                        if self._done:
                            if self._failed is not None:
                                raise self._failed
                            return
                    self._check_end()
                    return
                except StreamDecodeError as exc:
                    raise exc if self._on_error is None else await self._on_error(exc)
                except _BREAKS as exc:
                    await self.response.aclose()
                    error = self._after_break(exc)
                    if error is not None:
                        raise (error if self._on_error is None else await self._on_error(error)) from exc
                    delay = self._delay()
                    if delay:
                        import asyncio

                        await asyncio.sleep(delay)
        finally:
            response = _response_of(self)
            if response is not None:
                await response.aclose()

    def __aiter__(self) -> AsyncEventStream[T]:
        return self

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> AsyncEventStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self._iterator.aclose()
            await self.response.aclose()

    def __del__(self) -> None:
        # A started iterator is finalized by asyncio's async-generator hooks.
        try:
            if self._dropped():
                aclose_soon(self.response)
        except Exception:  # interpreter shutdown or a half-built object: nothing to release
            pass
