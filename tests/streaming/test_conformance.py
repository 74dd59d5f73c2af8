"""SSE conformance (WHATWG "interpreting an event stream"), over real HTTP on 127.0.0.1.

Each case of the table in cases.py is one test: its body is sent whole, split in two at every
byte offset (two writes with a pause between, so two TCP segments), and one byte per write.
The consumer must receive the same events every time.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from .cases import CASES


def raw_op(pkg: SimpleNamespace, event: str | None = None, **stream: Any) -> Any:
    o = pkg.operation
    return o.Operation(
        operation_id="raw",
        method="GET",
        path="/raw/{case}",
        params=(o.Param("case", "case", "path", "simple", False),
                o.Param("split", "split", "query", "form", True)),
        event=event,
        stream=o.StreamSpec(sentinel="[DONE]", **stream),
    )


def read(core: Any, op: Any, case: str, split: int) -> tuple[list[Any], Any]:
    with core.request(op, params={"case": case, "split": split}, stream=True) as events:
        return list(events), events


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_every_split(name: str, pkg: SimpleNamespace, make_core: Any) -> None:
    case = CASES[name]
    core = make_core()
    op = raw_op(pkg)
    body = case.body
    for split in [0, -1, *range(1, len(body))]:
        items, stream = read(core, op, name, split)
        assert items == case.expected, f"{name}: split at {split}"
        assert stream.last_event_id == case.last_event_id, f"{name}: split at {split}"
        assert stream._decoder.retry == case.retry
        assert stream.response.is_closed


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_async_byte_by_byte(name: str, pkg: SimpleNamespace, make_core: Any) -> None:
    case = CASES[name]
    core = make_core()

    async def main() -> list[Any]:
        try:
            stream = await core.request_async(raw_op(pkg), params={"case": name, "split": -1},
                                              stream=True)
            async with stream:
                return [item async for item in stream]
        finally:
            await core.aclose()

    assert asyncio.run(main()) == case.expected


def test_typed_events_and_unknown_event_type(pkg: SimpleNamespace, make_core: Any) -> None:
    """Frames parse into the event union; a type the SDK does not know arrives as
    UnknownEvent with its data, in its place, never dropped. Data that is not JSON is not an
    event of an unknown type: the stream raises StreamDecodeError with the raw event."""
    op = raw_op(pkg, event="Event")
    for split in (0, -1):
        items: list[Any] = []
        with make_core().request(op, params={"case": "typed_and_unknown", "split": split},
                                 stream=True) as events:
            with pytest.raises(pkg.errors.StreamDecodeError) as info:
                for item in events:
                    items.append(item)
            assert events.response.is_closed
        M = pkg.models
        assert [type(i).__name__ for i in items] == ["Delta", "UnknownEvent"]
        assert isinstance(items[0], M.Delta) and items[0].text == "a"
        assert items[1].type == "brand.new"
        assert items[1].data == {"type": "brand.new", "seq": 1, "x": [1]}
        error = info.value
        assert (error.event, error.data, error.id) == ("message", "not json", None)
        assert isinstance(error, pkg.errors.ResponseValidationError)
        assert "the data of an event is not JSON (event 'message', id None): not json" in str(error)


def test_decoder_memory_stays_flat(pkg: SimpleNamespace) -> None:
    """Incremental: only the unfinished line is buffered, however long the stream runs."""
    decoder = pkg.sse.SSEDecoder()
    frame = b'data: {"type":"delta","seq":1,"text":"xxxxxxxxxxxxxxxx"}\n\n'
    chunk = frame * 50
    seen = 0
    for i in range(2000):  # 100,000 events, cut at shifting offsets
        cut = i % len(frame)
        seen += len(decoder.feed(chunk[:cut])) + len(decoder.feed(chunk[cut:]))
        assert decoder.buffered < len(frame)
    assert seen == 100_000


def test_the_server_really_splits_frames(server: str) -> None:
    """The premise of the table: split bodies reach the client as separate chunks."""
    import httpx

    size = len(CASES["lf"].body)
    with httpx.Client() as client:
        for split, sizes in ((-1, [1] * size), (5, [5, size - 5])):
            with client.stream("GET", f"{server}/raw/lf?split={split}") as response:
                assert [len(c) for c in response.iter_bytes()] == sizes
