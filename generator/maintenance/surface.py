"""The public surface of a generated SDK, as plain data: what `sdkgen diff` compares.

Built from the IR (never from YAML), so the comparison is about the Python API users call:
methods and their keyword arguments, return types, model fields and enum values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..ir.model import SdkIR
from ..ir.schemas import SCHEMA_PREFIX

SURFACE_FILE = ".sdkgen-surface.json"


@dataclass
class Surface:
    version: str = "0.0.0"
    # "llm.responses.get" -> {"args": {name: [annotation, required]}, "returns": str}
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "ResponseObject" -> {"fields": {name: [type, required]}, "enum": [values] | None}
    models: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {"version": self.version, "methods": self.methods, "models": self.models}
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Surface:
        data = json.loads(text)
        return cls(str(data.get("version", "0.0.0")), dict(data.get("methods", {})), dict(data.get("models", {})))


def surface_of(ir: SdkIR, version: str | None = None) -> Surface:
    out = Surface(version or ir.version)
    for group in ir.groups:
        for op in group.operations:
            impl = op.signatures[-1]
            args: dict[str, list[Any]] = {}
            for rendered in impl.args:
                name, _, rest = rendered.partition(": ")
                annotation, eq, _default = rest.partition(" = ")
                args[name] = [annotation.strip(), not eq]
            out.methods[f"{group.key}.{op.name}"] = {"args": args, "returns": impl.returns}
    schemas = ir.models_doc["components"]["schemas"]
    for name, schema in schemas.items():
        out.models[name] = _model(schema, schemas)
    return out


def _model(schema: dict[str, Any], schemas: dict[str, Any], seen: frozenset[int] = frozenset()) -> dict[str, Any]:
    if id(schema) in seen:  # a reference cycle: the fields are those already collected
        return {"fields": {}, "enum": None, "type": "cycle"}
    seen = seen | {id(schema)}
    fields: dict[str, list[Any]] = {}
    required: set[str] = set()
    for part in [schema, *[p for p in schema.get("allOf", []) if isinstance(p, dict)]]:
        target = part
        if "$ref" in part:
            target = schemas.get(part["$ref"][len(SCHEMA_PREFIX):], {})
            inherited = _model(target, schemas, seen)
            fields.update({k: list(v) for k, v in inherited["fields"].items()})
            required |= {k for k, v in inherited["fields"].items() if v[1]}
            continue
        required |= set(target.get("required") or [])
        for prop, sub in (target.get("properties") or {}).items():
            fields[str(prop)] = [describe(sub), False, _enum_values(sub) if isinstance(sub, dict) else None]
    for prop in fields:
        fields[prop][1] = prop in required
    enum = _enum_values(schema)
    return {"fields": fields, "enum": enum, "type": describe(schema) if not fields else "object"}


def _enum_values(schema: dict[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    for member in schema.get("anyOf", []):
        if isinstance(member, dict) and isinstance(member.get("enum"), list):
            return list(member["enum"])
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _enum_values(schema["items"])
    return None


def describe(schema: Any) -> str:
    """A short, stable type description of a normalised schema."""
    if not isinstance(schema, dict) or not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"][len(SCHEMA_PREFIX):]
    if "const" in schema:
        return f"const {json.dumps(schema['const'])}"
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return " | ".join(sorted({describe(m) for m in schema[key]}))
    if isinstance(schema.get("allOf"), list):
        return " & ".join(describe(m) for m in schema["allOf"])
    if isinstance(schema.get("enum"), list):
        return "enum"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(sorted(describe({**schema, "type": k}) for k in kind))
    if kind == "array":
        return f"list[{describe(schema.get('items'))}]"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"dict[{describe(schema['additionalProperties'])}]"
    return str(kind or "any")
