"""Example values for usage snippets, from the spec's own examples where it has them.

Values come out as Python source built only from literals (`text.literal`), so spec examples
can never become code.
"""

from __future__ import annotations

from typing import Any, Callable

from . import text

Deref = Callable[[Any], dict[str, Any]]
_MAX_DEPTH = 4


def first_example(node: dict[str, Any]) -> tuple[bool, Any]:
    """(found, value) from `example` or the first of `examples` (a list, or named Example objects)."""
    if "example" in node:
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return True, examples[0]
    if isinstance(examples, dict):
        for value in examples.values():
            if isinstance(value, dict) and "value" in value:
                return True, value["value"]
    return False, None


_UNDECIDED = object()  # a step of `value_for` that has no answer; the next one is tried
_STRING_FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "email": "user@example.com",
                   "uuid": "00000000-0000-4000-8000-000000000000", "uri": "https://example.com"}


def value_for(schema: Any, deref: Deref, depth: int = 0) -> Any:
    """A JSON value that fits the schema: its example, default, first enum value or a placeholder."""
    if depth > 2 * _MAX_DEPTH:  # references that loop through unions
        return None
    schema = deref(schema) if isinstance(schema, dict) else {}
    if depth >= _MAX_DEPTH and _nullable(schema, deref):  # stop a recursive structure with null
        return None
    for step in (_given, _union_value, _all_of_value):
        value = step(schema, deref, depth)
        if value is not _UNDECIDED:
            return value
    return _typed_value(schema, deref, depth)


def _given(schema: dict[str, Any], deref: Deref, depth: int) -> Any:
    """The schema's own example, default, const or first enum value."""
    found, value = first_example(schema)
    if found:
        return value
    for key in ("default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    return _UNDECIDED


def _union_value(schema: dict[str, Any], deref: Deref, depth: int) -> Any:
    for key in ("oneOf", "anyOf"):
        members = [m for m in schema.get(key) or [] if isinstance(m, dict) and deref(m).get("type") != "null"]
        # the first member with a value (one that refers back to the union ends in None); only
        # near the top, so that unions of unions cannot multiply the work without bound
        for member in members if depth < _MAX_DEPTH else members[:1]:
            value = value_for(member, deref, depth + 1)
            if value is not None:
                return value
        if members:
            return None
    return _UNDECIDED


def _all_of_value(schema: dict[str, Any], deref: Deref, depth: int) -> Any:
    if not (isinstance(schema.get("allOf"), list) and depth < _MAX_DEPTH):
        return _UNDECIDED
    merged: dict[str, Any] = {}
    for part in schema["allOf"]:
        part_value = value_for(part, deref, depth + 1)
        if isinstance(part_value, dict):
            merged.update(part_value)
    return merged


def _typed_value(schema: dict[str, Any], deref: Deref, depth: int) -> Any:
    """A placeholder of the schema's type."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    minimum = schema.get("minimum") if isinstance(schema.get("minimum"), (int, float)) else None
    if kind == "string":
        return _STRING_FORMATS.get(str(schema.get("format")), "string")
    if kind in ("integer", "number"):
        return (int if kind == "integer" else float)(minimum if minimum is not None else 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return [value_for(schema.get("items"), deref, depth + 1)] if depth < _MAX_DEPTH else []
    if kind == "object" or "properties" in schema:
        # no cut here: only required properties are filled, and a cut object would lack them
        # (the guard at the top still ends structures that require themselves)
        given = schema.get("properties")
        props: dict[str, Any] = given if isinstance(given, dict) else {}
        return {k: value_for(props[k], deref, depth + 1) for k in schema.get("required") or [] if k in props}
    return "value"


def python_source(value: Any, depth: int = 0) -> str:
    """Python source for a JSON value, built from literals only."""
    if depth > 8:
        return "None"
    if isinstance(value, dict):
        inner = ", ".join(f"{text.literal(str(k))}: {python_source(v, depth + 1)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python_source(v, depth + 1) for v in value) + "]"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return text.literal(value)
    return text.literal(str(value))


def _nullable(schema: dict[str, Any], deref: Deref) -> bool:
    kind = schema.get("type")
    if schema.get("nullable") is True or kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(isinstance(m, dict) and deref(m).get("type") == "null" for m in (schema.get("anyOf") or []) + (schema.get("oneOf") or []))
