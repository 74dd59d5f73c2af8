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
  ``model_rebuild()`` for classes on a reference cycle.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from . import black_layout as L
from .black_layout import Atom, Sub
from .models import HEADER, _field_aliases
from .pydantic_order import model_order, rebuilt_models
from .pydantic_types import TypeWriter, literal_text, schema_name

_IDENT = re.compile(r"[^0-9a-zA-Z_]")


def emit_models(models_doc: dict[str, Any], package: str, page_models: tuple[str, ...] = ()) -> str:
    """The models module, formatted (what ``split_models`` receives)."""
    schemas: dict[str, Any] = models_doc["components"]["schemas"]
    if not schemas:
        return f'"""Models of the API (none declared)."""\n\n{HEADER}\n'
    writer = TypeWriter(schemas, package, _field_aliases(models_doc))
    writer.field_names = _all_field_names(schemas, writer.aliases)
    pieces: dict[str, list[str]] = {}
    for name in writer.parse_order():
        pieces[name] = _model(writer, name, name in page_models)
    order = model_order(schemas, writer)
    body = "\n\n".join("\n".join(pieces[n]) + "\n" for n in order)
    rebuild = rebuilt_models(schemas, writer, order)
    if rebuild:
        body += "\n\n" + "".join(f"{n}.model_rebuild()\n" for n in rebuild)
    first = writer.schemas[order[0]]
    gap = "\n\n" if writer.is_class(first) else "\n"
    return _opening(writer) + gap + body


def _opening(writer: TypeWriter) -> str:
    lines = ['"""Models of the API."""', "", "from __future__ import annotations"]
    if writer.uses_tag_dispatch:
        if "Annotated" not in writer.imports.get("typing", ()):
            lines.append("from typing import Annotated")
        lines.append(f"from {writer.package}._runtime.model import tag_dispatch")
    lines += ["", HEADER, ""]
    for module, names in writer.imports.items():
        parts = sorted(names, key=lambda n: n)
        text = ", ".join(writer.import_text(module, n) for n in parts)
        lines.append(f"from {module} import {text}")
    return "\n".join(lines) + "\n"


# --- one model --------------------------------------------------------------------------------


def _model(writer: TypeWriter, name: str, page: bool) -> list[str]:
    schema = writer.schemas[name]
    if writer.is_class(schema):
        return _class(writer, name, schema, page)
    return _alias(writer, name, schema)


def _alias(writer: TypeWriter, name: str, schema: Any) -> list[str]:
    value = writer.alias_value(name, schema)
    writer.note_import("typing_extensions", "TypeAliasType", model=name, base=True)
    call = Sub("TypeAliasType", (Atom(literal_text(name)), value), "()")
    lines = L.statement(f"{name} = ", call, "", "")
    return lines + _docstring(schema.get("description") if isinstance(schema, dict) else None, "")


def _class(writer: TypeWriter, name: str, schema: dict[str, Any], page: bool) -> list[str]:
    bases, fields = writer.class_parts(name, schema)
    if page:
        bases = ["CursorPage"]
        writer.note_import(f"{writer.package}._runtime.pagination", "CursorPage", model=name, base=True)
    lines = [f"class {name}({', '.join(bases)}):"]
    doc = _docstring(schema.get("description"), L.INDENT)
    body: list[str] = []
    config = writer.config_lines(schema)
    body += config
    for f in fields:
        body += _field_lines(writer, f)
    if doc:
        lines += doc
        if body:
            lines.append("")
    elif not body:
        body = [L.INDENT + "pass"]
    return lines + body


def _field_lines(writer: TypeWriter, f: dict[str, Any]) -> list[str]:
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


def field_name(wire: str, aliases: dict[str, str]) -> str:
    """The Python name datamodel-code-generator gives a property (then its alias is the wire name)."""
    if wire in aliases:
        return aliases[wire]
    name = _IDENT.sub("_", wire)
    if not name or name[0].isdigit():
        name = f"field_{name}"
    if name.startswith("_"):
        name = f"field{name}"
    if keyword.iskeyword(name) or _shadows_base_model(name):
        name += "_"
    return name


def _shadows_base_model(name: str) -> bool:
    import pydantic

    return hasattr(pydantic.BaseModel, name)


def _all_field_names(schemas: dict[str, Any], aliases: dict[str, str]) -> set[str]:
    names: set[str] = set()
    for schema in schemas.values():
        parts = [schema] + (schema.get("allOf") or []) if isinstance(schema, dict) else []
        for part in parts:
            props = part.get("properties") if isinstance(part, dict) else None
            if isinstance(props, dict):
                names.update(field_name(str(w), aliases) for w in props)
    return names


__all__ = ["emit_models", "field_name", "schema_name"]
