"""Parameter styles, percent-encoding and body encoding (serialize.py)."""

from __future__ import annotations

import datetime
import enum
import json
from types import SimpleNamespace
from typing import Any

import pytest


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@pytest.fixture()
def s(rt: SimpleNamespace) -> Any:
    return rt.serialize


def P(
    rt: SimpleNamespace,
    name: str,
    location: str,
    style: str = "form",
    explode: bool = True,
    wire: str | None = None,
) -> Any:
    return rt.operation.Param(name, wire or name, location, style, explode)


# --- path -----------------------------------------------------------------------------------


def test_path_value_is_percent_encoded_including_slash_and_question_mark(
    rt: SimpleNamespace, s: Any
) -> None:
    p = P(rt, "id", "path", "simple", False)
    assert s.expand_path("/things/{id}", [p], {"id": "a/b?c d%"}) == "/things/a%2Fb%3Fc%20d%25"


def test_path_uses_wire_name_and_scalar_text(rt: SimpleNamespace, s: Any) -> None:
    params = [
        P(rt, "thing_id", "path", "simple", False, wire="thingId"),
        P(rt, "flag", "path", "simple", False),
        P(rt, "color", "path", "simple", False),
    ]
    out = s.expand_path(
        "/t/{thingId}/{flag}/{color}", params, {"thing_id": 7, "flag": True, "color": Color.RED}
    )
    assert out == "/t/7/true/red"


def test_path_array_is_comma_joined_with_items_encoded(rt: SimpleNamespace, s: Any) -> None:
    p = P(rt, "ids", "path", "simple", False)
    assert s.expand_path("/x/{ids}", [p], {"ids": ["a", "b,c", 3]}) == "/x/a,b%2Cc,3"


def test_path_label_and_matrix_styles(rt: SimpleNamespace, s: Any) -> None:
    def one(style: str, explode: bool, value: Any) -> str:
        return s.expand_path("{v}", [P(rt, "v", "path", style, explode)], {"v": value})

    assert one("label", False, [3, 4]) == ".3,4"
    assert one("label", True, [3, 4]) == ".3.4"
    assert one("matrix", False, [3, 4]) == ";v=3,4"
    assert one("matrix", True, [3, 4]) == ";v=3;v=4"
    assert one("matrix", True, {"R": 1, "G": 2}) == ";R=1;G=2"
    assert one("simple", True, {"R": 1, "G": 2}) == "R=1,G=2"
    assert one("simple", False, {"R": 1, "G": 2}) == "R,1,G,2"


@pytest.mark.parametrize("value", [None, "NOT_GIVEN", "missing"])
def test_missing_path_value_raises_naming_it(rt: SimpleNamespace, s: Any, value: Any) -> None:
    values = (
        {}
        if value == "missing"
        else {"thing_id": rt.types.NOT_GIVEN if value == "NOT_GIVEN" else value}
    )
    with pytest.raises(ValueError, match="thing_id"):
        s.expand_path("/t/{thing_id}", [P(rt, "thing_id", "path", "simple", False)], values)


def test_empty_path_value_raises(rt: SimpleNamespace, s: Any) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        s.expand_path("/t/{id}", [P(rt, "id", "path", "simple", False)], {"id": ""})


# --- query ----------------------------------------------------------------------------------


def test_query_form_explode_repeats_key(rt: SimpleNamespace, s: Any) -> None:
    assert s.serialize_query([P(rt, "include", "query")], {"include": ["a", "b"]}) == [
        ("include", "a"),
        ("include", "b"),
    ]


def test_query_form_no_explode_joins_with_commas(rt: SimpleNamespace, s: Any) -> None:
    p = P(rt, "ids", "query", "form", False)
    assert s.serialize_query([p], {"ids": [1, 2, 3]}) == [("ids", "1,2,3")]


def test_query_space_and_pipe_delimited(rt: SimpleNamespace, s: Any) -> None:
    params = [
        P(rt, "a", "query", "spaceDelimited", False),
        P(rt, "b", "query", "pipeDelimited", False),
    ]
    pairs = s.serialize_query(params, {"a": ["x", "y"], "b": ["x", "y"]})
    assert pairs == [("a", "x y"), ("b", "x|y")]
    assert s.encode_query(pairs) == "a=x%20y&b=x%7Cy"


def test_query_deep_object_nests_brackets(rt: SimpleNamespace, s: Any) -> None:
    p = P(rt, "filter", "query", "deepObject", True)
    pairs = s.serialize_query([p], {"filter": {"a": 1, "b": {"c": True}, "skip": None}})
    assert pairs == [("filter[a]", "1"), ("filter[b][c]", "true")]


def test_query_form_explode_object_sends_each_key(rt: SimpleNamespace, s: Any) -> None:
    assert s.serialize_query([P(rt, "o", "query")], {"o": {"x": 1, "y": "z"}}) == [
        ("x", "1"),
        ("y", "z"),
    ]
    assert s.serialize_query([P(rt, "o", "query", "form", False)], {"o": {"x": 1}}) == [
        ("o", "x,1")
    ]


def test_query_scalars_booleans_enums_dates_and_omissions(rt: SimpleNamespace, s: Any) -> None:
    names = ["flag", "off", "color", "when", "none", "unset", "empty", "n"]
    params = [P(rt, n, "query") for n in names]
    values = {
        "flag": True,
        "off": False,
        "color": Color.BLUE,
        "when": datetime.date(2024, 5, 6),
        "none": None,
        "unset": rt.types.NOT_GIVEN,
        "empty": [],
        "n": 1.5,
    }
    assert s.serialize_query(params, values) == [
        ("flag", "true"),
        ("off", "false"),
        ("color", "blue"),
        ("when", "2024-05-06"),
        ("n", "1.5"),
    ]


def test_query_keeps_declaration_order(rt: SimpleNamespace, s: Any) -> None:
    params = [P(rt, "z", "query"), P(rt, "a", "query"), P(rt, "m", "query")]
    assert [k for k, _ in s.serialize_query(params, {"a": 1, "m": 2, "z": 3})] == ["z", "a", "m"]


def test_query_encoding_escapes_reserved_characters(s: Any) -> None:
    assert (
        s.encode_query([("q", "a&b=c d/é"), ("k[x]", "1")]) == "q=a%26b%3Dc%20d%2F%C3%A9&k%5Bx%5D=1"
    )


# --- headers and cookies ---------------------------------------------------------------------


def test_headers_simple_style(rt: SimpleNamespace, s: Any) -> None:
    params = [
        P(rt, "trace", "header", "simple", False, wire="X-Trace"),
        P(rt, "tags", "header", "simple", False, wire="X-Tags"),
        P(rt, "dry", "header", "simple", False, wire="X-Dry"),
        P(rt, "obj", "header", "simple", True, wire="X-Obj"),
        P(rt, "gone", "header", "simple", False, wire="X-Gone"),
    ]
    out = s.serialize_headers(
        params, {"trace": "t1", "tags": ["a", "b"], "dry": False, "obj": {"k": 1}, "gone": None}
    )
    assert out == {"X-Trace": "t1", "X-Tags": "a,b", "X-Dry": "false", "X-Obj": "k=1"}


def test_cookies_form_style(rt: SimpleNamespace, s: Any) -> None:
    params = [
        P(rt, "session", "cookie"),
        P(rt, "ids", "cookie", "form", False),
        P(rt, "odd", "cookie"),
    ]
    out = s.serialize_cookies(params, {"session": "abc", "ids": [1, 2], "odd": "a b;c"})
    assert out == [("session", "abc"), ("ids", "1,2"), ("odd", "a%20b%3Bc")]


# --- bodies ---------------------------------------------------------------------------------


def test_json_encoding_of_models_enums_dates_and_sentinels(rt: SimpleNamespace, s: Any) -> None:
    thing = rt.models.Thing(id="t", display_name="Shown")  # set by field name, sent by alias
    value = {
        "thing": thing,
        "color": Color.RED,
        "at": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "null": None,
        "skip": rt.types.NOT_GIVEN,
        "nested": [{"x": rt.types.NOT_GIVEN, "y": (1, 2)}],
        "text": "héllo",
    }
    raw = s.encode_json(value)
    assert b" " not in raw.replace(b"h\xc3\xa9llo", b"")  # compact separators
    assert "héllo".encode() in raw  # ensure_ascii=False
    assert json.loads(raw) == {
        "thing": {"id": "t", "displayName": "Shown"},  # exclude_unset: defaults not sent
        "color": "red",
        "at": "2024-01-02T03:04:05+00:00",
        "null": None,
        "nested": [{"y": [1, 2]}],
        "text": "héllo",
    }


def test_const_fields_are_sent_at_any_depth_in_declared_order(rt: SimpleNamespace, s: Any) -> None:
    """A union's tag (a field with one possible value) goes over the wire although the caller
    never gave it, in nested models, lists and maps too; given fields keep exclude_unset."""
    from typing import Literal, Optional

    from pydantic import Field, RootModel

    base = rt.model.BaseModel

    class Circle(base):  # type: ignore[misc, valid-type]
        kind: Literal["circle"] = "circle"
        radius: float
        note: Optional[str] = None

    class Square(base):  # type: ignore[misc, valid-type]
        shape_kind: Literal["square"] = Field("square", alias="shapeKind")
        side: float

    class Drawing(base):  # type: ignore[misc, valid-type]
        version: Literal[2] = 2
        shapes: list[Circle | Square]
        named: dict[str, Circle] = {}
        title: Optional[str] = None

    class Wrapped(RootModel[Drawing]):
        pass

    drawing = Drawing(shapes=[Circle(radius=1.0), Square(side=2.0)], named={"c": Circle(radius=3.0, note="n")})
    expected = {"version": 2, "shapes": [{"kind": "circle", "radius": 1.0}, {"shapeKind": "square", "side": 2.0}],
                "named": {"c": {"kind": "circle", "radius": 3.0, "note": "n"}}}
    for value in (drawing, Wrapped(drawing)):
        raw = s.encode_json(value)
        assert json.loads(raw) == expected
        assert raw.startswith(b'{"version":2,"shapes":[{"kind":"circle","radius":1.0}')  # declared order
    # parsing does not mark anything as given: the hook that did cost every parsed model
    parsed = Circle.model_validate({"radius": 1.0})
    assert parsed.model_fields_set == {"radius"}
    assert type(parsed).model_post_init is rt.model.pydantic.BaseModel.model_post_init


def test_json_rejects_nan(s: Any) -> None:
    with pytest.raises(ValueError):
        s.encode_json({"x": float("nan")})


def test_form_body(s: Any) -> None:
    assert s.encode_form({"a": "x y", "b": [1, 2], "c": True, "d": None, "e": {"k": 1}}) == (
        b"a=x+y&b=1&b=2&c=true&e=%7B%22k%22%3A1%7D"
    )


def test_multipart_split_keeps_files_as_objects(s: Any) -> None:
    import io

    f = io.BytesIO(b"data")
    fields, files = s.split_multipart(
        {
            "purpose": "test",
            "flag": True,
            "file": ("a.txt", f, "text/plain"),
            "raw": b"xyz",
            "many": ["1", "2"],
            "gone": None,
        }
    )
    assert fields == {"purpose": "test", "flag": "true", "many": ["1", "2"]}
    assert files == [("file", ("a.txt", f, "text/plain")), ("raw", ("raw", b"xyz"))]
    assert files[0][1][1] is f  # not read: httpx streams it
