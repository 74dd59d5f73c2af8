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
