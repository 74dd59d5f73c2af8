"""Validate stage: structural checks with openapi-spec-validator, as a list of problems."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from .load import Document
from .problems import Level, Problem, pointer_join

MAX_FINDINGS = 200


def validate(doc: Document, *, strict: bool) -> list[Problem]:
    """Every finding of the validator; errors when strict, warnings otherwise.

    Real specs are often slightly invalid (a default breaking its own schema, say) while a
    faithful SDK can still be made, so by default these do not stop generation.
    """
    data = doc.data
    version = str(data.get("openapi") or data.get("swagger") or "")
    level: Level = "error" if strict else "warning"
    if version.startswith("3.1"):
        cls: Any = OpenAPIV31SpecValidator
    elif version.startswith("3.0"):
        cls = OpenAPIV30SpecValidator
    elif version.startswith("2"):
        cls = OpenAPIV2SpecValidator
    else:
        return [doc.problem("error", "", f"unsupported or missing OpenAPI version {version!r} (need 2.0, 3.0.x or 3.1.x)")]
    problems: list[Problem] = []
    try:
        validator = cls(data, base_uri=doc.path.resolve().as_uri())
        for err in validator.iter_errors():
            deepest = err
            while deepest.context:
                deepest = max(deepest.context, key=lambda c: len(c.absolute_path))
            pointer = pointer_join("", *deepest.absolute_path) if deepest.absolute_path else pointer_join("", *err.absolute_path)
            problems.append(doc.problem(level, pointer, f"spec validator: {_short(deepest.message)}"))
            if len(problems) >= MAX_FINDINGS:
                problems.append(doc.problem("note", "", f"validator findings cut at {MAX_FINDINGS}"))
                break
    except Exception as exc:  # the validator itself fails on some broken refs
        problems.append(doc.problem(level, "", f"spec validator could not finish: {_short(str(exc))}"))
    return problems


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
