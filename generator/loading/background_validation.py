"""The validate stage as a run schedules it: answered from the cache when these exact files were
validated before; else in a child process (Linux) while the run builds and emits; else right
away. The child is forked when the run starts (`validator_worker`), so the validator's own
imports (about 0.3 s) overlap loading the spec. Its problems still decide first: nothing is returned, so nothing written, before
they are in, as when it ran alone; only the time of a failing run changes."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

from ..output.background import Prepared
from ..output.cache import Cache, code_fingerprint, key, sha256_text, tool_version
from ..problems import Problem
from ..timings import Timings
from .source import Document


class BackgroundValidation:
    def __init__(self, doc: Document, strict: bool, cache: Cache | None, timings: Timings, *,
                 worker: Prepared | None) -> None:
        """`worker`: a child from `validator_worker()` to validate in; None validates here, now."""
        self.doc, self.strict, self.cache, self.timings = doc, strict, cache, timings
        self._problems: list[Problem] | None = None
        self._child: Prepared | None = None
        self.digest = ""
        if cache is not None:
            self._problems = self._from_cache(cache)
            if self._problems is not None:
                timings.note("validate", "from the cache")
                if worker is not None:
                    worker.cancel()
                return
        if worker is not None:
            worker.send(doc, strict)
            self._child = worker
        else:
            self.problems()  # here and now, before the SDK is built

    def _from_cache(self, cache: Cache) -> list[Problem] | None:
        # The problems carry lines, so the key has the files' text, not only their data.
        doc = self.doc
        self.digest = key("validate", code_fingerprint(), tool_version("openapi-spec-validator"), self.strict,
                          str(doc.path), str(doc.path.resolve()), doc.source_version,
                          sorted([s.key, s.location, sha256_text(s.text)] for s in doc.sources.values()),
                          [problem_dict(p) for p in doc.load_problems])
        hit = cache.get_json("validate", self.digest)
        try:
            return [Problem(**p) for p in hit] if isinstance(hit, list) else None
        except TypeError:
            return None

    def problems(self) -> list[Problem]:
        """The validator's problems, waiting for the child if it is still running."""
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
                self.cache.put_json("validate", self.digest, [problem_dict(p) for p in problems])
            self._problems = problems
            return list(problems)
        return list(self._problems)

    def finished(self) -> bool:
        return self._problems is not None or (self._child is not None and self._child.done())

    def close(self) -> None:
        if self._child is not None:
            self._child.cancel()
            self._child = None

    def __enter__(self) -> BackgroundValidation:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def validator_worker() -> Prepared:
    """A child process that imports the validator now and validates the document it is sent."""
    return Prepared(_prepare_validator, _run_validator)


def _prepare_validator() -> None:
    from . import validate  # noqa: F401 - openapi-spec-validator's import is the slow part


def _run_validator(doc: Document, strict: bool) -> tuple[list[Problem], float, int]:
    from .validate import validate  # openapi-spec-validator's import is slow: only when it runs

    started = time.perf_counter()
    problems = validate(doc, strict=strict)
    return problems, time.perf_counter() - started, os.getpid()


def problem_dict(p: Problem) -> dict[str, Any]:
    return {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}
