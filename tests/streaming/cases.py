"""The SSE conformance table: raw bodies and what a consumer must receive from each.

Shared by the test server (which sends the bytes) and the tests (which check the result).
Values are what the runtime yields for an operation without an event model: the JSON value of
each event's data, or the text when the data is not JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    body: bytes
    expected: list[Any]
    last_event_id: str | None = None
    retry: int | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "lf": Case(b"data: 1\n\ndata: 2\n\n", [1, 2]),
    "crlf": Case(b"data: 1\r\n\r\ndata: 2\r\n\r\n", [1, 2]),
    "cr": Case(b"data: 1\r\rdata: 2\r\r", [1, 2]),
    "mixed_line_ends": Case(b"data: 1\r\n\ndata: 2\r\r\ndata: 3\n\r\n", [1, 2, 3]),
    "multi_line_data": Case(b"data: line one\ndata: line two\n\n", ["line one\nline two"]),
    "multi_line_json": Case(b'data: {"a":\ndata: [1,\ndata: 2]}\n\n', [{"a": [1, 2]}]),
    "comments_and_heartbeats": Case(
        b": stream opened\n\n:\n\n: keep-alive\ndata: 1\n: inside an event\n\n: ping\n\n", [1]
    ),
    "bom": Case(b"\xef\xbb\xbfdata: 1\n\ndata: 2\n\n", [1, 2]),
    "bom_only_first": Case(b"\xef\xbb\xbfdata: 1\n\n\xef\xbb\xbfdata: 2\n\ndata: 3\n\n", [1, 3],
                           notes="a BOM later in the stream is part of a field name: ignored"),
    "done_sentinel": Case(b"data: 1\n\ndata: [DONE]\n\ndata: 2\n\n", [1],
                          notes="nothing after the sentinel is read"),
    "id_and_retry": Case(b"id: 7\nretry: 1500\ndata: 1\n\nid: 8\ndata: 2\n\n", [1, 2],
                         last_event_id="8", retry=1500),
    "id_kept_across_events": Case(b"id: 5\ndata: 1\n\ndata: 2\n\n", [1, 2], last_event_id="5"),
    "id_with_nul_ignored": Case(b"id: 4\ndata: 1\n\nid: a\x00b\ndata: 2\n\n", [1, 2],
                                last_event_id="4"),
    "id_of_an_unfinished_event_not_kept": Case(b"id: 1\ndata: 1\n\nid: 2\ndata: 2", [1],
                                               last_event_id="1"),
    "retry_not_digits_ignored": Case(b"retry: 1.5\ndata: 1\n\n", [1], retry=None),
    "no_space_after_colon": Case(b"data:1\n\ndata:  two\n\n", [1, " two"]),
    "field_without_colon": Case(b"data\n\ndata: 1\n\n", ["", 1],
                                notes="a bare 'data' line is data with an empty value"),
    "event_without_data_is_not_dispatched": Case(b"event: ping\n\nid: 3\n\ndata: 1\n\n", [1],
                                                 last_event_id="3"),
    "unknown_fields_ignored": Case(b"foo: bar\ndata: 1\nbaz\n\n", [1]),
    "event_name": Case(b"event: delta\ndata: 1\n\nevent: done\ndata: 2\n\n", [1, 2]),
    "utf8_multibyte": Case("data: \"héllo ✓ 🌍\"\n\n".encode(), ["héllo ✓ 🌍"],
                           notes="split inside multi-byte characters too"),
    "unfinished_event_at_end_discarded": Case(b"data: 1\n\ndata: 2", [1]),
    "blank_lines_between_events": Case(b"\n\n\ndata: 1\n\n\n\ndata: 2\n\n", [1, 2]),
    # read with the event model: Delta, UnknownEvent, then StreamDecodeError (not JSON)
    "typed_and_unknown": Case(
        b'event: delta\ndata: {"type":"delta","seq":0,"text":"a"}\n\n'
        b'event: brand.new\ndata: {"type":"brand.new","seq":1,"x":[1]}\n\n'
        b"data: not json\n\n"
        b'data: {"type":"done","seq":2}\n\n',
        [{"type": "delta", "seq": 0, "text": "a"}, {"type": "brand.new", "seq": 1, "x": [1]},
         "not json", {"type": "done", "seq": 2}],
    ),
}
