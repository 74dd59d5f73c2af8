"""responses.py: result and event models, declared errors and their classes."""

from __future__ import annotations

from pathlib import Path

from generator.ir.model import ErrorIR

from .util import built, operation, spec

ERROR = {"type": "object", "properties": {"message": {"type": "string"}}}


def test_result_errors_and_error_classes(tmp_path: Path) -> None:
    responses = {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "404": {"description": "missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "500": {"description": "broken"},
    }
    data = spec({"/a": {"get": {"operationId": "get", "responses": responses}}},
                components={"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}, "Error": ERROR}})
    ir, _ = built(data, tmp_path)
    op = operation(ir, "get")
    assert (op.response, op.event) == ("Thing", None)
    assert op.errors == (ErrorIR("404", "Error", "ErrorResponse"), ErrorIR("500", None, "InternalServerError"))
    assert [(e.class_name, e.base, e.model) for e in ir.error_classes] == [("ErrorResponse", "NotFoundError", "Error")]


def test_event_stream_with_switch(tmp_path: Path) -> None:
    responses = {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}},
        "text/event-stream": {"schema": {"type": "object", "properties": {"delta": {"type": "string"}}}}}}}
    params = [{"name": "stream", "in": "query", "schema": {"type": "boolean"}}]
    ir, problems = built(spec({"/a": {"get": {"operationId": "chat", "parameters": params, "responses": responses}}}), tmp_path)
    op = operation(ir, "chat")
    assert (op.response, op.event, op.stream_switch, op.always_streams) == ("ChatResponse", "ChatEvent", "stream", False)
    assert [s.overload for s in op.signatures] == [True, True, False]
    assert problems == []


def test_download_and_redirect(tmp_path: Path) -> None:
    paths = {
        "/file": {"get": {"operationId": "file", "responses": {"200": {"description": "pdf", "content": {"application/pdf": {}}}}}},
        "/go": {"get": {"operationId": "go", "responses": {"302": {"description": "elsewhere"}}}},
    }
    ir, _ = built(spec(paths), tmp_path)
    assert operation(ir, "file").download == "application/pdf"
    assert operation(ir, "file").signatures[0].returns == "Download"
    assert operation(ir, "go").redirect and operation(ir, "go").download is None
