"""Schemas: normalise the spec's schemas into one named model set, and type annotations for them.

The normalised set is what datamodel-code-generator turns into pydantic models. Normalising here
keeps every naming decision in our naming module and every spec quirk handled in one place:

- component schemas get Python class names (`naming.class_name`) and refs are rewritten;
- 3.0 `nullable: true` becomes a union with null (also honoured inside 3.1 documents);
- string enums become open (`Literal[...] | str`) so unknown values from a newer server parse;
- inline objects and unions of objects inside properties, parameters and bodies are hoisted into
  named schemas with names from their context (parent + property, operation + role), never numbers;
- descriptions are cleaned so that no spec text can break out of a generated docstring.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import naming
from ..problems import MISSING, Finding, Problem, Reporter, pointer_get, pointer_join
from . import text

SCHEMA_PREFIX = "#/components/schemas/"
UNRESOLVED = "x-sdkgen-unresolved-ref"
# Formats that map to plain Python types; others (email, uri, hostname, password, ulid…) would
# pull in extra dependencies or change values (AnyUrl normalises, SecretStr hides), so they stay str.
_KEPT_FORMATS = {"date-time", "date", "time", "uuid", "binary", "int32", "int64", "float", "double"}
# JSON Schema keywords with no Python type equivalent: dropped, reported as degraded.
_UNTYPED_KEYWORDS = {"not", "if", "then", "else", "dependentSchemas", "dependencies", "unevaluatedItems",
                     "contentSchema", "$dynamicRef", "$recursiveRef"}
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True, slots=True)
class _Keyword:
    """One keyword of a schema being normalised, and where its result goes."""

    schema: dict[str, Any]
    out: dict[str, Any]
    key: str
    value: Any
    ptr: str
    context: str


# (properties, required, other keywords) of an object schema
_View = tuple[dict[str, Any], list[str], dict[str, Any]]

# Keywords dropped: not needed for models (and untrusted text kept out of the model module);
# `nullable` is handled once the schema is done.
_SKIPPED = frozenset({"example", "examples", "externalDocs", "xml", "nullable"})


class SchemaSet:
    """The named schemas of one SDK, built incrementally while operations are read."""

    def __init__(self, data: dict[str, Any], problems: list[Problem], doc: Any):
        self._data = data
        self._report = Reporter(doc.problem, problems)
        self.scope = naming.Scope(pascal_case=True)
        self.names: dict[str, str] = {}  # original component name -> class name
        self.schemas: dict[str, dict[str, Any]] = {}  # class name -> normalised schema
        self._resolving: set[str] = set()
        self._any: str | None = None
        components = (data.get("components") or {}).get("schemas") or {}
        if not isinstance(components, dict):
            components = {}
        for original in components:
            self.names[str(original)] = self.scope.claim(naming.class_name(str(original)))
        for original, schema in components.items():
            name = self.names[str(original)]
            ptr = pointer_join("/components/schemas", original)
            self.schemas[name] = {}  # reserve order
            self.schemas[name] = self._normalise(schema, ptr, name)
        self._break_ref_cycles(components)

    def _break_ref_cycles(self, components: dict[str, Any]) -> None:
        """Schemas that are only references leading back to themselves have no type: Any, reported."""
        originals = {v: k for k, v in self.names.items()}
        for name in list(self.schemas):
            chain, current = [name], self.schemas.get(name, {})
            while set(current) == {"$ref"} and str(current["$ref"]).startswith(SCHEMA_PREFIX):
                target = current["$ref"][len(SCHEMA_PREFIX):]
                if target in chain:
                    if target == name:
                        ptr = pointer_join("/components/schemas", originals.get(name, name))
                        loop = " -> ".join(chain + [target])
                        self._report(Finding.LOOSENED, ptr, f"reference cycle with no type ({loop}); typed as Any")
                        self.schemas[name] = {}
                    break
                chain.append(target)
                current = self.schemas.get(target, {})

    # -- references ---------------------------------------------------------------------------

    def resolve_ref(self, ref: str, ptr: str) -> dict[str, Any] | None:
        """The raw target of a local `$ref` (any JSON pointer into the document)."""
        if not ref.startswith("#"):
            self._report(Finding.UNREADABLE, ptr, f"external $ref {ref!r} was not bundled")
            return None
        node: Any = pointer_get(self._data, ref[1:])
        if node is MISSING:
            self._report(Finding.UNREADABLE, ptr, f"$ref {ref!r} points to nothing")
            return None
        return node if isinstance(node, dict) else None

    def deref(self, schema: Any, ptr: str) -> dict[str, Any]:
        """Follow non-schema refs (parameters, responses, request bodies) to their object."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            target = self.resolve_ref(str(schema["$ref"]), ptr)
            if target is None:
                return {}
            schema, seen = target, seen + 1
        return schema if isinstance(schema, dict) else {}

    # -- normalisation -------------------------------------------------------------------------

    def add(self, schema: Any, ptr: str, context: str) -> dict[str, Any]:
        """Normalise a schema met outside components; return a schema whose objects are named refs."""
        schema = _collapse_allof(schema)
        if isinstance(schema, dict) and _needs_name(schema):
            return {"$ref": SCHEMA_PREFIX + self._hoist(schema, ptr, context)}
        return self._normalise(schema, ptr, context)

    def _hoist(self, schema: dict[str, Any], ptr: str, context: str) -> str:
        name = self.scope.claim(naming.model_name(context))
        self.schemas[name] = {}
        self.schemas[name] = self._normalise(schema, ptr, name)
        return name

    def _normalise(self, schema: Any, ptr: str, context: str) -> dict[str, Any]:
        if schema is True or schema is None:
            return {}
        if schema is False:
            return {"not": {}}
        if not isinstance(schema, dict):
            self._report(Finding.LOOSENED, ptr, "schema is not an object; typed as Any")
            return {}
        if UNRESOLVED in schema:
            return {}  # the loader reported it (a degraded, untyped schema)
        schema = _collapse_allof(schema)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            self._keyword(_Keyword(schema, out, key, value, ptr, context))
        return self._finish(schema, out, ptr)

    def _keyword(self, k: _Keyword) -> None:
        """Normalise one keyword of a schema into `k.out`."""
        if k.key.startswith("x-") or k.key in _SKIPPED:
            return  # not needed for models; keeps untrusted text out of the model module
        if k.key in _UNTYPED_KEYWORDS:
            self._degrade(pointer_join(k.ptr, k.key), f"'{k.key}' cannot be expressed in Python types; not checked")
            return
        handler = _KEYWORD_HANDLERS.get(k.key)
        if handler is None or not handler(self, k):
            k.out[k.key] = copy.deepcopy(k.value)

    def _finish(self, schema: dict[str, Any], out: dict[str, Any], ptr: str) -> dict[str, Any]:
        """Defaults fixed, `$ref` siblings kept typed, 3.0's nullable and open enums."""
        nullable = schema.get("nullable") is True or (isinstance(out.get("type"), list) and "null" in out["type"])
        if "default" in out:
            self._fix_default(out, nullable, ptr)
        if "$ref" in out and len(out) > 1:
            # 3.0 ignores siblings of $ref; 3.1 merges them. allOf keeps both meanings typed.
            ref = out.pop("$ref")
            if any(k in out for k in ("properties", "required")):
                out = {"allOf": [{"$ref": ref}], **out}
            else:
                out = {"$ref": ref, **{k: v for k, v in out.items() if k in ("description", "default", "title")}}
        if schema.get("nullable") is True:
            out = _with_null(out)
        return _open_enum(out)

    # Keyword handlers: True when the keyword is done, False to copy it as written.

    def _kw_ref(self, k: _Keyword) -> bool:
        k.out["$ref"] = self._ref(str(k.value), k.ptr)
        return True

    def _kw_text(self, k: _Keyword) -> bool:
        if isinstance(k.value, str):
            k.out[k.key] = _clean_text(k.value)
        return True

    def _kw_properties(self, k: _Keyword) -> bool:
        if not isinstance(k.value, dict):
            return False
        props: dict[str, Any] = {}
        for prop, sub in k.value.items():
            sub_ptr = pointer_join(k.ptr, k.key, prop)
            sub_ctx = k.context + (naming.pascal(str(prop)) if k.key == "properties" else "Value")
            if k.key == "patternProperties" and isinstance(sub, dict) and _constrained_scalar(sub):
                props[str(prop)] = {"$ref": SCHEMA_PREFIX + self._hoist(sub, sub_ptr, sub_ctx)}
            else:
                props[str(prop)] = self._child(sub, sub_ptr, sub_ctx)
        k.out[k.key] = props
        return True

    def _kw_items(self, k: _Keyword) -> bool:
        key, value = k.key, k.value
        if isinstance(value, dict):
            suffix = "Item" if key in ("items", "contains") else "Value"
            child_ptr = pointer_join(k.ptr, key)
            if key in ("items", "additionalProperties") and _constrained_scalar(value):
                # a list of constrained scalars needs a named alias; ours, not a made-up one
                k.out[key] = {"$ref": SCHEMA_PREFIX + self._hoist(value, child_ptr, k.context + suffix)}
            else:
                k.out[key] = self._child(value, child_ptr, k.context + suffix)
        elif isinstance(value, list) and key == "items":  # draft-4 tuple form
            self._degrade(k.ptr, "tuple-form 'items' typed as a list of Any")
            k.out[key] = {}
        else:
            k.out[key] = value
        return True

    def _kw_members(self, k: _Keyword) -> bool:
        if not isinstance(k.value, list):
            return False
        if k.key == "allOf":  # allOf parts merge into the parent, so they need no name of their own
            k.out[k.key] = [self._normalise(sub, pointer_join(k.ptr, k.key, i), k.context) for i, sub in enumerate(k.value)]
            return True
        suffixes = _variant_suffixes(k.value, k.context, self.scope)
        k.out[k.key] = [self._child(sub, pointer_join(k.ptr, k.key, i), k.context + suffixes[i]) for i, sub in enumerate(k.value)]
        return True

    def _kw_property_names(self, k: _Keyword) -> bool:
        self._report(Finding.IGNORED, pointer_join(k.ptr, k.key), "constraints on property names are not checked")
        return True

    def _kw_format(self, k: _Keyword) -> bool:
        if isinstance(k.value, str) and k.value in _KEPT_FORMATS:
            k.out[k.key] = k.value
        return True

    def _kw_exclusive(self, k: _Keyword) -> bool:
        if not isinstance(k.value, bool):
            return False
        bound = "minimum" if k.key == "exclusiveMinimum" else "maximum"
        if k.value and isinstance(k.schema.get(bound), (int, float)):
            k.out[k.key] = k.schema[bound]  # 3.0's boolean form, as the number 3.1 expects
        return True

    def _kw_bound(self, k: _Keyword) -> bool:
        return k.schema.get("exclusive" + k.key.capitalize()) is True  # moved into exclusive*

    def _kw_enum(self, k: _Keyword) -> bool:
        if not isinstance(k.value, list):
            return False
        values = _dedupe(k.value)
        if all(_literal_ok(v) for v in values) and values:
            k.out[k.key] = values
        else:
            self._degrade(pointer_join(k.ptr, k.key), "enum values that are not strings, integers or booleans; the enum is not checked")
        return True

    def _kw_discriminator(self, k: _Keyword) -> bool:
        if not isinstance(k.value, dict):
            return False
        disc = dict(k.value)
        mapping = k.value.get("mapping")
        if isinstance(mapping, dict):
            disc["mapping"] = {m: self._ref(str(v), k.ptr) if str(v).startswith("#") else v for m, v in mapping.items()}
        k.out[k.key] = disc
        return True

    def _kw_const(self, k: _Keyword) -> bool:
        if _literal_ok(k.value):
            return False
        self._degrade(pointer_join(k.ptr, k.key), "a const that is not a string, integer or boolean is not checked")
        return True

    def _kw_type(self, k: _Keyword) -> bool:
        if not (isinstance(k.value, list) and len(set(map(str, k.value)) - {"null"}) > 1):
            return False
        k.out[k.key] = [t for t in _dedupe(k.value) if isinstance(t, str)]
        return True

    def _fix_default(self, out: dict[str, Any], nullable: bool, ptr: str) -> None:
        """A default that breaks its own schema is coerced when the intent is clear
        ("1024" for an integer, "false" for a boolean, "null" for a nullable value), else
        dropped; either way it is reported."""
        value = out["default"]
        kind = out.get("type")
        kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
        may_be_null = nullable or "null" in kinds
        if value is None:
            if may_be_null or not kinds:
                return
            fixed: Any = _NO_DEFAULT
        elif value == "null" and may_be_null:
            fixed = None  # the word null as the default of a nullable value means null
        elif not kinds:
            if value != "null":
                return  # a ref or a union: left as written
            fixed = _NO_DEFAULT
        elif _default_fits(value, kinds):
            return
        else:
            fixed = _coerce_default(value, kinds)
        where = pointer_join(ptr, "default")
        if fixed is _NO_DEFAULT:
            del out["default"]
            self._report(Finding.LOOSENED, where, f"default {value!r} does not match the schema's type; ignored")
        else:
            out["default"] = fixed
            self._report(Finding.LOOSENED, where, f"default {value!r} does not match the schema's type; read as {fixed!r}")

    def _degrade(self, ptr: str, message: str) -> None:
        self._report(Finding.DEGRADED, ptr, f"schema degraded: {message}")

    def _child(self, schema: Any, ptr: str, context: str) -> Any:
        schema = _collapse_allof(schema)
        if isinstance(schema, dict) and _needs_name(schema):
            return {"$ref": SCHEMA_PREFIX + self._hoist(schema, ptr, context)}
        return self._normalise(schema, ptr, context)

    def _ref(self, ref: str, ptr: str) -> str:
        if ref.startswith(SCHEMA_PREFIX):
            original = ref[len(SCHEMA_PREFIX):].replace("~1", "/").replace("~0", "~")
            if original in self.names:
                return SCHEMA_PREFIX + self.names[original]
            self._report(Finding.LOOSENED, ptr, f"$ref {ref!r} points to no schema; typed as Any")
            return SCHEMA_PREFIX + self._any_name()
        target = self.resolve_ref(ref, ptr) if ref.startswith("#") else None
        if target is None:
            if not ref.startswith("#"):
                self._report(Finding.UNREADABLE, ptr, f"external $ref {ref!r} was not bundled")
            return SCHEMA_PREFIX + self._any_name()
        if ref in self._resolving:
            return SCHEMA_PREFIX + self._any_name()
        self._resolving.add(ref)
        try:
            name = self._hoist(target, ptr, ref.rsplit("/", 1)[-1])
        finally:
            self._resolving.discard(ref)
        return SCHEMA_PREFIX + name

    def _any_name(self) -> str:
        if self._any is None:
            self._any = self.scope.claim("AnyValue")
            self.schemas[self._any] = {}
        return self._any

    # -- after all operations are read --------------------------------------------------------

    def finalize(self) -> None:
        """Rewrite allOf compositions that inheritance cannot express.

        datamodel-code-generator turns `allOf: [$ref Base, {...}]` into a subclass. That breaks
        when a part re-declares a property of another part (a field overridden with another
        type or requiredness is not a valid subclass) and when a part is a union. Such schemas
        are merged into one object here: properties from every part (later parts refine earlier
        ones), required from every part. An allOf with a union part becomes a union of merged
        objects, one per member of the union.
        """
        for name in list(self.schemas):
            schema = self.schemas[name]
            if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) > 0:
                self.schemas[name] = self._compose(name, schema)
        for schema in self.schemas.values():
            # `deprecated` marks fields; on a named union or scalar (a type alias) pydantic
            # rejects it with a warning at import time
            if "deprecated" in schema and not ("properties" in schema or "allOf" in schema or schema.get("type") == "object"):
                del schema["deprecated"]

    def _compose(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        parts = [p for p in schema["allOf"] if isinstance(p, dict)]
        own = {k: v for k, v in schema.items() if k != "allOf"}
        views = [self._object_view(p, 0) for p in parts]
        unions = [i for i, p in enumerate(parts) if views[i] is None and self._union_members(p) is not None]
        rest = self._object_parts(own, [v for i, v in enumerate(views) if i not in unions[:1]])
        if rest is None or len(unions) > 1:
            return schema  # a part that is not an object: left as written
        if unions:
            return self._compose_union(name, schema, own, parts[unions[0]], rest)
        if not _clashes(rest):
            return schema
        meta = {k: v for k, v in own.items() if k in ("description", "title", "additionalProperties")}
        return _merged(rest, meta)

    def _object_parts(self, own: dict[str, Any], views: list[_View | None]) -> list[_View] | None:
        """The views of the parts and of the schema's own keywords, last; None when one is not an object."""
        own_view = self._object_view(own, 0) if any(k in own for k in ("properties", "required", "type")) else ({}, [], {})
        out = [v for v in [*views, own_view] if v is not None]
        return out if len(out) == len(views) + 1 else None

    def _compose_union(self, name: str, schema: dict[str, Any], own: dict[str, Any], union: dict[str, Any],
                       rest: list[_View]) -> dict[str, Any]:
        """allOf with one union part: a union of merged objects, one per member of the union."""
        found = self._union_members(union)
        assert found is not None
        key, members = found
        union_name = self.ref_name(union) or ""
        variants = []
        for i, member in enumerate(members):
            view = self._object_view(member, 0)
            if view is None:
                return schema  # a union of non-objects: left to the model generator
            # MessageBody's member MessageBodyWithContent makes Message's MessageWithContent
            suffix = self.ref_name(member) or _variant_suffixes(members, union_name, self.scope)[i]
            for prefix in (union_name, name):
                if prefix and suffix.startswith(prefix) and len(suffix) > len(prefix):
                    suffix = suffix[len(prefix):]
                    break
            variant = self.scope.claim(naming.model_name(f"{name} {suffix}"))
            self.schemas[variant] = _merged([view, *rest], {})
            variants.append({"$ref": SCHEMA_PREFIX + variant})
        meta = {k: v for k, v in own.items() if k in ("description", "title")}
        return {**meta, key: variants}

    def _object_view(self, schema: Any, depth: int) -> _View | None:
        """(properties, required, other keywords) of an object schema, refs and allOf followed;
        None when it is not a plain object."""
        if not isinstance(schema, dict) or depth > 30:
            return None
        if "$ref" in schema:
            return self._object_view(self.schemas.get(schema["$ref"][len(SCHEMA_PREFIX):]), depth + 1)
        if any(k in schema for k in ("anyOf", "oneOf", "enum", "const", "items")):
            return None
        if schema.get("type") not in (None, "object"):
            return None
        props: dict[str, Any] = {}
        required: list[str] = []
        for part in schema.get("allOf") or []:
            view = self._object_view(part, depth + 1)
            if view is None:
                return None
            props.update(view[0])
            required += [r for r in view[1] if r not in required]
        if isinstance(schema.get("properties"), dict):
            props.update(schema["properties"])
        required += [str(r) for r in schema.get("required") or [] if str(r) not in required]
        extra = {k: v for k, v in schema.items() if k in ("additionalProperties",)}
        return props, required, extra

    def _union_members(self, schema: dict[str, Any], depth: int = 0) -> tuple[str, list[Any]] | None:
        if depth > 30:
            return None
        if "$ref" in schema:
            target = self.schemas.get(schema["$ref"][len(SCHEMA_PREFIX):])
            return self._union_members(target, depth + 1) if isinstance(target, dict) else None
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return key, schema[key]
        return None

    # -- annotations ---------------------------------------------------------------------------

    def annotation(self, schema: Any, *, input_side: bool = False) -> str:
        """A Python annotation (a finished string) for a normalised schema."""
        if not isinstance(schema, dict) or not schema:
            return "Any"
        if "$ref" in schema:
            return self._ref_annotation(schema["$ref"][len(SCHEMA_PREFIX):], input_side)
        if "const" in schema:
            return f"Literal[{text.literal(schema['const'])}]" if _literal_ok(schema["const"]) else "Any"
        if "enum" in schema and isinstance(schema["enum"], list):
            return _enum_annotation(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema and isinstance(schema[key], list):
                return _union(self.annotation(s, input_side=input_side) for s in schema[key])
        if "allOf" in schema and isinstance(schema["allOf"], list) and len(schema["allOf"]) == 1:
            return self.annotation(schema["allOf"][0], input_side=input_side)
        return self._type_annotation(schema, input_side)

    def _ref_annotation(self, name: str, input_side: bool) -> str:
        # an argument may take the model or a plain dict of its fields
        if input_side and _is_object_like(self.schemas.get(name, {}), self.schemas):
            return f"models.{name} | dict[str, Any]"
        return f"models.{name}"

    def _type_annotation(self, schema: dict[str, Any], input_side: bool) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union(self.annotation({**schema, "type": k}, input_side=input_side) for k in kind)
        if kind == "string" and schema.get("format") == "binary":
            return "bytes | IO[bytes]" if input_side else "bytes"
        if kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        if kind == "array":
            return f"list[{self.annotation(schema.get('items'), input_side=input_side)}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"dict[str, {self.annotation(extra, input_side=input_side)}]"
            return "dict[str, Any]"
        return "Any"

    def is_nullable(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if schema.get("type") == "null" or (isinstance(schema.get("type"), list) and "null" in schema["type"]):
            return True
        if "enum" in schema and isinstance(schema["enum"], list) and None in schema["enum"]:
            return True
        return any(self.is_nullable(s) for s in schema.get("anyOf", []) + schema.get("oneOf", []) if isinstance(s, dict))

    def target(self, schema: Any) -> dict[str, Any]:
        """The named schema behind a `$ref`, or the schema itself."""
        if isinstance(schema, dict) and "$ref" in schema:
            return self.schemas.get(schema["$ref"][len(SCHEMA_PREFIX):], {})
        return schema if isinstance(schema, dict) else {}

    def ref_name(self, schema: Any) -> str | None:
        if isinstance(schema, dict) and "$ref" in schema:
            return schema["$ref"][len(SCHEMA_PREFIX):]
        return None


def _enum_annotation(enum: list[Any]) -> str:
    values = [v for v in enum if _literal_ok(v)]
    parts = [f"Literal[{', '.join(text.literal(v) for v in values if v is not None)}]"] if any(v is not None for v in values) else []
    if None in enum:
        parts.append("None")
    return " | ".join(parts) or "Any"


def _clashes(views: list[_View]) -> bool:
    """Does a part re-declare a property of another part?"""
    seen: set[str] = set()
    for props, _, _ in views:
        if seen & set(props):
            return True
        seen |= set(props)
    return False


def _merged(views: list[_View], meta: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    extra: dict[str, Any] = {}
    for p, r, e in views:
        for key, value in p.items():
            if key not in props or value:  # an empty schema refines nothing
                props[key] = value
        required += [x for x in r if x not in required]
        extra.update(e)
    out: dict[str, Any] = {**{k: v for k, v in meta.items() if k != "additionalProperties"}, "type": "object", "properties": props}
    if required:
        out["required"] = required
    if "additionalProperties" in meta:
        out["additionalProperties"] = meta["additionalProperties"]
    elif "additionalProperties" in extra:
        out["additionalProperties"] = extra["additionalProperties"]
    return out


_META = {"description", "title", "default", "readOnly", "writeOnly", "nullable", "example", "examples",
         "deprecated", "externalDocs", "xml", "$comment"}


def _meta_only(schema: Any) -> bool:
    return isinstance(schema, dict) and all(k in _META or k.startswith("x-") for k in schema)


def _collapse_allof(schema: Any) -> Any:
    """`allOf: [{$ref: X}]` plus only annotations (description, readOnly, nullable…) is a use of
    X, not a new object: written the 3.0 way to put a description or `nullable` next to a ref."""
    if not isinstance(schema, dict):
        return schema
    parts = schema.get("allOf")
    if not isinstance(parts, list) or not parts or not all(k in _META or k == "allOf" or k.startswith("x-") for k in schema):
        return schema
    structural = [p for p in parts if not _meta_only(p)]
    if len(structural) != 1 or not isinstance(structural[0], dict) or set(structural[0]) != {"$ref"}:
        return schema
    meta: dict[str, Any] = {}
    for part in parts:
        if part is not structural[0]:
            meta.update(part)
    meta.update({k: v for k, v in schema.items() if k != "allOf"})
    return {"$ref": structural[0]["$ref"], **meta}


def _needs_name(schema: dict[str, Any]) -> bool:
    """Inline objects with properties, and unions that contain such objects, become named models."""
    if "$ref" in schema:
        return any(k in schema for k in ("properties", "required"))  # becomes an allOf
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        return True
    if "allOf" in schema:
        return True
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and any(isinstance(m, dict) and (_needs_name(m) or "$ref" in m) for m in members):
            return "discriminator" in schema or any(isinstance(m, dict) and _needs_name(m) for m in members)
    return False


def _variant_suffixes(members: list[Any], context: str, taken: Any) -> list[str]:
    """Names for the members of a union, from what tells them apart: a tag value, a title, the
    schema an allOf member extends, a required property no other member has, the type; the
    position only as a last resort. A suffix that repeats the union's own name drops it."""
    required_sets = []
    for m in members:
        req = m.get("required") if isinstance(m, dict) and "$ref" not in m else None
        required_sets.append([str(r) for r in req] if isinstance(req, list) else [])
    out: list[str] = []
    for i, member in enumerate(members):
        suffix = _variant_suffix(member, i)
        if context and suffix.startswith(context) and len(suffix) > len(context) \
                and naming.model_name(context + suffix[len(context):]) not in taken:
            suffix = suffix[len(context):]
        if suffix in ("Object", f"Variant{i + 1}") or suffix in out:
            others = {r for j, rs in enumerate(required_sets) if j != i for r in rs}
            distinct = [r for r in required_sets[i] if r not in others]
            if distinct:
                suffix = "With" + naming.pascal(distinct[0])
        out.append(suffix)
    return out


def _variant_suffix(schema: Any, index: int) -> str:
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            tag = props.get("type")
            if isinstance(tag, dict):
                value = tag.get("const", (tag.get("enum") or [None])[0])
                if isinstance(value, str):
                    return naming.pascal(value)
        if isinstance(schema.get("title"), str):
            return naming.pascal(schema["title"])
        for part in schema.get("allOf") or []:
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                return naming.pascal(part["$ref"].rsplit("/", 1)[-1])
        if isinstance(schema.get("type"), str):
            return naming.pascal(schema["type"])
    return f"Variant{index + 1}"


def _is_object_like(schema: dict[str, Any], schemas: dict[str, dict[str, Any]], depth: int = 0) -> bool:
    if depth > 20:
        return False
    if "$ref" in schema:
        return _is_object_like(schemas.get(schema["$ref"][len(SCHEMA_PREFIX):], {}), schemas, depth + 1)
    if schema.get("type") == "object" or "properties" in schema or "allOf" in schema:
        return True
    for key in ("anyOf", "oneOf"):
        if any(isinstance(m, dict) and _is_object_like(m, schemas, depth + 1) for m in schema.get(key, [])):
            return True
    return False


def _with_null(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str) and "enum" not in schema and "$ref" not in schema:
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**schema, "type": kind + (["null"] if "null" not in kind else [])}
    meta = {k: schema[k] for k in ("description", "title", "default") if k in schema}
    inner = {k: v for k, v in schema.items() if k not in meta}
    if "enum" in inner and isinstance(inner["enum"], list) and None not in inner["enum"]:
        inner = {**inner, "enum": inner["enum"] + [None]}
        return {**meta, **inner}
    return {**meta, "anyOf": [inner, {"type": "null"}]}


def _open_enum(schema: dict[str, Any]) -> dict[str, Any]:
    """A string enum of two or more values also accepts any other string (forward compatible)."""
    values = schema.get("enum")
    if not isinstance(values, list) or len([v for v in values if v is not None]) < 2:
        return schema
    if not all(isinstance(v, str) or v is None for v in values):
        return schema
    meta = {k: schema[k] for k in ("description", "title", "default") if k in schema}
    closed = {k: v for k, v in schema.items() if k not in meta}
    closed["type"] = "string"
    closed["enum"] = [v for v in values if v is not None]
    members: list[dict[str, Any]] = [closed, {"type": "string"}]
    if None in values or (isinstance(schema.get("type"), list) and "null" in schema["type"]):
        members.append({"type": "null"})
    return {**meta, "anyOf": members}


def _constrained_scalar(schema: dict[str, Any]) -> bool:
    if "$ref" in schema or not isinstance(schema.get("type"), str) or schema["type"] in ("object", "array"):
        return False
    return any(k in schema for k in ("pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
                                     "exclusiveMaximum", "multipleOf"))


_NO_DEFAULT = object()


def _default_fits(value: Any, kinds: set[str]) -> bool:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    return any(checks.get(k, lambda v: True)(value) for k in kinds)


def _coerce_default(value: Any, kinds: set[str]) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if "boolean" in kinds and text in ("true", "false"):
            return text == "true"
        if "integer" in kinds:
            try:
                return int(text)
            except ValueError:
                pass
        if "number" in kinds:
            try:
                number = float(text)
                return int(number) if number.is_integer() and "." not in text else number
            except ValueError:
                pass
    if "string" in kinds and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if "integer" in kinds and isinstance(value, float) and value.is_integer():
        return int(value)
    return _NO_DEFAULT


def _dedupe(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if not any(v == o and type(v) is type(o) for o in out):
            out.append(v)
    return out


def _literal_ok(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, bool)) and not isinstance(value, float)


def _union(parts: Any) -> str:
    seen: list[str] = []
    for part in parts:
        for piece in _split_union(part):
            if piece not in seen:
                seen.append(piece)
    if "Any" in seen:
        return "Any"
    for loose in ("dict[str, Any]", "None"):  # the precise types first reads best
        if loose in seen:
            seen.remove(loose)
            seen.append(loose)
    if "None" in seen:
        seen.remove("None")
        seen.append("None")
    return " | ".join(seen) or "Any"


def _split_union(annotation: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(annotation[start:i].strip())
            start = i + 1
    out.append(annotation[start:].strip())
    return out


def _clean_text(value: str) -> str:
    return "\n".join(text.doc_lines(value, width=10_000))


_KEYWORD_HANDLERS: dict[str, Callable[[SchemaSet, _Keyword], bool]] = {
    "$ref": SchemaSet._kw_ref,
    **dict.fromkeys(("description", "title", "summary"), SchemaSet._kw_text),
    **dict.fromkeys(("properties", "patternProperties"), SchemaSet._kw_properties),
    **dict.fromkeys(("items", "additionalProperties", "contains", "unevaluatedProperties"), SchemaSet._kw_items),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), SchemaSet._kw_members),
    "propertyNames": SchemaSet._kw_property_names,
    "format": SchemaSet._kw_format,
    **dict.fromkeys(("exclusiveMinimum", "exclusiveMaximum"), SchemaSet._kw_exclusive),
    **dict.fromkeys(("minimum", "maximum"), SchemaSet._kw_bound),
    "enum": SchemaSet._kw_enum,
    "discriminator": SchemaSet._kw_discriminator,
    "const": SchemaSet._kw_const,
    "type": SchemaSet._kw_type,
}
