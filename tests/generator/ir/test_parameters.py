"""parameters.py: arguments and Param descriptors from parameter declarations."""

from __future__ import annotations

from pathlib import Path

from generator.ir.model import Location, ParamIR

from .util import built, operation, spec

OK = {"204": {"description": "none"}}


def test_locations_styles_and_required(tmp_path: Path) -> None:
    params = [
        {"name": "id", "in": "path", "schema": {"type": "string"}},
        {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "explode": False},
        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
        {"name": "session", "in": "cookie", "required": True, "schema": {"type": "string"}},
    ]
    ir, problems = built(spec({"/a/{id}": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}), tmp_path)
    op = operation(ir, "get")
    assert op.params == (
        ParamIR("id", "id", Location.PATH, "simple", False),
        ParamIR("tags", "tags", Location.QUERY, "form", False),
        ParamIR("x_trace", "X-Trace", Location.HEADER, "simple", False),
        ParamIR("session", "session", Location.COOKIE, "form", True),
    )
    rendered = op.signatures[0].args
    assert rendered[:2] == ("id: str", "session: str")
    assert "x_trace: str | None = None" in rendered
    assert problems == []


def test_sdk_headers_are_ignored_and_undeclared_path_parameters_assumed(tmp_path: Path) -> None:
    params = [{"name": "Authorization", "in": "header", "schema": {"type": "string"}}]
    ir, problems = built(spec({"/a/{id}": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}), tmp_path)
    op = operation(ir, "get")
    assert op.params == (ParamIR("id", "id", Location.PATH, "simple", False),)
    assert sorted(p.finding for p in problems) == ["assumed", "ignored"]


def test_names_are_claimed_in_the_method_scope(tmp_path: Path) -> None:
    params = [{"name": "retries", "in": "query", "schema": {"type": "integer"}},
              {"name": "from", "in": "query", "schema": {"type": "string"}}]
    ir, _ = built(spec({"/a": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}), tmp_path)
    assert [p.py_name for p in operation(ir, "get").params] == ["retries_", "from_"]


def test_a_parameter_without_in_drops_the_operation(tmp_path: Path) -> None:
    params = [{"name": "q", "schema": {"type": "string"}}]
    ir, problems = built(spec({"/a": {"get": {"operationId": "get", "parameters": params, "responses": OK}}}), tmp_path)
    assert ir.operation_count == 0
    assert [(p.finding, p.level, p.drops_operation) for p in problems] == [("dropped", "error", True)]
