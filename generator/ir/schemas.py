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
from typing import Any

from .. import naming
from ..problems import Problem, pointer_join
from . import text

SCHEMA_PREFIX = "#/components/schemas/"
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


class SchemaSet:
    """The named schemas of one SDK, built incrementally while operations are read."""

    def __init__(self, data: dict[str, Any], problems: list[Problem], doc: Any):
        self._data = data
        self._problems = problems
        self._doc = doc
        self.scope = naming.Scope(pascal_case=True)
        self.names: dict[str, str] = {}  # original component name -> class name
        self.schemas: dict[str, dict[str, Any]] = {}  # class name -> normalised schema
        self._resolving: set[str] = set()
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

    # -- references ---------------------------------------------------------------------------

    def resolve_ref(self, ref: str, ptr: str) -> dict[str, Any] | None:
        """The raw target of a local `$ref` (any JSON pointer into the document)."""
        if not ref.startswith("#"):
            self._problems.append(self._doc.problem("error", ptr, f"external $ref {ref!r} was not bundled"))
            return None
        node: Any = self._data
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                self._problems.append(self._doc.problem("error", ptr, f"$ref {ref!r} points to nothing"))
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
        if isinstance(schema, dict) and _needs_name(schema):
            return {"$ref": SCHEMA_PREFIX + self._hoist(schema, ptr, context)}
        return self._normalise(schema, ptr, context)

    def _hoist(self, schema: dict[str, Any], ptr: str, context: str) -> str:
        name = self.scope.claim(naming.pascal(context))
        self.schemas[name] = {}
        self.schemas[name] = self._normalise(schema, ptr, name)
        return name

    def _normalise(self, schema: Any, ptr: str, context: str) -> dict[str, Any]:
        if schema is True or schema is None:
            return {}
        if schema is False:
            return {"not": {}}
        if not isinstance(schema, dict):
            self._problems.append(self._doc.problem("warning", ptr, "schema is not an object; typed as Any"))
            return {}
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "$ref":
                out["$ref"] = self._ref(str(value), ptr)
            elif key in ("description", "title", "summary"):
                if isinstance(value, str):
                    out[key] = _clean_text(value)
            elif key == "properties" and isinstance(value, dict):
                props: dict[str, Any] = {}
                for prop, sub in value.items():
                    sub_ptr = pointer_join(ptr, "properties", prop)
                    sub_ctx = context + naming.pascal(str(prop))
                    props[str(prop)] = self._child(sub, sub_ptr, sub_ctx)
                out[key] = props
            elif key in ("items", "additionalProperties", "not", "contains", "unevaluatedProperties"):
                if isinstance(value, (dict, bool)):
                    suffix = "Item" if key == "items" else "Value"
                    out[key] = self._child(value, pointer_join(ptr, key), context + suffix) if isinstance(value, dict) else value
                else:
                    out[key] = value
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
                members = []
                for i, sub in enumerate(value):
                    sub_ptr = pointer_join(ptr, key, i)
                    # allOf parts merge into the parent, so they need no name of their own
                    if key == "allOf":
                        members.append(self._normalise(sub, sub_ptr, context))
                    else:
                        members.append(self._child(sub, sub_ptr, context + _variant_suffix(sub, i)))
                out[key] = members
            elif key == "discriminator" and isinstance(value, dict):
                disc = dict(value)
                mapping = value.get("mapping")
                if isinstance(mapping, dict):
                    disc["mapping"] = {k: self._ref(str(v), ptr) if str(v).startswith("#") else v for k, v in mapping.items()}
                out[key] = disc
            elif key in ("example", "examples", "externalDocs", "xml") or key.startswith("x-"):
                continue  # not needed for models; keeps untrusted text out of the model module
            elif key == "nullable":
                continue  # handled below
            else:
                out[key] = copy.deepcopy(value)
        if schema.get("nullable") is True:
            out = _with_null(out)
        if "$ref" in out and len(out) > 1:
            # 3.0 ignores siblings of $ref; 3.1 merges them. allOf keeps both meanings typed.
            ref = out.pop("$ref")
            out = {"allOf": [{"$ref": ref}], **out} if any(k in out for k in ("properties", "required")) else {"$ref": ref, **{k: v for k, v in out.items() if k in ("description", "default", "title")}}
        return _open_enum(out)

    def _child(self, schema: Any, ptr: str, context: str) -> Any:
        if isinstance(schema, dict) and _needs_name(schema):
            return {"$ref": SCHEMA_PREFIX + self._hoist(schema, ptr, context)}
        return self._normalise(schema, ptr, context)

    def _ref(self, ref: str, ptr: str) -> str:
        if ref.startswith(SCHEMA_PREFIX):
            original = ref[len(SCHEMA_PREFIX):].replace("~1", "/").replace("~0", "~")
            if original in self.names:
                return SCHEMA_PREFIX + self.names[original]
            self._problems.append(self._doc.problem("warning", ptr, f"$ref {ref!r} points to no schema; typed as Any"))
            return SCHEMA_PREFIX + self._any_name()
        target = self.resolve_ref(ref, ptr) if ref.startswith("#") else None
        if target is None:
            if not ref.startswith("#"):
                self._problems.append(self._doc.problem("error", ptr, f"external $ref {ref!r} was not bundled"))
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
        if "AnyValue" not in self.schemas:
            self.schemas[self.scope.claim("AnyValue")] = {}
        return "AnyValue"

    # -- annotations ---------------------------------------------------------------------------

    def annotation(self, schema: Any, *, input_side: bool = False) -> str:
        """A Python annotation (a finished string) for a normalised schema."""
        if not isinstance(schema, dict) or not schema:
            return "Any"
        if "$ref" in schema:
            name = schema["$ref"][len(SCHEMA_PREFIX):]
            target = self.schemas.get(name, {})
            if input_side and _is_object_like(target, self.schemas):
                return f"models.{name} | dict[str, Any]"
            return f"models.{name}"
        if "const" in schema:
            return f"Literal[{text.literal(schema['const'])}]" if _literal_ok(schema["const"]) else "Any"
        if "enum" in schema and isinstance(schema["enum"], list):
            values = [v for v in schema["enum"] if _literal_ok(v)]
            parts = [f"Literal[{', '.join(text.literal(v) for v in values if v is not None)}]"] if any(v is not None for v in values) else []
            if None in schema["enum"]:
                parts.append("None")
            return " | ".join(parts) or "Any"
        for key in ("anyOf", "oneOf"):
            if key in schema and isinstance(schema[key], list):
                return _union(self.annotation(s, input_side=input_side) for s in schema[key])
        if "allOf" in schema and isinstance(schema["allOf"], list) and len(schema["allOf"]) == 1:
            return self.annotation(schema["allOf"][0], input_side=input_side)
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


def _needs_name(schema: dict[str, Any]) -> bool:
    """Inline objects with properties, and unions that contain such objects, become named models."""
    if "$ref" in schema:
        return False
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        return True
    if "allOf" in schema:
        return True
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and any(isinstance(m, dict) and (_needs_name(m) or "$ref" in m) for m in members):
            return "discriminator" in schema or any(isinstance(m, dict) and _needs_name(m) for m in members)
    return False


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
