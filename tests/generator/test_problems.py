"""The strictness policy: call sites report a finding, the policy gives its level."""

from __future__ import annotations

from pathlib import Path

from typing import Any

from generator.problems import LENIENT, LEVELS, STRICT, Finding, Level, Policy, Problem, Reporter

from .ir.util import built, spec


def _make(level: Level, pointer: str, message: str, **extra: Any) -> Problem:
    return Problem(level, pointer, message, **extra)


def test_every_finding_has_a_level() -> None:
    assert set(LEVELS) == set(Finding)


def test_strict_upgrades_warnings_only() -> None:
    for finding, base in LEVELS.items():
        assert LENIENT.level(finding) == base
        assert STRICT.level(finding) == ("error" if base == "warning" else base)


def test_overrides() -> None:
    policy = Policy(levels={Finding.CLASH: "note", Finding.IGNORED: "warning"})
    assert policy.level(Finding.CLASH) == "note" and policy.level(Finding.IGNORED) == "warning"
    assert Policy(strict=True, levels={Finding.IGNORED: "warning"}).level(Finding.IGNORED) == "error"


def test_reporter_sets_level_finding_and_kind() -> None:
    problems: list[Problem] = []
    report = Reporter(_make, problems)
    report(Finding.DEGRADED, "/a", "loose")
    report(Finding.DROPPED, "/b", "gone")
    report(Finding.IGNORED, "/c", "fine")
    assert [(p.level, p.finding, p.kind, p.drops_operation) for p in problems] == [
        ("warning", "degraded", "degraded", False), ("error", "dropped", "", True), ("note", "ignored", "", False)]


def test_apply_relevels_findings_and_upgrades_legacy_warnings() -> None:
    problems = [Problem("warning", "/a", "from loading"), Problem("note", "/b", "a note"),
                Problem("warning", "/c", "clash", finding="clash"), Problem("note", "/d", "ignored", finding="ignored")]
    assert [p.level for p in STRICT.apply(problems)] == ["error", "note", "error", "note"]
    assert LENIENT.apply(problems) == problems


def test_stops() -> None:
    dropped = Problem("error", "/a", "gone", drops_operation=True, finding="dropped")
    warning = Problem("warning", "/b", "clash", finding="clash")
    assert not LENIENT.stops([warning], allow_partial=False)
    assert STRICT.stops([warning], allow_partial=False)
    assert LENIENT.stops([dropped], allow_partial=False)
    assert not LENIENT.stops([dropped], allow_partial=True)


def test_builder_reports_findings(tmp_path: Path) -> None:
    data = spec({"/a/{id}": {"get": {"operationId": "get", "responses": {"204": {"description": "none"}}}}},
                webhooks={"ping": {}})
    _, problems = built(data, tmp_path)
    assert sorted((p.finding, p.level) for p in problems) == [("assumed", "warning"), ("ignored", "note")]
