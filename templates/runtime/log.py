"""The SDK's logger, and the ``<PACKAGE>_LOG`` environment variable that turns it on.

The SDK logs through the stdlib logger named after its package (e.g. ``mka1``): at DEBUG,
one line per request, per response (status and time) and per retry (delay and reason);
warnings for responses that do not match their schema. Credentials never appear: URLs are
logged with secret query parameters masked, and headers are not logged. httpx logs each
request's URL itself (logger ``httpx``, INFO); a filter masks the same parameters there.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any, Iterable
from urllib.parse import unquote_plus

__all__ = ["get_logger", "env_var_name", "hide_query_params"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
           "error": logging.ERROR}
_configured: set[str] = set()


def env_var_name(logger_name: str) -> str:
    """``mka1`` -> ``MKA1_LOG``; any character that cannot be in a variable name becomes ``_``."""
    return re.sub(r"\W", "_", logger_name).upper() + "_LOG"


def get_logger(name: str) -> logging.Logger:
    """The logger ``name``, set up once per process.

    When the environment variable ``<NAME>_LOG`` is ``debug``, ``info``, ``warning`` or
    ``error``, the logger gets that level and its own handler writing to stderr (and stops
    passing records to the root logger, so no line is printed twice). Otherwise the logger
    only gets a ``NullHandler``: your logging configuration decides what is shown.
    """
    log = logging.getLogger(name)
    if name in _configured:
        return log
    _configured.add(name)
    level = _LEVELS.get(os.environ.get(env_var_name(name), "").strip().lower())
    if level is not None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(level)
        log.propagate = False
    elif not log.handlers:
        # Library convention: without it Python's last-resort handler prints our warnings
        # to stderr of apps that configured no logging. Records still propagate.
        log.addHandler(logging.NullHandler())
    return log


class _MaskQuery(logging.Filter):
    """Masks credentials in httpx's ``HTTP Request: GET <url> ...`` lines: the values of the
    query parameters that API keys are sent in. Filters see each record before it is
    formatted, whoever configured the handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 1:
            url = args[1]
            query: Any = getattr(url, "query", b"")
            if isinstance(query, bytes) and query:
                record.args = (args[0], self._masked(str(url), query.decode("ascii")), *args[2:])
        return True

    def _masked(self, url: str, query: str) -> str:
        if not url.endswith(query):  # a fragment after it: not a URL the SDK sends
            return url
        parts = []
        for part in query.split("&"):
            name, eq, _ = part.partition("=")
            parts.append(f"{name}=***" if eq and unquote_plus(name) in self.names else part)
        return url[: -len(query)] + "&".join(parts)


_mask = _MaskQuery()


def hide_query_params(names: Iterable[str]) -> None:
    """Mask the values of these query parameters in httpx's request log from now on."""
    new = set(names) - _mask.names
    if new:
        _mask.names |= new
        httpx_log = logging.getLogger("httpx")
        if _mask not in httpx_log.filters:
            httpx_log.addFilter(_mask)
