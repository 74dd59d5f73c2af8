"""The whole pipeline as one function per command: load → validate → build → emit (→ write)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import emit as emit_stage
from .diff import Change
from .emit.fileset import FileSet
from .history import CHANGELOG, Previous, apply
from .ir import build
from .ir.model import SdkIR
from .load import load
from .problems import Problem, SpecError
from .report import Coverage, coverage
from .surface import SURFACE_FILE
from .validate import validate

_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_DIST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass
class Result:
    ir: SdkIR
    files: FileSet
    problems: list[Problem]
    changes: list[Change] = dataclasses.field(default_factory=list)
    old_version: str | None = None
    coverage: Coverage | None = None


def check_problems(problems: list[Problem], *, allow_partial: bool) -> None:
    fatal = [p for p in problems if p.level == "error" and not (allow_partial and p.drops_operation)]
    if fatal:
        raise SpecError(problems)


def generate(spec: Path, *, package: str, dist_name: str | None = None, strict: bool = False,
             allow_partial: bool = False, previous: Previous | None = None, versioning: str = "semver",
             allow_remote_refs: bool = False, ref_root: Path | None = None) -> Result:
    if not _PACKAGE.match(package):
        raise SpecError([Problem("error", "", f"package name {package!r} is not a valid lowercase Python package name")])
    if dist_name is not None and not _DIST.match(dist_name):
        raise SpecError([Problem("error", "", f"project name {dist_name!r} is not a valid distribution name")])
    doc = load(spec, allow_remote_refs=allow_remote_refs, ref_root=ref_root)
    problems = validate(doc, strict=strict)
    _check(problems, False, lambda: coverage(doc, problems, generated=None, schemas_total=0))
    ir, build_problems = build(doc, package=package, dist_name=dist_name)
    problems += build_problems
    if strict:
        problems = [dataclasses.replace(p, level="error") if p.level == "warning" else p for p in problems]
    report = coverage(doc, problems, generated=ir.operation_count, schemas_total=len(ir.models_doc["components"]["schemas"]))
    _check(problems, allow_partial, lambda: report)
    history = apply(ir, previous, versioning=versioning)
    files = emit_stage.emit(history.ir)
    files.add(SURFACE_FILE, history.surface.to_json())
    files.add(CHANGELOG, history.changelog)
    return Result(history.ir, files, problems, history.changes, history.old_version, report)


def _check(problems: list[Problem], allow_partial: bool, report: Callable[[], Coverage]) -> None:
    """check_problems, with the coverage so far attached to the error (for --report)."""
    try:
        check_problems(problems, allow_partial=allow_partial)
    except SpecError as exc:
        exc.coverage = report()
        raise


def validate_only(spec: Path, *, strict: bool = True, allow_remote_refs: bool = False,
                  ref_root: Path | None = None) -> list[Problem]:
    doc = load(spec, allow_remote_refs=allow_remote_refs, ref_root=ref_root)
    problems = validate(doc, strict=strict)
    if not any(p.level == "error" for p in problems):
        _, build_problems = build(doc, package="sdk")
        problems += build_problems
    return problems


def diff_specs(old: Path | None, new: Path, *, base: str | None = None) -> tuple[list[Change], str]:
    """Changes to the public surface between two specs (or the spec at a git ref and now)."""
    from .diff import compare_surfaces
    from .gitref import spec_at
    from .surface import surface_of

    def surface(path: Path):  # type: ignore[no-untyped-def]
        doc = load(path)
        ir, problems = build(doc, package="sdk")
        check_problems(problems, allow_partial=True)
        return surface_of(ir)

    if base is not None:
        with spec_at(base, new) as old_path:
            old_surface = surface(old_path)
    else:
        assert old is not None
        old_surface = surface(old)
    return compare_surfaces(old_surface, surface(new)), old_surface.version
