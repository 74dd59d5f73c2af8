"""The base of generated models, and the lazy, cached lookup of models by name.

Models are tolerant of what servers send: unknown fields are kept, a body that does not
match its schema is still returned (built without validation, with a logged warning), and an
event of a type the SDK does not know arrives as ``UnknownEvent``. Tolerance stops at the top
level: a body that is not JSON, or JSON of a type the result cannot have (an array where an
object is declared), raises ``BodyMismatch``, and so does any mismatch when ``strict``.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import types
import typing
from enum import Enum
from typing import Any, Iterator, Literal, Mapping, Sequence, TypeVar, Union

import pydantic
from pydantic import ConfigDict, GetCoreSchemaHandler, TypeAdapter, ValidationError
from pydantic_core import CoreSchema, core_schema

__all__ = [
    "BaseModel",
    "BodyMismatch",
    "UnknownEvent",
    "LazyModule",
    "Models",
    "tag_dispatch",
    "request_data",
]

_M = TypeVar("_M", bound="BaseModel")


class _Once(Iterator[_M]):
    """Yields one item, once."""

    __slots__ = ("_item",)

    def __init__(self, item: _M) -> None:
        self._item: _M | None = item

    def __iter__(self) -> _Once[_M]:
        return self

    def __next__(self) -> _M:
        item, self._item = self._item, None
        if item is None:
            raise StopIteration
        return item


class BaseModel(pydantic.BaseModel):
    """Base of every generated model."""

    # defer_build: a class builds its validator on first use, not when its module is imported;
    # a response model then builds the schemas of the models inside it once, at its first call.
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), defer_build=True
    )

    # A call that can stream may get a plain result (the server chose JSON). Making every
    # result usable as `with res as events: for event in events:` keeps one code path for
    # callers. __iter__ stays pydantic's (field pairs).
    def __enter__(self: _M) -> Iterator[_M]:
        return _Once(self)

    def __exit__(self, *exc_info: object) -> None:
        return None



def request_data(model: pydantic.BaseModel, *, mode: Literal["json", "python"] = "json") -> Any:
    """A model as the SDK sends it: by wire name, only the fields that were given, plus every
    field that can hold one value only (a ``const``, often a union's tag such as
    ``type: "circle"``), at any depth, given or not: the server needs the tag to tell the
    members apart. (Done here, when a request is encoded, rather than when a model is built:
    a hook on every model would cost each parsed response and stream event a tenth of its
    parsing time.)"""
    return _with_consts(model, model.model_dump(mode=mode, by_alias=True, exclude_unset=True))


def _with_consts(value: Any, data: Any) -> Any:
    """``data`` (the dump of ``value``) with the const fields of every model in it."""
    if isinstance(value, pydantic.RootModel):
        return _with_consts(value.root, data)
    if isinstance(value, pydantic.BaseModel) and isinstance(data, dict):
        fields = type(value).model_fields
        for name in value.__pydantic_fields_set__:
            key = _wire_name(name, fields.get(name))
            if key in data:
                data[key] = _with_consts(getattr(value, name), data[key])
        consts = _const_fields(type(value))
        missing = [name for name in consts if _wire_name(name, fields[name]) not in data]
        if not missing:
            return data
        ordered: dict[str, Any] = {}  # the missing ones where the model declares them
        for name, info in fields.items():
            key = _wire_name(name, info)
            if name in missing:
                ordered[key] = info.default
            elif key in data:
                ordered[key] = data.pop(key)
        ordered.update(data)  # extra fields last, as model_dump writes them
        return ordered
    if isinstance(value, (list, tuple)) and isinstance(data, list):
        return [_with_consts(v, d) for v, d in zip(value, data)]
    if isinstance(value, dict) and isinstance(data, dict):
        return {k: _with_consts(value[k], d) if k in value else d for k, d in data.items()}
    return data


def _wire_name(name: str, info: Any) -> str:
    if info is None:
        return name
    return info.serialization_alias or info.alias or name


_CONSTS: dict[type, frozenset[str]] = {}


def _const_fields(cls: type[pydantic.BaseModel]) -> frozenset[str]:
    found = _CONSTS.get(cls)
    if found is None:
        names = set()
        for name, field in cls.model_fields.items():
            values = _literal_values(field.annotation)
            if len(values) == 1 and field.default == values[0] and field.default is not None:
                names.add(name)
        found = _CONSTS[cls] = frozenset(names)
    return found


class UnknownEvent(BaseModel):
    """A stream event the SDK has no model for; ``data`` is the decoded JSON (or the raw
    text when the payload is not JSON)."""

    type: str | None = None
    data: Any = None


_OTHER = "\x00other"  # the choice of a tag_dispatch union for input that is not an object


class tag_dispatch:  # noqa: N801 (used like a function in annotations)
    """Annotated metadata that validates a union straight to the member its tag names.

    The generator writes ``Annotated[A | B | C, tag_dispatch("type", {"a": "A", "b": ("B", "C")})]``
    for a union whose object members each carry a constant ``type`` (``key`` in JSON,
    ``attr`` in Python when they differ). ``table`` maps each tag to the member class name, or
    to several names tried in turn (the first that validates wins) when members share a tag.
    With ``fallback``, input that is not an object goes to the members not in the table
    (a string or an array). An unknown tag is a validation error, as in a plain union.
    """

    __slots__ = ("key", "attr", "table", "fallback")

    def __init__(
        self,
        key: str,
        table: dict[Any, str | tuple[str, ...]],
        *,
        attr: str | None = None,
        fallback: bool = False,
    ) -> None:
        self.key = key
        self.attr = attr or key
        self.table = table
        self.fallback = fallback

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        members = _union_members(source)
        named = {m.__name__: m for m in members if isinstance(m, type)}
        choices: dict[Any, CoreSchema] = {}
        listed: set[str] = set()
        for tag, names in self.table.items():
            names = (names,) if isinstance(names, str) else names
            listed.update(names)
            schemas = [handler.generate_schema(named[name]) for name in names]
            choices[tag] = (
                schemas[0]
                if len(schemas) == 1
                else core_schema.union_schema([*schemas], mode="left_to_right")
            )
        rest = [m for m in members if not (isinstance(m, type) and m.__name__ in listed)]
        if self.fallback and rest:
            choices[_OTHER] = handler.generate_schema(
                rest[0] if len(rest) == 1 else Union[tuple(rest)]  # type: ignore[valid-type]
            )
            return core_schema.tagged_union_schema(choices, discriminator=self._pick)
        key: Any = self.key if self.attr == self.key else [[self.key], [self.attr]]
        return core_schema.tagged_union_schema(choices, discriminator=key)

    def _pick(self, value: Any) -> Any:
        if isinstance(value, dict):
            tag = value.get(self.key)
        elif isinstance(value, pydantic.BaseModel):
            tag = getattr(value, self.attr, None)
        else:
            return _OTHER
        return tag if isinstance(tag, (str, int)) and not isinstance(tag, bool) else None


class LazyModule:
    """A module imported on first use, with attribute lookups cached."""

    __slots__ = ("name", "_module", "_cache")

    def __init__(self, name: str) -> None:
        self.name = name
        self._module: types.ModuleType | None = None
        self._cache: dict[str, Any] = {}

    def get(self, attr: str) -> Any:
        try:
            return self._cache[attr]
        except KeyError:
            pass
        if self._module is None:
            self._module = importlib.import_module(self.name)
        value = self._cache[attr] = getattr(self._module, attr)
        return value


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    return ()


def _union_members(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _union_members(typing.get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return typing.get_args(annotation)
    return ()


class _Entry:
    """Everything cached for one model name."""

    __slots__ = ("name", "target", "adapter", "unwrap", "_tags", "_kinds")

    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self.target = target
        self.adapter: TypeAdapter[Any] = TypeAdapter(target)
        self.unwrap = isinstance(target, type) and issubclass(target, pydantic.RootModel)
        self._tags: tuple[str, dict[Any, type[pydantic.BaseModel]]] | None = None
        self._kinds: frozenset[str] | None | bool = False  # False: not computed yet

    def kinds(self) -> frozenset[str] | None:
        """The JSON types (``object``, ``array``...) a value of this model can have; None for
        any. Only needed on the slow path, so computed on first need."""
        if self._kinds is False:
            self._kinds = _json_kinds(self.target)
        return self._kinds  # type: ignore[return-value]

    def tags(self) -> tuple[str, dict[Any, type[pydantic.BaseModel]]]:
        """For a union of models told apart by a Literal field: (JSON key, tag → member).
        Only needed on the slow path, so computed on first need."""
        if self._tags is None:
            self._tags = self._find_tags()
        return self._tags

    def _find_tags(self) -> tuple[str, dict[Any, type[pydantic.BaseModel]]]:
        annotation: Any = self.target
        # models are often type aliases (TypeAliasType); look at what they stand for
        while hasattr(annotation, "__value__") and not isinstance(annotation, type):
            annotation = annotation.__value__
        field_name = "type"
        metadata: Any = ()
        if self.unwrap:
            root = self.target.model_fields["root"]
            annotation = root.annotation
            metadata = root.metadata
            if isinstance(root.discriminator, str):
                field_name = root.discriminator
        elif typing.get_origin(annotation) is typing.Annotated:
            # a plain alias: Annotated[Union[...], Field(discriminator=...)]
            metadata = typing.get_args(annotation)[1:]
        for meta in metadata:
            if isinstance(meta, tag_dispatch):
                field_name = meta.attr
            elif isinstance(getattr(meta, "discriminator", None), str):
                field_name = meta.discriminator
        key = field_name
        table: dict[Any, type[pydantic.BaseModel]] = {}
        for member in _union_members(annotation):
            if not (isinstance(member, type) and issubclass(member, pydantic.BaseModel)):
                continue
            field = member.model_fields.get(field_name)
            if field is None:
                continue
            key = field.alias or field_name
            for value in _literal_values(field.annotation):
                table.setdefault(value, member)
        return key, table


class _Choices:
    """Annotated metadata: a tagged union of the given classes (tag -> classes tried in turn)."""

    __slots__ = ("key", "choices")

    def __init__(self, key: str, choices: dict[Any, tuple[type, ...]]) -> None:
        self.key = key
        self.choices = choices

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        out: dict[Any, CoreSchema] = {}
        for tag, classes in self.choices.items():
            if len(classes) == 1:
                out[tag] = handler.generate_schema(classes[0])
            else:
                tried: list[CoreSchema | tuple[CoreSchema, str]] = [handler.generate_schema(c) for c in classes]
                out[tag] = core_schema.union_schema(tried, mode="left_to_right")
        return core_schema.tagged_union_schema(out, discriminator=self.key)


_LEARNING = threading.RLock()


class _Dispatched:
    """A union of models told apart by a tag, parsed as events: each member's module is imported
    on first sight of its tag (the generator lists the tags in ``models._DISPATCH``), so a
    stream loads the models of the events it carries, not every member of the union. The
    validator is a tagged union of the members seen so far (one lookup in Rust per event, as
    for the whole union), made again when a new tag arrives."""

    __slots__ = ("name", "key", "names", "adapter", "_get", "_seen")
    unwrap = False
    target = None

    def __init__(self, name: str, key: str, names: dict[Any, tuple[str, ...]], get: Any) -> None:
        self.name = name
        self.key = key
        self.names = names
        self.adapter: TypeAdapter[Any] | None = None
        self._get = get
        self._seen: dict[Any, tuple[type, ...]] = {}

    def kinds(self) -> frozenset[str]:
        return frozenset({"object"})

    def tags(self) -> tuple[str, dict[Any, type[pydantic.BaseModel]]]:
        return self.key, {tag: classes[0] for tag, classes in self._seen.items()}

    def learn(self, tag: Any, tried: TypeAdapter[Any] | None) -> bool:
        """Import the members of ``tag``; whether the event is worth parsing again (False when
        ``tag`` is not a tag of the union, or was known to the validator ``tried``)."""
        if not isinstance(tag, (str, int)) or isinstance(tag, bool) or tag not in self.names:
            return False
        with _LEARNING:  # streams read in other threads may meet a new tag at the same time
            if tag in self._seen:
                return self.adapter is not tried  # learnt meanwhile, in another thread
            seen = {**self._seen, tag: tuple(self._get(name) for name in self.names[tag])}
            self.adapter = TypeAdapter(typing.Annotated[Any, _Choices(self.key, seen)])
            self._seen = seen
        return True


class BodyMismatch(ValueError):
    """A body that cannot be returned as its model: JSON of another type than the model can
    have, or (``strict``) any mismatch. The client turns it into ``ResponseValidationError``
    (``StreamDecodeError`` for an event)."""


def _kind_of(value: Any) -> str:
    """The JSON type of decoded JSON data."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


_SCALARS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: bool is an int
    (int, "number"),
    (float, "number"),
    (str, "string"),
    (bytes, "string"),
)


def _json_kinds(annotation: Any) -> frozenset[str] | None:
    """The JSON types a value of ``annotation`` can be read from; None when any (``Any``, an
    unresolved name, a class this does not know: no check is better than a wrong one)."""
    while hasattr(annotation, "__value__") and not isinstance(annotation, type):
        annotation = annotation.__value__  # a TypeAliasType
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _json_kinds(typing.get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        found: set[str] = set()
        for member in typing.get_args(annotation):
            kinds = _json_kinds(member)
            if kinds is None:
                return None
            found |= kinds
        return frozenset(found)
    if origin is Literal:
        return frozenset(_kind_of(getattr(v, "value", v)) for v in typing.get_args(annotation))
    if annotation is None or annotation is type(None):
        return frozenset({"null"})
    cls = origin if isinstance(origin, type) else annotation
    return _class_kinds(cls) if isinstance(cls, type) else None


def _class_kinds(cls: type) -> frozenset[str] | None:
    if issubclass(cls, pydantic.RootModel):
        return _json_kinds(cls.model_fields["root"].annotation)
    if issubclass(cls, Enum):
        return frozenset(_kind_of(member.value) for member in cls)
    if issubclass(cls, (pydantic.BaseModel, Mapping)):
        return frozenset({"object"})
    for scalar, kind in _SCALARS:
        if issubclass(cls, scalar):
            return frozenset({kind})
    if issubclass(cls, (Sequence, set, frozenset)):
        return frozenset({"array"})
    return None


def _first_error(exc: ValidationError) -> str:
    first = exc.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "<root>"
    return f"{exc.error_count()} errors, first at {where}: {first['msg']}"


class Models:
    """Parses bodies and events into the generated models, looked up by name.

    One TypeAdapter per name, built on first use and reused for every later call.
    """

    __slots__ = ("_module", "_entries", "_events", "_log")

    def __init__(self, module_name: str, logger: logging.Logger) -> None:
        self._module = LazyModule(module_name)
        self._entries: dict[str, _Entry] = {}
        self._events: dict[str, _Entry | _Dispatched] = {}
        self._log = logger

    def _event_entry(self, name: str) -> _Entry | _Dispatched:
        """How events of model ``name`` are parsed: by their tag when the models package lists
        the union in ``_DISPATCH``, else as the whole model."""
        entry = self._events.get(name)
        if entry is None:
            try:
                table = self._module.get("_DISPATCH")
            except AttributeError:  # an SDK without dispatched unions
                table = {}
            found = table.get(name)
            entry = _Dispatched(name, found[0], found[1], self._module.get) if found else self._entry(name)
            self._events[name] = entry
        return entry

    def _entry(self, name: str) -> _Entry:
        entry = self._entries.get(name)
        if entry is None:
            entry = self._entries[name] = _Entry(name, self._module.get(name))
        return entry

    def parse(self, name: str, raw: str | bytes, strict: bool = False) -> Any:
        """Validate a JSON body. Raises ValueError when the body is not JSON, and its
        subclass ``BodyMismatch`` when it cannot be returned as ``name`` (see ``_tolerate``)."""
        entry = self._entry(name)
        try:
            value = entry.adapter.validate_json(raw)
        except ValidationError as exc:
            return self._tolerate(entry, json.loads(raw), exc, strict)
        return value.root if entry.unwrap else value

    def parse_data(self, name: str, data: Any, strict: bool = False) -> Any:
        """Like ``parse`` for already-decoded JSON data."""
        entry = self._entry(name)
        try:
            value = entry.adapter.validate_python(data)
        except ValidationError as exc:
            return self._tolerate(entry, data, exc, strict)
        return value.root if entry.unwrap else value

    def parse_event(
        self, name: str | None, data: str, event: str | None = None, strict: bool = False
    ) -> Any:
        """One SSE payload. JSON of a type the SDK has no model for becomes UnknownEvent; a
        payload that is not JSON raises ValueError, one that cannot be an event at all
        ``BodyMismatch``. Without an event model, the JSON, or the text when not JSON."""
        if name is None:
            try:
                return json.loads(data)
            except ValueError:
                return data
        entry = self._events.get(name) or self._event_entry(name)
        adapter = entry.adapter
        if adapter is None:  # a dispatched union before its first event
            return self._first_of_tag(entry, data, event, strict, None)  # type: ignore[arg-type]
        try:
            value = adapter.validate_json(data)
        except ValidationError as exc:
            if entry.__class__ is _Dispatched:
                return self._first_of_tag(entry, data, event, strict, exc, adapter)  # type: ignore[arg-type]
            payload = json.loads(data)
            key, table = entry.tags()
            if not strict and table and isinstance(payload, dict) and payload.get(key) not in table:
                tag: Any = payload.get(key)
                return UnknownEvent(type=tag if isinstance(tag, str) else event, data=payload)
            return self._tolerate(entry, payload, exc, strict)  # type: ignore[arg-type]
        return value.root if entry.unwrap else value

    def _first_of_tag(
        self, entry: _Dispatched, data: str, event: str | None, strict: bool, exc: ValidationError | None,
        tried: TypeAdapter[Any] | None = None,
    ) -> Any:
        """An event of a dispatched union that its validator did not take: a tag seen for the
        first time (its members are imported, and the event parsed again), an unknown tag
        (``UnknownEvent``), or drift (tolerated as for any body)."""
        payload = json.loads(data)
        tag: Any = payload.get(entry.key) if isinstance(payload, dict) else None
        if entry.learn(tag, tried):
            return self.parse_event(entry.name, data, event, strict)
        known = isinstance(tag, (str, int)) and not isinstance(tag, bool) and tag in entry.names
        if not strict and isinstance(payload, dict) and not known:
            return UnknownEvent(type=tag if isinstance(tag, str) else event, data=payload)
        if exc is not None:
            return self._tolerate(entry, payload, exc, strict)  # type: ignore[arg-type]
        kind = _kind_of(payload)
        if kind != "object":
            raise BodyMismatch(f"is a JSON {kind} where {entry.name} is a JSON object")
        raise BodyMismatch(f"does not match {entry.name} (no member has the tag {tag!r})")

    def _tolerate(self, entry: _Entry, data: Any, exc: ValidationError, strict: bool) -> Any:
        """Keep a body that does not match its schema instead of failing the call.

        Drift is tolerated: the result is built without validation, one level deep, a model
        whose fields hold the data as sent (unknown, missing or mistyped fields, unknown enum
        values; an object of an unknown union member stays a dict). What is not drift raises
        ``BodyMismatch``: JSON of a type the result cannot have, or any mismatch if ``strict``.
        """
        if strict:
            raise BodyMismatch(f"does not match {entry.name} ({_first_error(exc)})") from exc
        kinds = entry.kinds()
        kind = _kind_of(data)
        if kinds is not None and kind not in kinds:
            expected = " or ".join(sorted(kinds))
            raise BodyMismatch(f"is a JSON {kind} where {entry.name} is a JSON {expected}") from exc
        self._log.warning(
            "response does not match model %s (%s); returning it unvalidated",
            entry.name,
            _first_error(exc),
        )
        target: Any = entry.target
        if not isinstance(data, dict):
            return data
        if entry.unwrap or not (
            isinstance(target, type) and issubclass(target, pydantic.BaseModel)
        ):
            key, table = entry.tags()  # a union: build the member the tag names
            target = table.get(data.get(key))
        if target is None:
            return data
        return target.model_construct(**data)
