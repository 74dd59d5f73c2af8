"""security.py: schemes and requirements."""

from __future__ import annotations

from pathlib import Path

from generator.ir.model import SecurityIR

from .util import built, operation, spec

OK = {"204": {"description": "none"}}


def test_schemes_requirements_and_client_credentials(tmp_path: Path) -> None:
    schemes = {
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "basic": {"type": "http", "scheme": "basic"},
        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t.example/token", "scopes": {}}}},
        "mutual": {"type": "mutualTLS"},
    }
    paths = {"/a": {"get": {"operationId": "open", "security": [], "responses": OK}},
             "/b": {"get": {"operationId": "closed", "responses": OK}}}
    ir, problems = built(spec(paths, components={"securitySchemes": schemes}, security=[{"apiKey": []}, {"basic": [], "oauth": []}]), tmp_path)
    assert [(s.name, s.type, s.scheme, s.location, s.param, s.arg, s.token_url) for s in ir.security] == [
        ("apiKey", "apiKey", "bearer", "header", "X-Key", "api_key", None),
        ("basic", "http", "basic", "header", "Authorization", "basic", None),
        ("oauth", "oauth2", "bearer", "header", "Authorization", "oauth", "https://t.example/token"),
    ]
    assert isinstance(ir.security[0], SecurityIR) and ir.client_credentials
    assert ir.default_security == (("apiKey",), ("basic", "oauth"))
    assert operation(ir, "open").security == () and operation(ir, "closed").security is None
    assert [(p.finding, p.pointer) for p in problems] == [("unsupported", "/components/securitySchemes/mutual")]


def test_schemes_without_requirement_are_each_an_alternative(tmp_path: Path) -> None:
    schemes = {"a": {"type": "http", "scheme": "bearer"}, "b": {"type": "apiKey", "in": "query", "name": "k"}}
    ir, problems = built(spec({"/a": {"get": {"operationId": "get", "responses": OK}}}, components={"securitySchemes": schemes}), tmp_path)
    assert ir.default_security == (("a",), ("b",))
    assert [p.finding for p in problems] == ["assumed"]
