"""What the IR builders share while building one SDK: the document, the schemas, the problems
reported so far, and the names chosen SDK-wide (error classes, parameter defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import naming
from ..loading.source import Document
from ..problems import Problem, Reporter
from .model import ErrorClassIR
from .schemas import SchemaSet

GlobalKey = tuple[str, str]  # (location, wire name; lower case for headers)


def global_key(location: str, wire: str) -> GlobalKey:
    return (location, wire.lower() if location == "header" else wire)


@dataclass(slots=True)
class Globals:
    """Parameters the SDK constructor takes as defaults for every operation declaring them."""

    names: dict[GlobalKey, str] = field(default_factory=dict)  # -> SDK constructor argument
    info: dict[GlobalKey, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # -> (annotation, doc)
    wire: dict[GlobalKey, str] = field(default_factory=dict)  # -> the wire name as first written


@dataclass(slots=True)
class Context:
    doc: Document
    problems: list[Problem]
    report: Reporter
    schemas: SchemaSet
    error_scope: naming.Scope = field(default_factory=lambda: naming.Scope(naming.ERROR_RESERVED, pascal_case=True))
    error_classes: dict[str, ErrorClassIR] = field(default_factory=dict)  # model -> its exception class
    globals: Globals = field(default_factory=Globals)
    page_models: dict[str, None] = field(default_factory=dict)  # response models of paginated operations

    @classmethod
    def of(cls, doc: Document) -> Context:
        problems: list[Problem] = []
        return cls(doc, problems, Reporter(doc.problem, problems), SchemaSet(doc.data, problems, doc))

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    def deref(self, node: Any) -> dict[str, Any]:
        """A schema (or other node) behind its `$ref`s, problems reported at no place."""
        return self.schemas.deref(node, "") if isinstance(node, dict) else {}
