"""Spec text never becomes code: generate from a hostile spec, import it, call it; no marker appears."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from ..helpers import ROOT
from .hostile import hostile_spec


def test_hostile_spec_generates_inert_code(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    spec = tmp_path / "hostile.json"
    spec.write_text(json.dumps(hostile_spec(str(markers))))
    out = tmp_path / "out"
    gen = subprocess.run([sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "--package-name", "evil"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert gen.returncode == 0, gen.stderr
    assert "Traceback" not in gen.stderr
    assert list(markers.iterdir()) == []
    # Import everything and make calls: the code must run nothing but our own.
    probe = f"""
import importlib, pkgutil, httpx, evil
for m in pkgutil.walk_packages(evil.__path__, "evil."):
    importlib.import_module(m.name)
from evil import SDK, models
calls = []
def handler(request):
    calls.append(request)
    return httpx.Response(200, json={{}})
sdk = SDK(server_url="http://127.0.0.1:9", client=httpx.Client(transport=httpx.MockTransport(handler)))
resources = [getattr(sdk, a) for a in dir(sdk) if not a.startswith("_") and a not in ("close", "aclose", "with_options", "hooks")]
methods = []
def walk(obj, depth=0):
    for name in dir(obj):
        if name.startswith("_") or name == "with_raw_response" or depth > 3:  # raw views: the same methods
            continue
        value = getattr(obj, name)
        if callable(value) and not name.endswith("_async") and not isinstance(value, type):
            methods.append(value)
        elif hasattr(value, "_core"):
            walk(value, depth + 1)
for r in resources:
    walk(r)
for method in methods:
    try:
        method()
    except TypeError:
        import inspect
        kwargs = {{n: "x" for n, p in inspect.signature(method).parameters.items() if p.default is inspect.Parameter.empty}}
        try:
            method(**kwargs)
        except Exception as exc:
            print("call failed:", type(exc).__name__)
    except Exception as exc:
        print("call failed:", type(exc).__name__)
print("methods", len(methods), "calls", len(calls))
"""
    run = subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "calls 0" not in run.stdout, run.stdout
    assert "methods 2 calls 2" in run.stdout, run.stdout  # the get and the post (async twins not called)
    assert list(markers.iterdir()) == []
    # and no payload became code anywhere: in the syntax tree, spec text only appears as constants
    for path in out.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert "__import__" not in names, path
        attrs = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert "touch" not in attrs, path


def test_line_separators_in_spec_text_keep_the_models_valid(tmp_path: Path) -> None:
    """`\\u2028`, `\\x85`, form feeds and friends end a line for `str.splitlines` but not for the
    parser; descriptions holding them once made the model splitter cut a class in half."""
    odd = "one\u2028two\x85three\u2029four\x0cfive\x1csix"
    spec = {
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "getA", "description": odd, "responses": {"200": {
            "description": odd, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {
            "A": {"type": "object", "description": odd, "properties": {
                "note": {"type": "string", "description": odd},
                "pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]}}},
            "Cat": {"type": "object", "description": odd, "required": ["type"],
                    "properties": {"type": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "description": odd, "required": ["type"],
                    "properties": {"type": {"type": "string", "enum": ["dog"]}}},
        }},
    }
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    gen = subprocess.run([sys.executable, "-m", "generator", "generate", str(path), "-o", str(out), "--package-name", "odd"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert gen.returncode == 0, gen.stderr
    for module in out.rglob("*.py"):
        ast.parse(module.read_text("utf-8"), str(module))  # every file parses
    probe = """
from odd import models
a = models.A.model_validate({"note": "n", "pet": {"type": "cat", "lives": 9}})
print(type(a.pet).__name__, a.pet.lives)
"""
    run = subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["Cat", "9"]
