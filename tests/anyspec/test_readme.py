"""Which operations the generated README uses as its examples (`generator/ir/readme.py`), for
specs with and without streaming, resuming and pagination, and that the template only
interpolates those choices."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.emit.package import _environment, templates_root
from generator.ir import SdkIR, build
from generator.loading.load import load

from ..helpers import ROOT

PAGE = {
    "type": "object",
    "properties": {"data": {"type": "array", "items": {"type": "string"}}, "has_more": {"type": "boolean"},
                   "last_id": {"type": "string"}},
}
EVENT = {"type": "object", "properties": {"type": {"type": "string"}, "seq": {"type": "integer"}}}
USER = {"name": "X-User", "in": "header", "schema": {"type": "string"}}  # on every operation: an SDK-wide default


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _ir(tmp_path: Path, paths: dict[str, Any], **extra: Any) -> SdkIR:
    document = {"openapi": "3.0.3", "info": {"title": "Readme", "version": "1.0.0"}, "paths": paths,
                "components": {"schemas": {"Page": PAGE, "Event": EVENT}, **extra}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    ir, _ = build(load(path), package="readme_sdk")
    return ir


def _readme(ir: SdkIR) -> str:
    return _environment(templates_root()).get_template("README.md.j2").render(ir=ir)


# Groups come out sorted by key (alpha, beta, gamma, things), operations in spec order (by path,
# then get, put, post, delete ...).
STREAMING_PATHS: dict[str, Any] = {
    "/things/{id}": {
        "get": {"operationId": "getThing", "tags": ["things"], "x-sdkgen-timeout-ms": 1500,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}, USER],
                "responses": _json({"$ref": "#/components/schemas/Page"})},
        "post": {"operationId": "makeThing", "tags": ["things"],
                 "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}, USER],
                 "responses": {"204": {"description": "ok"}}},
    },
    "/a/new": {
        "post": {"operationId": "postA", "tags": ["alpha"], "parameters": [USER], "responses": _json({"type": "object"})},
    },
    "/a": {
        "get": {"operationId": "listA", "tags": ["alpha"], "x-sdkgen-timeout-ms": 300,
                "parameters": [{"name": "after", "in": "query", "schema": {"type": "string"}}, USER],
                "responses": _json({"$ref": "#/components/schemas/Page"})},
    },
    "/b": {
        "get": {"operationId": "listB", "tags": ["beta"],
                "parameters": [{"name": "after", "in": "query", "schema": {"type": "string"}}, USER],
                "responses": _json({"$ref": "#/components/schemas/Page"})},
    },
    "/s": {
        "post": {"operationId": "streamIt", "tags": ["beta"], "parameters": [USER],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["q"],
                     "properties": {"q": {"type": "string", "example": "hi"}, "stream": {"type": "boolean"}}}}}},
                 "responses": {"200": {"description": "ok", "content": {
                     "application/json": {"schema": {"type": "object"}},
                     "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}}},
    },
    "/t": {
        "get": {"operationId": "alwaysStream", "tags": ["gamma"],
                "x-sdkgen-stream": {"cursor": "seq", "resume": {"param": "after"}},
                "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer"}}, USER],
                "responses": {"200": {"description": "ok", "content": {
                    "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}}},
    },
}


def test_examples_of_a_spec_with_streams_and_pages(tmp_path: Path) -> None:
    ir = _ir(tmp_path, STREAMING_PATHS, securitySchemes={"api_key": {"type": "apiKey", "in": "header", "name": "X-Key"}})
    readme = ir.readme
    assert (readme.creds, readme.creds_and) == ('api_key="<YOUR_API_KEY>"', 'api_key="<YOUR_API_KEY>", ')
    # quick start: the first operation of the first group, with its example arguments
    assert readme.quickstart is not None and (readme.quickstart.target, readme.quickstart.args) == ("alpha.post_a", "")
    # streaming: the first operation that can stream (not the first one of the SDK), switch on
    assert readme.stream_example is not None
    assert (readme.stream_example.target, readme.stream_example.args) == ("beta.stream_it", "q='hi', stream=True")
    # errors, retries, ...: the first operation without arguments, a GET before an earlier POST
    assert readme.example is not None and (readme.example.group, readme.example.method) == ("alpha", "list_a")
    assert readme.page_example is not None and readme.page_example.target == "alpha.list_a"
    assert readme.paginated_md == "`sdk.alpha.list_a`, `sdk.beta.list_b`"
    assert readme.timeouts_md == "`sdk.alpha.list_a`: 300 ms, `sdk.things.get_thing`: 1500 ms"
    assert readme.global_example is not None and readme.global_example.arg == "x_user"
    # a stream that resumes through itself; it always streams, so no switch
    assert [(r.target, r.resume.via) for r in readme.resumes] == [("gamma.always_stream", "gamma.always_stream")]
    resume = readme.resume_example
    assert resume is not None and not resume.other
    assert (resume.call.target, resume.call.args) == ("gamma.always_stream", "")
    assert (resume.again.target, resume.again.args) == ("gamma.always_stream", "after=exc.last_cursor")
    # the list of operations: every group with operations, each snippet in its shape
    shapes = [(item.call.target, item.call.args, item.streams, item.returns) for g in readme.groups for item in g.ops]
    assert shapes == [
        ("alpha.post_a", "", False, True),
        ("alpha.list_a", "", False, True),
        ("beta.list_b", "", False, True),
        ("beta.stream_it", "q='hi'", False, True),
        ("gamma.always_stream", "", True, False),
        ("things.get_thing", "id='string'", False, True),
        ("things.make_thing", "id='string'", False, False),
    ]

    text = _readme(ir)
    assert "    res = sdk.beta.stream_it(q='hi', stream=True)\n    with res as event_stream:\n" in text
    assert "        with sdk.gamma.always_stream(after=exc.last_cursor) as events:\n" in text
    assert "Paginated operations:\n`sdk.alpha.list_a`, `sdk.beta.list_b`.\n" in text
    assert "Defaults from the spec: `sdk.alpha.list_a`: 300 ms, `sdk.things.get_thing`: 1500 ms.\n" in text
    assert '    raw = sdk.alpha.with_raw_response.list_a()\n' in text
    assert 'with SDK(api_key="<YOUR_API_KEY>", x_user="user-123") as sdk:\n' in text
    for snippet in re.findall(r"```python\n(.*?)```", text, re.S):
        compile(snippet, "README.md", "exec")


def test_examples_of_a_spec_without_streams_or_pages(tmp_path: Path) -> None:
    ir = _ir(tmp_path, {
        "/x/{id}": {"delete": {"operationId": "delX", "responses": {"204": {"description": "ok"}},
                               "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/y": {"post": {"operationId": "postY", "responses": _json({"type": "object"})}},
        "/z": {"get": {"operationId": "getZ", "responses": _json({"type": "object"})}},
    })
    readme = ir.readme
    assert (readme.creds, readme.creds_and) == ("", "")
    assert readme.quickstart is not None and (readme.quickstart.target, readme.quickstart.args) == ("x.del_x", "id='string'")
    assert readme.example is not None and readme.example.target == "z.get_z"  # a GET, though y.post_y comes first
    assert readme.stream_example is None and readme.resume_example is None and readme.resumes == ()
    assert readme.page_example is None and readme.paginated_md == ""
    assert readme.timeouts_md == "" and readme.global_example is None

    text = _readme(ir)
    assert "## Pagination" not in text and "### Resuming a broken stream" not in text
    assert "Defaults from the spec" not in text
    assert "    sdk.x.del_x(id='string')\n" in text  # no result to print
    for snippet in re.findall(r"```python\n(.*?)```", text, re.S):
        compile(snippet, "README.md", "exec")


def test_only_posts_without_arguments_still_give_an_example(tmp_path: Path) -> None:
    ir = _ir(tmp_path, {
        "/y": {"post": {"operationId": "postY", "responses": _json({"type": "object"})}},
        "/w": {"post": {"operationId": "postW", "responses": _json({"type": "object"})}},
    })
    assert ir.readme.example is not None and ir.readme.example.target == "w.post_w"  # the first one


def test_a_spec_without_operations(tmp_path: Path) -> None:
    readme = _ir(tmp_path, {}).readme
    assert readme.quickstart is None and readme.example is None and readme.groups == ()
    assert "    pass  # this API declares no operations\n" in _readme(_ir(tmp_path, {}))


def test_resume_through_another_operation() -> None:
    ir, _ = build(load(ROOT / "tests" / "golden" / "resume" / "spec.yaml"), package="resume_sdk")
    resume = ir.readme.resume_example
    assert resume is not None and resume.other and resume.id_param == "job_id"
    # groups sorted: batches.run comes first
    assert (resume.call.target, resume.call.args) == ("batches.run", "batch_id='string'")
    assert (resume.again.target, resume.again.args) == ("jobs.get", "job_id=exc.resource_id, after=exc.last_cursor, stream=True")
    assert [r.target for r in ir.readme.resumes] == ["batches.run", "jobs.create", "jobs.get"]


def test_resume_through_another_operation_that_takes_no_id(tmp_path: Path) -> None:
    """A stream resumed through an operation with no path parameter: the example passes only
    the cursor (it once printed `feed(=exc.resource_id, ...)`, which is not Python)."""
    paths = {
        "/start": {"post": {
            "operationId": "startFeed", "tags": ["feed"],
            "x-sdkgen-stream": {"cursor": "seq", "resume": {"operation": "tailFeed", "param": "after"}},
            "responses": {"200": {"description": "ok", "content": {
                "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}}}},
        "/tail": {"get": {
            "operationId": "tailFeed", "tags": ["feed"],
            "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {
                "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}}}}}},
    }
    ir = _ir(tmp_path, paths)
    resume = ir.readme.resume_example
    assert resume is not None and not resume.other and resume.id_param == ""
    assert (resume.again.target, resume.again.args) == ("feed.tail_feed", "after=exc.last_cursor")
    text = _readme(ir)
    assert "exc.resource_id" not in text
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        compile(block, "README.md", "exec")
