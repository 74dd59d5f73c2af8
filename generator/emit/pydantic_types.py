"""Annotations, fields and imports of the models ``pydantic_models`` writes (see its docstring)."""

from __future__ import annotations

import ast
import json
import keyword
import re
from typing import Any

from .black_layout import Atom, Expr, Kw, Or, Sub, flat

PREFIX = "#/components/schemas/"
_FORMATS = {
    "date-time": ("pydantic", "AwareDatetime"),
    "date": ("datetime", "date"),
    "time": ("datetime", "time"),
    "uuid": ("uuid", "UUID"),
}
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_NUMBERS = frozenset({"integer", "number"})
# The types a constraint applies to; on other types datamodel-code-generator drops it.
_APPLIES = {
    "minLength": {"string", "array"}, "maxLength": {"string", "array"}, "pattern": {"string"},
    "minimum": _NUMBERS, "maximum": _NUMBERS, "exclusiveMinimum": _NUMBERS, "exclusiveMaximum": _NUMBERS,
    "multipleOf": _NUMBERS, "minItems": {"array"}, "maxItems": {"array"},
    "minProperties": {"object"}, "maxProperties": {"object"},
}
_CONSTRAINTS = {
    "minProperties": "min_length", "maxProperties": "max_length",
    "minLength": "min_length", "maxLength": "max_length", "pattern": "pattern",
    "minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt", "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of", "minItems": "min_length", "maxItems": "max_length",
}


_IDENT = re.compile(r"\W")


def field_name(wire: str, aliases: dict[str, str], taken: set[str] | None = None) -> str:
    """The Python name datamodel-code-generator gives a property (its alias is then the wire
    name): non-word characters as ``_``, a leading ``#`` dropped, ``field`` before a leading digit
    or underscore, ``_`` after a keyword or a name ``BaseModel`` owns, ``_1``... when taken."""
    if wire in aliases:
        return aliases[wire]
    name = (wire[1:] if wire.startswith("#") else wire) or "_"  # nothing left: "_", then "field_"
    name = _IDENT.sub("_", name)
    if name[0].isdigit():
        name = f"field_{name}"
    if name.startswith("_"):
        name = f"field{name}"
    if keyword.iskeyword(name) or _shadows_base_model(name):
        name += "_"
    out, count = name, 1
    while taken and out in taken:
        out, count = f"{name}_{count}", count + 1
    return out


def _shadows_base_model(name: str) -> bool:
    import pydantic

    return hasattr(pydantic.BaseModel, name)


def schema_name(ref: str) -> str:
    return ref[len(PREFIX):] if ref.startswith(PREFIX) else ref


def literal_text(value: Any) -> str:
    """A literal as black writes it (double quotes unless that needs more escapes)."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal_text(k)}: {literal_text(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _string(value: str) -> str:
    text = repr(value)
    if text.startswith('"'):
        return text
    body = text[1:-1]
    new = body.replace("\\'", "'").replace('"', '\\"')
    if new.count("\\") > body.count("\\"):
        return text
    return f'"{new}"'


class TypeWriter:
    """Per module state: the schemas, and the imports in the order they are first met."""

    def __init__(self, schemas: dict[str, Any], package: str, aliases: dict[str, str]) -> None:
        self.schemas = schemas
        self.package = package
        self.aliases = aliases
        self.imports: dict[str, set[str]] = {}
        self.uses_tag_dispatch = False
        self.field_names: set[str] = set()
        self._pending: list[tuple[str, str]] = []
        self.tag_values: dict[str, list[Any]] = {}  # member -> the discriminator mapping's keys for it
        self.tagged = self._discriminated_members()
        self.position: dict[str, int] = {}  # place of each model in the module, once known

    def _discriminated_members(self) -> dict[str, str]:
        """Members of unions with a discriminator (that is kept): member name -> tag property."""
        out: dict[str, str] = {}
        for schema in self.schemas.values():
            for node in _walk(schema):
                disc = node.get("discriminator")
                members = node.get("oneOf") or node.get("anyOf")
                if not isinstance(disc, dict) or not isinstance(members, list):
                    continue
                prop = disc.get("propertyName")
                if isinstance(prop, str) and self.discriminated(members, prop):
                    mapping = disc.get("mapping")
                    mapping = mapping if isinstance(mapping, dict) else {}
                    for m in members:
                        if isinstance(m, dict) and isinstance(m.get("$ref"), str):
                            out[schema_name(m["$ref"])] = prop
                            keys = [k for k, v in mapping.items() if v == m["$ref"]]
                            self.tag_values.setdefault(schema_name(m["$ref"]), keys)
        return out

    def _tag_schema(self, name: str, sub: Any) -> Any:
        """The schema of a union member's tag field: the discriminator mapping's values for it,
        else its own closed literal, else the member's name (OpenAPI's implicit mapping)."""
        keys = self.tag_values.get(name) or []
        if not keys and isinstance(sub, dict) and _closed_literal(sub) is not None:
            return sub
        values = keys or [name]
        meta = {k: v for k, v in (sub or {}).items() if k in ("description", "title", "deprecated")}
        return {**meta, "const": values[0]} if len(values) == 1 else {**meta, "type": "string", "enum": values}

    # -- imports --------------------------------------------------------------------------------

    def need(self, module: str, name: str) -> None:
        self._pending.append((module, name))

    def note_import(self, module: str, name: str, *, model: str = "", base: bool = False) -> None:
        self.need(module, name)

    def flush(self) -> None:
        for module, name in self._pending:
            self.imports.setdefault(module, set()).add(name)
        self._pending.clear()

    def bound_name(self, module: str, name: str) -> str:
        """The name an import binds: ``date_aliased`` when a field is also named ``date``."""
        if name in self.field_names and module in ("datetime", "uuid", "pydantic"):
            return f"{name}_aliased"
        return name

    def import_text(self, module: str, name: str) -> str:
        bound = self.bound_name(module, name)
        return name if bound == name else f"{name} as {bound}"

    def _ref_type(self, module: str, name: str) -> str:
        self.need(module, name)
        return self.bound_name(module, name)

    # -- order in which datamodel-code-generator parses ----------------------------------------

    def parse_order(self) -> list[str]:
        placed, stalled = self.parse_passes()
        return placed + stalled

    def parse_passes(self) -> tuple[list[str], list[str]]:
        """Passes over the schemas in document order; a model is placed once every other model
        it refers to is (datamodel-code-generator's sort of its parsed models). Returns the
        placed models and those left over (on or behind a cycle of two or more models)."""
        refs = {name: set(refs_of(schema)) - {name} for name, schema in self.schemas.items()}
        placed: list[str] = []
        done: set[str] = set()
        pending = list(self.schemas)
        while pending:
            later = []
            for name in pending:
                if refs[name] <= done:
                    placed.append(name)
                    done.add(name)
                else:
                    later.append(name)
            if len(later) == len(pending):
                return placed, later
            pending = later
        return placed, []

    # -- models ---------------------------------------------------------------------------------

    def is_class(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if "allOf" in schema:
            return True
        return isinstance(schema.get("properties"), dict) or (
            schema.get("type") == "object" and not _is_map(schema))

    def bases_of(self, schema: Any) -> list[str]:
        """The classes an ``allOf`` refers to (a reference to anything else is no base)."""
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        return [schema_name(p["$ref"]) for p in parts if isinstance(p, dict) and isinstance(p.get("$ref"), str)
                and self.is_class(self.schemas.get(schema_name(p["$ref"])))] if isinstance(parts, list) else []

    def discriminated(self, members: list[Any], prop: str) -> bool:
        """datamodel-code-generator drops a discriminator whose members are not all classes, or
        share a tag value."""
        if not all(isinstance(m, dict) and isinstance(m.get("$ref"), str)
                   and self.is_class(self.schemas.get(schema_name(m["$ref"]))) for m in members):
            return False
        seen: list[Any] = []
        for m in members:
            target = self.schemas.get(schema_name(m["$ref"])) if isinstance(m, dict) and "$ref" in m else None
            if target is None:
                continue
            values = self._tag_values(target, prop)
            if any(v in seen for v in values):
                return False
            seen += values
        return True

    def _tag_values(self, schema: Any, prop: str, depth: int = 0) -> list[Any]:
        if not isinstance(schema, dict) or depth > 30:
            return []
        for part in [schema, *[p for p in schema.get("allOf") or [] if isinstance(p, dict)]]:
            sub = (part.get("properties") or {}).get(prop) if isinstance(part.get("properties"), dict) else None
            if isinstance(sub, dict):
                one = _one_value(sub)
                return list(one) if one else []
        return []

    def class_parts(self, name: str, schema: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
        """The bases and fields of a class: its own properties (from the schema and the inline
        parts of its ``allOf``), then required ones (and a union's tag) that only a base declares.
        A tag field typed from the union's discriminator imports after the rest of the class
        (datamodel-code-generator types it in a later pass)."""
        bases, own, required = self.bases_of(schema), *_split_all_of(schema)
        strict = set(required) | set(self._base_required(bases)) | {self.tagged.get(name)}
        declared: list[str] = []
        taken: set[str] = set()
        fields: list[dict[str, Any]] = []
        late: list[tuple[str, str]] = []
        for props in (p.get("properties") for p in own):
            for wire, sub in props.items() if isinstance(props, dict) else ():
                declared.append(wire)
                sub = self._with_base_notes(bases, wire, sub)
                if wire == self.tagged.get(name) and self._tag_schema(name, sub) is not sub:
                    fields.append(self._late(late, wire, self._tag_schema(name, sub), taken))
                else:
                    fields.append(self.field(wire, sub, wire in strict, taken))
        fields += self._redeclared(name, bases, required, declared, taken, late)
        if not bases:
            bases = ["BaseModel"]
            self.need(f"{self.package}._runtime.model", "BaseModel")
        self._pending += late
        self.flush()
        return bases, fields

    def _with_base_notes(self, bases: list[str], wire: str, sub: Any) -> Any:
        """A property that a base declares too is merged with the base's (datamodel-code-generator
        does): what it does not say, the base's schema says, but for the default; with a reference
        on either side only the description and title are taken."""
        inherited = self._inherited(bases, wire) if bases else None
        if not isinstance(inherited, dict) or not isinstance(sub, dict):
            return sub
        if "$ref" in sub or "$ref" in inherited:
            notes = {k: inherited[k] for k in ("description", "title") if k in inherited and k not in sub}
            return {**sub, **notes} if notes else sub
        return {**{k: v for k, v in inherited.items() if k != "default"}, **sub}

    def _late(self, late: list[tuple[str, str]], wire: str, sub: Any, taken: set[str]) -> dict[str, Any]:
        """A required field whose imports go to ``late``."""
        mark = len(self._pending)
        out = self.field(wire, sub, True, taken)
        late += self._pending[mark:]
        del self._pending[mark:]
        return out

    def _redeclared(self, name: str, bases: list[str], required: list[str], declared: list[str],
                    taken: set[str], late: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Required fields this class does not declare: a base's, again (as required), or, in an
        ``allOf``, ``Any``; then the union's tag when it has none (see ``_tag_schema``)."""
        composed = "allOf" in self.schemas[name]
        out: list[dict[str, Any]] = []
        for wire in required:
            inherited = self._inherited(bases, wire)
            if wire in declared or (inherited is None and not composed):
                continue
            declared.append(wire)
            out.append(self.field(wire, inherited, True, taken) if inherited is not None else self._any_field(wire, taken))
        tag = self.tagged.get(name)
        if tag and tag not in declared:
            inherited = self._inherited(bases, tag)
            sub = {k: v for k, v in inherited.items() if k != "description"} if isinstance(inherited, dict) else None
            out.append(self._late(late, tag, self._tag_schema(name, sub), taken))
        return out

    def _any_field(self, wire: str, taken: set[str]) -> dict[str, Any]:
        """A required name no part declares: ``Any``, its alias given the plain way."""
        name = field_name(wire, self.aliases, taken)
        taken.add(name)
        any_ = self._ref_type("typing", "Any")
        default = None
        if name != wire:
            self.need("pydantic", "Field")
            default = f"Field(..., alias={literal_text(wire)})"
        return {"name": name, "annotation": Atom(any_), "default": default, "description": None,
                "key": wire, "values": None, "required": True}

    def _inherited(self, bases: list[str], wire: str, depth: int = 0) -> Any:
        """The schema of property `wire` as a base class (or its bases) declares it."""
        for base in bases:
            schema = self.schemas.get(base)
            if not isinstance(schema, dict) or depth > 30:
                continue
            for part in [schema, *[p for p in schema.get("allOf") or [] if isinstance(p, dict)]]:
                props = part.get("properties")
                if isinstance(props, dict) and wire in props:
                    return props[wire]
            parents = self.bases_of(schema)
            found = self._inherited(parents, wire, depth + 1)
            if found is not None:
                return found
        return None

    def _reaches_class(self, schema: Any) -> bool:
        """The type names a class, directly or through type aliases."""
        seen: set[str] = set()
        stack = refs_of(schema)
        while stack:
            name = stack.pop()
            if name in seen or name not in self.schemas:
                continue
            seen.add(name)
            if self.is_class(self.schemas[name]):
                return True
            stack += refs_of(self.schemas[name])
        return False

    def _base_required(self, bases: list[str], depth: int = 0) -> list[str]:
        out: list[str] = []
        for base in bases:
            schema = self.schemas.get(base)
            if not isinstance(schema, dict) or depth > 30:
                continue
            parts = [schema, *[p for p in schema.get("allOf") or [] if isinstance(p, dict)]]
            for part in parts:
                out += [str(r) for r in part.get("required") or []]
            parents = self.bases_of(schema)
            out += self._base_required(parents, depth + 1)
        return out

    def config_lines(self, schema: dict[str, Any], name: str = "") -> list[str]:
        """``extra="forbid"`` when the schema or an inline part of its ``allOf`` closes the object,
        else ``extra="allow"`` when the schema itself says ``additionalProperties: true``."""
        own, _ = _split_all_of(schema)
        closed = any(part.get("additionalProperties") is False for part in own)
        extra = schema.get("additionalProperties")
        if closed or extra is True:
            self.need("pydantic", "ConfigDict")
            self.flush()
            value = "forbid" if closed else "allow"
            return ["    model_config = ConfigDict(", f'        extra="{value}",', "    )"]
        if isinstance(extra, dict):
            return self._typed_extra(extra, name)
        return []

    def _typed_extra(self, extra: dict[str, Any], name: str) -> list[str]:
        """Extra properties of a declared type: allowed, and typed through ``__pydantic_extra__``."""
        if not extra:
            value = self._ref_type("typing", "Any")
        else:  # a class defined later (or this one) is named as a string, as in fields
            here = self.position.get(name, -1)
            later = {r for r in refs_of(extra) if r == name or self.position.get(r, -1) > here}
            value = flat(_quote_names(self._inner(extra), later))
        self.need("typing", "Dict")
        self.need("pydantic", "ConfigDict")
        self.flush()
        return ["    model_config = ConfigDict(", '        extra="allow",', "    )",
                "    __annotations__ = {", f'        "__pydantic_extra__": Dict[str, {value}],', "    }"]

    def alias_value(self, name: str, schema: Any) -> Expr:
        if _self_array(name, schema):
            expr: Expr = Atom("list")  # datamodel-code-generator's reading, kept (see pydantic_models)
        else:
            expr = self.annotated(schema, title=True)
        if isinstance(expr, Atom) and expr.text == "list":
            pass
        elif self._forward(name, schema):  # its value as a string (typing's spelling): read later
            here = self.position.get(name, -1)
            later = {r for r in refs_of(schema) if r == name or self.position.get(r, -1) > here}
            if not self._recursive(name):  # only the names of later models quoted
                expr = _quote_names(expr, later)
            elif isinstance(expr, Or):  # a union at the top: typing's spelling, the names quoted
                expr = Atom(_top_union_text(expr, later))
            else:
                expr = Atom(literal_text(_optional_text(expr, later)))
        self.need(f"{self.package}._runtime.model", "BaseModel")
        self.need("typing_extensions", "TypeAliasType")
        for word in ("Optional", "Union"):  # written with the string form, after the rest
            if f"{word}[" in flat(expr):
                self.need("typing", word)
        self.flush()
        return expr

    def _recursive(self, name: str) -> bool:
        """The model refers back to itself, directly or through others."""
        seen: set[str] = set()
        stack = refs_of(self.schemas.get(name))
        while stack:
            ref = stack.pop()
            if ref == name:
                return True
            if ref not in seen and ref in self.schemas:
                seen.add(ref)
                stack += refs_of(self.schemas[ref])
        return False

    def _forward(self, name: str, schema: Any) -> bool:
        """The alias names itself or a model written after it in the module."""
        here = self.position.get(name, -1)
        return any(r == name or self.position.get(r, -1) > here for r in refs_of(schema))

    def annotated(self, schema: Any, title: bool = False) -> Expr:
        expr = self.type_of(schema)
        kws = self.constraints(schema)
        if title and isinstance(schema, dict) and isinstance(schema.get("title"), str):
            kws = sorted([*kws, Kw("title", Atom(literal_text(schema["title"])))], key=lambda k: k.name)
        if kws:
            self.need("typing", "Annotated")
            self.need("pydantic", "Field")
            return Sub("Annotated", (expr, Sub("Field", tuple(kws), "()")))
        return expr

    # -- fields ---------------------------------------------------------------------------------

    def field(self, wire: str, schema: Any, required: bool, taken: set[str] | None = None) -> dict[str, Any]:
        name = field_name(wire, self.aliases, taken)
        if taken is not None:
            taken.add(name)
        self.field_names.add(name)
        schema = schema if isinstance(schema, dict) else {}
        expr = self.type_of(schema)
        default: str | None = None
        if required:
            one = _one_value(schema)
            default = None if one is None else literal_text(one[0])
        elif "default" in schema:
            default = literal_text(schema["default"])
        else:
            default = "None"
        if not required and "default" not in schema and not _has_none(expr):
            expr = _or(expr, Atom("None"))
        kws = self._field_keywords(name, wire, schema, required)
        if kws:
            self.need("typing", "Annotated")
            self.need("pydantic", "Field")
            expr = Sub("Annotated", (expr, Sub("Field", tuple(kws), "()")))
        return {"name": name, "annotation": expr, "default": default, "description": schema.get("description"),
                "key": wire, "values": _closed_literal(schema) if _is_literal(expr) else None,
                "required": default is None}

    def _field_keywords(self, name: str, wire: str, schema: dict[str, Any], required: bool) -> list[Kw]:
        """The arguments of the field's ``Field(...)``, by name as datamodel-code-generator sorts them."""
        kws = self.constraints(schema)
        if name != wire:
            kws.append(Kw("alias", Atom(literal_text(wire))))
        if schema.get("deprecated") is True:
            kws.append(Kw("deprecated", Atom("True")))
        if isinstance(schema.get("title"), str):
            kws.append(Kw("title", Atom(literal_text(schema["title"]))))
        if not required and schema.get("default") is not None and self._reaches_class(schema):
            kws.append(Kw("validate_default", Atom("True")))
        return sorted(kws, key=lambda k: k.name)

    def constraints(self, schema: Any) -> list[Kw]:
        if not isinstance(schema, dict) or schema.get("format") in _FORMATS:
            return []
        kind = schema.get("type")
        kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else None
        found = {_CONSTRAINTS[k]: v for k, v in schema.items() if k in _CONSTRAINTS and not isinstance(v, bool)
                 and (kinds is None or kinds & _APPLIES[k])}
        number = kind == "number" or isinstance(kind, list) and "number" in kind
        return [Kw(k, Atom(_constraint_text(k, found[k], number))) for k in sorted(found)]

    # -- types ----------------------------------------------------------------------------------

    def type_of(self, schema: Any) -> Expr:
        if not isinstance(schema, dict) or not _typed(schema):
            return Atom(self._ref_type("typing", "Any"))
        if "$ref" in schema:
            return self._ref(schema_name(schema["$ref"]))
        if "const" in schema:
            self.need("typing", "Literal")
            return Sub("Literal", (Atom(literal_text(schema["const"])),))
        if isinstance(schema.get("enum"), list):
            return self._enum(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                return self._union(schema, schema[key])
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return self.type_of(schema["allOf"][0])
        kind = schema.get("type")
        if isinstance(kind, list):  # an object among several types is any dict, as dcg reads it
            return _union_of([self.type_of({**_without_map(schema), "type": k}) for k in kind])
        return self._single(schema, kind)

    def _ref(self, name: str) -> Expr:
        """A class whose schema also allows null is referred to as ``X | None``."""
        target = self.schemas.get(name)
        kind = target.get("type") if isinstance(target, dict) else None
        if isinstance(kind, list) and "null" in kind and self.is_class(target):
            return Or((Atom(name), Atom("None")))
        return Atom(name)

    def _single(self, schema: dict[str, Any], kind: Any) -> Expr:
        if kind == "string" and schema.get("format") in _FORMATS:
            return Atom(self._ref_type(*_FORMATS[schema["format"]]))
        if kind == "string" and schema.get("format") == "binary":
            return Atom("bytes")
        if kind in _PRIMITIVES:
            return Atom(_PRIMITIVES[kind])
        if kind == "array":
            return Sub("list", (self._inner(schema.get("items")),))
        return self._map(schema)

    def _inner(self, schema: Any) -> Expr:
        expr = self.type_of(schema)
        kws = self.constraints(schema) if isinstance(schema, dict) and "$ref" not in schema else []
        if kws:
            self.need("typing", "Annotated")
            self.need("pydantic", "Field")
            return Sub("Annotated", (expr, Sub("Field", tuple(kws), "()")))
        return expr

    def _map(self, schema: dict[str, Any]) -> Expr:
        pattern = schema.get("patternProperties")
        if isinstance(pattern, dict) and pattern:
            key, value = next(iter(pattern.items()))
            self.need("typing", "Annotated")
            self.need("pydantic", "StringConstraints")
            key_type = Sub("Annotated", (Atom("str"), Sub("StringConstraints", (Kw("pattern", Atom(_raw(key))),), "()")))
            return Sub("dict", (key_type, self._inner(value)))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return Sub("dict", (Atom("str"), self._inner(extra)))
        return Sub("dict", (Atom("str"), Atom(self._ref_type("typing", "Any"))))

    def _enum(self, values: list[Any]) -> Expr:
        real = [v for v in values if v is not None]
        parts: list[Expr] = []
        if real:
            self.need("typing", "Literal")
            parts.append(Sub("Literal", tuple(Atom(literal_text(v)) for v in real)))
        if None in values:
            parts.append(Atom("None"))
        return _union_of(parts)

    def _union(self, schema: dict[str, Any], members: list[Any]) -> Expr:
        """The members' union; a union of consts only is one ``Literal`` (as
        datamodel-code-generator reads it)."""
        parts: list[Expr] = []
        merge = all(_is_const(m) for m in members)
        for i, m in enumerate(members):
            nested = _union_key(m)
            part = self._union(m, m[nested]) if nested else self._inner(m)
            if merge and i:
                last = parts[-1]
                parts[-1] = Sub("Literal", (*last.args, *part.args))  # type: ignore[union-attr]
            else:
                parts.append(part)
        union = _union_of(parts)
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str) \
                and self.discriminated(members, disc["propertyName"]):
            self.need("typing", "Annotated")
            self.need("pydantic", "Field")
            field = Sub("Field", (Kw("discriminator", Atom(literal_text(disc["propertyName"]))),), "()")
            return Sub("Annotated", (union, field))
        return union


def _split_all_of(schema: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """(own parts: the inline parts of ``allOf`` and the schema, required names)."""
    own: list[dict[str, Any]] = []
    required = [str(r) for r in schema.get("required") or []]
    parts = schema.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict) and "$ref" not in part:
            own.append(part)
            required += [str(r) for r in part.get("required") or []]
    return [*own, schema], required


def _union_key(schema: Any) -> str | None:
    """``anyOf``/``oneOf`` when ``schema`` is a bare union (nothing else that would type it)."""
    if not isinstance(schema, dict) or "$ref" in schema or "const" in schema or "enum" in schema:
        return None
    return next((k for k in ("anyOf", "oneOf") if isinstance(schema.get(k), list)), None)


def _walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def refs_of(node: Any) -> list[str]:
    out: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                out.append(schema_name(ref))
            skip = ("discriminator", "default", "enum", "const")
            if isinstance(item.get("type"), list) and "object" in item["type"]:
                skip += ("additionalProperties", "patternProperties")  # read as any dict
            for key, value in item.items():
                if key not in skip:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _one_value(schema: dict[str, Any]) -> tuple[Any] | None:
    if "const" in schema:
        return (schema["const"],)
    values = schema.get("enum")
    if isinstance(values, list) and len(values) == 1:
        return (values[0],)
    return None


def _self_array(name: str, schema: Any) -> bool:
    """An array alias whose items refer to the alias itself."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return "array" in kinds and set(kinds) <= {"array", "null"} and name in refs_of(schema)


def _optional_text(e: Expr, later: set[str]) -> str:
    """``e`` as text, for the string form of an alias: a union with a member named by a model
    not yet defined is spelled ``Optional[...]`` / ``Union[...]``, others ``A | B``."""
    if isinstance(e, Or):
        rest = [p for p in e.parts if p != Atom("None")]
        if not any(isinstance(p, Atom) and p.text in later for p in rest):
            return " | ".join(_optional_text(p, later) for p in e.parts)
        inner = ", ".join(_optional_text(p, later) for p in rest)
        inner = f"Union[{inner}]" if len(rest) > 1 else inner
        return f"Optional[{inner}]" if len(rest) < len(e.parts) else inner
    if isinstance(e, Sub):
        body = ", ".join(_optional_text(a, later) for a in e.args)
        return f"{e.head}{e.brackets[0]}{body}{e.brackets[1]}"
    if isinstance(e, Kw):
        return f"{e.name}{e.sep}{_optional_text(e.value, later)}"
    if e.text[:1] in "\"'":
        return repr(ast.literal_eval(e.text))  # inside a string: Python's own repr
    return e.text


def _quote_names(e: Expr, later: set[str]) -> Expr:
    """Names of models defined later as strings; a union holding such a name in typing's
    spelling (``Union[...]``, ``Optional[...]``), as ``|`` cannot join a string."""
    if isinstance(e, Atom):
        return Atom(literal_text(e.text)) if e.text in later else e
    if isinstance(e, Kw):
        return Kw(e.name, _quote_names(e.value, later), e.sep)
    if isinstance(e, Sub):
        return Sub(e.head, tuple(_quote_names(a, later) for a in e.args), e.brackets, e.magic)
    rest = [p for p in e.parts if p != Atom("None")]
    if not any(isinstance(p, Atom) and p.text in later for p in rest):
        return Or(tuple(_quote_names(p, later) for p in e.parts))
    inner: Expr = Sub("Union", tuple(_quote_names(p, later) for p in rest)) if len(rest) > 1 \
        else _quote_names(rest[0], later)
    return Sub("Optional", (inner,)) if len(rest) < len(e.parts) else inner


def _names_any(e: Expr, names: set[str]) -> bool:
    if isinstance(e, Atom):
        return e.text in names
    if isinstance(e, Kw):
        return _names_any(e.value, names)
    return any(_names_any(p, names) for p in (e.parts if isinstance(e, Or) else e.args))


def _top_union_text(e: Or, later: set[str]) -> str:
    rest = [p for p in e.parts if p != Atom("None")]
    names = [literal_text(_optional_text(p, later)) if _names_any(p, later) else flat(p) for p in rest]
    inner = f"Union[{', '.join(names)}]" if len(rest) > 1 else names[0]
    return f"Optional[{inner}]" if len(rest) < len(e.parts) else inner


def _is_const(schema: Any) -> bool:
    return isinstance(schema, dict) and "const" in schema and "$ref" not in schema


def _without_map(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("additionalProperties", "patternProperties")}


def _is_literal(expr: Expr) -> bool:
    if isinstance(expr, Sub) and expr.head == "Annotated":
        expr = expr.args[0]
    return isinstance(expr, Sub) and expr.head == "Literal"


def _closed_literal(schema: dict[str, Any]) -> tuple[Any, ...] | None:
    """The values of the field's annotation when it is exactly ``Literal[...]``."""
    if "const" in schema:
        return (schema["const"],)
    values = schema.get("enum")
    if isinstance(values, list) and values and None not in values and not schema.get("anyOf"):
        return tuple(values)
    return None


def _typed(schema: dict[str, Any]) -> bool:
    keys = {"$ref", "const", "enum", "anyOf", "oneOf", "allOf", "type", "properties", "items",
            "additionalProperties", "patternProperties"}
    return any(k in schema for k in keys)


def _is_map(schema: dict[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    return isinstance(extra, dict) and bool(extra) or "patternProperties" in schema


def _has_none(expr: Expr) -> bool:
    if isinstance(expr, Or):
        return any(_has_none(p) for p in expr.parts)
    return isinstance(expr, Atom) and expr.text == "None"


def _or(a: Expr, b: Expr) -> Expr:
    return _union_of([a, b])


def _union_of(parts: list[Expr]) -> Expr:
    """Members flattened and deduplicated; ``None`` last."""
    flat_parts: list[Expr] = []
    for p in parts:
        for q in p.parts if isinstance(p, Or) else (p,):
            if q not in flat_parts:
                flat_parts.append(q)
    if Atom("None") in flat_parts:  # None goes last
        flat_parts = [q for q in flat_parts if q != Atom("None")] + [Atom("None")]
    if len(flat_parts) == 1:
        return flat_parts[0]
    return Or(tuple(flat_parts))


def _constraint_text(name: str, value: Any, number: bool) -> str:
    if number and name in ("ge", "le", "gt", "lt", "multiple_of") and isinstance(value, int):
        return repr(float(value))
    return literal_text(value)


def _raw(pattern: str) -> str:
    if '"' not in pattern and not pattern.endswith("\\") and "\n" not in pattern:
        return f'r"{pattern}"'
    return json.dumps(pattern)
