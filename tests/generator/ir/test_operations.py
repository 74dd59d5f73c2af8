"""operations.py and build.py: methods, descriptors, groups and documents of an SDK."""

from __future__ import annotations

from pathlib import Path

from .util import built, operation, spec

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}


def test_names_docs_and_descriptor(tmp_path: Path) -> None:
    op = {"operationId": "getThing", "summary": "Get a thing.", "deprecated": True, "x-sdkgen-timeout-ms": 5000,
          "x-sdkgen-group": "store.things", "responses": OK}
    ir, _ = built(spec({"/things/{id}": {"get": op}}), tmp_path)
    got = operation(ir, "get_thing")
    assert (got.async_name, got.const, got.operation_id, got.http_method, got.path) == (
        "get_thing_async", "_GET_THING", "getThing", "GET", "/things/{id}")
    assert got.doc == ("Get a thing.",) and got.deprecated and got.timeout_ms == 5000
    assert [g.key for g in ir.groups] == ["store", "store.things"]
    assert [(c.attr, c.module, c.class_name) for c in ir.root_children] == [("store", "store", "Store")]
    assert got.example_args == ('id="value"',)


def test_operations_without_id_and_groups_the_sdk_uses(tmp_path: Path) -> None:
    ir, problems = built(spec({"/hooks/{id}": {"delete": {"responses": OK}}}), tmp_path)
    assert [(g.key, [op.name for op in g.operations]) for g in ir.groups] == [("hooks_", ["delete_hooks_id"])]
    assert [p.finding for p in problems] == ["assumed"]  # the undeclared path parameter


def test_duplicate_operation_ids_and_webhooks(tmp_path: Path) -> None:
    paths = {"/a": {"get": {"operationId": "same", "tags": ["t"], "responses": OK}},
             "/b": {"get": {"operationId": "same", "tags": ["t"], "responses": OK}}}
    ir, problems = built(spec(paths, webhooks={"ping": {}}), tmp_path)
    assert [op.name for g in ir.groups for op in g.operations] == ["same", "same_2"]
    assert sorted((p.finding, p.level) for p in problems) == [("clash", "warning"), ("ignored", "note")]


def test_servers_and_templates(tmp_path: Path) -> None:
    servers = [{"url": "https://{region}.example.com/v1", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}},
               {"url": "https://fixed.example.com"}]
    ir, _ = built(spec({"/a": {"get": {"operationId": "a", "responses": OK}}}, servers=servers), tmp_path)
    assert ir.servers == ("https://eu.example.com/v1", "https://fixed.example.com")
    assert [(s.url, s.variables) for s in ir.server_templates] == [
        ("https://{region}.example.com/v1", (("region", "eu", ("eu", "us")),)), ("https://fixed.example.com", ())]
    ir, _ = built(spec({}), tmp_path / "none")
    assert ir.servers == ("/",) and ir.server_templates == ()
