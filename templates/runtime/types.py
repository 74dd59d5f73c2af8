"""Small value types shared by generated code and the runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

__all__ = ["NOT_GIVEN", "NotGiven", "BackoffStrategy", "RetryConfig", "CallOptions"]


class NotGiven:
    """Marks an argument the caller left out, as opposed to an explicit ``None``.

    ``None`` is reserved for an explicit JSON ``null``; ``NOT_GIVEN`` means "do not send
    this at all" (or "use the default" for options)::

        client.things.update(thing_id="t1", note=None)       # sends {"note": null}
        client.things.update(thing_id="t1", note=NOT_GIVEN)  # sends {}
    """

    _instance: NotGiven | None = None
    __slots__ = ()

    def __new__(cls) -> NotGiven:
        # One instance, so `is NOT_GIVEN` is always a valid test.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        # copy.copy/deepcopy of a model holding the sentinel must keep the singleton.
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


@dataclass(frozen=True, slots=True)
class BackoffStrategy:
    """Exponential backoff: delay n is ``initial * exponent**n`` ms plus jitter, capped."""

    initial_interval_ms: int = 500
    max_interval_ms: int = 5000
    exponent: float = 1.5
    max_elapsed_ms: int = 15000


@dataclass(frozen=True, slots=True)
class RetryConfig:
    """When and how often a request is re-sent.

    ``status_codes`` holds exact codes (``"429"``) or classes (``"5XX"``).
    """

    strategy: str = "backoff"  # "backoff" or "none"
    backoff: BackoffStrategy = BackoffStrategy()
    retry_connection_errors: bool = True
    status_codes: tuple[str, ...] = ("429", "500", "502", "503", "504")

    @classmethod
    def none(cls) -> RetryConfig:
        """A policy that never retries."""
        return cls(strategy="none")


@dataclass(frozen=True, slots=True)
class CallOptions:
    """Per-call overrides; every field left as ``None`` falls back to the SDK settings."""

    server_url: str | None = None
    timeout_ms: int | None = None
    http_headers: Mapping[str, str] | None = None
    retries: RetryConfig | None = None
