"""Pydantic v2 models written by sdkgen itself, already in black's layout.

``emit_models(models_doc, package, page_models)`` returns the text that the old path
(datamodel-code-generator 0.89.0 with the options of ``emit/models.py``, then
``unions.add_tag_dispatch``, then black) produces for the same normalised schemas, without
running either tool: it walks ``models_doc["components"]["schemas"]`` and writes each model,
and lays lines out as black does (``black_layout``). datamodel-code-generator stays as the
test oracle (tests/generator/emit/test_pydantic_models*.py).

What is reproduced, and how:

- order: models sorted by name, then moved only where a definition reads another model at
  import time (a base class, the value of a type alias), cycles kept together
  (datamodel-code-generator's ``keep_model_order``);
- imports: in the order datamodel-code-generator first meets them (each model's field imports,
  then its base class, then ``TypeAliasType``), names sorted within a module; an imported name
  that a field also uses is imported as ``<name>_aliased``;
- classes for object schemas, ``TypeAliasType`` for everything else, ``Literal`` for enums and
  consts, ``Annotated[..., Field(...)]`` for constraints and aliases, ``CursorPage`` bases for
  page models, ``tag_dispatch`` for unions told apart by a tag (the rules of ``emit/unions.py``),
  ``model_rebuild()`` for the classes datamodel-code-generator rebuilds;
- its odd readings, kept because they decide which instances validate: a property of type
  ``[object, null]`` is any dict (its ``additionalProperties`` ignored); a class whose schema
  allows null is ``X | None`` where it is used; an array alias whose items refer to itself is
  a bare ``list``; required properties lose their defaults; ``Field(validate_default=True)``
  on a default whose type holds a class; a union's tag re-declared as ``Literal`` on members
  that inherit it; the spellings of aliases that refer to themselves or to later models
  (a string, ``Optional``/``Union``).

Deliberate differences (checked by tests/generator/emit/test_pydantic_models_instances.py: the
same instances accepted and rejected, the same dumps):

- a constrained scalar inside a union (``anyOf: [{type: integer, minimum: 0}, ...]``):
  datamodel-code-generator hoists it into a model it names itself (``Alpha1``), against
  ``naming.model_name``'s rule that every name comes from sdkgen; it is written inline here
  (``Annotated[int, Field(ge=0)] | ...``). The IR hoists such scalars elsewhere (items,
  additionalProperties), so this only happens for union members;
- characters unassigned in this Python's Unicode database: datamodel-code-generator writes
  some of them as they are (its own, newer tables); ``repr`` escapes them here. Same strings;
- repeated members of a union are dropped here, and nested ``Optional[Optional[X]]`` is
  ``Optional[X]``; datamodel-code-generator sometimes keeps them. Same types.

Known gap (not the same behaviour, seen only in random schemas): an ``allOf`` that extends a
union (``Gamma: allOf: [$ref: Beta, {...}]`` where ``Beta`` is a ``oneOf``) is split by
datamodel-code-generator into models it numbers itself (``Gamma1``, ``Gamma2``); here the
union is no base (only classes are) and ``Gamma`` is one class.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from . import black_layout as L
from .black_layout import Atom, Expr, Sub
from .models import HEADER, _field_aliases
from .pydantic_order import model_order, rebuilt_models
from .pydantic_tags import add_tag_dispatch
from .pydantic_types import TypeWriter, field_name, literal_text, schema_name

ENV_ENGINE = "SDKGEN_MODELS"
DEFAULT_ENGINE = "sdkgen"


def models_engine() -> str:
    """Who writes the models: ``sdkgen`` (this module) or ``dcg`` (datamodel-code-generator and
    black, the old path); ``$SDKGEN_MODELS``, else the default."""
    value = os.environ.get(ENV_ENGINE, "").strip().lower()
    return value if value in ("sdkgen", "dcg") else DEFAULT_ENGINE


@dataclass
class Model:
    """One top-level statement before layout: a class (``bases``, ``fields``) or a type alias
    (``value``)."""

    name: str
    schema: Any
    bases: list[str] = dc_field(default_factory=list)
    config: list[str] = dc_field(default_factory=list)
    fields: list[dict[str, Any]] = dc_field(default_factory=list)
    value: Expr | None = None


def emit_models(models_doc: dict[str, Any], package: str, page_models: tuple[str, ...] = ()) -> str:
    """The models module, formatted (what ``split_models`` receives)."""
    schemas: dict[str, Any] = models_doc["components"]["schemas"]
    if not schemas:
        return f'"""Models of the API (none declared)."""\n\n{HEADER}\n'
    writer = TypeWriter(schemas, package, _field_aliases(models_doc))
    writer.field_names = _all_field_names(schemas, writer.aliases)
    order = model_order(schemas, writer)
    writer.position = {name: i for i, name in enumerate(order)}
    models = {name: _model(writer, name, name in page_models) for name in writer.parse_order()}
    writer.uses_tag_dispatch = add_tag_dispatch([models[n] for n in order])
    body = "\n\n".join("\n".join(_lines(models[n])) + "\n" for n in order)
    rebuild = rebuilt_models(schemas, writer, order)
    if rebuild:
        body += "\n\n" + "".join(f"{n}.model_rebuild()\n" for n in rebuild)
    gap = "\n\n" if models[order[0]].value is None else "\n"
    return _opening(writer) + gap + body


def _opening(writer: TypeWriter) -> str:
    lines = ['"""Models of the API."""', "", "from __future__ import annotations"]
    if writer.uses_tag_dispatch:
        if not any("Annotated" in names for names in writer.imports.values()):
            lines.append("from typing import Annotated")
        lines.append(f"from {writer.package}._runtime.model import tag_dispatch")
    lines += ["", HEADER, ""]
    for module, names in writer.imports.items():
        text = ", ".join(writer.import_text(module, n) for n in sorted(names))
        lines.append(f"from {module} import {text}")
    return "\n".join(lines) + "\n"


# --- one model --------------------------------------------------------------------------------


def _model(writer: TypeWriter, name: str, page: bool) -> Model:
    schema = writer.schemas[name]
    if not writer.is_class(schema):
        return Model(name, schema, value=writer.alias_value(name, schema))
    bases, fields = writer.class_parts(name, schema)
    if page:
        bases = ["CursorPage"]
        writer.need(f"{writer.package}._runtime.pagination", "CursorPage")
        writer.flush()
    return Model(name, schema, bases, writer.config_lines(schema, name), fields)


def _lines(model: Model) -> list[str]:
    description = model.schema.get("description") if isinstance(model.schema, dict) else None
    if model.value is not None:
        call = Sub("TypeAliasType", (Atom(literal_text(model.name)), model.value), "()")
        return L.statement(f"{model.name} = ", call, "", "") + _docstring(description, "")
    header = Sub(f"class {model.name}", tuple(Atom(b) for b in model.bases), "()")
    lines = L.statement("", header, ":", "")
    doc = _docstring(description, L.INDENT)
    body = list(model.config)
    for f in model.fields:
        body += _field_lines(f)
    if doc:
        lines += doc
        if body:
            lines.append("")
    elif not body:
        body = [L.INDENT + "pass"]
    return lines + body


def _field_lines(f: dict[str, Any]) -> list[str]:
    head = f"{f['name']}: "
    lines = L.annotation(head, f["annotation"], f["default"], L.INDENT)
    return lines + _docstring(f.get("description"), L.INDENT)


def _docstring(text: Any, indent: str) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return []
    body = [(indent + line).rstrip() if line.strip() else "" for line in _doc_text(text).split("\n")]
    return [f'{indent}"""', *body, f'{indent}"""']


def _doc_text(text: str) -> str:
    return text.strip("\n").replace("\\", "\\\\")


def _all_field_names(schemas: dict[str, Any], aliases: dict[str, str]) -> set[str]:
    """Names of fields anywhere in the module (an import they shadow is aliased): properties,
    and the required names an ``allOf`` class declares as ``Any``."""
    names: set[str] = set()
    for schema in schemas.values():
        parts = [schema] + (schema.get("allOf") or []) if isinstance(schema, dict) else []
        for part in parts:
            props = part.get("properties") if isinstance(part, dict) else None
            if isinstance(props, dict):
                names.update(field_name(str(w), aliases) for w in props)
            if "allOf" in schema and isinstance(part, dict):
                names.update(field_name(str(w), aliases) for w in part.get("required") or [])
    return names


__all__ = ["emit_models", "field_name", "schema_name"]
