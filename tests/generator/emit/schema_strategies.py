"""Random component schemas richer than tests/security/test_fuzz.py's: objects with awkward
property names, required lists naming undeclared properties, closed and open objects, ``allOf``
with a base, members of unions told apart by a ``type`` const, discriminators, formats,
constraints, enums, defaults and descriptions. For the model emitters' differential tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta"]
PROPS = st.sampled_from(["id", "type", "kind", "name", "date", "class", "a-b", "1x", "_p", "schema", "value", "json", "x"])
REFS = st.sampled_from(NAMES).map(lambda n: {"$ref": f"#/components/schemas/{n}"})
DESCRIPTIONS = st.sampled_from([None, "A thing.", "Line one.\n\nLine two with `code` and \\ backslash.", "x" * 150,
                                "Ünïcödé – dash"])


def _described(schemas: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda d, s: {**s, **({"description": d} if d else {})}, DESCRIPTIONS, schemas)


PRIMITIVES = st.one_of(
    st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}]),
    st.sampled_from(["date", "date-time", "uuid", "time", "binary", "email"]).map(lambda f: {"type": "string", "format": f}),
    st.builds(lambda a, b: {"type": "string", "minLength": a, "maxLength": a + b}, st.integers(0, 5), st.integers(0, 300)),
    st.builds(lambda a: {"type": "integer", "minimum": a, "maximum": a + 100}, st.integers(-5, 5)),
    st.sampled_from(["^[a-z]+$", "\\d+", "a'b\"c"]).map(lambda p: {"type": "string", "pattern": p}),
    st.lists(st.sampled_from(["a", "b", "c-d", "E"]), min_size=1, max_size=4, unique=True).map(lambda v: {"type": "string", "enum": v}),
    st.sampled_from(["x", "y"]).map(lambda v: {"const": v}),
    st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True).map(lambda v: {"type": "integer", "enum": v}),
    REFS,
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        children.map(lambda c: {"type": "array", "items": c}),
        children.map(lambda c: {"type": "object", "additionalProperties": c}),
        st.lists(children, min_size=2, max_size=3).map(lambda m: {"anyOf": m}),
        children.map(lambda c: {**c, "nullable": True}),
        st.builds(lambda c, d: {**c, "default": d}, children, st.sampled_from(["a", 1, True, None, [], {}])),
    )


SCHEMAS = st.recursive(_described(PRIMITIVES), _extend, max_leaves=4)
OBJECTS = st.builds(
    lambda props, req, extra, d: {"type": "object", "properties": props, **({"required": req} if req else {}), **extra,
                                  **({"description": d} if d else {})},
    st.dictionaries(PROPS, SCHEMAS, min_size=1, max_size=5), st.lists(PROPS, max_size=3, unique=True),
    st.sampled_from([{}, {"additionalProperties": True}, {"additionalProperties": False}]), DESCRIPTIONS)


def component(index: int) -> st.SearchStrategy[dict[str, Any]]:
    """A component schema; ``allOf`` bases are only earlier components (no inheritance cycle)."""
    bases = st.sampled_from(NAMES[:index]) if index else st.nothing()
    tagged = st.builds(
        lambda base, tag, props: {"allOf": [{"$ref": f"#/components/schemas/{base}"}, {
            "type": "object", "required": ["type"], "properties": {"type": {"const": tag}, **props}}]},
        bases, st.sampled_from(["t1", "t2", "t3"]), st.dictionaries(PROPS, SCHEMAS, max_size=2))
    union = st.builds(
        lambda ms, disc: {"oneOf": [{"$ref": f"#/components/schemas/{m}"} for m in ms],
                          **({"discriminator": {"propertyName": "type"}} if disc else {})},
        st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True), st.booleans())
    extended = st.builds(lambda base, o: {"allOf": [{"$ref": f"#/components/schemas/{base}"}, o]}, bases, OBJECTS)
    return st.one_of(OBJECTS, SCHEMAS, tagged, union, extended)


COMPONENTS = st.tuples(*[component(i) for i in range(len(NAMES))]).map(lambda cs: dict(zip(NAMES, cs)))
