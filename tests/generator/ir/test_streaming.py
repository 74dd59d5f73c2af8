"""streaming.py: x-sdkgen-stream as StreamIR, resolved once every operation is known."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.emit.render import python
from generator.ir.model import OperationRef, StreamIR

from .util import built, operation, spec

EVENTS = {"200": {"description": "events", "content": {"text/event-stream": {"schema": {
    "type": "object", "properties": {"type": {"type": "string"}, "seq": {"type": "integer"}}}}}}}


def _streaming(op_id: str, tag: str, params: list[dict[str, Any]], cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "tags": [tag], "parameters": params, "responses": EVENTS}
    if cfg is not None:
        op["x-sdkgen-stream"] = cfg
    return {"get": op}


AFTER = {"name": "after", "in": "query", "schema": {"type": "integer"}}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def test_resume_through_itself(tmp_path: Path) -> None:
    cfg = {"cursor": "seq", "terminal": ["done", "done", "error"], "sentinel": "[DONE]", "resume": {"param": "after", "max_attempts": 3}}
    ir, problems = built(spec({"/s": _streaming("watch", "w", [AFTER], cfg)}), tmp_path)
    op = operation(ir, "watch")
    assert op.stream == StreamIR(cursor="seq", terminal=("done", "error"), sentinel="[DONE]", resume_param="after", max_attempts=3)
    assert python(op.stream) == ("StreamSpec(cursor='seq', terminal=frozenset({'done', 'error'}), sentinel='[DONE]', "
                                 "resume_param='after', max_attempts=3)")
    assert op.resume is not None and op.resume.same and problems == []


def test_resume_through_another_operation_in_another_module(tmp_path: Path) -> None:
    cfg = {"cursor": "seq", "resume": {"operation": "get", "param": "after", "id_field": "response.id"}}
    paths = {"/s": _streaming("create", "a", [], cfg), "/s/{id}": _streaming("get", "b", [ID, AFTER])}
    ir, problems = built(spec(paths), tmp_path)
    stream = operation(ir, "create").stream
    assert stream is not None and stream.resume == OperationRef("_GET", "b")
    assert (stream.id_field, stream.id_param) == ("response.id", "id")
    assert "resume=lazy_operation('.b', '_GET', __package__)" in python(stream)
    assert problems == []


def test_declarations_that_cannot_work_are_reported(tmp_path: Path) -> None:
    cfg = {"cursor": 5, "terminal": "done", "resume": {"operation": "nope", "param": "after"}}
    ir, problems = built(spec({"/s": _streaming("watch", "w", [AFTER], cfg)}), tmp_path)
    assert operation(ir, "watch").stream is None
    assert [p.finding for p in problems] == ["unsupported"] * 3
