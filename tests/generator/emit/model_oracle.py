"""The inputs of the model emitters, and the old path (datamodel-code-generator + tag dispatch +
black) as the oracle the new emitter (``generator/emit/pydantic_models.py``) is held to."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.emit.format import format_python
from generator.emit.models import generate_models
from generator.emit.pydantic_models import emit_models
from generator.ir import build
from generator.loading.load import load

from ...corpus.manifest import corpus_docs
from ...helpers import ROOT


@dataclass(frozen=True)
class Input:
    name: str
    path: Path
    package: str


def inputs() -> list[Input]:
    """Our own spec, every golden spec and every corpus document of the MANIFEST."""
    out = [Input("mka1", ROOT / "spec" / "mka1.yaml", "mka1")]
    for spec in sorted((ROOT / "tests" / "golden").glob("*/spec.yaml")):
        out.append(Input(f"golden-{spec.parent.name}", spec, f"{spec.parent.name}_sdk"))
    for doc in corpus_docs():
        out.append(Input(f"corpus-{doc.name}", doc.root, doc.package))
    return out


@lru_cache(maxsize=None)
def models_input(path: Path, package: str) -> tuple[dict[str, Any], str, tuple[str, ...]]:
    """What the emit stage passes to the model emitter: ``(models_doc, package, page_models)``."""
    ir, _ = build(load(path), package=package)
    return ir.models_doc, ir.package, tuple(ir.page_models)


@lru_cache(maxsize=None)
def oracle_text(path: Path, package: str) -> str:
    """``oracle`` of an input, once per test session (datamodel-code-generator and black are slow)."""
    return oracle(*models_input(path, package))


def oracle(models_doc: dict[str, Any], package: str, page_models: tuple[str, ...]) -> str:
    """The old path: the formatted module ``split_models`` received."""
    return format_python(generate_models(models_doc, package, page_models), "models.py")


def ours(models_doc: dict[str, Any], package: str, page_models: tuple[str, ...]) -> str:
    return emit_models(models_doc, package, page_models)


def explain(expected: str, actual: str) -> str:
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "dcg+black", "sdkgen", lineterm="", n=2)
    return "\n".join(list(diff)[:120])
