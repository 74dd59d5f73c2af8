"""Spec problems as values: collected while loading, validating and building, reported together."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

Level = Literal["error", "warning", "note"]


class Finding(str, Enum):
    """What a problem is about. Call sites report a finding; the `Policy` decides its level."""

    UNREADABLE = "unreadable"  # the spec or a part it needs cannot be read or followed
    INVALID = "invalid"  # the spec validator's findings
    DROPPED = "dropped"  # an operation that cannot be generated (`--allow-partial` skips it)
    DEGRADED = "degraded"  # a schema typed more loosely than the spec says (coverage report)
    LOOSENED = "loosened"  # a part that cannot be typed is typed `Any` or read another way
    ASSUMED = "assumed"  # the spec leaves something out; the generator assumes it (and says what)
    UNSUPPORTED = "unsupported"  # an extension or scheme the generator cannot honour; ignored
    CLASH = "clash"  # two names of the spec would give one Python name; one is renamed
    IGNORED = "ignored"  # a part an SDK has no use for (webhooks, headers the SDK sets)
    CONVERTED = "converted"  # the spec was rewritten on load (Swagger 2.0 → OpenAPI 3.0)
    TRUNCATED = "truncated"  # a long list of findings was cut short


# The level of each finding in a normal run. `--strict` makes every warning an error.
LEVELS: Mapping[Finding, Level] = {
    Finding.UNREADABLE: "error",
    Finding.INVALID: "warning",
    Finding.DROPPED: "error",
    Finding.DEGRADED: "warning",
    Finding.LOOSENED: "warning",
    Finding.ASSUMED: "warning",
    Finding.UNSUPPORTED: "warning",
    Finding.CLASH: "warning",
    Finding.IGNORED: "note",
    Finding.CONVERTED: "note",
    Finding.TRUNCATED: "note",
}


@dataclass(frozen=True, slots=True)
class Problem:
    level: Level
    pointer: str
    message: str
    file: str = ""
    line: int | None = None
    # An error that would drop an operation; `--allow-partial` lets the run go on without it.
    drops_operation: bool = False
    # "degraded": a schema typed more loosely than the spec says (counted in the coverage report).
    kind: str = ""
    # The `Finding` it reports (its value), when the call site gave one; the `Policy` sets `level`.
    finding: str = ""

    def render(self) -> str:
        place = self.file or "<spec>"
        if self.line is not None:
            place += f":{self.line}"
        pointer = self.pointer or "/"
        return f"{place}: {self.level}: {self.message} (at {pointer})"


@dataclass(frozen=True, slots=True)
class Policy:
    """How strict a run is: the one place that decides whether a finding is an error, a
    warning or a note. `strict` (`--strict`, or `[tool.sdkgen] strict`) makes every warning an
    error; `levels` overrides the level of single findings."""

    strict: bool = False
    levels: Mapping[Finding, Level] = field(default_factory=dict)

    def level(self, finding: Finding) -> Level:
        base = self.levels.get(finding, LEVELS[finding])
        return "error" if self.strict and base == "warning" else base

    def apply(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems at this policy's levels. A problem reported with a finding gets that
        finding's level; one reported with a level only (while loading) is upgraded like a
        warning finding."""
        return [p if p.level == (level := self._level_of(p)) else dataclasses.replace(p, level=level) for p in problems]

    def stops(self, problems: Iterable[Problem], *, allow_partial: bool) -> bool:
        """Would these problems, at this policy's levels, stop the run?"""
        return any(p.level == "error" and not (allow_partial and p.drops_operation) for p in self.apply(problems))

    def _level_of(self, problem: Problem) -> Level:
        if problem.finding:
            return self.level(Finding(problem.finding))
        return "error" if self.strict and problem.level == "warning" else problem.level


LENIENT = Policy()
STRICT = Policy(strict=True)


class Reporter:
    """Collects problems as call sites report findings: `report(Finding.X, pointer, message)`.
    `make` places the problem (`Document.problem`: file and line of a pointer)."""

    def __init__(self, make: Callable[..., Problem], problems: list[Problem], policy: Policy = LENIENT):
        self._make = make
        self.problems = problems
        self.policy = policy

    def __call__(self, finding: Finding, pointer: str, message: str, **extra: Any) -> None:
        if finding is Finding.DEGRADED:
            extra.setdefault("kind", "degraded")
        if finding is Finding.DROPPED:
            extra.setdefault("drops_operation", True)
        self.problems.append(self._make(self.policy.level(finding), pointer, message, finding=finding.value, **extra))


def finding(make: Callable[..., Problem], finding: Finding, pointer: str, message: str, **extra: Any) -> Problem:
    """A problem reporting `finding` at its normal level (the run's `Policy` applies later),
    placed by `make` (`Document.problem` or `Document.source_problem`)."""
    if finding is Finding.DEGRADED:
        extra.setdefault("kind", "degraded")
    return make(LEVELS[finding], pointer, message, finding=finding.value, **extra)


def refused(message: str, file: str = "", line: int | None = None) -> SpecError:
    """The error that stops a run at once: the spec (or an option) cannot be read at all."""
    return SpecError([Problem(LEVELS[Finding.UNREADABLE], "", message, file, line, finding=Finding.UNREADABLE.value)])


class SpecError(Exception):
    """Raised when the spec cannot produce a faithful SDK; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.coverage: object | None = None  # a report.Coverage when the run got that far
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"{len(errors)} error(s) in the spec")

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)


def pointer_join(base: str, *parts: object) -> str:
    """Extend a JSON pointer (RFC 6901 escaping)."""
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


MISSING = object()


def pointer_get(data: object, pointer: str) -> object:
    """The node at a JSON pointer ("" is the root), or MISSING."""
    node = data
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node
