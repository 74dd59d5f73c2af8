"""Every document of the shared corpus: generated with 100% of its operations, installable and
importable in a fresh venv, pyright-clean, and free of model names nobody chose."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
import venv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.ir import build
from generator.loading.load import load
from generator.pipeline import generate
from generator.problems import SpecError

from .conftest import DOCS, Generated
from .manifest import CorpusDoc

IDS = [d.name for d in DOCS]


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_generates_every_operation(doc: CorpusDoc, corpus_out: dict[str, Generated]) -> None:
    result = corpus_out[doc.name]
    assert result.returncode == 0, result.stderr[-4000:]
    report = result.report
    assert report is not None and report["format"] == "sdkgen-coverage/1"
    ops = report["operations"]
    assert ops["total"] == doc.operations  # the MANIFEST's own count
    assert ops["generated"] == ops["total"] and ops["skipped"] == []
    assert report["problems"]["errors"] == 0
    assert "sdkgen: coverage: " in result.stderr  # the summary line
    # every reported problem points somewhere
    for item in report["problems"]["items"]:
        assert item["file"] and item["pointer"].startswith("/"), item


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_models_carry_only_names_sdkgen_chose(doc: CorpusDoc, corpus_out: dict[str, Generated]) -> None:
    """datamodel-code-generator must not invent (numbered) names: every model class or alias
    in models.py is one the IR named, so inline schemas got names from their context."""
    result = corpus_out[doc.name]
    assert result.returncode == 0
    ir, _ = build(load(doc.root), package=doc.package)
    ours = set(ir.models_doc["components"]["schemas"])
    single = result.out / doc.package / "models.py"
    modules = [single] if single.is_file() else sorted(
        p for p in (result.out / doc.package / "models").glob("_*.py") if p.name != "__init__.py")
    defined = set()
    for module in modules:
        for node in ast.parse(module.read_text("utf-8")).body:
            if isinstance(node, ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
    assert sorted(defined - ours) == []
    assert sorted(ours - defined) == []


@pytest.fixture(scope="session")
def corpus_venv(corpus_out: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fresh venv with httpx and pydantic, and every generated SDK pip-installed into it."""
    env_dir = tmp_path_factory.mktemp("corpus-venv") / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    deps = subprocess.run([*pip, "httpx>=0.27,<1", "pydantic>=2.7,<3", "setuptools>=68"],
                          capture_output=True, text=True, timeout=900)
    assert deps.returncode == 0, deps.stderr
    outs = [str(r.out) for r in corpus_out.values() if r.returncode == 0]
    install = subprocess.run([*pip, "--no-deps", "--no-build-isolation", *outs], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr
    return python


def test_every_sdk_installs_and_imports_in_a_fresh_venv(corpus_venv: Path, corpus_out: dict[str, Generated]) -> None:
    packages = [d.package for d in DOCS]
    probe = textwrap.dedent("""
        import importlib, json, pkgutil, sys
        import pydantic
        from typing_extensions import TypeAliasType
        out = {}
        for name in sys.argv[1:]:
            pkg = importlib.import_module(name)
            assert "site-packages" in pkg.__file__, pkg.__file__
            modules = [name + ".models", name + ".errors", name + ".sdk"]
            modules += [name + ".resources." + m.name for m in pkgutil.iter_modules(importlib.import_module(name + ".resources").__path__)]
            for module in modules:
                importlib.import_module(module)
            # every model builds its validator (pydantic's warnings are errors here)
            models = importlib.import_module(name + ".models")
            count = 0
            for model in getattr(models, "__all__", None) or dir(models):
                obj = getattr(models, model)
                if isinstance(obj, TypeAliasType) or (isinstance(obj, type) and issubclass(obj, pydantic.BaseModel)):
                    pydantic.TypeAdapter(obj)
                    count += 1
            sdk = pkg.SDK(server_url="http://127.0.0.1:9")
            sdk.close()
            out[name] = count
        print(json.dumps(out))
    """)
    run = subprocess.run([str(corpus_venv), "-W", "error", "-c", probe, *packages], capture_output=True, text=True,
                         timeout=600, cwd=corpus_venv.parent)
    assert run.returncode == 0, run.stderr[-4000:]
    imported = json.loads(run.stdout)
    assert sorted(imported) == sorted(packages)
    for doc in DOCS:  # every model was reached
        report = corpus_out[doc.name].report
        assert report is not None and imported[doc.package] >= report["schemas"]["total"], doc.name


@pytest.fixture(scope="session")
def pyright_errors(corpus_out: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One pyright run (standard mode) over every generated package; errors per document."""
    base = next(iter(corpus_out.values())).out.parent
    config = {
        "include": [f"{r.out.name}/{r.doc.package}" for r in corpus_out.values() if r.returncode == 0],
        "extraPaths": [r.out.name for r in corpus_out.values()],
        "typeCheckingMode": "standard",
        "pythonVersion": "3.10",
    }
    (base / "pyrightconfig.json").write_text(json.dumps(config))
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run([str(pyright), "--pythonpath", sys.executable, "--outputjson"], cwd=base,
                         capture_output=True, text=True, timeout=1200)
    try:
        data: dict[str, Any] = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"pyright did not answer JSON: {run.stdout[-2000:]} {run.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for diag in data.get("generalDiagnostics", []):
        if diag.get("severity") == "error":
            rel = Path(diag["file"]).relative_to(base)
            errors.setdefault(rel.parts[0], []).append(f"{rel}:{diag['range']['start']['line'] + 1}: {diag['message']}")
    assert data["summary"]["filesAnalyzed"] > len(config["include"]) * 5
    return errors


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_pyright_reports_no_errors(doc: CorpusDoc, corpus_out: dict[str, Generated], pyright_errors: dict[str, list[str]]) -> None:
    assert corpus_out[doc.name].returncode == 0
    assert pyright_errors.get(doc.name, []) == []


@pytest.mark.parametrize("doc", [d for d in DOCS if not d.valid], ids=[d.name for d in DOCS if not d.valid])
def test_invalid_documents_fail_only_when_strict(doc: CorpusDoc, corpus_out: dict[str, Generated]) -> None:
    """Documents the validator rejects generate with warnings by default, and --strict refuses them."""
    result = corpus_out[doc.name]
    assert result.returncode == 0 and result.report is not None
    assert result.report["problems"]["warnings"] > 0
    with pytest.raises(SpecError) as info:
        generate(doc.root, package=doc.package, strict=True)
    assert any(p.level == "error" for p in info.value.problems)


def test_warnings_point_into_the_files_they_are_about(corpus_out: dict[str, Generated]) -> None:
    """Problems in files reached through external refs name that file and a pointer inside it."""
    report = corpus_out["redocly-openapi-starter"].report
    assert report is not None
    files = Counter(Path(item["file"]).name for item in report["problems"]["items"] if item["level"] == "warning")
    assert files == {"menu.yaml": 2}  # the two code samples it refers to are absent
    for item in report["problems"]["items"]:
        if item["level"] == "warning":
            assert item["pointer"].startswith("/get/x-codeSamples/") and item["line"] in (30, 34)
