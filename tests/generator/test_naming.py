"""The one naming rule: scopes, method twins, constants, group keys, error classes."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

from generator import naming
from generator.pipeline import generate
from generator.output.write import write

from .ir.util import built, document, spec


def test_claim_keeps_first_and_numbers_later_ones() -> None:
    scope = naming.Scope({"self"})
    assert [scope.claim(n) for n in ("a", "a", "a", "self")] == ["a", "a_2", "a_3", "self_"]
    pascal = naming.Scope(pascal_case=True)
    assert [pascal.claim(n) for n in ("Pet", "Pet")] == ["Pet", "Pet2"]


def test_claim_method_claims_the_async_twin() -> None:
    scope = naming.method_scope()
    first, second = scope.claim_method("list"), scope.claim_method("list_async")
    assert (first.name, first.async_name, first.renamed) == ("list", "list_async", False)
    assert (second.name, second.async_name, second.wanted, second.twin_clash) == ("list_async_2", "list_async_2_async", "list_async", True)
    again = scope.claim_method("list")
    assert (again.name, again.renamed, again.twin_clash) == ("list_2", True, False)  # plain rule 7: no twin involved
    assert "list_async" in scope and "list_async_2_async" in scope


def test_claim_method_twin_first() -> None:
    scope = naming.method_scope()
    assert scope.claim_method("listAsync").name == "list_async"
    later = scope.claim_method("list")
    assert (later.name, later.async_name) == ("list_2", "list_2_async")


def test_claim_method_reserved_and_plain_claims_share_the_scope() -> None:
    scope = naming.method_scope()
    assert scope.claim_method("with_options").name == "with_options_"
    scope.claim("get_async")
    assert scope.claim_method("get").name == "get_2"


def test_constant_group_key_and_error_class() -> None:
    assert naming.constant("get_response") == "_GET_RESPONSE"
    assert naming.constant("from_") == "_FROM"
    assert naming.group_key(["LLM Ops", "Responses"]) == "llm_ops.responses"
    assert naming.group_key(["hooks"]) == "hooks_"
    assert [naming.error_class(m) for m in ("Error", "NotFoundError", "Problem")] == ["ErrorResponse", "NotFoundError", "ProblemError"]


def _clash_spec() -> dict[str, object]:
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
    return spec({
        "/items": {"get": {"operationId": "list", "tags": ["items"], "responses": ok}},
        "/items/async": {"get": {"operationId": "list_async", "tags": ["items"], "responses": ok}},
    })


def test_clash_warns_in_the_ir(tmp_path: Path) -> None:
    ir, problems = built(_clash_spec(), tmp_path)
    ops = [(op.name, op.async_name) for g in ir.groups for op in g.operations]
    assert ops == [("list", "list_async"), ("list_async_2", "list_async_2_async")]
    assert [p.level for p in problems if "list_async" in p.message] == ["warning"]


def test_clash_generates_four_reachable_methods(tmp_path: Path) -> None:
    doc = document(_clash_spec(), tmp_path)
    result = generate(doc.path, package="clash_sdk")
    assert any("'list_async' (or its async twin) is taken" in p.message and p.level == "warning" for p in result.problems)
    out = tmp_path / "out"
    write(result.files, out)
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module("clash_sdk.resources.items")
        cls = module.Items
        kinds = {name: inspect.iscoroutinefunction(getattr(cls, name))
                 for name in ("list", "list_async", "list_async_2", "list_async_2_async")}
        assert kinds == {"list": False, "list_async": True, "list_async_2": False, "list_async_2_async": True}
        source = (out / "clash_sdk" / "resources" / "items.py").read_text()
        assert source.count("    def list") + source.count("    async def list") == 4  # nothing replaced
        for name in ("list", "list_async", "list_async_2", "list_async_2_async"):  # the raw view has all four
            assert f"self.{name} = " in source
        assert '_LIST_ASYNC_2 = Operation(' in source and 'operation_id="list_async"' in source
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("clash_sdk")]:
            del sys.modules[name]


def test_error_reserved_names_are_the_runtime_errors_the_errors_module_imports() -> None:
    # A spec's error class must never take the name of a runtime error the errors module binds.
    import re

    from generator.ir.runtime import templates_root

    template = (templates_root() / "package" / "errors.py.j2").read_text("utf-8")
    block = template.split("from ._runtime.errors import (", 1)[1].split(")", 1)[0]
    imported = set(re.findall(r"[A-Za-z_]+", block))
    assert imported == naming.ERROR_RESERVED
