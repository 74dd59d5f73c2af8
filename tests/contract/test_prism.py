"""Contract tests: every operation of a generated SDK, called against Prism mocking its spec.

Arguments come from the spec's examples (`examples.py`). Prism checks each request against the
spec and lists what is wrong in its `sl-violations` header: there must be none. The SDK must
parse every response: a call returns (or raises the typed error the spec declares), and no
response is let through unvalidated (the runtime logs a warning when a body does not match).
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.ir.model import GroupIR, OperationIR
from generator.loading.load import load
from generator.pipeline import generate
from generator.output.write import write

from ..helpers import CORPUS, ROOT
from .conftest import prism
from .examples import Examples



@dataclass(frozen=True)
class Case:
    name: str
    spec: Path
    strict: bool = False
    # Prism gets our bundle when it cannot read the files itself (refs to absent code samples)
    bundled: bool = False


CASES = [
    Case("mka1", ROOT / "spec" / "mka1.yaml", strict=True),
    Case("swagger_petstore_v3", CORPUS / "swagger-petstore-v3.yaml"),
    Case("redocly_museum", CORPUS / "redocly-museum.yaml"),
    Case("redocly_starter", CORPUS / "redocly-openapi-starter" / "openapi.yaml", bundled=True),
    Case("petstore_swagger2", CORPUS / "oai-petstore-separate-swagger2" / "spec" / "swagger.yaml"),
    Case("uspto", CORPUS / "oai-uspto.yaml"),
    Case("typesense", CORPUS / "typesense.yaml"),
    Case("tgi", CORPUS / "tgi.json"),
    Case("spotify", CORPUS / "spotify-web-api.yaml"),
    Case("supabase", CORPUS / "supabase-auth.yaml"),
    Case("freee", CORPUS / "freee-invoice.yaml"),
    Case("keycloak", CORPUS / "keycloak-admin.json", bundled=True),
    Case("petstore_expanded", CORPUS / "oai-petstore-expanded.yaml"),
    Case("link_example", CORPUS / "oai-link-example.yaml"),
    Case("callback_example", CORPUS / "oai-callback-example.yaml"),
    Case("petstore", CORPUS / "oai-petstore.yaml"),
]
# (the corpus's oai-webhook-example has no operation to call)

CREDENTIALS = {"http": "test-token", "basic": ("user", "secret-password"), "apiKey": "test-key",
               "oauth2": "test-token", "openIdConnect": "test-token"}


@dataclass
class Outcome:
    op: str
    error: str | None = None
    violations: list[Any] | None = None


class Recorder:
    """httpx event hook: Prism's violations of every response. Those about the request are
    the SDK's fault; those about the response mean the spec's own example breaks its schema."""

    def __init__(self) -> None:
        self.violations: list[tuple[str, Any]] = []
        self.bad_examples = 0

    def __call__(self, response: httpx.Response) -> None:
        header = response.headers.get("sl-violations")
        if header:
            try:
                found = [v for v in json.loads(header) if v.get("severity") == "Error"]
            except ValueError:  # "Too many violations! [...]", cut short
                where = "request" if '"location":["request"' in header else "response"
                found = [{"location": [where], "severity": "Error", "message": header[:300]}]
            request = [v for v in found if (v.get("location") or ["request"])[0] == "request"]
            if request:
                self.violations.append((f"{response.request.method} {response.request.url}", request))
            if len(request) < len(found):
                self.bad_examples += 1


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


def _sdk_module(case: Case, base: Path) -> tuple[Any, Any, list[OperationIR], dict[str, GroupIR]]:
    package = f"contract_{case.name}"
    result = generate(case.spec, package=package, strict=case.strict)
    out = base / case.name
    write(result.files, out)
    sys.path.insert(0, str(out))
    module = importlib.import_module(package)
    groups = {g.key: g for g in result.ir.groups}
    return module, result.ir, [op for g in result.ir.groups for op in g.operations], groups


def _arguments(op: OperationIR, spec_op: dict[str, Any], item: dict[str, Any], ex: Examples) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    declared: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in list(item.get("parameters") or []) + list(spec_op.get("parameters") or []):
        param = ex.resolve(raw)
        if isinstance(param, dict) and "name" in param:
            declared[(str(param["name"]), str(param.get("in")))] = param
    for p in op.params:
        wire, location = p.wire, p.location.value
        param = declared.get((wire, location), {})
        schema = ex.resolve(param.get("schema") or {})
        has_example = "example" in param or "examples" in param or "example" in schema
        # an object parameter with required members counts as sent (Prism reads it so)
        structured = schema.get("type") == "object" and bool(schema.get("required"))
        if param.get("required") or location == "path" or has_example or structured:
            kwargs[p.py_name] = ex.for_parameter(param)
    if op.body is not None:
        body = ex.resolve(spec_op.get("requestBody") or {})
        media_type = op.body.media_type
        media = (body.get("content") or {}).get(media_type) or {}
        value = ex.for_media(media)
        if op.body.single_arg is not None:
            if op.body.kind.value == "binary" and not isinstance(value, bytes):
                value = b"example bytes"
            kwargs[op.body.single_arg] = value
        elif isinstance(value, dict):
            for wire, py in op.body.fields:
                if wire in value:
                    kwargs[py] = value[wire]
    return kwargs


def _consume(result: Any) -> None:
    """Read what a call returned: event streams to their end, downloads whole."""
    from importlib import import_module

    name = type(result).__name__
    if name in ("EventStream",):
        with result as events:
            for _ in events:
                pass
    elif name == "Download":
        with result:
            result.read()
    del import_module


def test_every_operation_against_prism(case: Case, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    module, ir, operations, groups = _sdk_module(case, tmp_path)
    doc = load(case.spec)
    ex = Examples(doc.data)
    recorder = Recorder()
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    credentials = {}
    for s in ir.security:
        kind = s.type
        scheme = s.scheme
        credentials[s.arg] = CREDENTIALS["basic"] if kind == "http" and scheme == "basic" else CREDENTIALS.get(kind, "token")
    mock_spec = case.spec
    if case.bundled:
        mock_spec = tmp_path / "bundled.json"
        mock_spec.write_text(json.dumps(doc.source_data))
    with prism(mock_spec) as url, httpx.Client(event_hooks={"response": [recorder]}, timeout=30) as client:
        sdk = module.SDK(server_url=url + _base_path(doc.data, case), client=client, **credentials)
        errors = importlib.import_module(f"{module.__name__}.errors")
        caplog.set_level(logging.WARNING, logger=module.__name__)
        for group in ir.groups:
            if not group.operations:
                continue
            res_module = importlib.import_module(f"{module.__name__}.resources.{group.module}")
            resource = getattr(res_module, group.class_name)(sdk._core)
            for op in group.operations:
                path, method = op.path, op.http_method.lower()
                item = ex.resolve(doc.data["paths"][path])
                spec_op = item[method]
                before, bad_examples, logged = len(recorder.violations), recorder.bad_examples, len(caplog.records)
                outcome = Outcome(f"{method.upper()} {path} ({group.key}.{op.name})")
                try:
                    kwargs = _arguments(op, spec_op, item, ex)
                    _consume(getattr(resource, op.name)(**kwargs))
                except errors.ResponseValidationError as exc:
                    if recorder.bad_examples == bad_examples:  # a body valid by the spec, refused
                        outcome.error = f"{type(exc).__name__}: {exc}"
                    # else Prism says its answer breaks the spec (an example of the wrong JSON
                    # type, such as typesense's JSON text in a string): refusing it is right
                except errors.SDKError as exc:
                    if _prism_cannot_mock(exc, spec_op) and len(recorder.violations) == before:
                        skipped.append(outcome.op)  # the request was fine; Prism has no mock for it
                    elif exc.status_code is None or _declares_success(spec_op):
                        outcome.error = f"{type(exc).__name__}: {exc}"
                except Exception as exc:  # noqa: BLE001 - collected and reported below
                    outcome.error = f"{type(exc).__name__}: {exc}"
                if len(recorder.violations) > before:
                    outcome.violations = recorder.violations[before:]
                unparsed = [r.getMessage() for r in caplog.records[logged:] if "does not match model" in r.getMessage()]
                if unparsed and recorder.bad_examples == bad_examples:
                    # a body valid by the spec that the SDK could not parse
                    outcome.error = "; ".join(unparsed)
                outcomes.append(outcome)
    bad = [o for o in outcomes if o.error or o.violations]
    assert len(outcomes) == ir.operation_count
    assert bad == [], "\n".join(f"{o.op}: {o.error or ''} {o.violations or ''}" for o in bad)
    assert len(skipped) <= MAX_UNMOCKED.get(case.name, 0), skipped


# Operations Prism cannot answer although the request is valid (it found no violation): it
# cannot serialise an event stream of objects, nor build keycloak's huge recursive realm.
MAX_UNMOCKED = {"tgi": 3, "keycloak": 3}
_PRISM_LIMITS = ("Cannot serialise complex objects as text", "The schema is too complex to generate")


def _prism_cannot_mock(exc: Any, spec_op: dict[str, Any]) -> bool:
    return exc.status_code == 500 and any(text in str(exc) for text in _PRISM_LIMITS)


def _declares_success(spec_op: dict[str, Any]) -> bool:
    return any(str(status).startswith("2") for status in (spec_op.get("responses") or {}))


def _base_path(data: dict[str, Any], case: Case) -> str:
    """Prism serves the paths as written, under no base path."""
    return ""


@pytest.fixture(autouse=True)
def _restore_sys_path() -> Iterator[None]:
    saved = list(sys.path)
    yield
    sys.path[:] = saved


def test_prism_reports_request_violations() -> None:
    """The check above is only as good as Prism's eye: a bad request must be seen."""
    recorder = Recorder()
    with prism(CORPUS / "oai-petstore.yaml") as url, httpx.Client(event_hooks={"response": [recorder]}) as client:
        client.get(url + "/pets", params={"limit": "many"})
        client.get(url + "/pets", params={"limit": "5"})
    assert len(recorder.violations) == 1
    assert recorder.violations[0][1][0]["location"] == ["request", "query", "limit"]
