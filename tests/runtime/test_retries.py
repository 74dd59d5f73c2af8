"""Backoff schedule and retry decisions (retries.py), with a fake clock."""

from __future__ import annotations

import email.utils
from types import SimpleNamespace
from typing import Any

import httpx
import pytest


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(
    rt: SimpleNamespace,
    clock: FakeClock,
    *,
    jitter: float = 0.0,
    allowed: bool = True,
    **backoff: Any,
) -> Any:
    strategy = rt.types.BackoffStrategy(**backoff)
    config = rt.types.RetryConfig(backoff=strategy)
    return rt.retries.Retrier(
        config, allowed=allowed, clock=clock, random=lambda: jitter, now=lambda: 0.0
    )


def schedule(retrier: Any, clock: FakeClock, status: int = 503) -> list[float]:
    delays: list[float] = []
    while (delay := retrier.after_status(status, {})) is not None:
        delays.append(delay)
        clock.now += delay
    return delays


def test_schedule_grows_exponentially_and_caps_at_max_interval(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(
        rt, clock, initial_interval_ms=500, max_interval_ms=2000, exponent=2, max_elapsed_ms=10_000
    )
    assert schedule(r, clock) == [0.5, 1.0, 2.0, 2.0, 2.0, 2.0]  # 10.5 s would exceed 10 s


def test_jitter_is_added_and_clipped_to_max_interval(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(
        rt,
        clock,
        jitter=0.5,
        initial_interval_ms=500,
        max_interval_ms=1200,
        exponent=2,
        max_elapsed_ms=3000,
    )
    assert schedule(r, clock) == [
        1.0,
        1.2,
    ]  # 0.5+0.5, then min(1.0+0.5, 1.2); a third 1.2 exceeds 3 s


def test_gives_up_when_next_delay_would_pass_max_elapsed(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(rt, clock, initial_interval_ms=1000, exponent=1, max_elapsed_ms=2500)
    assert r.after_status(503, {}) == 1.0
    clock.now += 1.0 + 0.4  # the sleep, then the second attempt itself
    assert r.after_status(503, {}) == 1.0  # 1.4 + 1.0 fits in 2.5
    clock.now += 1.0 + 0.1
    assert r.after_status(503, {}) is None  # 2.5 + 1.0 does not
    assert r.retries == 2


def test_elapsed_time_counts_time_spent_in_requests(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(rt, clock, initial_interval_ms=1000, exponent=1, max_elapsed_ms=2500)
    clock.now += 2.0  # a slow first attempt
    assert r.after_status(503, {}) is None  # 2.0 + 1.0 > 2.5


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({"retry-after-ms": "-5"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(
    rt: SimpleNamespace, headers: dict[str, str], expected: float | None
) -> None:
    assert rt.retries.parse_retry_after(headers, now=0.0) == expected


def test_parse_retry_after_http_date(rt: SimpleNamespace) -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert rt.retries.parse_retry_after({"retry-after": date}, now=now) == 7.0
    past = email.utils.formatdate(now - 60, usegmt=True)
    assert rt.retries.parse_retry_after({"retry-after": past}, now=now) == 0.0


def test_server_delay_overrides_schedule_but_not_the_budget(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(rt, clock, initial_interval_ms=500, max_elapsed_ms=5000)
    assert r.after_status(429, {"retry-after": "2"}) == 2.0
    clock.now += 2.0
    assert r.after_status(429, {"retry-after": "4"}) is None  # 2 + 4 > 5


@pytest.mark.parametrize(
    "status, patterns, expected",
    [
        (503, ("5XX",), True),
        (500, ("5xx",), True),
        (429, ("429",), True),
        (404, ("5XX", "429"), False),
        (502, ("500", "503"), False),
    ],
)
def test_status_patterns(
    rt: SimpleNamespace, status: int, patterns: tuple[str, ...], expected: bool
) -> None:
    assert rt.retries.status_matches(status, patterns) is expected


def test_statuses_outside_the_config_are_not_retried(rt: SimpleNamespace) -> None:
    r = make(rt, FakeClock())
    assert r.after_status(501, {}) is None
    assert r.after_status(400, {}) is None


def test_not_allowed_or_none_strategy_never_retries(rt: SimpleNamespace) -> None:
    assert make(rt, FakeClock(), allowed=False).after_status(503, {}) is None
    none = rt.retries.Retrier(rt.types.RetryConfig.none())
    assert none.after_status(503, {}) is None
    assert rt.retries.Retrier(None).after_error(httpx.ConnectError("x")) is None


def test_connection_errors(rt: SimpleNamespace) -> None:
    clock = FakeClock()
    r = make(rt, clock)
    assert r.after_error(httpx.ConnectError("refused")) == 0.5
    assert r.after_error(httpx.RemoteProtocolError("closed")) == 0.75
    assert r.after_error(httpx.ReadTimeout("slow")) is None  # the server may still be working
    off = rt.retries.Retrier(rt.types.RetryConfig(retry_connection_errors=False))
    assert off.after_error(httpx.ConnectError("refused")) is None


def test_retry_config_defaults(rt: SimpleNamespace) -> None:
    config = rt.types.RetryConfig()
    assert config.strategy == "backoff" and config.retry_connection_errors
    assert config.backoff == rt.types.BackoffStrategy(500, 5000, 1.5, 15000)
    assert rt.types.RetryConfig.none().strategy == "none"
