"""Retry decisions and backoff, without I/O: the client asks, sleeps and re-sends.

Clock and randomness are injectable so schedules can be tested without sleeping.
"""

from __future__ import annotations

import email.utils
import random as _random
import time
from typing import Callable, Iterable, Mapping

import httpx

from .types import RetryConfig

__all__ = [
    "IDEMPOTENT_METHODS",
    "Retrier",
    "parse_retry_after",
    "status_matches",
    "is_retryable_error",
]

# RFC 9110 idempotent methods; POST/PATCH only become safe with an Idempotency-Key.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

# Failures where the server cannot have acted on the request, or where the connection broke
# before the response arrived in full (a body cut short, reset, or not decodable). A read
# timeout is not here: the server may still be working, and retrying would multiply the time
# the caller asked to wait. Nor is a pool timeout: the pool is full of this process's own
# connections, and waiting again rarely frees one (PoolExhaustedError says why).
_RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.DecodingError,
)


def is_retryable_error(exc: BaseException) -> bool:
    return isinstance(exc, _RETRYABLE_ERRORS)


def status_matches(status: int, patterns: Iterable[str]) -> bool:
    """True when ``status`` equals a pattern ("429") or falls in its class ("5XX")."""
    code = str(status)
    for pattern in patterns:
        if pattern == code:
            return True
        if len(pattern) == 3 and pattern[1:].upper() == "XX" and pattern[0] == code[0]:
            return True
    return False


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``
    (delta seconds or an HTTP date); None when absent or unreadable."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            ms = float(value)
        except ValueError:
            ms = -1.0
        if ms >= 0:
            return ms / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # a malformed date without zone; HTTP dates are always GMT
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Retrier:
    """Retry state for one call: counts attempts and decides how long to wait.

    ``allowed`` says whether the request may be re-sent at all (idempotent method or an
    idempotency key, and a body that can be replayed). Each ``after_*`` method returns the
    delay in seconds before the next attempt, or None to give up.
    """

    __slots__ = ("_config", "_allowed", "_clock", "_rand", "_now", "_start", "retries")

    def __init__(
        self,
        config: RetryConfig | None,
        *,
        allowed: bool = True,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._config = config or RetryConfig.none()
        self._allowed = allowed and self._config.strategy == "backoff"
        self._clock = clock
        self._rand = random
        self._now = now
        self._start = clock()
        self.retries = 0

    @property
    def enabled(self) -> bool:
        return self._allowed

    def after_status(self, status: int, headers: Mapping[str, str]) -> float | None:
        if not self._allowed or not status_matches(status, self._config.status_codes):
            return None
        return self._next(parse_retry_after(headers, self._now()))

    def after_error(self, exc: BaseException) -> float | None:
        if not (self._allowed and self._config.retry_connection_errors and is_retryable_error(exc)):
            return None
        return self._next(None)

    def _next(self, server_delay: float | None) -> float | None:
        backoff = self._config.backoff
        if server_delay is not None:
            delay = server_delay  # the server knows better than our schedule
        else:
            base = backoff.initial_interval_ms * backoff.exponent**self.retries
            jitter = self._rand() * 1000
            delay = min(base + jitter, backoff.max_interval_ms) / 1000
        elapsed = self._clock() - self._start
        if elapsed + delay > backoff.max_elapsed_ms / 1000:
            return None
        self.retries += 1
        return delay
