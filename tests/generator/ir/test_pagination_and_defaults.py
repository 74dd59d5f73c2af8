"""What the generator derives for the production runtime: pagination specs (our extension,
Speakeasy's, convention), SDK-wide parameter defaults, and a generated SDK that uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.emit.render import python
from generator.ir.build import build
from generator.loading.load import load
from generator.pipeline import generate

from ...helpers import ROOT

PAGE = {
    "type": "object",
    "required": ["data", "has_more"],
    "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
        "has_more": {"type": "boolean"},
        "last_id": {"type": "string"},
        "next": {"type": "string"},
    },
}


def spec(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1.0.0"},
        "servers": [{"url": "https://api.test"}],
        "paths": paths,
        "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}, "Page": PAGE}},
        **extra,
    }


def list_op(params: list[dict[str, Any]] | None = None, **ext: Any) -> dict[str, Any]:
    return {
        "operationId": "listThings",
        "parameters": params if params is not None else [{"name": "after", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}},
        **ext,
    }


def ir_of(tmp_path: Path, document: dict[str, Any]) -> tuple[Any, list[Any]]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    return build(load(path), package="t_sdk")


def only_op(ir: Any) -> Any:
    return next(op for g in ir.groups for op in g.operations)


def test_convention_after_plus_data_has_more_last_id(tmp_path: Path) -> None:
    ir, problems = ir_of(tmp_path, spec({"/things": {"get": list_op()}}))
    op = only_op(ir)
    assert python(op.pagination) == (
        "Pagination(cursor_param='after', cursor_field='last_id', items_field='data', has_more_field='has_more')"
    )
    assert ir.page_models == ("Page",)
    assert not [p for p in problems if "pagination" in p.message]


def test_no_convention_without_an_after_parameter(tmp_path: Path) -> None:
    ir, _ = ir_of(tmp_path, spec({"/things": {"get": list_op(params=[])}}))
    assert only_op(ir).pagination is None and ir.page_models == ()


def test_our_extension(tmp_path: Path) -> None:
    op = list_op(
        params=[{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
        **{"x-sdkgen-pagination": {"type": "cursor", "cursor_param": "cursor", "cursor_field": "next", "items_field": "data"}},
    )
    ir, _ = ir_of(tmp_path, spec({"/things": {"get": op}}))
    assert python(only_op(ir).pagination) == "Pagination(cursor_param='cursor', cursor_field='next', items_field='data')"


def test_speakeasy_extension(tmp_path: Path) -> None:
    op = list_op(
        params=[{"name": "page_token", "in": "query", "schema": {"type": "string"}}],
        **{"x-speakeasy-pagination": {
            "type": "cursor",
            "inputs": [{"name": "page_token", "in": "parameters", "type": "cursor"}],
            "outputs": {"nextCursor": "$.next", "results": "$.data"},
        }},
    )
    ir, _ = ir_of(tmp_path, spec({"/things": {"get": op}}))
    assert python(only_op(ir).pagination) == "Pagination(cursor_param='page_token', cursor_field='next', items_field='data')"


@pytest.mark.parametrize(
    "cfg, message",
    [
        ({"type": "offsetLimit"}, "not supported"),
        ({"type": "cursor", "cursor_param": "nope", "items_field": "data"}, "not a query, header or cookie parameter"),
        ({"type": "cursor", "cursor_param": "after", "items_field": "items"}, "is not a property of the response"),
        ("yes", "must be an object"),
    ],
)
def test_unusable_pagination_is_a_warning_and_single_pages(tmp_path: Path, cfg: Any, message: str) -> None:
    ir, problems = ir_of(tmp_path, spec({"/things": {"get": list_op(**{"x-sdkgen-pagination": cfg})}}))
    assert only_op(ir).pagination is None
    warnings = [p for p in problems if p.level == "warning" and message in p.message]
    assert warnings and warnings[0].pointer == "/paths/~1things/get/x-sdkgen-pagination"


HEADER = {"name": "X-Tenant", "in": "header", "schema": {"type": "string"}, "description": "Tenant to act for."}


def two_ops(first: list[dict[str, Any]], second: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    ok = {"200": {"description": "ok"}}
    return spec({"/a": {"get": {"operationId": "getA", "parameters": first, "responses": ok}},
                 "/b": {"get": {"operationId": "getB", "parameters": second, "responses": ok}}}, **extra)


def test_a_header_on_every_operation_becomes_an_sdk_default(tmp_path: Path) -> None:
    ir, _ = ir_of(tmp_path, two_ops([HEADER], [{**HEADER, "name": "x-tenant"}]))
    assert [(g.arg, g.annotation, g.key) for g in ir.globals] == [("x_tenant", "str | None", ("header", "x-tenant"))]
    assert ir.globals[0].doc == ("Tenant to act for.",)


def test_not_every_operation_required_or_opted_out_is_no_default(tmp_path: Path) -> None:
    assert ir_of(tmp_path, two_ops([HEADER], []))[0].globals == ()
    assert ir_of(tmp_path, two_ops([{**HEADER, "required": True}], [HEADER]))[0].globals == ()
    assert ir_of(tmp_path, two_ops([{**HEADER, "x-sdkgen-global": False}], [HEADER]))[0].globals == ()


def test_flagged_parameters_and_speakeasy_globals(tmp_path: Path) -> None:
    region = {"name": "region", "in": "query", "schema": {"type": "string"}, "x-sdkgen-global": True}
    ir, _ = ir_of(tmp_path, two_ops([region], []))
    assert [(g.arg, g.key) for g in ir.globals] == [("region", ("query", "region"))]
    version = {"name": "api-version", "in": "query", "schema": {"type": "string"}}
    ir, _ = ir_of(tmp_path, two_ops([version], [], **{"x-speakeasy-globals": {"parameters": [version]}}))
    assert [g.arg for g in ir.globals] == ["api_version"]


def test_a_default_never_takes_the_name_of_an_sdk_option(tmp_path: Path) -> None:
    clash = {"name": "timeout_ms", "in": "header", "schema": {"type": "string"}}
    ir, _ = ir_of(tmp_path, two_ops([clash], [clash]))
    assert ir.globals[0].arg != "timeout_ms"


def test_mka1_spec(tmp_path: Path) -> None:
    ir, _ = build(load(ROOT / "spec" / "mka1.yaml"), package="mka1")
    assert [g.arg for g in ir.globals] == ["x_on_behalf_of"]
    assert ir.page_models == ("ResponseListObject", "InputItemListObject")
    paged = {op.name for g in ir.groups for op in g.operations if op.pagination is not None}
    assert paged == {"list", "list_input_items"}
    readme = ir.readme
    assert readme.example is not None and readme.page_example is not None
    assert (readme.example.target, readme.page_example.target, ir.log_env) == ("llm.responses.list", "llm.responses.list", "MKA1_LOG")


GENERATED_SPEC: dict[str, Any] = spec(
    {
        "/things": {
            "get": list_op(
                params=[
                    {"name": "page_token", "in": "query", "schema": {"type": "string"}},
                    {"name": "region", "in": "query", "schema": {"type": "string"}, "x-sdkgen-global": True},
                ],
                **{"x-speakeasy-pagination": {"type": "cursor",
                                               "inputs": [{"name": "page_token", "in": "parameters", "type": "cursor"}],
                                               "outputs": {"nextCursor": "$.next", "results": "$.data"}}},
            ),
            "post": {
                "operationId": "createThing",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
            },
        }
    },
)

PROBE = """
import httpx
from t_sdk import SDK, RetryConfig, BackoffStrategy

seen = []
pages = {None: (["t1", "t2"], "c2"), "c2": (["t3"], "c3"), "c3": ([], None)}
keys = []

def handler(request):
    if request.method == "POST":
        keys.append(request.headers.get("idempotency-key"))
        if len(keys) < 3:
            return httpx.Response(503, headers={"retry-after-ms": "1"})
        return httpx.Response(200, json={"id": "new"})
    seen.append((request.url.params.get("page_token"), request.url.params.get("region")))
    ids, nxt = pages[request.url.params.get("page_token")]
    return httpx.Response(200, json={"data": [{"id": i} for i in ids], "has_more": bool(ids), "next": nxt})

policy = RetryConfig(backoff=BackoffStrategy(1, 5, 1.5, 3000))  # the spec declares no retry policy
transport = httpx.MockTransport(handler)
with SDK(server_url="https://api.test", region="eu", retry_config=policy, client=httpx.Client(transport=transport)) as sdk:
    print([t.id for t in sdk.things.list_things().auto_paging_iter()])
    print(seen)
    print(sdk.things.create_thing(id="x").id, len(keys), len(set(keys)), keys[0] is not None)
    sdk.things.create_thing(id="y", idempotency_key="mine")
    print(keys[-1])
"""


def test_generated_sdk_pages_defaults_and_idempotency_keys(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(GENERATED_SPEC))
    result = generate(path, package="t_sdk")
    for rel, content in result.files.files.items():
        target = tmp_path / "out" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path / "out", capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "['t1', 't2', 't3']",
        "[(None, 'eu'), ('c2', 'eu'), ('c3', 'eu')]",
        "new 3 1 True",  # one key per call, the same on each of its three attempts
        "mine",
    ]


def test_a_group_never_hides_an_sdk_attribute(tmp_path: Path) -> None:
    ok = {"200": {"description": "ok"}}
    document = spec({"/hooks": {"get": {"operationId": "listHooks", "tags": ["Hooks"], "responses": ok}},
                     "/x": {"get": {"operationId": "getX", "x-sdkgen-group": "with_options.more", "responses": ok}}})
    ir, _ = ir_of(tmp_path, document)
    assert sorted(c.attr for c in ir.root_children) == ["hooks_", "with_options_"]
