"""Small value types shared by generated code and the runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:  # for annotations only: importing them here would make an import cycle
    import httpx

    from .hooks import Hooks
    from .operation import Security

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "BackoffStrategy",
    "RetryConfig",
    "CallOptions",
    "ClientOptions",
]


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
    deadline_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientOptions:
    """Everything a client is configured with, defined once: ``ClientCore`` takes it and the
    generated ``SDK`` builds it, so the two cannot disagree about a name, a type or a default.

    Time limits (milliseconds):

    - ``timeout_ms``: one attempt, whole: connecting, sending and reading the entire body.
      For event streams and downloads it bounds the wait for the response headers, and then
      each read (the longest silence tolerated), not the whole stream.
    - ``deadline_ms``: the whole call, every retry and the waits between them included.
    - ``pool_timeout_ms``: how long a call waits for a free connection when all
      ``max_connections`` are in use (by streams left open, usually) before it raises
      ``PoolExhaustedError``.
    """

    models_module: str
    errors_module: str
    servers: Sequence[str] = ()
    server_url: str | None = None
    server_idx: int = 0
    security: Sequence[Security] = ()
    security_values: Mapping[str, Any] | None = None
    default_security: Sequence[Sequence[str]] | None = None
    timeout_ms: int | None = None
    deadline_ms: int | None = None
    pool_timeout_ms: int = 10_000
    max_connections: int = 1000
    max_keepalive_connections: int = 100
    retry_config: RetryConfig | None = None
    default_retries: RetryConfig | None = None
    client: httpx.Client | None = None
    async_client: httpx.AsyncClient | None = None
    user_agent: str = "sdkgen-python"
    logger_name: str = "sdkgen"
    param_defaults: Mapping[tuple[str, str], Any] | None = None
    http_headers: Mapping[str, str] | None = None
    hooks: Hooks | None = None
    # True: a success body that does not match its schema raises ResponseValidationError.
    strict_responses: bool = False
