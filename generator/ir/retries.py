"""Retry policies from the spec (`x-sdkgen-retries`, `x-speakeasy-retries`).

The defaults have one home: the runtime's `RetryConfig` and `BackoffStrategy`
(`templates/runtime/types.py`, copied into every SDK). The generator reads their field defaults
from that file (parsed, not imported: the runtime is standalone), so a policy the spec leaves
partly unsaid is filled in with exactly what the SDK would use.
"""

from __future__ import annotations

from typing import Any

from . import text
from .model import BackoffIR, RetryIR
from .runtime import runtime_defaults
from .spec import as_dict, is_number


def default_backoff() -> BackoffIR:
    b = runtime_defaults()["BackoffStrategy"]
    return BackoffIR(b["initial_interval_ms"], b["max_interval_ms"], b["exponent"], b["max_elapsed_ms"])


def default_policy() -> RetryIR:
    """The runtime's `RetryConfig()`."""
    r = runtime_defaults()["RetryConfig"]
    return RetryIR(False, default_backoff(), r["retry_connection_errors"], tuple(r["status_codes"]))


# spec key of `backoff` -> field of BackoffIR
_BACKOFF_KEYS = {"initialInterval": "initial_interval_ms", "maxInterval": "max_interval_ms",
                 "exponent": "exponent", "maxElapsedTime": "max_elapsed_ms"}


def policy(cfg: Any) -> RetryIR | None:
    """The policy a spec's retries extension declares (None: none declared)."""
    if not isinstance(cfg, dict):
        return None
    if cfg.get("strategy") == "none":
        return RetryIR(none=True)
    default = default_policy()
    assert default.backoff is not None
    given = as_dict(cfg.get("backoff"))
    values = {name: given[key] if is_number(given.get(key)) else getattr(default.backoff, name)
              for key, name in _BACKOFF_KEYS.items()}
    codes = tuple(str(c) for c in cfg.get("statusCodes") or default.status_codes if isinstance(c, (int, str)))
    return RetryIR(False, BackoffIR(**values), bool(cfg.get("retryConnectionErrors", default.retry_connection_errors)), codes)


def in_words(retries: RetryIR | None) -> str:
    """A policy from the spec in words, for the README ("" when there is none)."""
    if retries is None:
        return ""
    if retries.none or retries.backoff is None:
        return "no retries"
    b = retries.backoff
    conn = "and connection errors" if retries.retry_connection_errors else "(not connection errors)"
    return (f"statuses {text.markdown(', '.join(retries.status_codes))} {conn}; first delay {b.initial_interval_ms} ms, "
            f"times {b.exponent} each retry, at most {b.max_interval_ms} ms, "
            f"giving up after {b.max_elapsed_ms} ms")
