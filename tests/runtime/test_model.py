"""Tolerant models, lazy lookup and event parsing (model.py)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture()
def models(rt: SimpleNamespace) -> Any:
    return rt.model.Models(rt.models.__name__, logging.getLogger("test.models"))


def test_extra_fields_are_kept_and_names_or_aliases_accepted(rt: SimpleNamespace) -> None:
    thing = rt.models.Thing.model_validate({"id": "t", "displayName": "A", "brand_new": 1})
    assert thing.display_name == "A"
    assert thing.model_extra == {"brand_new": 1}
    assert rt.models.Thing(id="t", display_name="B").display_name == "B"


def test_with_on_a_plain_result_yields_it_exactly_once(rt: SimpleNamespace) -> None:
    thing = rt.models.Thing(id="t")
    with thing as events:
        assert list(events) == [thing]
        assert list(events) == []
    assert list(iter(thing)) == [
        ("id", "t"),
        ("name", None),
        ("count", 0),
        ("display_name", None),
        ("echo", None),
    ]


def test_parse_validates_and_caches_one_adapter_per_name(models: Any, rt: SimpleNamespace) -> None:
    first = models.parse("Thing", b'{"id":"a","count":2}')
    assert isinstance(first, rt.models.Thing) and first.count == 2
    entry = models._entry("Thing")
    models.parse("Thing", b'{"id":"b"}')
    assert models._entry("Thing") is entry


def test_root_models_are_unwrapped(models: Any, rt: SimpleNamespace) -> None:
    things = models.parse("ThingList", b'[{"id":"a"},{"id":"b"}]')
    assert [t.id for t in things] == ["a", "b"]
    event = models.parse("Event", b'{"type":"completed","sequence_number":3}')
    assert isinstance(event, rt.models.Completed)


def test_mismatched_body_is_returned_unvalidated_with_a_warning(
    models: Any, rt: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "test.models"):
        thing = models.parse("Thing", b'{"id":"t","count":"many","extra":true}')
    assert isinstance(thing, rt.models.Thing)
    assert thing.count == "many" and thing.id == "t"
    assert "does not match model Thing" in caplog.text and "count" in caplog.text


def test_mismatched_union_member_is_built_from_its_tag(models: Any, rt: SimpleNamespace) -> None:
    event = models.parse("Event", b'{"type":"text.delta","sequence_number":"x","delta":"d"}')
    assert isinstance(event, rt.models.TextDelta) and event.sequence_number == "x"


def test_non_json_body_raises_value_error(models: Any) -> None:
    with pytest.raises(ValueError):
        models.parse("Thing", b"<html>")


def test_parse_event_known_unknown_and_not_json(models: Any, rt: SimpleNamespace) -> None:
    delta = models.parse_event(
        "Event", '{"type":"text.delta","sequence_number":1,"delta":"hi"}', "text.delta"
    )
    assert isinstance(delta, rt.models.TextDelta) and delta.delta == "hi"

    unknown = models.parse_event("Event", '{"type":"brand.new","x":1}', "brand.new")
    assert isinstance(unknown, rt.model.UnknownEvent)
    assert unknown.type == "brand.new" and unknown.data == {"type": "brand.new", "x": 1}

    untagged = models.parse_event("Event", '{"x": 1}', "weird")
    assert isinstance(untagged, rt.model.UnknownEvent)
    assert untagged.type == "weird" and untagged.data == {"x": 1}

    # UnknownEvent is for JSON of a type the SDK does not know, not for anything at all
    with pytest.raises(ValueError):
        models.parse_event("Event", "not json", "weird")
    with pytest.raises(rt.model.BodyMismatch, match="is a JSON array where Event is a JSON object"):
        models.parse_event("Event", "[1, 2]", "message")


def test_strict_parsing_raises_on_any_mismatch(models: Any, rt: SimpleNamespace) -> None:
    assert models.parse("Thing", b'{"id":"a"}', strict=True).id == "a"
    with pytest.raises(rt.model.BodyMismatch, match=r"does not match Thing \(1 errors, first at count"):
        models.parse("Thing", b'{"id":"t","count":"many"}', strict=True)
    with pytest.raises(rt.model.BodyMismatch, match="does not match Event"):
        models.parse_event("Event", '{"type":"brand.new"}', "brand.new", strict=True)


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("Thing", b"[1,2,3]", "array"),
        ("Thing", b'"text"', "string"),
        ("Thing", b"null", "null"),
        ("Thing", b"42", "number"),
        ("ThingList", b'{"id":"a"}', "object"),
        ("Event", b"true", "boolean"),
    ],
)
def test_json_of_another_type_than_the_model_raises(
    models: Any, rt: SimpleNamespace, name: str, body: bytes, kind: str
) -> None:
    with pytest.raises(rt.model.BodyMismatch, match=f"is a JSON {kind} where {name} is a JSON"):
        models.parse(name, body)


def test_drift_inside_the_right_type_is_still_tolerated(models: Any, rt: SimpleNamespace) -> None:
    missing = models.parse("Thing", b'{"name":"no id"}')  # a required field missing: drift
    assert isinstance(missing, rt.models.Thing) and missing.name == "no id"
    assert models.parse("ThingList", b'[{"id":"a"},{"count":"x"}]')[1] == {"count": "x"}
    unknown = models.parse("Event", b'{"type":"brand.new","x":1}')  # unknown union member
    assert unknown == {"type": "brand.new", "x": 1}


def test_parse_event_without_model_gives_plain_json(models: Any) -> None:
    assert models.parse_event(None, '{"a": 1}') == {"a": 1}
    assert models.parse_event(None, "plain text") == "plain text"


def test_lazy_module_imports_on_first_use(rt: SimpleNamespace) -> None:
    lazy = rt.model.LazyModule("no.such.module")  # nothing happens until used
    with pytest.raises(ImportError):
        lazy.get("X")
    errors = rt.model.LazyModule(rt.errors_mod.__name__)
    assert errors.get("ThingNotFound") is rt.errors_mod.ThingNotFound
    with pytest.raises(AttributeError):
        errors.get("Nope")


def test_not_given_is_a_falsy_singleton(rt: SimpleNamespace) -> None:
    import copy

    NOT_GIVEN = rt.types.NOT_GIVEN
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"
    assert rt.types.NotGiven() is NOT_GIVEN and copy.deepcopy(NOT_GIVEN) is NOT_GIVEN


def test_tolerant_parsing_of_a_plain_annotated_union(rt: SimpleNamespace) -> None:
    from typing import Annotated, Union

    from pydantic import Field

    alias = Annotated[Union[rt.models.TextDelta, rt.models.Completed], Field(discriminator="type")]
    module = SimpleNamespace(Alias=alias)
    models = rt.model.Models("unused", logging.getLogger("test.models"))
    models._module._module = module  # a module-like object, as if already imported
    delta = models.parse("Alias", b'{"type":"text.delta","sequence_number":"bad","delta":"d"}')
    assert isinstance(delta, rt.models.TextDelta)
    unknown = models.parse_event("Alias", '{"type":"nope"}', "nope")
    assert isinstance(unknown, rt.model.UnknownEvent) and unknown.type == "nope"
