"""The pipeline, one function per command. `run` reads top to bottom as the stages happen:

    names checked → load → validate (from the cache, or in a child process while the rest goes on)
    → build the IR → version it against the previous surface → emit → the problems decide → result

The command line writes the result (`output/write.py`); `generate_outcome` first asks the run
cache (`output/run_cache.py`), which can answer a whole run without any of it."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import emit as emit_stage
from .emit.fileset import FileSet
from .ir import build
from .ir.model import SdkIR
from .loading.background_validation import BackgroundValidation, validator_worker
from .loading.load import load
from .loading.source import Document
from .maintenance.diff import Change
from .maintenance.history import CHANGELOG, History, Previous, apply
from .maintenance.surface import SURFACE_FILE
from .output import run_cache
from .output.background import Prepared
from .output.cache import Cache
from .problems import Policy, Problem, SpecError, refused
from .report import Coverage, coverage
from .timings import Timings

_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_DIST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Options:
    """What a run is asked to make; with the spec's files, it decides every byte of the output."""

    package: str
    dist_name: str | None = None
    strict: bool = False
    allow_partial: bool = False
    versioning: str = "semver"
    allow_remote_refs: bool = False
    ref_root: Path | None = None

    def cache_key(self) -> list[object]:
        ref_root = str(self.ref_root.resolve()) if self.ref_root else None
        return [self.package, self.dist_name, self.strict, self.allow_partial, self.versioning, ref_root]


@dataclass
class Result:
    ir: SdkIR
    files: FileSet
    problems: list[Problem]
    changes: list[Change] = dataclasses.field(default_factory=list)
    old_version: str | None = None
    coverage: Coverage | None = None


@dataclass
class Run:
    """A finished run, with the loaded document and the IR before versioning (for the run cache)."""

    result: Result
    doc: Document
    ir: SdkIR


def generate(spec: Path, *, package: str, dist_name: str | None = None, strict: bool = False,
             allow_partial: bool = False, previous: Previous | None = None, versioning: str = "semver",
             allow_remote_refs: bool = False, ref_root: Path | None = None,
             cache: Cache | None = None, timings: Timings | None = None, jobs: int = 1) -> Result:
    """`cache` (generator/output/cache.py), `timings` and `jobs` (processes: more than one forks the
    validator and black workers, Linux only) change no byte of the result."""
    options = Options(package, dist_name, strict, allow_partial, versioning, allow_remote_refs, ref_root)
    return run(spec, options, previous, cache=cache, timings=timings or Timings(), jobs=jobs).result


def run(spec: Path, options: Options, previous: Previous | None, *, cache: Cache | None, timings: Timings,
        jobs: int) -> Run:
    _check_names(options)
    # With jobs > 1 the slow imports of later stages (the model generator's, the validator's)
    # happen in child processes from here on, while this one loads, builds and renders; the
    # children then do the work itself.
    models_worker = emit_stage.models_worker() if jobs > 1 else None
    validator = validator_worker() if jobs > 1 else None
    try:
        with timings.stage("load"):
            doc = load(spec, allow_remote_refs=options.allow_remote_refs, ref_root=options.ref_root)
        with BackgroundValidation(doc, options.strict, cache, timings, worker=validator) as validation:
            ir, build_problems, made = _build_and_emit(doc, options, previous, validation, cache=cache,
                                                       timings=timings, jobs=jobs, models_worker=models_worker)
            problems = validation.problems()
    finally:
        for worker in (models_worker, validator):
            if worker is not None:
                worker.cancel()
    _check(problems, False, lambda: _early_coverage(doc, problems))
    problems = Policy(strict=options.strict).apply(problems + build_problems)
    report = coverage(doc, problems, generated=ir.operation_count, schemas_total=len(ir.models_doc["components"]["schemas"]))
    _check(problems, options.allow_partial, lambda: report)
    assert made is not None  # build problems that stop the run stopped it just above
    history, files = made
    files.add(SURFACE_FILE, history.surface.to_json())
    files.add(CHANGELOG, history.changelog)
    return Run(Result(history.ir, files, problems, history.changes, history.old_version, report), doc, ir)


def _check_names(options: Options) -> None:
    if not _PACKAGE.match(options.package):
        raise refused(f"package name {options.package!r} is not a valid lowercase Python package name")
    if options.dist_name is not None and not _DIST.match(options.dist_name):
        raise refused(f"project name {options.dist_name!r} is not a valid distribution name")


def _build_and_emit(doc: Document, options: Options, previous: Previous | None, validation: BackgroundValidation, *,
                    cache: Cache | None, timings: Timings, jobs: int, models_worker: Prepared | None,
                    ) -> tuple[SdkIR, list[Problem], tuple[History, FileSet] | None]:
    """Build, version and emit, unless the build's own problems already stop the run (then the
    emitted files are None). The validator's errors stop it as soon as they are known."""

    def stop_if_invalid() -> None:
        if validation.finished():
            problems = validation.problems()
            _check(problems, False, lambda: _early_coverage(doc, problems))

    stop_if_invalid()  # from the cache, or run here: an invalid spec stops now
    try:
        with timings.stage("build"):
            ir, build_problems = build(doc, package=options.package, dist_name=options.dist_name)
        if _fatal(build_problems, strict=options.strict, allow_partial=options.allow_partial):
            return ir, build_problems, None
        with timings.stage("history"):
            history = apply(ir, previous, versioning=options.versioning)
        files = emit_stage.emit(history.ir, cache=cache, timings=timings, jobs=jobs, models_worker=models_worker,
                                checkpoint=stop_if_invalid)
        return ir, build_problems, (history, files)
    except Exception:
        problems = validation.problems()  # an invalid spec is reported as such, not as a crash
        _check(problems, False, lambda: _early_coverage(doc, problems))
        raise


def _fatal(problems: list[Problem], *, strict: bool, allow_partial: bool) -> bool:
    """Would these problems stop the run on their own (as `_check` decides after `strict`)?"""
    return Policy(strict=strict).stops(problems, allow_partial=allow_partial)


def _early_coverage(doc: Document, problems: list[Problem]) -> Coverage:
    return coverage(doc, problems, generated=None, schemas_total=0)


def check_problems(problems: list[Problem], *, allow_partial: bool) -> None:
    fatal = [p for p in problems if p.level == "error" and not (allow_partial and p.drops_operation)]
    if fatal:
        raise SpecError(problems)


def _check(problems: list[Problem], allow_partial: bool, report: Callable[[], Coverage]) -> None:
    """check_problems, with the coverage so far attached to the error (for --report)."""
    try:
        check_problems(problems, allow_partial=allow_partial)
    except SpecError as exc:
        exc.coverage = report()
        raise


def generate_outcome(spec: Path, *, package: str, dist_name: str | None = None, strict: bool = False,
                     allow_partial: bool = False, previous: Previous | None = None, versioning: str = "semver",
                     allow_remote_refs: bool = False, ref_root: Path | None = None,
                     cache: Cache | None = None, timings: Timings | None = None, jobs: int = 1) -> run_cache.Outcome:
    """`generate`, skipped altogether when the run cache has the result of the same run: same spec
    files (by content), options, previous surface and changelog, sdkgen code and tool versions.
    Then `sdkgen check` on an unchanged spec costs reading and hashing files, no generation."""
    timings = timings or Timings()
    options = Options(package, dist_name, strict, allow_partial, versioning, allow_remote_refs, ref_root)
    digest = None
    if cache is not None and not allow_remote_refs:
        with timings.stage("run cache lookup"):
            digest = run_cache.run_key(spec, run_cache.read_text(spec), options.cache_key(), previous)
            hit = run_cache.lookup(cache, digest) if digest else None
        if hit is not None:
            timings.note("run cache lookup", "hit: nothing generated")
            return hit
        timings.note("run cache lookup", "miss")
    done = run(spec, options, previous, cache=cache, timings=timings, jobs=jobs)
    result = done.result
    outcome = run_cache.Outcome(result.files, result.problems, result.coverage, result.ir.operation_count,
                                result.changes, result.old_version)
    if cache is not None and digest is not None:
        with timings.stage("run cache store"):
            run_cache.store(cache, spec, done.doc, done.ir, outcome, options.cache_key(), previous, versioning)
    return outcome


def validate_only(spec: Path, *, strict: bool = True, allow_remote_refs: bool = False,
                  ref_root: Path | None = None) -> list[Problem]:
    from .loading.validate import validate

    doc = load(spec, allow_remote_refs=allow_remote_refs, ref_root=ref_root)
    problems = validate(doc, strict=strict)
    if not any(p.level == "error" for p in problems):
        _, build_problems = build(doc, package="sdk")
        problems += build_problems
    return problems


def diff_specs(old: Path | None, new: Path, *, base: str | None = None) -> tuple[list[Change], str]:
    """Changes to the public surface between two specs (or the spec at a git ref and now)."""
    from .maintenance.diff import compare_surfaces
    from .maintenance.gitref import spec_at
    from .maintenance.surface import Surface, surface_of

    def surface(path: Path) -> Surface:
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
