"""pagination.py: declared and conventional cursor pagination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.emit.render import python
from generator.ir.model import PaginationIR

from .util import built, operation, spec

PAGE = {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}},
                                         "has_more": {"type": "boolean"}, "last_id": {"type": "string"},
                                         "next": {"type": "string"}}}


def _list(**extra: Any) -> dict[str, Any]:
    params = [{"name": "after", "in": "query", "schema": {"type": "string"}}]
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}
    return {"get": {"operationId": "list", "parameters": params, "responses": ok, **extra}}


def _ir(tmp_path: Path, **extra: Any) -> tuple[Any, list[Any]]:
    return built(spec({"/things": _list(**extra)}, components={"schemas": {"Page": PAGE}}), tmp_path)


def test_convention(tmp_path: Path) -> None:
    ir, problems = _ir(tmp_path)
    assert operation(ir, "list").pagination == PaginationIR("after", "data", "last_id", "has_more")
    assert python(operation(ir, "list").pagination) == (
        "Pagination(cursor_param='after', cursor_field='last_id', items_field='data', has_more_field='has_more')")
    assert ir.page_models == ("Page",) and problems == []


def test_declared_and_speakeasy(tmp_path: Path) -> None:
    ir, _ = _ir(tmp_path / "a", **{"x-sdkgen-pagination": {"cursor_param": "after", "cursor_field": "next"}})
    assert operation(ir, "list").pagination == PaginationIR("after", "data", "next", None)
    speakeasy = {"type": "cursor", "inputs": [{"name": "after", "in": "parameters", "type": "cursor"}],
                 "outputs": {"nextCursor": "$.next", "results": "$.data"}}
    ir, _ = _ir(tmp_path / "b", **{"x-speakeasy-pagination": speakeasy})
    assert operation(ir, "list").pagination == PaginationIR("after", "data", "next", None)


def test_declarations_that_cannot_work_are_reported(tmp_path: Path) -> None:
    for i, cfg in enumerate(([], {"type": "offset"}, {"cursor_param": "nope"}, {"cursor_param": "after", "items_field": "missing"})):
        ir, problems = _ir(tmp_path / str(i), **{"x-sdkgen-pagination": cfg})
        assert operation(ir, "list").pagination is None
        assert [(p.finding, p.pointer.rsplit("/", 1)[-1]) for p in problems] == [("unsupported", "x-sdkgen-pagination")]
