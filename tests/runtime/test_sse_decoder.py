"""WHATWG event-stream parsing (sse.SSEDecoder), one edge case per test."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest


def decode(rt: SimpleNamespace, *chunks: bytes) -> list[tuple[str, str, str | None, int | None]]:
    decoder = rt.sse.SSEDecoder()
    events = [e for chunk in chunks for e in decoder.feed(chunk)]
    return [(e.event, e.data, e.id, e.retry) for e in events]


def data_of(rt: SimpleNamespace, *chunks: bytes) -> list[str]:
    return [data for _, data, _, _ in decode(rt, *chunks)]


def test_lf_line_endings(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\n\ndata: b\n\n") == ["a", "b"]


def test_crlf_line_endings(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\r\n\r\ndata: b\r\n\r\n") == ["a", "b"]


def test_cr_line_endings(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\r\rdata: b\r\r") == ["a", "b"]


def test_mixed_line_endings(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\r\n\ndata: b\r\rdata: c\n\r\n") == ["a", "b", "c"]


def test_multi_line_data_is_joined_with_newline(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: one\ndata: two\ndata:\ndata: four\n\n") == ["one\ntwo\n\nfour"]


def test_comment_lines_are_ignored(rt: SimpleNamespace) -> None:
    assert data_of(rt, b": hello\ndata: a\n: between\n\n") == ["a"]


def test_heartbeat_only_stream_has_no_events(rt: SimpleNamespace) -> None:
    assert decode(rt, b":\n\n: ping\n\n:\r\n\r\n") == []


def test_event_field_sets_type_and_default_is_message(rt: SimpleNamespace) -> None:
    events = decode(rt, b"event: delta\ndata: a\n\ndata: b\n\n")
    assert [e[0] for e in events] == [
        "delta",
        "message",
    ]  # the type does not leak into the next event


def test_id_persists_as_last_event_id(rt: SimpleNamespace) -> None:
    decoder = rt.sse.SSEDecoder()
    events = decoder.feed(b"id: 1\ndata: a\n\ndata: b\n\nid: 7\ndata: c\n\n")
    assert [e.id for e in events] == ["1", "1", "7"]
    assert decoder.last_event_id == "7"


def test_id_with_nul_is_ignored_and_empty_id_resets(rt: SimpleNamespace) -> None:
    decoder = rt.sse.SSEDecoder()
    events = decoder.feed(b"id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\nid\ndata: c\n\n")
    assert [e.id for e in events] == ["1", "1", ""]


def test_retry_field_sets_reconnection_time(rt: SimpleNamespace) -> None:
    decoder = rt.sse.SSEDecoder()
    events = decoder.feed(b"retry: 1500\ndata: a\n\nretry: soon\ndata: b\n\n")
    assert [e.retry for e in events] == [1500, None]
    assert decoder.retry == 1500


def test_block_without_data_is_not_dispatched(rt: SimpleNamespace) -> None:
    assert decode(rt, b"event: lonely\nid: 3\n\ndata: x\n\n") == [("message", "x", "3", None)]


def test_empty_data_field_dispatches_empty_string(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data:\n\ndata\n\n") == ["", ""]


def test_unknown_fields_are_ignored(rt: SimpleNamespace) -> None:
    assert decode(rt, b"foo: bar\ndata: a\nDATA: b\nEvent: c\n\n") == [("message", "a", None, None)]


def test_only_one_leading_space_is_stripped(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data:no-space\n\ndata:  two\n\ndata: a:b\n\n") == [
        "no-space",
        " two",
        "a:b",
    ]


def test_leading_bom_is_stripped_once(rt: SimpleNamespace) -> None:
    bom = b"\xef\xbb\xbf"
    assert data_of(rt, bom + b"data: a\n\n") == ["a"]
    # a second BOM is not a BOM any more: the line's field name is "\ufeffdata", unknown
    assert data_of(rt, bom + bom + b"data: a\n\ndata: b\n\n") == ["b"]


def test_bom_split_across_chunks(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"\xef", b"\xbb", b"\xbfdata: a\n", b"\n") == ["a"]


def test_utf8_character_split_between_chunks(rt: SimpleNamespace) -> None:
    raw = "data: héllo €\n\n".encode()
    cut = raw.index("€".encode()) + 1  # inside the 3-byte euro sign
    assert data_of(rt, raw[:cut], raw[cut:]) == ["héllo €"]


def test_crlf_split_between_chunks_is_one_line_ending(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == ["a\nb"]


def test_lone_cr_at_chunk_end_then_more_text(rt: SimpleNamespace) -> None:
    assert data_of(rt, b"data: a\r", b"\r", b"data: b\r\r") == ["a", "b"]


def test_byte_by_byte_equals_whole_feed(rt: SimpleNamespace) -> None:
    stream = (
        '\ufeff: comment\r\nevent: delta\r\nid: 1\r\ndata: {"t": "é"}\r\n\r\n'
        "data: line1\r\ndata: line2\r\n\r\nretry: 10\r\nevent: done\r\ndata: [DONE]\r\n\r\n"
    ).encode()
    whole = decode(rt, stream)
    assert whole == [
        ("delta", '{"t": "é"}', "1", None),
        ("message", "line1\nline2", "1", None),
        ("done", "[DONE]", "1", 10),
    ]
    assert decode(rt, *(stream[i : i + 1] for i in range(len(stream)))) == whole


def test_unterminated_last_event_is_discarded(rt: SimpleNamespace) -> None:
    decoder = rt.sse.SSEDecoder()
    assert [e.data for e in decoder.feed(b"data: a\n\ndata: partial\n")] == ["a"]
    assert decoder.pending  # the caller can tell the stream stopped mid-event


def test_memory_stays_flat_over_100k_events(rt: SimpleNamespace) -> None:
    event = (
        b'event: text.delta\ndata: {"type":"text.delta","sequence_number":1,"delta":"hello"}\n\n'
    )
    blob = event * 1000
    decoder = rt.sse.SSEDecoder()
    count = 0
    largest = 0
    started = time.perf_counter()
    for _ in range(100):
        # 1000-byte chunks that cut lines anywhere, as a network would
        for i in range(0, len(blob), 1000):
            count += len(decoder.feed(blob[i : i + 1000]))
            largest = max(largest, decoder.buffered)
    elapsed = time.perf_counter() - started
    assert count == 100_000
    assert largest < 1000  # only the unfinished line is kept
    assert elapsed < 5.0  # generous: about 0.3 s on a slow machine


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_any_chunking_gives_the_same_events(rt: SimpleNamespace, size: int) -> None:
    stream = b"id: 9\r\ndata: a\r\n\r\n:x\rdata: \xe2\x82\xac\r\rdata: b\ndata: c\n\n"
    chunks: Any = [stream[i : i + size] for i in range(0, len(stream), size)]
    assert (
        decode(rt, *chunks)
        == decode(rt, stream)
        == [
            ("message", "a", "9", None),
            ("message", "€", "9", None),
            ("message", "b\nc", "9", None),
        ]
    )
