"""Validate stage: structural checks with openapi-spec-validator, as a list of problems."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from ..problems import Finding, Policy, Problem, finding, pointer_join
from .source import Document

MAX_FINDINGS = 200


def validate(doc: Document, *, strict: bool) -> list[Problem]:
    """Problems found while loading, then every finding of the validator; the validator's
    findings are errors when strict, warnings otherwise.

    Real specs are often slightly invalid (a default breaking its own schema, say) while a
    faithful SDK can still be made, so by default these do not stop generation. A Swagger 2.0
    document is validated as written, before its conversion.
    """
    data = doc.source_data if doc.source_data is not None else doc.data
    version = doc.source_version or str(data.get("openapi") or data.get("swagger") or "")
    policy = Policy(strict=strict)
    level, invalid = policy.level(Finding.INVALID), Finding.INVALID.value
    if version.startswith("3.1"):
        cls: Any = OpenAPIV31SpecValidator
    elif version.startswith("3.0"):
        cls = OpenAPIV30SpecValidator
    elif version.startswith("2"):
        cls = OpenAPIV2SpecValidator
    else:
        return [*doc.load_problems, finding(doc.source_problem, Finding.UNREADABLE, "", f"unsupported or missing OpenAPI version {version!r} (need 2.0, 3.0.x or 3.1.x)")]
    # what loading found (dangling refs, conversion notes) is as strict as the validator
    problems: list[Problem] = policy.apply(doc.load_problems)
    found = 0
    try:
        validator = cls(data, base_uri=doc.path.resolve().as_uri())
        for err in validator.iter_errors():
            deepest = err
            while deepest.context:
                deepest = max(deepest.context, key=lambda c: len(c.absolute_path))
            pointer = pointer_join("", *deepest.absolute_path) if deepest.absolute_path else pointer_join("", *err.absolute_path)
            message = f"spec validator: {_short(deepest.message)}"
            if not pointer and err.validator not in ("required", "additionalProperties", "patternProperties", "oneOf", "anyOf"):
                # the validator checks defaults and examples apart from the tree, without a place
                message += " (in a default or example value; the validator gives no location)"
            problems.append(doc.source_problem(level, pointer, message, finding=invalid))
            found += 1
            if found >= MAX_FINDINGS:
                problems.append(finding(doc.source_problem, Finding.TRUNCATED, "", f"validator findings cut at {MAX_FINDINGS}"))
                break
    except Exception as exc:  # the validator itself fails on some broken refs
        problems.append(doc.source_problem(level, "", f"spec validator could not finish: {_short(str(exc))}", finding=invalid))
    return problems


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
