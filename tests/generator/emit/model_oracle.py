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
    """Our own spec, every golden spec, every corpus document of the MANIFEST, the features
    spec of tests/anyspec and schemas made for the corners of the emitter (data/model_edges.yaml)."""
    out = [Input("mka1", ROOT / "spec" / "mka1.yaml", "mka1"),
           Input("anyspec-features", ROOT / "tests" / "anyspec" / "features.yaml", "features_sdk"),
           Input("model-edges", Path(__file__).parent / "data" / "model_edges.yaml", "edges_sdk"),
           Input("model-edges-30", Path(__file__).parent / "data" / "model_edges_30.yaml", "edges30_sdk")]
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


def deviation(expected: str, models_doc: dict[str, Any]) -> str | None:
    """Which deviation documented in ``pydantic_models`` (or known gap) explains a difference
    from the old path's text ``expected``, if any."""
    import ast

    names = {getattr(n, "name", None) for n in ast.parse(expected).body} | {
        t.id for n in ast.parse(expected).body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    if names - set(models_doc["components"]["schemas"]) - {None}:
        return "dcg names constrained union members itself (Alpha1); sdkgen writes them inline"
    if any(not c.isprintable() for c in expected if c != "\n"):
        return "dcg writes characters newer than this Python's Unicode tables unescaped"
    return None


def canonical(source: str) -> str:
    """The module's AST with each union's repeated members dropped, ``Literal`` values
    deduplicated and aliases' string forms read as what they spell (deviations
    ``pydantic_models`` documents: same instances, same dumps), the imports left out."""
    import ast

    class Dedupe(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            # the string form of an alias's value: read as the expression it spells
            if isinstance(node.func, ast.Name) and node.func.id == "TypeAliasType" and len(node.args) == 2:
                node.args[1] = _spelled(node.args[1])
            return self.generic_visit(node)

        def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
            if not isinstance(node.op, ast.BitOr):
                return self.generic_visit(node)
            members: list[str] = []
            for m in _members(node):
                text = ast.dump(self.visit(m))
                if text not in members:
                    members.append(text)
            return ast.Constant(" | ".join(members))

        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            self.generic_visit(node)
            if isinstance(node.value, ast.Name) and node.value.id == "Literal":
                seen: list[str] = []
                for e in node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]:
                    if ast.dump(e) not in seen:
                        seen.append(ast.dump(e))
                return ast.Constant("Literal" + repr(seen))
            return node

    tree = ast.parse(source)
    tree.body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    return ast.dump(Dedupe().visit(tree))


def _spelled(node: Any) -> Any:
    """``"X"`` as ``X``, ``Optional[X]`` as ``X | None``, ``Union[A, B]`` as ``A | B``."""
    import ast

    class Unspell(ast.NodeTransformer):
        def visit_Constant(self, n: ast.Constant) -> ast.AST:
            if isinstance(n.value, str):
                try:
                    return self.visit(ast.parse(n.value, mode="eval").body)
                except SyntaxError:
                    return n
            return n

        def visit_Subscript(self, n: ast.Subscript) -> ast.AST:
            self.generic_visit(n)
            if isinstance(n.value, ast.Name) and n.value.id in ("Optional", "Union"):
                parts = list(n.slice.elts) if isinstance(n.slice, ast.Tuple) else [n.slice]
                if n.value.id == "Optional":
                    parts.append(ast.Constant(None))
                out = parts[0]
                for p in parts[1:]:
                    out = ast.BinOp(out, ast.BitOr(), p)
                return out
            return n

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node
    return Unspell().visit(node)


def _members(node: Any) -> list[Any]:
    import ast

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _members(node.left) + _members(node.right)
    return [node]


def fuzz_input(tmp_path_factory: Any, components: list[Any] | dict[str, Any], version: str) -> tuple[Any, ...] | None:
    """``(models_doc, package, page_models)`` of a document made of random component schemas
    (as ``tests/security/test_fuzz.py`` builds it); None when sdkgen refuses the document."""
    import json

    from generator.problems import SpecError

    from ...security.test_fuzz import COMPONENTS

    schemas = components if isinstance(components, dict) else dict(zip(COMPONENTS, components))
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alpha"}}}}
    doc = {
        "openapi": version,
        "info": {"title": "fuzz", "version": "1.0.0"},
        "paths": {"/things": {"post": {
            "operationId": "makeThing",
            "requestBody": body,
            "responses": {"200": {"description": "ok", **body}},
        }}},
        "components": {"schemas": schemas},
    }
    spec = tmp_path_factory.mktemp("fuzz") / "spec.json"
    spec.write_text(json.dumps(doc))
    try:
        ir, _ = build(load(spec), package="fuzz_sdk")
    except SpecError:
        return None
    return ir.models_doc, ir.package, tuple(ir.page_models)
