"""The parts of resume that need no server: the backoff schedule, cursor lookup on models
with aliases and on unknown events, cursors without an order, and a connection reset
(ReadError) healed through the reconnect hook."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, Iterator

import httpx
import pytest


class Cut(httpx.SyncByteStream):
    """Some chunks, then the connection is reset."""

    def __init__(self, *chunks: bytes, error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error


def sse(stream: Any) -> httpx.Response:
    request = httpx.Request("GET", "http://test/")
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream,
                          request=request)


def frame(seq: Any, kind: str = "delta", **extra: Any) -> bytes:
    return f"id: {seq}\ndata: {json.dumps({'type': kind, 'seq': seq, **extra})}\n\n".encode()


def parser(pkg: SimpleNamespace, name: str | None = "Event") -> Any:
    import logging

    models = pkg.model.Models(f"{pkg.name}.models", logging.getLogger("test"))
    return lambda data, event: models.parse_event(name, data, event)


def test_backoff_schedule(pkg: SimpleNamespace) -> None:
    spec = pkg.operation.StreamSpec(resume_param="after", initial_interval_ms=100,
                                    max_interval_ms=350)
    stream = pkg.sse.EventStream(sse(Cut()), parser(pkg), spec=spec, reconnect=lambda e: sse(Cut()))
    delays = []
    for attempt in range(1, 6):
        stream._attempts = attempt
        delays.append(stream._delay())
    assert delays[0] == 0  # the first reconnection is immediate
    for delay, full in zip(delays[1:], [0.1, 0.2, 0.35, 0.35]):
        assert 0.75 * full <= delay <= full  # doubling, capped, with jitter
    stream._decoder.retry = 40  # the server's `retry:` replaces the first wait and the base
    stream._attempts = 1
    assert stream._delay() == 0.04
    stream._attempts = 3
    assert 0.75 * 0.08 <= stream._delay() <= 0.08
    stream.close()


def test_connection_reset_is_resumed_with_the_last_cursor(pkg: SimpleNamespace) -> None:
    asked: list[Any] = []
    responses = iter([
        sse(Cut(frame(0), frame(1), b"id: 2\ndata: {\"ty", error=httpx.ReadError("reset by peer"))),
        sse(Cut(frame(1), frame(2), error=httpx.ReadError("reset again"))),
        sse(Cut(frame(3, "done"))),
    ])

    def reconnect(point: Any) -> httpx.Response:
        asked.append((point.last_cursor, point.last_event_id))
        return next(responses)

    spec = pkg.operation.StreamSpec(cursor="seq", terminal=frozenset({"done"}), resume_param="after")
    stream = pkg.sse.EventStream(next(responses), parser(pkg), spec=spec, reconnect=reconnect)
    assert [e.seq for e in stream] == [0, 1, 2, 3]
    # the id of the half-received frame is not taken: the server is asked from event 1 on
    assert asked == [(1, "1"), (2, "2")]
    assert stream.reconnects == 2 and stream.response.is_closed


def test_cursor_read_through_an_alias_and_from_unknown_events(pkg: SimpleNamespace) -> None:
    spec = pkg.operation.StreamSpec(cursor="Position")
    body = (b'data: {"type":"delta","Position":1}\n\n'
            b'data: {"type":"other","Position":2}\n\n'
            b'data: {"type":"delta","Position":2}\n\n'
            b'data: {"type":"done","Position":3}\n\n')
    stream = pkg.sse.EventStream(sse(Cut(body)), parser(pkg, "AliasedEvent"), spec=spec)
    got = list(stream)
    assert [type(e).__name__ for e in got] == ["Aliased", "UnknownEvent", "AliasedDone"]
    assert got[2].position == 3 and stream.last_cursor == 3


def test_cursor_and_id_from_plain_json_events(pkg: SimpleNamespace) -> None:
    spec = pkg.operation.StreamSpec(cursor="seq", id_field="job.id")
    body = frame(0, job={"id": "job-1"}) + frame(0) + frame(1)
    stream = pkg.sse.EventStream(sse(Cut(body)), parser(pkg, None), spec=spec)
    assert [e["seq"] for e in stream] == [0, 1]
    assert stream.resource_id == "job-1"


def test_cursors_without_an_order_drop_only_exact_repeats(pkg: SimpleNamespace) -> None:
    spec = pkg.operation.StreamSpec(cursor="seq")
    body = frame("b") + frame("b") + frame("a") + frame("c")
    stream = pkg.sse.EventStream(sse(Cut(body)), parser(pkg, None), spec=spec)
    assert [e["seq"] for e in stream] == ["b", "a", "c"]


def test_a_broken_stream_without_a_hook_raises_with_the_position(pkg: SimpleNamespace) -> None:
    spec = pkg.operation.StreamSpec(cursor="seq")
    stream = pkg.sse.EventStream(
        sse(Cut(frame(4), frame(5), error=httpx.RemoteProtocolError("incomplete chunked read"))),
        parser(pkg), spec=spec,
    )
    got = []
    with pytest.raises(pkg.errors.StreamInterruptedError) as info:
        for event in stream:
            got.append(event.seq)
    assert got == [4, 5]
    assert (info.value.last_cursor, info.value.last_event_id) == (5, "5")
    assert "interrupted after 2 events" in str(info.value)
    assert stream.response.is_closed
