"""Loading real specs: multi-file bundling, Swagger 2.0 conversion, problems that point into the
right file, and the coverage report of the command line."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from generator.ir import build
from generator.loading.load import load
from generator.pipeline import generate
from generator.problems import SpecError
from generator.loading.validate import validate

from ...helpers import ROOT
from ...anyspec.util import model_source


def _write(base: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip())


MULTI = {
    "api/openapi.yaml": """
        openapi: 3.1.0
        info: {title: Multi, version: "1"}
        servers: [{url: https://api.example.com}]
        paths:
          /nodes:
            $ref: paths/nodes.yaml
        components:
          schemas:
            Shape:
              $ref: schemas/shape.yaml
    """,
    "api/paths/nodes.yaml": """
        get:
          operationId: listNodes
          parameters:
            - $ref: ../parameters.yaml#/limit
          responses:
            200:
              description: the nodes
              content:
                application/json:
                  schema:
                    type: array
                    items: {$ref: ../schemas/Node.yaml}
            default:
              $ref: ../responses.yaml#/Problem
          x-codeSamples:
            - lang: shell
              source: {$ref: ../samples/list.sh}
            - lang: go
              source: {$ref: ../samples/missing.go}
        post:
          operationId: addShape
          requestBody:
            content:
              application/json:
                schema: {$ref: ../schemas/shape.yaml}
          responses:
            '201':
              description: created
              content:
                application/json:
                  schema: {$ref: '../openapi.yaml#/components/schemas/Shape'}
    """,
    "api/parameters.yaml": """
        limit:
          name: limit
          in: query
          schema: {type: integer, maximum: 100}
    """,
    "api/responses.yaml": """
        Problem:
          description: a problem
          content:
            application/json:
              schema: {$ref: '../common/Error.yaml'}
    """,
    "api/schemas/Node.yaml": """
        type: object
        required: [name]
        properties:
          name: {type: string}
          created: {type: string, format: date-time, example: 2024-01-01}
          children:
            type: array
            items: {$ref: Node.yaml}
          error: {$ref: Error.yaml}
          tags: {$ref: '#/definitions/Tags'}
        definitions:
          Tags:
            type: array
            items: {type: string}
    """,
    "api/schemas/Error.yaml": """
        type: object
        properties:
          where: {type: string}
    """,
    "api/schemas/shape.yaml": """
        oneOf:
          - $ref: circle.yaml
          - $ref: square.yaml
        discriminator:
          propertyName: kind
          mapping:
            circle: circle.yaml
            square: square.yaml
    """,
    "api/schemas/circle.yaml": """
        type: object
        required: [kind]
        properties:
          kind: {const: circle}
          radius: {type: number}
    """,
    "api/schemas/square.yaml": """
        type: object
        required: [kind]
        properties:
          kind: {const: square}
          side: {type: number, default: wide}
    """,
    "api/samples/list.sh": "curl https://api.example.com/nodes\n",
    "common/Error.yaml": """
        type: object
        properties:
          code: {type: integer}
          message: {type: string}
    """,
}


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    _write(tmp_path, MULTI)
    return tmp_path / "api" / "openapi.yaml"


def test_multi_file_spec_is_bundled(multi: Path) -> None:
    doc = load(multi)
    schemas = doc.data["components"]["schemas"]
    # schemas are filed under their file names; a root schema that is only a ref keeps its name;
    # two files called Error.yaml get the folder's name in front for the second
    assert sorted(schemas) == ["CommonError", "Error", "Node", "Shape", "Tags", "circle", "square"]
    node = schemas["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}  # still recursive
    assert node["properties"]["tags"] == {"$ref": "#/components/schemas/Tags"}
    assert node["properties"]["created"]["example"] == "2024-01-01"  # dates stay text
    assert schemas["Shape"]["discriminator"]["mapping"] == {"circle": "#/components/schemas/circle",
                                                             "square": "#/components/schemas/square"}
    get = doc.data["paths"]["/nodes"]["get"]
    assert get["parameters"][0]["name"] == "limit"  # inlined
    assert "200" in get["responses"]  # YAML's integer key read as written
    assert get["responses"]["default"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CommonError"}
    assert get["x-codeSamples"][0]["source"] == "curl https://api.example.com/nodes\n"  # a code file is text
    post = doc.data["paths"]["/nodes"]["post"]
    assert post["responses"]["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Shape"}
    ir, problems = build(doc, package="multi")
    assert ir.operation_count == 2


def test_problems_point_into_the_file_they_are_about(multi: Path) -> None:
    doc = load(multi)
    problems = validate(doc, strict=False) + build(doc, package="multi")[1]
    missing = [p for p in problems if "missing.go" in p.message]
    assert len(missing) == 1
    assert missing[0].level == "warning" and missing[0].file.endswith(os.path.join("paths", "nodes.yaml"))
    assert missing[0].pointer == "/get/x-codeSamples/1/source/$ref" and missing[0].line == 19
    default = [p for p in problems if "default 'wide'" in p.message]
    assert len(default) == 1 and default[0].file.endswith(os.path.join("schemas", "square.yaml"))
    assert default[0].pointer == "/properties/side/default" and default[0].line == 5
    # the line of any bundled node is found in its own file
    file, pointer, line = doc.locate("/components/schemas/CommonError/properties/message")
    assert file.endswith(os.path.join("common", "Error.yaml")) and pointer == "/properties/message" and line == 4


def test_generated_sdk_from_a_multi_file_spec(multi: Path) -> None:
    result = generate(multi, package="multi")
    assert result.coverage is not None and result.coverage.operations_generated == 2
    models = model_source(result.files, "multi")
    assert "class Node(BaseModel):" in models and "children: list[Node] | None = None" in models


def test_refs_may_not_leave_the_ref_root(tmp_path: Path) -> None:
    _write(tmp_path, {
        "outside/Secret.yaml": "type: string\n",
        "repo/specs/v1/api.yaml": """
            openapi: 3.0.3
            info: {title: T, version: "1"}
            paths:
              /s:
                get:
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: ../../../outside/Secret.yaml}
        """,
    })
    spec = tmp_path / "repo" / "specs" / "v1" / "api.yaml"
    with pytest.raises(SpecError) as info:
        generate(spec, package="t")
    errors = [p for p in info.value.problems if p.level == "error"]
    assert len(errors) == 1 and "leaves the ref root" in errors[0].message and "--ref-root" in errors[0].message
    assert errors[0].line == 11
    result = generate(spec, package="t", ref_root=tmp_path)  # widened on purpose: allowed
    assert "Secret" in result.ir.models_doc["components"]["schemas"]


def test_symlinks_do_not_escape_the_ref_root(tmp_path: Path) -> None:
    _write(tmp_path, {"outside/Secret.yaml": "type: string\n", "spec/api.yaml": """
        openapi: 3.0.3
        info: {title: T, version: "1"}
        paths: {}
        components:
          schemas:
            S: {$ref: link/Secret.yaml}
    """})
    (tmp_path / "spec" / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(SpecError, match="error"):
        generate(tmp_path / "spec" / "api.yaml", package="t", ref_root=tmp_path / "spec")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = lambda *a, **kw: _Quiet(*a, directory=str(root), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_remote_refs_need_a_flag(tmp_path: Path, http_root: tuple[str, Path]) -> None:
    url, www = http_root
    _write(www, {"schemas/Pet.yaml": "type: object\nproperties:\n  owner: {$ref: Owner.yaml}\n",
                 "schemas/Owner.yaml": "type: object\nproperties:\n  name: {type: string}\n"})
    _write(tmp_path, {"api.yaml": f"""
        openapi: 3.0.3
        info: {{title: T, version: "1"}}
        paths: {{}}
        components:
          schemas:
            Pet: {{$ref: '{url}/schemas/Pet.yaml'}}
    """})
    with pytest.raises(SpecError) as info:
        generate(tmp_path / "api.yaml", package="t")
    assert any("--allow-remote-refs" in p.message for p in info.value.problems)
    result = generate(tmp_path / "api.yaml", package="t", allow_remote_refs=True)
    assert sorted(result.ir.models_doc["components"]["schemas"]) == ["Owner", "Pet"]


def test_dangling_refs_are_warnings_with_pointers(tmp_path: Path) -> None:
    _write(tmp_path, {"api.yaml": """
        openapi: 3.0.3
        info: {title: T, version: "1"}
        paths:
          /a:
            get:
              parameters:
                - $ref: '#/components/parameters/Gone'
                - {name: q, in: query, schema: {type: string}}
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Missing'}
    """})
    result = generate(tmp_path / "api.yaml", package="t")
    warnings = [(p.pointer, p.line, p.kind) for p in result.problems if p.level == "warning" and "points to nothing" in p.message]
    assert warnings == [("/paths/~1a/get/parameters/0/$ref", 7, ""),
                        ("/paths/~1a/get/responses/200/content/application~1json/schema/$ref", 14, "degraded")]
    assert result.coverage is not None and len(result.coverage.degraded) == 1
    assert result.ir.operation_count == 1


SWAGGER = """
    swagger: "2.0"
    info: {title: Old, version: "2.1"}
    host: old.example.com
    basePath: /v2
    schemes: [http, https]
    consumes: [application/json]
    produces: [application/json]
    securityDefinitions:
      basic: {type: basic}
      key: {type: apiKey, in: header, name: X-Key}
      oauth: {type: oauth2, flow: application, tokenUrl: https://old.example.com/token, scopes: {read: read}}
    security: [{key: []}]
    parameters:
      pageSize: {name: page_size, in: query, type: integer, maximum: 50}
    responses:
      NotFound:
        description: not found
        schema: {$ref: '#/definitions/Error'}
    paths:
      /pets:
        parameters:
          - {$ref: '#/parameters/pageSize'}
        get:
          operationId: listPets
          parameters:
            - {name: tags, in: query, type: array, items: {type: string}}
            - {name: ids, in: query, type: array, items: {type: integer}, collectionFormat: multi}
            - {name: sep, in: query, type: array, items: {type: string}, collectionFormat: tsv}
            - {name: X-Trace, in: header, type: string}
          responses:
            200:
              description: pets
              schema: {type: array, items: {$ref: '#/definitions/Pet'}}
              examples:
                application/json: [{name: Rex, kind: dog}]
              headers:
                X-Total: {type: integer}
            404: {$ref: '#/responses/NotFound'}
        post:
          operationId: addPet
          security: [{oauth: [read]}]
          parameters:
            - {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
          responses:
            201: {description: created, schema: {$ref: '#/definitions/Pet'}}
      /pets/{id}/photo:
        post:
          operationId: uploadPhoto
          consumes: [multipart/form-data]
          parameters:
            - {name: id, in: path, required: true, type: string}
            - {name: file, in: formData, required: true, type: file}
            - {name: caption, in: formData, type: string}
          responses:
            204: {description: stored}
      /login:
        post:
          operationId: login
          consumes: [application/x-www-form-urlencoded]
          security: []
          parameters:
            - {name: user, in: formData, required: true, type: string}
          responses:
            200: {description: ok, schema: {type: string}}
    definitions:
      Pet:
        type: object
        required: [name, kind]
        discriminator: kind
        properties:
          name: {type: string}
          kind: {type: string}
          nickname: {type: string, x-nullable: true}
      Error:
        type: object
        properties:
          message: {type: string}
"""


def test_swagger2_is_converted(tmp_path: Path) -> None:
    _write(tmp_path, {"old.yaml": SWAGGER})
    doc = load(tmp_path / "old.yaml")
    data = doc.data
    assert data["openapi"] == "3.0.3"
    assert [s["url"] for s in data["servers"]] == ["https://old.example.com/v2", "http://old.example.com/v2"]
    assert list(OpenAPIV30SpecValidator(data).iter_errors()) == []  # a valid 3.0 document
    schemes = data["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["oauth"]["flows"] == {"clientCredentials": {"tokenUrl": "https://old.example.com/token", "scopes": {"read": "read"}}}
    get = data["paths"]["/pets"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    assert params["page_size"]["schema"] == {"type": "integer", "maximum": 50}  # path-level, from #/parameters
    assert (params["tags"]["style"], params["tags"]["explode"]) == ("form", False)  # csv
    assert (params["ids"]["style"], params["ids"]["explode"]) == ("form", True)  # multi
    ok = get["responses"]["200"]
    assert ok["content"]["application/json"]["example"] == [{"name": "Rex", "kind": "dog"}]
    assert ok["headers"]["X-Total"]["schema"] == {"type": "integer"}
    assert get["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    body = data["paths"]["/pets"]["post"]["requestBody"]
    assert body["required"] is True and body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Pet"}
    photo = data["paths"]["/pets/{id}/photo"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert photo["properties"]["file"] == {"type": "string", "format": "binary"} and photo["required"] == ["file"]
    assert "application/x-www-form-urlencoded" in data["paths"]["/login"]["post"]["requestBody"]["content"]
    pet = data["components"]["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"} and pet["properties"]["nickname"]["nullable"] is True
    # problems point at what the user wrote
    tsv = [p for p in doc.load_problems if "tsv" in p.message]
    assert tsv[0].pointer == "/paths/~1pets/get/parameters/2/collectionFormat" and tsv[0].line == 28
    assert doc.problem("warning", "/paths/~1pets/post/requestBody/content/application~1json/schema", "x").pointer \
        == "/paths/~1pets/post/parameters/0/schema"
    assert doc.problem("warning", "/components/schemas/Pet/properties/name", "x").pointer == "/definitions/Pet/properties/name"


def test_swagger2_generates(tmp_path: Path) -> None:
    _write(tmp_path, {"old.yaml": SWAGGER})
    result = generate(tmp_path / "old.yaml", package="old")
    assert result.ir.operation_count == 4
    kinds = {op.name: op.body.kind.value if op.body else None for g in result.ir.groups for op in g.operations}
    assert kinds == {"list_pets": None, "add_pet": "json", "upload_photo": "multipart", "login": "form"}
    sdk = result.files["old/sdk.py"].decode()
    assert "str | ClientCredentials | None" in sdk and 'token_url="https://old.example.com/token"' in sdk


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_report_and_allow_partial(tmp_path: Path) -> None:
    _write(tmp_path, {"api.yaml": """
        openapi: 3.0.3
        info: {title: T, version: "1"}
        paths:
          /good:
            get:
              responses: {'204': {description: ok}}
          /bad:
            get:
              parameters:
                - {name: x, in: somewhere}
              responses: {'204': {description: ok}}
    """})
    report = tmp_path / "report.json"
    failed = _cli("generate", "api.yaml", "-o", "out", "--package-name", "t", "--report", str(report), cwd=tmp_path)
    assert failed.returncode == 1
    data = json.loads(report.read_text())
    assert data["operations"]["total"] == 2 and data["operations"]["generated"] == 1
    assert data["operations"]["skipped"][0]["pointer"] == "/paths/~1bad/get"
    assert "sdkgen: coverage: 1/2 operations (50%)" in failed.stderr
    assert not (tmp_path / "out").exists()
    partial = _cli("generate", "api.yaml", "-o", "out", "--package-name", "t", "--report", str(report),
                   "--allow-partial", cwd=tmp_path)
    assert partial.returncode == 0, partial.stderr
    assert (tmp_path / "out" / "t" / "sdk.py").is_file()
    assert json.loads(report.read_text())["operations"]["skipped"][0]["drops_operation"] is True
