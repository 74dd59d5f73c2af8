"""Server-sent events: an incremental decoder (bytes in, events out) and the typed streams
returned to callers.

The decoder follows the WHATWG "interpreting an event stream" rules. It works line by line
with bytes methods, never byte by byte, and keeps only the unfinished last line buffered,
so memory stays flat however long the stream runs.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncGenerator, Awaitable, Callable, Generator, Generic, TypeVar

import httpx

from .errors import StreamInterruptedError

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
                if self._data:
                    events.append(
                        ServerSentEvent(
                            b"\n".join(self._data).decode("utf-8", "replace"),
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
                    self.last_event_id = value.decode("utf-8", "replace")
            elif name == b"retry":
                if value.isdigit():
                    self._retry = self.retry = int(value)
        return events


class _StreamCore(Generic[T]):
    """What the sync and async streams share: turning decoded events into items."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        sentinel: str | None = None,
        where: str = "event stream",
        cursor_field: str | None = None,
    ) -> None:
        self.response = response
        self._parse = parse
        self._sentinel = sentinel
        self._where = where
        self._cursor_field = cursor_field
        self._decoder = SSEDecoder()
        self._closed = False
        self.events_received = 0
        self.last_cursor: Any = None

    @property
    def last_event_id(self) -> str | None:
        return self._decoder.last_event_id

    def _items(self, chunk: bytes) -> tuple[list[T], bool]:
        """Items completed by ``chunk``, and whether the sentinel ended the stream."""
        items: list[T] = []
        done = False
        for sse in self._decoder.feed(chunk):
            if self._sentinel is not None and sse.data == self._sentinel:
                done = True
                break
            item = self._parse(sse.data, sse.event)
            if self._cursor_field is not None:
                self.last_cursor = getattr(item, self._cursor_field, self.last_cursor)
            items.append(item)
        self.events_received += len(items)
        return items, done

    def _interrupted(self, exc: Exception) -> StreamInterruptedError:
        return StreamInterruptedError(
            f"{self._where}: event stream interrupted after {self.events_received} events: "
            f"{type(exc).__name__}: {exc}",
            self.response,
            last_event_id=self._decoder.last_event_id,
            last_cursor=self.last_cursor,
        )

    def _restart(self, response: httpx.Response) -> None:
        self.response = response
        self._decoder = SSEDecoder(self._decoder.last_event_id)


class EventStream(_StreamCore[T]):
    """A stream of typed events; iterate it, ideally inside ``with``.

    The HTTP connection is released when the stream is exhausted, on ``close()``, on leaving
    ``with``, on an error, and at the latest when the object is garbage collected.

    ``reconnect`` is the resume hook: given the interruption error (with ``last_event_id``
    and ``last_cursor``), it returns a new streaming response to continue from, or raises.
    Without it an interruption raises ``StreamInterruptedError``.
    """

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        sentinel: str | None = None,
        where: str = "event stream",
        cursor_field: str | None = None,
        reconnect: Callable[[StreamInterruptedError], httpx.Response] | None = None,
    ) -> None:
        super().__init__(response, parse, sentinel=sentinel, where=where, cursor_field=cursor_field)
        self._reconnect = reconnect
        self._iterator = self._run()

    def _run(self) -> Generator[T, None, None]:
        try:
            while True:
                try:
                    for chunk in self.response.iter_bytes():
                        items, done = self._items(chunk)
                        yield from items
                        if done:
                            return
                    return
                except httpx.TransportError as exc:
                    error = self._interrupted(exc)
                    if self._reconnect is None:
                        raise error from exc
                    self.response.close()
                    self._restart(self._reconnect(error))
        finally:
            self.response.close()

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
            if not getattr(self, "_closed", True):
                self.close()
        except Exception:  # interpreter shutdown or a half-built object: nothing to release
            pass


_background: set[asyncio.Task[None]] = set()  # keeps close tasks alive until they finish


class AsyncEventStream(_StreamCore[T]):
    """The async twin of ``EventStream``: ``async for``, ``async with``, ``aclose()``."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str, str | None], T],
        *,
        sentinel: str | None = None,
        where: str = "event stream",
        cursor_field: str | None = None,
        reconnect: Callable[[StreamInterruptedError], Awaitable[httpx.Response]] | None = None,
    ) -> None:
        super().__init__(response, parse, sentinel=sentinel, where=where, cursor_field=cursor_field)
        self._reconnect = reconnect
        self._iterator = self._run()

    async def _run(self) -> AsyncGenerator[T, None]:
        try:
            while True:
                try:
                    async for chunk in self.response.aiter_bytes():
                        items, done = self._items(chunk)
                        for item in items:
                            yield item
                        if done:
                            return
                    return
                except httpx.TransportError as exc:
                    error = self._interrupted(exc)
                    if self._reconnect is None:
                        raise error from exc
                    await self.response.aclose()
                    self._restart(await self._reconnect(error))
        finally:
            await self.response.aclose()

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
        # Nothing can be awaited here; hand the close to the running loop, if any. A started
        # iterator is also finalized by asyncio's async-generator hooks.
        if getattr(self, "_closed", True):
            return
        self._closed = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self.response.aclose())
        _background.add(task)
        task.add_done_callback(_background.discard)
