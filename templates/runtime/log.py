"""The SDK's logger, and the ``<PACKAGE>_LOG`` environment variable that turns it on.

The SDK logs through the stdlib logger named after its package (e.g. ``mka1``): at DEBUG,
one line per request, per response (status and time) and per retry (delay and reason);
warnings for responses that do not match their schema. Credentials never appear: URLs are
logged with secret query parameters masked, and headers are not logged.
"""

from __future__ import annotations

import logging
import os
import re
import sys

__all__ = ["get_logger", "env_var_name"]

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
