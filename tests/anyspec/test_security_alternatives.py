"""Security requirement alternatives (OpenAPI `security`: a list of requirement objects, any one
will do; the schemes inside one are all required together; `{}` allows anonymous access; root
`security` is the default, an operation's own replaces it and `[]` means no auth).

A generated SDK calls a real HTTP server (uvicorn on 127.0.0.1) that records every request and,
like a real API, answers 401 when a requirement is not met; the tests check exactly which
headers and query parameters went over the wire, on the sync and async paths."""

from __future__ import annotations

import asyncio
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from generator import naming
from generator.pipeline import generate
from generator.output.write import write

from ..servers.live import serve

PACKAGE = "anyspec_security_alternatives"

SPEC = textwrap.dedent(
    """\
    openapi: 3.1.0
    info: {title: Alternatives, version: 1.0.0}
    servers: [{url: /}]
    security: [{apiKey: []}, {bearer: []}]
    paths:
      /default:
        get:
          operationId: getDefault
          responses: {"200": {$ref: '#/components/responses/Echo'}, "401": {$ref: '#/components/responses/Denied'}}
      /both:
        get:
          operationId: getBoth
          security: [{a: [], b: []}]
          responses: {"200": {$ref: '#/components/responses/Echo'}, "401": {$ref: '#/components/responses/Denied'}}
      /open:
        get:
          operationId: getOpen
          security: []
          responses: {"200": {$ref: '#/components/responses/Echo'}}
      /optional:
        get:
          operationId: getOptional
          security: [{}, {a: []}]
          responses: {"200": {$ref: '#/components/responses/Echo'}}
      /oauth:
        get:
          operationId: getOauth
          security: [{apiKey: []}, {OAuth2: [read]}]
          responses: {"200": {$ref: '#/components/responses/Echo'}, "401": {$ref: '#/components/responses/Denied'}}
    components:
      securitySchemes:
        apiKey: {type: apiKey, in: header, name: X-API-Key}
        bearer: {type: http, scheme: bearer}
        a: {type: apiKey, in: query, name: a_key}
        b: {type: apiKey, in: header, name: X-B-Key}
        OAuth2:
          type: oauth2
          flows: {clientCredentials: {tokenUrl: /token, scopes: {read: read}}}
      responses:
        Echo:
          description: what the server received
          content: {application/json: {schema: {$ref: '#/components/schemas/Echo'}}}
        Denied:
          description: a requirement is not met
          content: {application/json: {schema: {$ref: '#/components/schemas/Denied'}}}
      schemas:
        Echo:
          type: object
          properties:
            path: {type: string}
        Denied:
          type: object
          properties:
            error: {type: string}
    """
)

AUTH_HEADERS = ("x-api-key", "authorization", "x-b-key")
AUTH_QUERY = ("a_key",)


class Wire:
    """The requests the server received: path -> the credentials they carried."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.tokens_issued = 0

    def last(self, path: str) -> dict[str, str]:
        return next(creds for p, creds in reversed(self.seen) if p == path)


def _app(wire: Wire) -> Starlette:
    # Each route's requirement, checked as a server would: any alternative, all of its parts.
    required: dict[str, list[tuple[str, ...]]] = {
        "/default": [("header:x-api-key",), ("header:authorization",)],
        "/both": [("query:a_key", "header:x-b-key")],
        "/oauth": [("header:x-api-key",), ("header:authorization",)],
    }

    async def endpoint(request: Request) -> Response:
        creds = {f"header:{h}": request.headers[h] for h in AUTH_HEADERS if h in request.headers}
        creds |= {f"query:{q}": request.query_params[q] for q in AUTH_QUERY if q in request.query_params}
        path = request.url.path
        wire.seen.append((path, creds))
        alternatives = required.get(path)
        if alternatives is not None and not any(all(part in creds for part in alt) for alt in alternatives):
            return JSONResponse({"error": "unauthenticated"}, status_code=401)
        return JSONResponse({"path": path})

    async def token(request: Request) -> Response:
        wire.tokens_issued += 1
        return JSONResponse({"access_token": f"tok{wire.tokens_issued}", "token_type": "Bearer", "expires_in": 3600})

    routes = [Route(p, endpoint) for p in ("/default", "/both", "/open", "/optional", "/oauth")]
    return Starlette(routes=[*routes, Route("/token", token, methods=["POST"])])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, dict[str, bytes]]]:
    root = tmp_path_factory.mktemp("security")
    spec = root / "spec.yaml"
    spec.write_text(SPEC)
    result = generate(spec, package=PACKAGE, strict=True)
    out = root / "sdk"
    write(result.files, out)
    sys.path.insert(0, str(out))
    try:
        importlib.import_module(PACKAGE + ".errors")
        yield importlib.import_module(PACKAGE), dict(result.files.files)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, Wire]]:
    wire = Wire()
    with serve(_app(wire)) as url:
        yield url, wire


@pytest.fixture
def wire(live: tuple[str, Wire]) -> Wire:
    live[1].seen.clear()
    live[1].tokens_issued = 0
    return live[1]


def _sdk(generated: tuple[ModuleType, dict[str, bytes]], live: tuple[str, Wire], **creds: Any) -> Any:
    return generated[0].SDK(server_url=live[0], **creds)


# -- generation ---------------------------------------------------------------------------------


def test_alternatives_are_emitted_in_spec_order(generated: tuple[ModuleType, dict[str, bytes]]) -> None:
    files = generated[1]
    sdk_py = files[f"{PACKAGE}/sdk.py"].decode()
    assert '_DEFAULT_SECURITY: tuple[tuple[str, ...], ...] = (("apiKey",), ("bearer",))' in sdk_py
    assert "default_security=_DEFAULT_SECURITY," in sdk_py
    ops = "\n".join(c.decode() for p, c in files.items() if "/resources/" in p)
    assert 'security=(("a", "b"),),' in ops  # one alternative of two schemes
    assert "security=()," in ops  # security: [] on the operation
    assert 'security=((), ("a",)),' in ops  # anonymous or a
    assert 'security=(("apiKey",), ("OAuth2",)),' in ops
    assert "security=None," in ops  # getDefault: the SDK-wide default


def test_scheme_argument_names_keep_acronyms_whole(generated: tuple[ModuleType, dict[str, bytes]]) -> None:
    import inspect

    params = inspect.signature(generated[0].SDK.__init__).parameters
    assert {"api_key", "bearer", "a", "b", "oauth2"} <= set(params) and "o_auth2" not in params
    assert naming.snake("OAuth2") == "oauth2"
    assert naming.snake("OAuth2Client") == "oauth2_client"
    assert naming.snake("getOAuthToken") == "get_oauth_token"
    assert naming.snake("IPv6Address") == "ipv6_address"
    assert naming.snake("OAuthority") == "o_authority"  # not an acronym: a lower-case letter follows
    assert naming.snake("getResponseID") == "get_response_id" and naming.snake("v2beta") == "v2_beta"
    assert naming.pascal("OAuth2Client") == "OAuth2Client"  # PascalCase unchanged


# -- over the wire ------------------------------------------------------------------------------


def test_or_sends_only_the_first_configured_alternative(generated: Any, live: Any, wire: Wire) -> None:
    with _sdk(generated, live, api_key="k1", bearer="tok") as sdk:
        sdk.default.get_default()
    assert wire.last("/default") == {"header:x-api-key": "k1"}  # apiKey first, bearer not sent
    with _sdk(generated, live, bearer="tok") as sdk:
        sdk.default.get_default()
    assert wire.last("/default") == {"header:authorization": "Bearer tok"}
    with _sdk(generated, live, api_key="k1", bearer="tok").with_options(api_key=None) as sdk:
        sdk.default.get_default()
    assert wire.last("/default") == {"header:authorization": "Bearer tok"}


def test_and_sends_every_scheme_of_the_alternative_or_none(generated: Any, live: Any, wire: Wire) -> None:
    errors = importlib.import_module(PACKAGE + ".errors")
    with _sdk(generated, live, a="qa", b="hb", api_key="k1", bearer="tok") as sdk:
        assert sdk.both.get_both().path == "/both"
        assert wire.last("/both") == {"query:a_key": "qa", "header:x-b-key": "hb"}
    with _sdk(generated, live, a="qa", api_key="k1") as sdk:  # b missing: the alternative is out
        with pytest.raises(errors.AuthenticationError) as info:
            sdk.both.get_both()
    assert info.value.status_code == 401
    assert wire.last("/both") == {}  # nothing half-sent, nothing from the default either


def test_empty_security_and_anonymous_alternatives(generated: Any, live: Any, wire: Wire) -> None:
    with _sdk(generated, live, a="qa", b="hb", api_key="k1", bearer="tok") as sdk:
        sdk.open.get_open()
        sdk.optional.get_optional()
    assert wire.last("/open") == {}  # security: [] sends nothing
    assert wire.last("/optional") == {"query:a_key": "qa"}  # optional credentials still sent
    with _sdk(generated, live, bearer="tok") as sdk:
        sdk.optional.get_optional()
    assert wire.last("/optional") == {}  # {} allows anonymous access


def test_nothing_configured_sends_nothing_and_the_401_is_typed(generated: Any, live: Any, wire: Wire) -> None:
    errors = importlib.import_module(PACKAGE + ".errors")
    with _sdk(generated, live) as sdk:
        with pytest.raises(errors.AuthenticationError):
            sdk.default.get_default()
    assert wire.seen == [("/default", {})]


def test_async_path_chooses_the_same_alternative(generated: Any, live: Any, wire: Wire) -> None:
    async def main() -> None:
        async with _sdk(generated, live, api_key="k1", bearer="tok", a="qa", b="hb") as sdk:
            await sdk.default.get_default_async()
            await sdk.both.get_both_async()
            await sdk.optional.get_optional_async()
            await sdk.open.get_open_async()

    asyncio.run(main())
    assert wire.seen == [
        ("/default", {"header:x-api-key": "k1"}),
        ("/both", {"query:a_key": "qa", "header:x-b-key": "hb"}),
        ("/optional", {"query:a_key": "qa"}),
        ("/open", {}),
    ]


def test_client_credentials_are_fetched_only_for_the_chosen_alternative(
    generated: Any, live: Any, wire: Wire
) -> None:
    pkg = generated[0]

    async def main(sdk: Any) -> None:
        async with sdk:
            await sdk.oauth.get_oauth_async()

    # apiKey comes first: no token is fetched, on either path
    with _sdk(generated, live, api_key="k1", oauth2=pkg.ClientCredentials("cid", "cs")) as sdk:
        sdk.oauth.get_oauth()
    asyncio.run(main(_sdk(generated, live, api_key="k1", oauth2=pkg.ClientCredentials("cid", "cs"))))
    assert wire.tokens_issued == 0
    assert [creds for _, creds in wire.seen] == [{"header:x-api-key": "k1"}] * 2
    # OAuth2 alone: its token is fetched and sent
    with _sdk(generated, live, oauth2=pkg.ClientCredentials("cid", "cs")) as sdk:
        sdk.oauth.get_oauth()
    asyncio.run(main(_sdk(generated, live, oauth2=pkg.ClientCredentials("cid", "cs"))))
    assert wire.tokens_issued == 2
    assert [creds for p, creds in wire.seen if p == "/oauth"][2:] == [
        {"header:authorization": "Bearer tok1"},
        {"header:authorization": "Bearer tok2"},
    ]


def _default_security(tmp_path: Path, root: Any, op_security: Any) -> tuple[Any, list[Any]]:
    import ast
    import json

    from generator.ir import build
    from generator.loading.load import load

    op: dict[str, Any] = {"operationId": "getThing", "responses": {"204": {"description": "ok"}}}
    if op_security is not None:
        op["security"] = op_security
    spec: dict[str, Any] = {
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": op}, "/b": {"get": {"operationId": "getOther", "responses": {"204": {"description": "ok"}}}}},
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                                           "bearer": {"type": "http", "scheme": "bearer"}}},
    }
    if root is not None:
        spec["security"] = root
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    ir, problems = build(load(path), package="t")
    return ir.default_security, [p for p in problems if "securitySchemes" in p.pointer]


def test_schemes_that_no_requirement_uses_are_each_an_alternative(tmp_path: Path) -> None:
    """No root `security` and none on any operation: the spec forgot the requirement; each
    scheme becomes an alternative (the first configured is sent) and a warning says so."""
    default, problems = _default_security(tmp_path, None, None)
    assert default == (("key",), ("bearer",))
    assert [p.level for p in problems] == ["warning"]
    assert "no `security` requirement uses them" in problems[0].message


def test_root_less_spec_whose_operations_state_requirements_stays_anonymous_elsewhere(tmp_path: Path) -> None:
    default, problems = _default_security(tmp_path, None, [{"bearer": []}])
    assert default == () and problems == []
    default, problems = _default_security(tmp_path, [{"key": []}], None)
    assert default == (("key",),) and problems == []
