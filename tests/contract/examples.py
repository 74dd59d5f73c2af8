"""Values for every argument of an operation, built from the spec's own examples.

An example the spec gives is used when it fits its schema; otherwise a value is made from the
schema (the format, enum, pattern and bounds it declares), so a call is valid by the spec even
where its examples are not.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_FORMATS = {
    "date-time": "2024-05-01T12:00:00Z",
    "date": "2024-05-01",
    "time": "12:00:00",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "uri-reference": "https://example.com/a",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "password": "secret-password",
}
MAX_DEPTH = 8


class Examples:
    def __init__(self, data: dict[str, Any]):
        self.data = data

    # -- refs ------------------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#") and seen < 30:
            target: Any = self.data
            for part in node["$ref"][2:].split("/") if node["$ref"] != "#" else []:
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            node, seen = target, seen + 1
        return node if node is not None else {}

    # -- the spec's examples -------------------------------------------------------------------

    def for_parameter(self, param: dict[str, Any]) -> Any:
        schema = param.get("schema")
        if schema is None and isinstance(param.get("content"), dict):
            media = next(iter(param["content"].values()), {})
            schema = media.get("schema", {}) if isinstance(media, dict) else {}
        schema = schema or {}
        for candidate in self._given(param):
            if self.fits(candidate, schema):
                return candidate
        return self.value(schema)

    def for_media(self, media: dict[str, Any]) -> Any:
        schema = media.get("schema") or {}
        for candidate in self._given(media):
            if self.fits(candidate, schema):
                return candidate
        return self.value(schema)

    def _given(self, node: dict[str, Any]) -> list[Any]:
        out = []
        if "example" in node:
            out.append(node["example"])
        examples = node.get("examples")
        if isinstance(examples, dict):
            for example in examples.values():
                example = self.resolve(example)
                if isinstance(example, dict) and "value" in example:
                    out.append(example["value"])
        return out

    # -- values from schemas -------------------------------------------------------------------

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return "example"
        for key in ("example", "default"):
            if key in schema and schema[key] is not None and self.fits(schema[key], schema):
                return copy.deepcopy(schema[key])
        if isinstance(schema.get("examples"), list):
            for example in schema["examples"]:
                if example is not None and self.fits(example, schema):
                    return copy.deepcopy(example)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and any(v is not None for v in schema["enum"]):
            return next(v for v in schema["enum"] if v is not None)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                part_value = self.value(part, depth + 1)
                if not isinstance(part_value, dict):
                    return part_value
                merged.update(part_value)
            own = {k: v for k, v in schema.items() if k != "allOf"}
            if own.get("properties") or own.get("required"):
                for key, item in self.value({**own, "type": "object"}, depth + 1).items():
                    if key in (own.get("properties") or {}) or key not in merged:
                        merged[key] = item
            return merged
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                members = [m for m in schema[key] if self.resolve(m).get("type") != "null"] or schema[key]
                return self.value(members[0], depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema or "additionalProperties" in schema else (
                "array" if "items" in schema else "string")
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            count = max(1, int(schema.get("minItems") or 1))
            if depth >= MAX_DEPTH:
                return []
            item = self.value(schema.get("items", {}), depth + 1)
            return [copy.deepcopy(item) for _ in range(count)]
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return int(self._number(schema, 1))
        if kind == "number":
            return self._number(schema, 1.5)
        if kind == "boolean":
            return True
        return None

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = [str(r) for r in schema.get("required") or []]
        out: dict[str, Any] = {}
        if depth >= MAX_DEPTH:
            return out
        for name, prop in props.items():
            target = self.resolve(prop)
            if target.get("readOnly") is True and name not in required:
                continue  # (required read-only ones are sent: Prism requires them in multipart bodies)
            if name in required or (isinstance(target, dict) and "example" in target and depth < 2):
                out[name] = self.value(prop, depth + 1)
        for name in required:
            if name not in out and name not in props:
                extra = schema.get("additionalProperties")
                out[name] = self.value(extra, depth + 1) if isinstance(extra, dict) else "example"
        return out

    def _string(self, schema: dict[str, Any]) -> Any:
        fmt = schema.get("format")
        if fmt == "binary":
            return b"example bytes"
        text = _FORMATS.get(str(fmt), "example")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            text = _from_pattern(pattern) or text
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(low, int) and len(text) < low:
            text = text + "x" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text

    def _number(self, schema: dict[str, Any], fallback: float) -> float:
        integer = schema.get("type") == "integer"
        step = 1 if integer else 0.5
        low, high = float("-inf"), float("inf")
        minimum, maximum = schema.get("minimum"), schema.get("maximum")
        ex_min, ex_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if _num(minimum):
            low = minimum + (step if ex_min is True else 0)
        if _num(ex_min):
            low = max(low, ex_min + step)
        if _num(maximum):
            high = maximum - (step if ex_max is True else 0)
        if _num(ex_max):
            high = min(high, ex_max - step)
        value = min(max(fallback, low), high)
        multiple = schema.get("multipleOf")
        if _num(multiple) and multiple > 0:
            value = multiple * max(1, -(-value // multiple))
        return value

    # -- does an example fit its schema? ---------------------------------------------------------

    def fits(self, value: Any, schema: Any, depth: int = 0) -> bool:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return True
        if value is None:
            return schema.get("nullable") is True or "null" in _types(schema)
        if isinstance(schema.get("enum"), list) and value not in schema["enum"]:
            return False
        if "const" in schema and value != schema["const"]:
            return False
        for part in schema.get("allOf") or []:
            if not self.fits(value, part, depth + 1):
                return False
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                if not any(self.fits(value, m, depth + 1) for m in schema[key]):
                    return False
        types = _types(schema) - {"null"}
        if types and not any(_is(value, t) for t in types):
            return False
        if isinstance(value, str):
            if isinstance(schema.get("pattern"), str):
                try:
                    if not re.search(schema["pattern"], value):
                        return False
                except re.error:
                    pass
            if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
                return False
            if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
                return False
            fmt = schema.get("format")
            if fmt in ("date-time", "date") and not re.match(r"^\d{4}-\d{2}-\d{2}", value):
                return False
            if fmt == "uuid" and not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
                return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = schema.get("minimum"), schema.get("maximum")
            if isinstance(low, (int, float)) and value < low:
                return False
            if isinstance(high, (int, float)) and value > high:
                return False
        if isinstance(value, dict):
            props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
            if any(r not in value for r in schema.get("required") or []):
                return False
            for key, item in value.items():
                if key in props and not self.fits(item, props[key], depth + 1):
                    return False
        if isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict) and not all(self.fits(v, items, depth + 1) for v in value):
                return False
            if isinstance(schema.get("minItems"), int) and len(value) < schema["minItems"]:
                return False
        return True


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return set()


def _is(value: Any, kind: str) -> bool:
    return {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(kind, True)


def _from_pattern(pattern: str) -> str | None:
    """The simplest string matching a pattern (hypothesis finds and shrinks it, deterministically)."""
    try:
        from hypothesis import HealthCheck, find, settings, strategies

        return find(strategies.from_regex(pattern, fullmatch=True), lambda s: True,
                    settings=settings(database=None, suppress_health_check=list(HealthCheck), max_examples=200))
    except Exception:  # noqa: BLE001 - a pattern hypothesis cannot handle: fall back
        return None
