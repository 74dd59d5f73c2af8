"""The whole pipeline as one function per command: load → validate → build → emit (→ write)."""

from __future__ import annotations

import dataclasses
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import emit as emit_stage
from .background import Prepared
from .cache import Cache, code_fingerprint, key, sha256_text, tool_version
from .diff import Change
from .emit.fileset import FileSet
from .history import CHANGELOG, Previous, apply
from .ir import build
from .ir.model import SdkIR
from .load import Document, load
from .problems import Policy, Problem, SpecError
from .report import Coverage, coverage
from .surface import SURFACE_FILE
from .timings import Timings

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
             allow_remote_refs: bool = False, ref_root: Path | None = None,
             cache: Cache | None = None, timings: Timings | None = None, jobs: int = 1) -> Result:
    """`cache` (generator/cache.py), `timings` and `jobs` (processes: more than one forks the
    validator and black workers, Linux only) change no byte of the result."""
    return _generate(spec, package=package, dist_name=dist_name, strict=strict, allow_partial=allow_partial,
                     previous=previous, versioning=versioning, allow_remote_refs=allow_remote_refs,
                     ref_root=ref_root, cache=cache, timings=timings or Timings(), jobs=jobs)[0]


def _generate(spec: Path, *, package: str, dist_name: str | None, strict: bool, allow_partial: bool,
              previous: Previous | None, versioning: str, allow_remote_refs: bool, ref_root: Path | None,
              cache: Cache | None, timings: Timings, jobs: int) -> tuple[Result, Document, SdkIR]:
    """The run, plus the loaded document and the IR before versioning (for the run cache)."""
    if not _PACKAGE.match(package):
        raise SpecError([Problem("error", "", f"package name {package!r} is not a valid lowercase Python package name")])
    if dist_name is not None and not _DIST.match(dist_name):
        raise SpecError([Problem("error", "", f"project name {dist_name!r} is not a valid distribution name")])
    # With jobs > 1 the model generator's imports (a third of its time) happen in a child process
    # from here on, while this one loads, builds and renders; the child then makes the models.
    models_worker = emit_stage.models_worker() if jobs > 1 else None
    try:
        return _generate_with(spec, package=package, dist_name=dist_name, strict=strict, allow_partial=allow_partial,
                              previous=previous, versioning=versioning, allow_remote_refs=allow_remote_refs,
                              ref_root=ref_root, cache=cache, timings=timings, jobs=jobs, models_worker=models_worker)
    finally:
        if models_worker is not None:
            models_worker.cancel()


def _generate_with(spec: Path, *, package: str, dist_name: str | None, strict: bool, allow_partial: bool,
                   previous: Previous | None, versioning: str, allow_remote_refs: bool, ref_root: Path | None,
                   cache: Cache | None, timings: Timings, jobs: int,
                   models_worker: Prepared | None) -> tuple[Result, Document, SdkIR]:
    with timings.stage("load"):
        doc = load(spec, allow_remote_refs=allow_remote_refs, ref_root=ref_root)
    # With jobs > 1 the validator runs in a child process while this one builds and emits; its
    # problems still decide first (nothing is returned, so nothing written, before they are in),
    # as when it ran alone: only the time of a run that fails changes.
    validation = _Validation(doc, strict, cache, timings, parallel=jobs > 1)
    try:
        validation.check_if_done(doc)  # from the cache, or run here: an invalid spec stops now
        emitted = None
        try:
            with timings.stage("build"):
                ir, build_problems = build(doc, package=package, dist_name=dist_name)
            if not _fatal(build_problems, strict=strict, allow_partial=allow_partial):
                with timings.stage("history"):
                    history = apply(ir, previous, versioning=versioning)
                files = emit_stage.emit(history.ir, cache=cache, timings=timings, jobs=jobs, models_worker=models_worker,
                                        checkpoint=lambda: validation.check_if_done(doc))
                emitted = history, files
        except Exception:
            problems = validation.problems()  # an invalid spec is reported as such, not as a crash
            _check(problems, False, lambda: coverage(doc, problems, generated=None, schemas_total=0))
            raise
        problems = validation.problems()
    finally:
        validation.close()
    _check(problems, False, lambda: coverage(doc, problems, generated=None, schemas_total=0))
    problems += build_problems
    problems = Policy(strict=strict).apply(problems)
    report = coverage(doc, problems, generated=ir.operation_count, schemas_total=len(ir.models_doc["components"]["schemas"]))
    _check(problems, allow_partial, lambda: report)
    assert emitted is not None  # build problems that stop the run stopped it just above
    history, files = emitted
    files.add(SURFACE_FILE, history.surface.to_json())
    files.add(CHANGELOG, history.changelog)
    return Result(history.ir, files, problems, history.changes, history.old_version, report), doc, ir


def _fatal(problems: list[Problem], *, strict: bool, allow_partial: bool) -> bool:
    """Would these problems stop the run on their own (as `_check` decides after `strict`)?"""
    return Policy(strict=strict).stops(problems, allow_partial=allow_partial)


class _Validation:
    """The validate stage: from the cache when these exact files were validated before (the
    problems carry lines, so the key has the files' text, not only their data); else in a forked
    child process (Linux) while the caller goes on; else right away."""

    def __init__(self, doc: Document, strict: bool, cache: Cache | None, timings: Timings, *, parallel: bool) -> None:
        self.doc, self.strict, self.cache, self.timings = doc, strict, cache, timings
        self._problems: list[Problem] | None = None
        self._child: Any = None
        self.digest = ""
        if cache is not None:
            self.digest = key("validate", code_fingerprint(), tool_version("openapi-spec-validator"), strict,
                              str(doc.path), str(doc.path.resolve()), doc.source_version,
                              sorted([s.key, s.location, sha256_text(s.text)] for s in doc.sources.values()),
                              [_problem_dict(p) for p in doc.load_problems])
            hit = cache.get_json("validate", self.digest)
            try:
                self._problems = [Problem(**p) for p in hit] if isinstance(hit, list) else None
            except TypeError:
                self._problems = None
            if self._problems is not None:
                timings.note("validate", "from the cache")
                return
        if parallel:
            from .background import Forked

            self._child = Forked(_run_validator, doc, strict)
        else:
            self.problems()  # here and now, before the SDK is built

    def problems(self) -> list[Problem]:
        if self._problems is None:
            with self.timings.stage("validate"):
                if self._child is not None:
                    problems, seconds, pid = self._child.result()
                    if pid != os.getpid():
                        self.timings.note("validate", f"{seconds:.3f} s in a child process; here: the wait for it")
                    self._child = None
                else:
                    problems = _run_validator(self.doc, self.strict)[0]
            if self.cache is not None:
                self.cache.put_json("validate", self.digest, [_problem_dict(p) for p in problems])
            self._problems = problems
            return list(problems)
        return list(self._problems)

    def check_if_done(self, doc: Document) -> None:
        """Stop the run now (SpecError) if the validator has finished and found errors."""
        if self._problems is not None or (self._child is not None and self._child.done()):
            problems = self.problems()
            _check(problems, False, lambda: coverage(doc, problems, generated=None, schemas_total=0))

    def close(self) -> None:
        if self._child is not None:
            self._child.cancel()
            self._child = None


def _run_validator(doc: Document, strict: bool) -> tuple[list[Problem], float, int]:
    from .validate import validate

    started = time.perf_counter()
    problems = validate(doc, strict=strict)
    return problems, time.perf_counter() - started, os.getpid()


def _problem_dict(p: Problem) -> dict[str, Any]:
    return {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}


def _check(problems: list[Problem], allow_partial: bool, report: Callable[[], Coverage]) -> None:
    """check_problems, with the coverage so far attached to the error (for --report)."""
    try:
        check_problems(problems, allow_partial=allow_partial)
    except SpecError as exc:
        exc.coverage = report()
        raise


def validate_only(spec: Path, *, strict: bool = True, allow_remote_refs: bool = False,
                  ref_root: Path | None = None) -> list[Problem]:
    from .validate import validate

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


# --- the whole-run cache -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the command line needs of a run: from a fresh `generate`, or from the run cache when
    the same inputs were generated before (`cached`)."""

    files: FileSet
    problems: list[Problem]
    coverage: Coverage | None
    operation_count: int
    changes: list[Change]
    old_version: str | None
    cached: bool = False


def generate_outcome(spec: Path, *, package: str, dist_name: str | None = None, strict: bool = False,
                     allow_partial: bool = False, previous: Previous | None = None, versioning: str = "semver",
                     allow_remote_refs: bool = False, ref_root: Path | None = None,
                     cache: Cache | None = None, timings: Timings | None = None, jobs: int = 1) -> Outcome:
    """`generate`, skipped altogether when the run cache has the result of the same run: same spec
    files (by content), options, previous surface and changelog, sdkgen code and tool versions.
    Then `sdkgen check` on an unchanged spec costs reading and hashing files, no generation."""
    timings = timings or Timings()
    options = [package, dist_name, strict, allow_partial, versioning, str(ref_root.resolve()) if ref_root else None]
    run_key = None
    if cache is not None and not allow_remote_refs:
        with timings.stage("run cache lookup"):
            run_key = _run_key(spec, _read_text(spec), options, previous)
            hit = _run_hit(cache, run_key) if run_key else None
        if hit is not None:
            timings.note("run cache lookup", "hit: nothing generated")
            return hit
        timings.note("run cache lookup", "miss")
    result, doc, ir = _generate(spec, package=package, dist_name=dist_name, strict=strict, allow_partial=allow_partial,
                                previous=previous, versioning=versioning, allow_remote_refs=allow_remote_refs,
                                ref_root=ref_root, cache=cache, timings=timings, jobs=jobs)
    outcome = Outcome(result.files, result.problems, result.coverage, result.ir.operation_count,
                      result.changes, result.old_version)
    if cache is not None and run_key is not None:
        with timings.stage("run cache store"):
            _run_store(cache, spec, doc, ir, outcome, options, previous, versioning)
    return outcome


def _read_text(path: Path) -> str | None:
    """The text of a spec file as `load` decodes it; None when it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _run_key(spec: Path, text: str | None, options: list[Any], previous: Previous | None) -> str | None:
    if text is None:
        return None
    return key("run", code_fingerprint(), tool_version("black"), tool_version("datamodel-code-generator"),
               tool_version("openapi-spec-validator"), str(spec), str(spec.resolve()), sha256_text(text), options,
               previous.surface if previous else None, previous.changelog if previous else None)


def _run_hit(cache: Cache, run_key: str) -> Outcome | None:
    entry = cache.get_json("run", run_key)
    try:
        for location, digest in entry["sources"]:  # the other files the spec refers to, unchanged?
            text = _read_text(Path(location))
            if text is None or sha256_text(text) != digest:
                return None
        files = FileSet()
        for path, digest in entry["files"]:
            content = cache.get_blob(digest)
            if content is None:
                return None
            files.add(path, content)
        problems = [Problem(**p) for p in entry["problems"]]
        report = entry["coverage"]
        cov = None if report is None else Coverage(
            **{k: v for k, v in report.items() if k not in ("problems", "skipped")},
            problems=[Problem(**p) for p in report["problems"]], skipped=[Problem(**p) for p in report["skipped"]])
        changes = [Change(*c) for c in entry["changes"]]
        return Outcome(files, problems, cov, int(entry["operation_count"]), changes, entry["old_version"], cached=True)
    except (TypeError, KeyError, ValueError):  # no entry, or not one this code wrote
        return None


def _run_store(cache: Cache, spec: Path, doc: Document, ir: SdkIR, outcome: Outcome, options: list[Any],
               previous: Previous | None, versioning: str) -> None:
    root_key = str(spec)
    root = doc.sources.get(root_key)
    if root is None or any(_missing_file(p) for p in doc.load_problems):
        return  # the result depends on a file that does not exist yet, not only on the files read
    sources = []
    for name, source in doc.sources.items():
        if name == root_key:
            continue
        if not Path(source.location).is_absolute() or "://" in source.location:
            return
        sources.append([source.location, sha256_text(source.text)])
    cov = outcome.coverage
    entry = {
        "sources": sources,
        "files": [[path, cache.put_blob(outcome.files[path])] for path in outcome.files],
        "problems": [_problem_dict(p) for p in outcome.problems],
        "coverage": None if cov is None else {
            "spec": cov.spec, "spec_version": cov.spec_version, "operations_total": cov.operations_total,
            "operations_generated": cov.operations_generated, "schemas_total": cov.schemas_total,
            "problems": [_problem_dict(p) for p in cov.problems], "skipped": [_problem_dict(p) for p in cov.skipped]},
        "operation_count": outcome.operation_count,
        "changes": [[c.kind, c.where, c.what] for c in outcome.changes],
        "old_version": outcome.old_version,
    }
    cache.put_json("run", _run_key(spec, root.text, options, previous) or "", entry)
    # The next run (`sdkgen check` right after this `generate`) reads this run's surface and
    # changelog as its previous ones. When that gives the same SDK again (versioning settled), it
    # is stored for that run too.
    surface, changelog = outcome.files.get(SURFACE_FILE), outcome.files.get(CHANGELOG)
    if surface is None or changelog is None:
        return
    after = Previous(surface.decode("utf-8"), changelog.decode("utf-8"))
    again = apply(ir, after, versioning=versioning)
    if again.surface.to_json() == after.surface and again.changelog == after.changelog:  # the version too
        successor = dict(entry, changes=[[c.kind, c.where, c.what] for c in again.changes], old_version=again.old_version)
        cache.put_json("run", _run_key(spec, root.text, options, after) or "", successor)


def _missing_file(problem: Problem) -> bool:
    """A load problem about a referenced file that could not be read (bundle.py's wording), or
    one this code does not know: either way the run is not cached as a whole."""
    if problem.level == "note":
        return False
    text = problem.message
    return not text.startswith("$ref ") or " not found" in text or "cannot read" in text or "cannot be read" in text
