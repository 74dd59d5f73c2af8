"""render.py: IR values as Python source, the one place that writes them."""

from __future__ import annotations

import ast

from generator.emit.render import FILTERS, body_value, python, servers
from generator.ir.model import (
    BackoffIR,
    BodyIR,
    Location,
    MediaKind,
    OperationRef,
    PaginationIR,
    RetryIR,
    ServerIR,
    StreamIR,
)


def test_scalars_tuples_and_enums_are_literals() -> None:
    assert [python(v) for v in (None, "a'b", 3, 1.5, True, ("x",), (("a", "b"), ()))] == [
        "None", '"a\'b"', "3", "1.5", "True", "('x',)", "(('a', 'b'), ())"]
    assert (python(Location.HEADER), python(MediaKind.MULTIPART)) == ("'header'", "'multipart'")


def test_descriptors() -> None:
    assert python(BodyIR("text/plain", MediaKind.TEXT, (), "body", ())) == "Body('text/plain', 'text')"
    assert python(RetryIR(False, BackoffIR(1, 2, 2.0, 3), True, ("429",))) == (
        "RetryConfig(backoff=BackoffStrategy(initial_interval_ms=1, max_interval_ms=2, exponent=2.0, max_elapsed_ms=3), "
        "retry_connection_errors=True, status_codes=('429',))")
    assert python(PaginationIR("after", "data")) == "Pagination(cursor_param='after', items_field='data')"
    assert python(StreamIR(sentinel="", resume=OperationRef("_GET"))) == "StreamSpec(sentinel='', resume=lambda: _GET)"


def test_body_value_and_servers() -> None:
    assert body_value(None) == "None"
    assert body_value(BodyIR("application/json", MediaKind.JSON, (("a-b", "a_b"),), None, ())) == "{'a-b': a_b, }"
    rendered = servers((ServerIR("https://{r}.x", (("r", "eu", ("eu", "us")),)), ServerIR("https://y", ())))
    assert ast.literal_eval(rendered) == (("https://{r}.x", {"r": ("eu", ("eu", "us"))}), ("https://y", {}))
    assert set(FILTERS) == {"py", "body_value", "servers", "stream_value"}


def test_spec_text_stays_a_literal() -> None:
    hostile = "x'); import os; ('"
    call = ast.parse(python(PaginationIR(hostile, hostile)), mode="eval").body
    assert isinstance(call, ast.Call) and [ast.literal_eval(k.value) for k in call.keywords] == [hostile, hostile]
