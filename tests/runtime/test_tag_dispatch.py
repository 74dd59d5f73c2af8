"""tag_dispatch (model.py): a union validated straight to the member its tag names."""

from __future__ import annotations

import logging
import types
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Union

import pytest
from pydantic import Field, TypeAdapter, ValidationError


@pytest.fixture(scope="module")
def kinds(rt: SimpleNamespace) -> SimpleNamespace:
    base, tag_dispatch = rt.model.BaseModel, rt.model.tag_dispatch

    class Cat(base):  # type: ignore[misc, valid-type]
        kind: Annotated[Literal["cat"], Field(alias="@kind")] = "cat"
        name: str

    class Dog(base):  # type: ignore[misc, valid-type]
        kind: Annotated[Literal["dog"], Field(alias="@kind")] = "dog"
        name: str
        bark: str

    class Puppy(base):  # type: ignore[misc, valid-type]
        kind: Annotated[Literal["dog"], Field(alias="@kind")] = "dog"
        name: str

    table: dict[Any, Any] = {"cat": "Cat", "dog": ("Dog", "Puppy")}
    pet = Annotated[Union[Cat, Dog, Puppy], tag_dispatch("@kind", table, attr="kind")]
    pet_or_text = Annotated[Union[Cat, Dog, Puppy, str], tag_dispatch("@kind", table, attr="kind", fallback=True)]
    return SimpleNamespace(Cat=Cat, Dog=Dog, Puppy=Puppy, pet=pet, pet_or_text=pet_or_text)


def test_the_tag_picks_the_member_and_shared_tags_try_in_order(kinds: SimpleNamespace) -> None:
    pets = TypeAdapter(list[kinds.pet])
    got = pets.validate_json(b'[{"@kind": "cat", "name": "a"}, {"@kind": "dog", "name": "b", "bark": "w"},'
                             b' {"@kind": "dog", "name": "c"}]')
    assert [type(p).__name__ for p in got] == ["Cat", "Dog", "Puppy"]
    cat = kinds.Cat(name="x")
    assert pets.validate_python([cat])[0] is cat  # an instance: found by its attribute
    assert pets.dump_python(got, by_alias=True)[1] == {"@kind": "dog", "name": "b", "bark": "w"}


def test_unknown_tags_and_other_input_fail_validation(kinds: SimpleNamespace) -> None:
    pets = TypeAdapter(kinds.pet)
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        pets.validate_python({"@kind": "cow", "name": "c"})
    with pytest.raises(ValidationError):
        pets.validate_python("a string")


def test_fallback_takes_what_is_not_an_object(kinds: SimpleNamespace) -> None:
    either = TypeAdapter(list[kinds.pet_or_text])
    got = either.validate_json(b'["text", {"@kind": "cat", "name": "a"}]')
    assert got[0] == "text" and type(got[1]).__name__ == "Cat"
    with pytest.raises(ValidationError):
        either.validate_python([{"@kind": ["not", "hashable"]}])


def test_unknown_event_and_tolerance_read_the_tag(rt: SimpleNamespace, kinds: SimpleNamespace) -> None:
    module = types.ModuleType("tagged_models")
    module.Pet = kinds.pet  # type: ignore[attr-defined]
    models = rt.model.Models("unused", logging.getLogger("test.tags"))
    models._module._module = module  # a module-like object, as if already imported
    unknown = models.parse_event("Pet", '{"@kind": "cow"}', "message")
    assert type(unknown).__name__ == "UnknownEvent" and unknown.type == "cow"
    loose = models.parse("Pet", b'{"@kind": "cat", "name": 5}')
    assert type(loose).__name__ == "Cat" and loose.name == 5
