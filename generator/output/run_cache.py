"""The whole-run cache: a run's output files, problems and coverage, keyed by everything the run
read (the root spec's text, the other files' hashes, the options, the previous surface and
changelog, sdkgen's code and the tools' versions). A hit answers `sdkgen check` on an unchanged
spec by reading and hashing files, with no generation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..emit.fileset import FileSet
from ..ir.model import SdkIR
from ..loading.background_validation import problem_dict
from ..loading.source import Document
from ..maintenance.diff import Change
from ..maintenance.history import CHANGELOG, Previous, apply
from ..maintenance.surface import SURFACE_FILE
from ..problems import Problem
from ..report import Coverage
from .cache import Cache, code_fingerprint, key, sha256_text, tool_version


@dataclass
class Outcome:
    """What the command line needs of a run: from a fresh generation, or from the run cache when
    the same inputs were generated before (`cached`)."""

    files: FileSet
    problems: list[Problem]
    coverage: Coverage | None
    operation_count: int
    changes: list[Change]
    old_version: str | None
    cached: bool = False


def read_text(path: Path) -> str | None:
    """The text of a spec file as `load` decodes it; None when it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def run_key(spec: Path, text: str | None, options: list[Any], previous: Previous | None) -> str | None:
    if text is None:
        return None
    return key("run", code_fingerprint(), tool_version("black"), tool_version("datamodel-code-generator"),
               tool_version("openapi-spec-validator"), str(spec), str(spec.resolve()), sha256_text(text), options,
               previous.surface if previous else None, previous.changelog if previous else None)


def lookup(cache: Cache, digest: str) -> Outcome | None:
    entry = cache.get_json("run", digest)
    try:
        for location, file_digest in entry["sources"]:  # the other files the spec refers to, unchanged?
            text = read_text(Path(location))
            if text is None or sha256_text(text) != file_digest:
                return None
        files = FileSet()
        for path, blob in entry["files"]:
            content = cache.get_blob(blob)
            if content is None:
                return None
            files.add(path, content)
        changes = [Change(*c) for c in entry["changes"]]
        return Outcome(files, _problems(entry["problems"]), _coverage(entry["coverage"]),
                       int(entry["operation_count"]), changes, entry["old_version"], cached=True)
    except (TypeError, KeyError, ValueError):  # no entry, or not one this code wrote
        return None


def _problems(items: list[dict[str, Any]]) -> list[Problem]:
    return [Problem(**p) for p in items]


def _coverage(report: dict[str, Any] | None) -> Coverage | None:
    if report is None:
        return None
    plain = {k: v for k, v in report.items() if k not in ("problems", "skipped")}
    return Coverage(**plain, problems=_problems(report["problems"]), skipped=_problems(report["skipped"]))


def store(cache: Cache, spec: Path, doc: Document, ir: SdkIR, outcome: Outcome, options: list[Any],
          previous: Previous | None, versioning: str) -> None:
    root = doc.sources.get(str(spec))
    sources = _other_sources(doc, str(spec))
    if root is None or sources is None:
        return
    entry = _entry(cache, outcome, sources)
    cache.put_json("run", run_key(spec, root.text, options, previous) or "", entry)
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
        cache.put_json("run", run_key(spec, root.text, options, after) or "", successor)


def _other_sources(doc: Document, root_key: str) -> list[list[str]] | None:
    """[location, hash] of every file besides the root; None when the run cannot be cached: it
    depends on a file that does not exist yet, or on one that is not a local absolute path."""
    if any(_missing_file(p) for p in doc.load_problems):
        return None
    sources = []
    for name, source in doc.sources.items():
        if name == root_key:
            continue
        if not Path(source.location).is_absolute() or "://" in source.location:
            return None
        sources.append([source.location, sha256_text(source.text)])
    return sources


def _entry(cache: Cache, outcome: Outcome, sources: list[list[str]]) -> dict[str, Any]:
    cov = outcome.coverage
    return {
        "sources": sources,
        "files": [[path, cache.put_blob(outcome.files[path])] for path in outcome.files],
        "problems": [problem_dict(p) for p in outcome.problems],
        "coverage": None if cov is None else {
            "spec": cov.spec, "spec_version": cov.spec_version, "operations_total": cov.operations_total,
            "operations_generated": cov.operations_generated, "schemas_total": cov.schemas_total,
            "problems": [problem_dict(p) for p in cov.problems], "skipped": [problem_dict(p) for p in cov.skipped]},
        "operation_count": outcome.operation_count,
        "changes": [[c.kind, c.where, c.what] for c in outcome.changes],
        "old_version": outcome.old_version,
    }


def _missing_file(problem: Problem) -> bool:
    """A load problem about a referenced file that could not be read (bundle.py's wording), or
    one this code does not know: either way the run is not cached as a whole."""
    if problem.level == "note":
        return False
    text = problem.message
    return not text.startswith("$ref ") or " not found" in text or "cannot read" in text or "cannot be read" in text
