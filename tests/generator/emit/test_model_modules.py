"""The models package (one module per group of models, loaded on first use) and unions told
apart by a tag (``tag_dispatch``): generator output, then the generated SDK at run time."""

from __future__ import annotations

import importlib
import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from generator.emit.format import format_python
from generator.emit.model_modules import split_models
from generator.emit.unions import add_tag_dispatch
from generator.pipeline import generate
from generator.output.write import write

HEADER = "# header"
PACKAGE = "split_sdk"

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Split", "version": "1.0.0"},
    "paths": {
        "/holder": {"get": {"operationId": "getHolder", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}}},
        "/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
        "/tree": {"get": {"operationId": "getTree", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}},
        "/events": {"get": {"operationId": "streamEvents", "responses": {"200": {"description": "ok", "content": {
            "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}}}},
    },
    "components": {"schemas": {
        # spec order: the input message first; the output message has more required fields
        "InputMsg": {"type": "object", "required": ["type", "role", "content"], "properties": {
            "type": {"const": "message"}, "role": {"type": "string"}, "content": {"type": "string"}}},
        "OutputMsg": {"type": "object", "required": ["type", "id", "role", "content"], "properties": {
            "type": {"const": "message"}, "id": {"type": "string"}, "role": {"type": "string"},
            "content": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}}}},
        "Call": {"type": "object", "required": ["type", "name"], "properties": {
            "type": {"type": "string", "enum": ["call"]}, "name": {"type": "string"}}},
        "Item": {"anyOf": [{"$ref": "#/components/schemas/InputMsg"}, {"$ref": "#/components/schemas/OutputMsg"},
                           {"$ref": "#/components/schemas/Call"}]},
        "TextPart": {"type": "object", "required": ["type", "text"], "properties": {
            "type": {"const": "text"}, "text": {"type": "string"}}},
        "ImagePart": {"type": "object", "required": ["type", "url"], "properties": {
            "type": {"const": "image"}, "url": {"type": "string"}}},
        "Part": {"anyOf": [{"$ref": "#/components/schemas/TextPart"}, {"$ref": "#/components/schemas/ImagePart"},
                           {"type": "string"}]},
        "Holder": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/C"}}},
        "C": {"type": "object", "properties": {"x": {"type": "string"}}},
        "Node": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
        "EvA": {"type": "object", "required": ["type", "n"], "properties": {"type": {"const": "a"}, "n": {"type": "integer"}}},
        "EvB": {"type": "object", "required": ["type"], "properties": {"type": {"const": "b"}}},
        "Event": {"oneOf": [{"$ref": "#/components/schemas/EvA"}, {"$ref": "#/components/schemas/EvB"}]},
    }},
}


# --- the generator ----------------------------------------------------------------------------

MODULE = '''
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from pkg._runtime.model import BaseModel
from typing_extensions import TypeAliasType


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    name: str


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    name: str
    bark: str


class OpenTag(BaseModel):
    kind: Literal["a", "b"] | str


class Plain(BaseModel):
    name: str


Pet = TypeAliasType("Pet", Cat | Dog)
PetOrText = TypeAliasType("PetOrText", Cat | Dog | str | None)
WithOpen = TypeAliasType("WithOpen", Cat | OpenTag)
WithPlain = TypeAliasType("WithPlain", Cat | Dog | Plain)
WithDict = TypeAliasType("WithDict", Cat | Dog | dict[str, Any])
Discriminated = TypeAliasType("Discriminated", Annotated[Cat | Dog, Field(discriminator="kind")])


class Owner(BaseModel):
    pets: list[Cat | Dog] | None = None
'''


def test_unions_with_tagged_members_get_tag_dispatch() -> None:
    out = add_tag_dispatch(textwrap.dedent(MODULE), "pkg._runtime.model")
    assert "from pkg._runtime.model import tag_dispatch" in out
    assert """Pet = TypeAliasType("Pet", Annotated[Cat | Dog, tag_dispatch('kind', {'cat': 'Cat', 'dog': 'Dog'})])""" in out
    assert "Annotated[Cat | Dog | str, tag_dispatch('kind', {'cat': 'Cat', 'dog': 'Dog'}, fallback=True)] | None" in out
    assert "pets: list[Annotated[Cat | Dog, tag_dispatch('kind', {'cat': 'Cat', 'dog': 'Dog'})]] | None = None" in out
    # an open tag, an object without a tag, a dict member, an existing discriminator: unchanged
    for line in ('WithOpen = TypeAliasType("WithOpen", Cat | OpenTag)',
                 'WithPlain = TypeAliasType("WithPlain", Cat | Dog | Plain)',
                 'WithDict = TypeAliasType("WithDict", Cat | Dog | dict[str, Any])',
                 'Field(discriminator="kind")'):
        assert line in out


def test_members_sharing_a_tag_are_tried_narrower_first() -> None:
    source = textwrap.dedent('''
        from __future__ import annotations
        from typing import Literal
        from pkg._runtime.model import BaseModel
        from typing_extensions import TypeAliasType


        class Loose(BaseModel):
            type: Literal["message"] = "message"
            content: str


        class Strict(BaseModel):
            type: Literal["message"] = "message"
            id: str
            content: list[str]


        class Other(BaseModel):
            type: Literal["other"] = "other"


        Item = TypeAliasType("Item", Loose | Strict | Other)
    ''')
    out = add_tag_dispatch(source, "pkg._runtime.model")
    assert "tag_dispatch('type', {'message': ('Strict', 'Loose'), 'other': 'Other'})" in out
    assert "from typing import Annotated" in out


def _split(source: str, roots: frozenset[str] = frozenset()) -> dict[str, str]:
    return split_models(format_python(textwrap.dedent(source), "models.py"), "pkg", HEADER, roots)


SPLIT_SOURCE = '''
    """Models of the API."""

    from __future__ import annotations

    from pkg._runtime.model import BaseModel


    class Top(BaseModel):
        child: Child | None = None
        shared: Shared | None = None


    class Child(BaseModel):
        grandchild: Grandchild | None = None


    class Grandchild(BaseModel):
        x: str | None = None


    class Other(BaseModel):
        shared: Shared | None = None


    class Shared(BaseModel):
        y: int = 0


    class Node(BaseModel):
        parent: Tree | None = None


    class Tree(BaseModel):
        nodes: list[Node] = []


    class HTTPError(BaseModel):
        z: int = 0


    class HttpError(BaseModel):
        z: int = 0


    Tree.model_rebuild()
'''


def test_models_split_by_cycles_with_private_models_kept_with_their_user() -> None:
    files = _split(SPLIT_SOURCE)
    assert sorted(files) == [
        "models/__init__.py", "models/_http_error.py", "models/_http_error_2.py", "models/_node.py",
        "models/_other.py", "models/_shared.py", "models/_top.py",
    ]
    top = files["models/_top.py"]
    # Child and Grandchild are used by Top only: they live in its module, dependencies first
    assert top.index("class Grandchild(") < top.index("class Child(") < top.index("class Top(")
    assert "from ._shared import Shared" in top
    # a cycle stays together, with its model_rebuild() at the end
    node = files["models/_node.py"]
    assert "class Node(" in node and "class Tree(" in node and node.rstrip().endswith("Tree.model_rebuild()")
    assert "from __future__ import annotations" in node  # forward references need it
    assert "from __future__ import annotations" not in files["models/_shared.py"]
    init = files["models/__init__.py"]
    assert '"Grandchild": "_top",' in init and '"HttpError": "_http_error_2",' in init
    assert "    from ._top import Grandchild as Grandchild" in init
    for path, text in files.items():  # written the way black writes it
        assert format_python(text, path) == text, path


def test_models_the_methods_name_keep_their_own_module() -> None:
    files = _split(SPLIT_SOURCE, frozenset({"Child"}))
    assert "class Child(" in files["models/_child.py"] and "class Grandchild(" in files["models/_child.py"]
    assert "from ._child import Child" in files["models/_top.py"]


def test_a_field_named_like_a_type_keeps_annotations_lazy() -> None:
    files = _split('''
        from __future__ import annotations

        from datetime import date

        from pkg._runtime.model import BaseModel


        class Day(BaseModel):
            date: str | None = None
            when: date | None = None
    ''')
    assert "from __future__ import annotations" in files["models/_day.py"]


def test_quoted_annotations_count_as_references() -> None:
    files = _split('''
        from __future__ import annotations

        from typing import Optional

        from typing_extensions import TypeAliasType

        Tree = TypeAliasType("Tree", "dict[str, Optional[Tree]]")
    ''')
    tree = files["models/_tree.py"]
    assert "from typing import Optional" in tree and "from __future__ import annotations" in tree


# --- the generated SDK ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("split")
    spec = root / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    out = root / "sdk"
    write(generate(spec, package=PACKAGE).files, out)
    yield out


@pytest.fixture(scope="module")
def models(sdk_dir: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(sdk_dir))
    try:
        yield importlib.import_module(PACKAGE + ".models")
    finally:
        sys.path.remove(str(sdk_dir))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_generated_models_are_split_and_tagged(sdk_dir: Path) -> None:
    folder = sdk_dir / PACKAGE / "models"
    assert not (sdk_dir / PACKAGE / "models.py").exists()
    assert sorted(p.name for p in folder.glob("*.py")) == [
        "__init__.py", "_a.py", "_ev_a.py", "_ev_b.py", "_event.py", "_holder.py", "_node.py"]
    holder = (folder / "_holder.py").read_text()  # Item, its members and their parts: Holder's alone
    assert 'tag_dispatch("type", {"message": ("OutputMsg", "InputMsg"), "call": "Call"})' in holder
    assert 'tag_dispatch("type", {"text": "TextPart", "image": "ImagePart"}, fallback=True)' in holder
    assert "class C(BaseModel)" in (folder / "_a.py").read_text()
    assert "Node.model_rebuild()" in (folder / "_node.py").read_text()


def test_importing_a_model_loads_only_what_it_needs(sdk_dir: Path) -> None:
    code = textwrap.dedent(f"""
        import sys
        from {PACKAGE} import SDK
        from {PACKAGE}.models import A
        loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("{PACKAGE}.models."))
        print(loaded, "asyncio" in sys.modules)
    """)
    run = subprocess.run([sys.executable, "-c", code], cwd=sdk_dir, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['_a'] False"


def test_tagged_union_validates_to_the_member_its_tag_names(models: ModuleType) -> None:
    holder = models.Holder.model_validate({"items": [
        {"type": "message", "id": "m1", "role": "assistant", "content": [{"type": "text", "text": "hi"}, "plain"]},
        {"type": "message", "role": "user", "content": "hello"},
        {"type": "call", "name": "f"},
    ]})
    assert [type(i).__name__ for i in holder.items] == ["OutputMsg", "InputMsg", "Call"]
    assert [type(p).__name__ for p in holder.items[0].content] == ["TextPart", "str"]
    again = models.Holder.model_validate_json(holder.model_dump_json())
    assert again == holder
    kept = models.InputMsg(role="user", content="x")
    assert models.Holder(items=[kept]).items[0] is kept  # instances are taken as they are
    assert "oneOf" in json.dumps(models.Holder.model_json_schema())


def test_unknown_tag_still_returns_the_response(models: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    from split_sdk._runtime.model import Models

    parser = Models(PACKAGE + ".models", logging.getLogger("split"))
    with caplog.at_level(logging.WARNING, "split"):
        holder = parser.parse("Holder", b'{"items": [{"type": "call", "name": "f"}, {"type": "brand_new", "x": 1}]}')
    assert type(holder).__name__ == "Holder" and holder.items[1] == {"type": "brand_new", "x": 1}
    assert "does not match model Holder" in caplog.text
    event = parser.parse_event("Event", '{"type": "a", "n": 1}', "a")
    assert type(event).__name__ == "EvA"
    unknown = parser.parse_event("Event", '{"type": "zzz"}', "zzz")
    assert type(unknown).__name__ == "UnknownEvent" and unknown.type == "zzz"
    mismatched = parser.parse_event("Event", '{"type": "a", "n": "many"}', "a")
    assert type(mismatched).__name__ == "EvA" and mismatched.n == "many"


def test_an_event_union_is_dispatched_by_its_tag(sdk_dir: Path) -> None:
    """The members of a stream's event union keep their own modules and are listed by tag;
    Holder's Item (inside a result, validated by pydantic with it) is not."""
    folder = sdk_dir / PACKAGE / "models"
    init = (folder / "__init__.py").read_text()
    assert '_DISPATCH = {\n    "Event": (\n        "type",\n        {\n            "a": ("EvA",),\n            "b": ("EvB",),' in init
    assert '"Item"' not in init.split("_DISPATCH = {", 1)[1]
    assert "from ._ev_a import EvA" in (folder / "_event.py").read_text()


def test_parsing_an_event_imports_only_its_member(sdk_dir: Path) -> None:
    code = textwrap.dedent(f"""
        import logging, sys
        from {PACKAGE}._runtime.model import Models
        parser = Models("{PACKAGE}.models", logging.getLogger("x"))
        before = set(sys.modules)
        events = [parser.parse_event("Event", '{{"type": "b"}}', "b")]
        loaded = sorted(m.rsplit(".", 1)[1] for m in set(sys.modules) - before if m.startswith("{PACKAGE}.models."))
        events.append(parser.parse_event("Event", '{{"type": "a", "n": 2}}', "a"))
        events.append(parser.parse_event("Event", '{{"type": "b"}}', "b"))
        print(loaded, [type(e).__name__ for e in events])
    """)
    run = subprocess.run([sys.executable, "-c", code], cwd=sdk_dir, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['_ev_b'] ['EvB', 'EvA', 'EvB']"


def test_dispatched_events_keep_their_errors(models: ModuleType) -> None:
    from split_sdk._runtime.model import BodyMismatch, Models

    parser = Models(PACKAGE + ".models", logging.getLogger("split"))
    unknown = parser.parse_event("Event", '{"no_type": 1}', "ping")  # before any member is loaded
    assert type(unknown).__name__ == "UnknownEvent" and unknown.type == "ping"
    with pytest.raises(BodyMismatch, match="is a JSON array"):
        parser.parse_event("Event", "[1]", "a")
    with pytest.raises(BodyMismatch, match="no member has the tag 'zzz'"):
        parser.parse_event("Event", '{"type": "zzz"}', "zzz", strict=True)
    with pytest.raises(ValueError):
        parser.parse_event("Event", "not json", "a")
    assert type(parser.parse_event("Event", '{"type": "a", "n": 1}', "a")).__name__ == "EvA"
    with pytest.raises(BodyMismatch, match="does not match Event"):
        parser.parse_event("Event", '{"type": "a", "n": "many"}', "a", strict=True)
    with pytest.raises(BodyMismatch, match="does not match Event"):
        parser.parse_event("Event", '{"type": "zzz"}', "zzz", strict=True)
    assert type(parser.parse_event("Event", '{"type": "zzz"}', "zzz")).__name__ == "UnknownEvent"


def test_a_dispatched_event_drifting_on_first_sight_is_tolerated(models: ModuleType) -> None:
    from split_sdk._runtime.model import Models

    parser = Models(PACKAGE + ".models", logging.getLogger("split"))
    drifted = parser.parse_event("Event", '{"type": "a", "n": "many"}', "a")  # its tag is new, its n wrong
    assert type(drifted).__name__ == "EvA" and drifted.n == "many"


def test_threads_meeting_new_tags_at_once_all_get_their_members(models: ModuleType) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from split_sdk._runtime.model import Models

    parser = Models(PACKAGE + ".models", logging.getLogger("split"))
    payloads = ['{"type": "a", "n": 1}', '{"type": "b"}'] * 50
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda data: type(parser.parse_event("Event", data, None)).__name__, payloads))
    assert got == ["EvA", "EvB"] * 50


def test_models_package_lookup(models: ModuleType) -> None:
    assert "Holder" in dir(models) and "Holder" in models.__all__
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018
    assert models.C.__module__ == PACKAGE + ".models._a"
