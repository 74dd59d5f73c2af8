"""One spec with every feature issue 5 lists, generated, type-checked and called through a mock
transport: names, servers with variables, nullable vs optional, unions, recursion, every
security scheme (OAuth2 client credentials included), every body kind, downloads, redirects."""

from __future__ import annotations

import base64
import importlib
import io
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable
from urllib.parse import parse_qs

import httpx
import pytest

from generator.pipeline import generate
from generator.output.write import write

HERE = Path(__file__).resolve().parent
SPEC = HERE / "features.yaml"
PACKAGE = "anyspec_features"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    out = tmp_path_factory.mktemp("features") / "sdk"
    result = generate(SPEC, package=PACKAGE)
    write(result.files, out)
    sys.path.insert(0, str(out))
    try:
        yield out, result
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def pkg(generated: tuple[Path, Any]) -> ModuleType:
    importlib.import_module(PACKAGE + ".errors")  # so that pkg.errors is there
    return importlib.import_module(PACKAGE)


class Server:
    """A mock transport: records requests, answers with a handler per (method, path)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"error": "no route"})
        return handler(request)

    def route(self, method: str, path: str, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.routes[(method, path)] = handler


@pytest.fixture
def server() -> Server:
    return Server()


def _sdk(pkg: ModuleType, server: Server, **kw: Any) -> Any:
    return pkg.SDK(client=httpx.Client(transport=httpx.MockTransport(server)),
                   async_client=httpx.AsyncClient(transport=httpx.MockTransport(server)), **kw)


# -- generation -------------------------------------------------------------------------------


def test_coverage_and_webhook_note(generated: tuple[Path, Any]) -> None:
    _, result = generated
    report = result.coverage.to_dict()
    assert report["operations"] == {"total": 11, "generated": 11, "percent": 100.0, "skipped": []}
    notes = [p.message for p in result.problems if p.level == "note"]
    assert any("webhook(s) ignored" in n for n in notes)
    warnings = [(p.pointer, p.message) for p in result.problems if p.level == "warning" and "validator" not in p.message]
    assert warnings == [("/components/schemas/Thing/properties/count/default",
                         "default '3' does not match the schema's type; read as 3")]


def test_models(pkg: ModuleType) -> None:
    models = importlib.import_module(PACKAGE + ".models")
    # a 3.0-style `nullable: true` inside a 3.1 document is honoured
    thing = models.Thing.model_validate({"id": "t1", "note": None, "kind": "日本", "version": 2})
    assert thing.note is None and thing.kind == "日本" and thing.count == 3
    # enums are open: a value a newer server added still parses
    assert models.Thing.model_validate({"id": "t", "note": "n", "kind": "new-kind"}).kind == "new-kind"
    # recursion
    tree = models.Node.model_validate({"name": "root", "children": [{"name": "leaf", "parent": None}]})
    assert tree.children[0].name == "leaf"
    # a discriminated union picks its member by the tag
    from pydantic import TypeAdapter

    shape = TypeAdapter(models.Shape).validate_python({"shape": "square", "side": 2})
    assert type(shape).__name__ == "Square"
    # allOf that re-declares a property is merged into one model (not an invalid subclass)
    named = models.NamedThing.model_validate({"id": "n", "note": None, "kind": "a b"})
    assert named.kind == "a b" and "title" in models.NamedThing.model_fields
    assert issubclass(models.Cat, models.Pet)  # a plain allOf stays a subclass


def test_servers_with_variables(pkg: ModuleType, server: Server) -> None:
    sdk = pkg.SDK()
    assert sdk._core.server_url == "https://eu.api.example.com/v1"
    assert pkg.SDK(server_variables={"region": "us", "version": "v2"})._core.server_url == "https://us.api.example.com/v2"
    assert pkg.SDK(server_idx=1)._core.server_url == "https://sandbox.example.com"
    with pytest.raises(ValueError, match="must be one of eu, us"):
        pkg.SDK(server_variables={"region": "mars"})
    with pytest.raises(ValueError, match="unknown server variable"):
        pkg.SDK(server_variables={"zone": "a"})


# -- names, parameters, nullable ---------------------------------------------------------------


def test_python_names_and_wire_names(pkg: ModuleType, server: Server) -> None:
    server.route("GET", "/v1/things/t-1", lambda r: httpx.Response(200, json={"id": "t-1", "note": None}))
    with _sdk(pkg, server, bearer="tok") as sdk:
        thing = sdk.things.get_thing(thing_id="t-1", from_="2024", class_=3, n_2fa="123456")
    assert thing.id == "t-1"
    request = server.requests[0]
    assert request.url.params["from"] == "2024" and request.url.params["class"] == "3"
    assert request.headers["2fa"] == "123456"
    assert request.headers["authorization"] == "Bearer tok"


def test_null_is_sent_only_when_asked(pkg: ModuleType, server: Server) -> None:
    server.route("PATCH", "/v1/things/t", lambda r: httpx.Response(200, json={"id": "t", "note": None}))
    with _sdk(pkg, server, bearer="tok") as sdk:
        sdk.things.update_thing(thing_id="t", note=None)
        sdk.things.update_thing(thing_id="t", label="x")
        sdk.things.update_thing(thing_id="t", kind="a b")
    bodies = [json.loads(r.content) for r in server.requests]
    assert bodies == [{"note": None}, {"label": "x"}, {"kind": "a b"}]


def test_unions_in_requests_and_responses(pkg: ModuleType, server: Server) -> None:
    server.route("POST", "/v1/shapes", lambda r: httpx.Response(200, json=json.loads(r.content)))
    models = importlib.import_module(PACKAGE + ".models")
    with _sdk(pkg, server, api_key_query="k1") as sdk:
        shape = sdk.shapes.make_shape(body=models.Circle(radius=1.5))
        square = sdk.shapes.make_shape(body={"shape": "square", "side": 2})
    assert type(shape).__name__ == "Circle" and shape.radius == 1.5
    assert type(square).__name__ == "Square"
    # the tag is sent although the model filled it in itself
    assert json.loads(server.requests[0].content) == {"shape": "circle", "radius": 1.5}
    assert server.requests[0].url.params["api_key"] == "k1"


# -- security ---------------------------------------------------------------------------------


def test_security_schemes(pkg: ModuleType, server: Server) -> None:
    server.route("GET", "/v1/trees", lambda r: httpx.Response(200, json={"name": "root", "children": []}))
    server.route("POST", "/v1/pets", lambda r: httpx.Response(201, json=json.loads(r.content)))
    server.route("POST", "/v1/shapes", lambda r: httpx.Response(200, json={"shape": "circle", "radius": 1}))
    with _sdk(pkg, server, bearer="tok", basic=("ann", "pw"), api_key_cookie="c00kie") as sdk:
        sdk.trees.get_tree()
        pet = sdk.pets.create_pet(pet_type="cat", name="Tom")
        sdk.shapes.make_shape(body={"shape": "circle", "radius": 1})
    tree, pets, shapes = server.requests
    assert "authorization" not in tree.headers  # security: [] on the operation
    assert pets.headers["authorization"] == "Basic " + base64.b64encode(b"ann:pw").decode()
    assert pet.name == "Tom"
    assert shapes.headers["cookie"] == "session=c00kie" and "authorization" not in shapes.headers


def _token_route(server: Server, tokens: list[str], expires_in: int = 3600) -> None:
    def issue(request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        assert form["grant_type"] == ["client_credentials"]
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
        tokens.append(f"tok{len(tokens) + 1}")
        return httpx.Response(200, json={"access_token": tokens[-1], "token_type": "Bearer", "expires_in": expires_in})

    server.route("POST", "/oauth/token", issue)


def test_oauth2_client_credentials_fetch_cache_refresh(pkg: ModuleType, server: Server) -> None:
    tokens: list[str] = []
    _token_route(server, tokens)
    server.route("POST", "/v1/files", lambda r: httpx.Response(200, json={"id": "f1", "size": 3}))
    now = [1000.0]
    creds = pkg.ClientCredentials("cid", "csecret", clock=lambda: now[0])
    with _sdk(pkg, server, oauth=creds) as sdk:
        sdk.files.upload_file(file=b"abc")
        sdk.files.upload_file(file=b"abc")
        assert tokens == ["tok1"]  # cached
        now[0] += 3600 - 30  # within the leeway before expiry: renewed
        sdk.files.upload_file(file=b"abc")
        assert tokens == ["tok1", "tok2"]
    uploads = [r for r in server.requests if r.url.path == "/v1/files"]
    assert [r.headers["authorization"] for r in uploads] == ["Bearer tok1", "Bearer tok1", "Bearer tok2"]
    assert "csecret" not in repr(creds)


def test_oauth2_token_dropped_after_401(pkg: ModuleType, server: Server) -> None:
    tokens: list[str] = []
    _token_route(server, tokens)
    answers = iter([httpx.Response(401, json={"error": "expired"}), httpx.Response(200, json={"id": "f"})])
    server.route("POST", "/v1/files", lambda r: next(answers))
    with _sdk(pkg, server, oauth=pkg.ClientCredentials("cid", "csecret")) as sdk:
        with pytest.raises(pkg.errors.AuthenticationError):
            sdk.files.upload_file(file=b"abc")
        sdk.files.upload_file(file=b"abc")
    assert tokens == ["tok1", "tok2"]


def test_oauth2_client_credentials_async(pkg: ModuleType, server: Server) -> None:
    import asyncio

    tokens: list[str] = []
    _token_route(server, tokens)
    server.route("POST", "/v1/files", lambda r: httpx.Response(200, json={"id": "f1"}))

    async def main() -> None:
        async with _sdk(pkg, server, oauth=pkg.ClientCredentials("cid", "csecret")) as sdk:
            await sdk.files.upload_file_async(file=b"abc")
            await sdk.files.upload_file_async(file=b"abc")

    asyncio.run(main())
    assert tokens == ["tok1"]


def test_token_endpoint_refusal_is_an_error(pkg: ModuleType, server: Server) -> None:
    server.route("POST", "/oauth/token", lambda r: httpx.Response(401, json={"error": "invalid_client"}))
    with _sdk(pkg, server, oauth=pkg.ClientCredentials("cid", "csecret")) as sdk:
        with pytest.raises(pkg.errors.SDKError, match="invalid_client"):
            sdk.files.upload_file(file=b"abc")


# -- bodies, downloads, redirects -------------------------------------------------------------


class _Chunked(io.BytesIO):
    """A file that records how it is read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def test_multipart_upload_streams_the_file(pkg: ModuleType, server: Server) -> None:
    server.route("POST", "/v1/files", lambda r: httpx.Response(200, json={"id": "f1", "size": 5}))
    upload = _Chunked(b"hello" * 1000)
    with _sdk(pkg, server, oauth="tok") as sdk:
        info = sdk.files.upload_file(file=("hello.txt", upload, "text/plain"), description="greeting")
    assert info.id == "f1"
    request = server.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="hello.txt"' in request.content and b"greeting" in request.content
    assert -1 not in upload.sizes  # read in chunks, never whole


def test_raw_binary_upload_and_downloads(pkg: ModuleType, server: Server) -> None:
    server.route("PUT", "/v1/files/f1/content", lambda r: httpx.Response(204))
    payload = b"\x00\x01" * 100_000
    server.route("GET", "/v1/files/f1/content", lambda r: httpx.Response(
        200, content=payload, headers={"content-type": "application/octet-stream",
                                       "content-disposition": 'attachment; filename="f1.bin"'}))
    server.route("GET", "/v1/report.csv", lambda r: httpx.Response(200, text="a,b\n1,2\n", headers={"content-type": "text/csv"}))
    with _sdk(pkg, server, bearer="tok") as sdk:
        assert sdk.files.put_content(id="f1", content=iter([b"ab", b"cd"])) is None
        with sdk.files.get_content(id="f1") as download:
            assert download.filename == "f1.bin" and download.content_type == "application/octet-stream"
            assert b"".join(download.iter_bytes(4096)) == payload
        report = sdk.files.get_report()
        assert report.text() == "a,b\n1,2\n"
    put, get, csv = server.requests
    assert put.content == b"abcd" and put.headers["content-type"] == "application/octet-stream"
    assert get.headers["accept"] == "application/octet-stream"
    assert csv.headers["accept"] == "text/csv"


def test_async_download(pkg: ModuleType, server: Server) -> None:
    import asyncio

    server.route("GET", "/v1/files/f1/content", lambda r: httpx.Response(200, content=b"xyz"))

    async def main() -> bytes:
        async with _sdk(pkg, server, bearer="tok") as sdk:
            download = await sdk.files.get_content_async(id="f1")
            async with download:
                return b"".join([chunk async for chunk in download.iter_bytes()])

    assert asyncio.run(main()) == b"xyz"


def test_download_error_is_raised_not_streamed(pkg: ModuleType, server: Server) -> None:
    server.route("GET", "/v1/files/f1/content", lambda r: httpx.Response(404, json={"error": "gone"}))
    with _sdk(pkg, server, bearer="tok") as sdk, pytest.raises(pkg.errors.NotFoundError):
        sdk.files.get_content(id="f1")


def test_form_body_and_redirect_answer(pkg: ModuleType, server: Server) -> None:
    server.route("POST", "/v1/login", lambda r: httpx.Response(302, headers={"location": "https://app.example.com/#t=1"}))
    with _sdk(pkg, server) as sdk:
        assert sdk.auth.login(username="ann", scopes=["a", "b"]) is None
        raw = sdk.auth.with_raw_response.login(username="ann")
    assert raw.status_code == 302 and raw.headers["location"] == "https://app.example.com/#t=1"
    request = server.requests[0]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {"username": ["ann"], "scopes": ["a", "b"]}


def test_vendor_json_media_type_is_accepted(pkg: ModuleType, server: Server) -> None:
    server.route("GET", "/v1/ids", lambda r: httpx.Response(200, json={"data": ["1"]},
                                                             headers={"content-type": "application/vnd.api+json"}))
    with _sdk(pkg, server, bearer="tok") as sdk:
        assert sdk.ids.list_ids().data == ["1"]
    assert server.requests[0].headers["accept"] == "application/vnd.api+json"


# -- types ------------------------------------------------------------------------------------


def test_generated_package_and_usage_are_pyright_clean(generated: tuple[Path, Any], tmp_path: Path) -> None:
    out, _ = generated
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent(f"""
        from {PACKAGE} import SDK, ClientCredentials, Download, AsyncDownload, models

        def use(sdk: SDK) -> None:
            thing: models.Thing = sdk.things.get_thing(thing_id="t", from_="x", class_=1)
            sdk.things.update_thing(thing_id="t", note=None)
            data: Download = sdk.files.get_content(id="f")
            chunks: list[bytes] = list(data.iter_bytes())
            shape: models.Shape = sdk.shapes.make_shape(body=models.Circle(radius=1.0))
            print(thing, chunks, shape, sdk.auth.login(username="u"))

        async def use_async(sdk: SDK) -> None:
            data: AsyncDownload = await sdk.files.get_content_async(id="f")
            print(await data.read())

        SDK(oauth=ClientCredentials("id", "secret", scopes=["files:write"]), server_variables={{"region": "us"}})
    """))
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run([str(pyright), "--pythonpath", sys.executable, str(out / PACKAGE), str(usage)],
                         cwd=out, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
