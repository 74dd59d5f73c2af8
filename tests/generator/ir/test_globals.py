"""globals.py: SDK-wide parameter defaults."""

from __future__ import annotations

from pathlib import Path

from .util import built, spec

OK = {"204": {"description": "none"}}
TENANT = {"name": "X-Tenant", "in": "header", "schema": {"type": "string"}}


def test_a_header_every_operation_declares(tmp_path: Path) -> None:
    paths = {"/a": {"get": {"operationId": "a", "parameters": [TENANT], "responses": OK}},
             "/b": {"get": {"operationId": "b", "parameters": [TENANT, {"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": OK}}}
    ir, _ = built(spec(paths), tmp_path)
    assert [(g.arg, g.annotation, g.key, g.wire_md) for g in ir.globals] == [("x_tenant", "str | None", ("header", "x-tenant"), "X-Tenant")]


def test_flags_and_opt_out(tmp_path: Path) -> None:
    region = {"name": "region", "in": "query", "schema": {"type": "string"}, "x-sdkgen-global": True}
    opted = {**TENANT, "x-sdkgen-global": False}
    paths = {"/a": {"get": {"operationId": "a", "parameters": [region, opted], "responses": OK}},
             "/b": {"get": {"operationId": "b", "parameters": [opted], "responses": OK}}}
    ir, _ = built(spec(paths), tmp_path)
    assert [(g.arg, g.key) for g in ir.globals] == [("region", ("query", "region"))]
