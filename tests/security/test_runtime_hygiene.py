"""The runtime core copied into every SDK: no dynamic code, no unpickling, TLS verification on."""

from __future__ import annotations

import ast
from pathlib import Path

from ..helpers import ROOT

RUNTIME = ROOT / "templates" / "runtime"
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "subprocess", "os.system"}


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text())) for p in sorted(RUNTIME.glob("*.py"))]


def test_no_dynamic_code_or_unpickling_in_the_runtime() -> None:
    assert len(_trees()) >= 8
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {node.func.id}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {alias.name}"
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {node.module}"


def test_tls_verification_is_never_turned_off_by_the_runtime() -> None:
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "verify":
                assert not (isinstance(node.value, ast.Constant) and node.value.value is False), f"{path.name}:{node.value.lineno}"
