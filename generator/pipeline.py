"""The whole pipeline as one function per command: load → validate → build → emit (→ write)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import emit as emit_stage
from .emit.fileset import FileSet
from .ir import build
from .ir.model import SdkIR
from .load import load
from .problems import Problem, SpecError
from .validate import validate

_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class Result:
    ir: SdkIR
    files: FileSet
    problems: list[Problem]


def check_problems(problems: list[Problem], *, allow_partial: bool) -> None:
    fatal = [p for p in problems if p.level == "error" and not (allow_partial and p.drops_operation)]
    if fatal:
        raise SpecError(problems)


def generate(spec: Path, *, package: str, dist_name: str | None = None, strict: bool = False,
             allow_partial: bool = False) -> Result:
    if not _PACKAGE.match(package):
        raise SpecError([Problem("error", "", f"package name {package!r} is not a valid lowercase Python package name")])
    doc = load(spec)
    problems = validate(doc, strict=strict)
    check_problems(problems, allow_partial=False)
    ir, build_problems = build(doc, package=package, dist_name=dist_name)
    problems += build_problems
    if strict:
        problems = [Problem("error", p.pointer, p.message, p.file, p.line, p.drops_operation) if p.level == "warning" else p for p in problems]
    check_problems(problems, allow_partial=allow_partial)
    files = emit_stage.emit(ir)
    return Result(ir, files, problems)


def validate_only(spec: Path, *, strict: bool = True) -> list[Problem]:
    doc = load(spec)
    problems = validate(doc, strict=strict)
    if not any(p.level == "error" for p in problems):
        _, build_problems = build(doc, package="sdk")
        problems += build_problems
    return problems
