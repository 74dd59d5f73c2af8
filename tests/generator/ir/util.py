"""Helpers of the IR builder tests: small spec fragments made into a Document and an IR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.ir.build import build
from generator.ir.model import OperationIR, SdkIR
from generator.loading.load import load
from generator.loading.source import Document
from generator.problems import Problem


def spec(paths: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An OpenAPI 3.1 document with these paths and other top-level parts."""
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1.0.0"}, "paths": paths or {}, **extra}


def document(data: dict[str, Any], tmp_path: Path) -> Document:
    path = tmp_path / "spec" / "api.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return load(path)


def built(data: dict[str, Any], tmp_path: Path) -> tuple[SdkIR, list[Problem]]:
    return build(document(data, tmp_path), package="t_sdk")


def operation(ir: SdkIR, name: str) -> OperationIR:
    return next(op for g in ir.groups for op in g.operations if op.name == name)
