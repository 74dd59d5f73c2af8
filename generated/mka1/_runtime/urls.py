"""Request URLs without parsing them again on every call.

httpx parses and normalises every URL string it is given (about a fifth of the CPU of a small
call). The SDK builds its URLs from a few server URLs and a path and query it percent-encoded
itself, so it parses each server URL once and joins the rest to it as it is. When a path or
query is not in the exact form httpx would produce (a character httpx would encode, a ``.``
segment), or this httpx has a different inside, the URL goes to httpx as a string as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import httpx

__all__ = ["request_url"]

# What httpx leaves as it is: unreserved and sub-delimiter characters, ":@/" (and "?" in the
# query), and complete %XX escapes.
_PATH = re.compile(r"/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
_QUERY = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
_MAX_LENGTH = 4096  # longer URLs go the slow way (httpx checks a limit of its own)


def request_url(base: str, path: str, query: str | None) -> httpx.URL | str:
    """``base + path`` (``?query``) as an ``httpx.URL`` made without parsing, or as the string
    when that cannot be done safely."""
    parts = _base(base)
    if (
        parts is None
        or len(path) + len(query or "") > _MAX_LENGTH
        or "/." in path
        or not _PATH.fullmatch(path)
        or (query is not None and not _QUERY.fullmatch(query))
    ):
        return base + path if query is None else f"{base}{path}?{query}"
    return _join(parts, path, query)


def _join(parts: Any, path: str, query: str | None) -> httpx.URL:
    # httpx's parse result: (scheme, userinfo, host, port, path, query, fragment); _works()
    # checks this against httpx before the first use.
    url = httpx.URL.__new__(httpx.URL)
    url._uri_reference = type(parts)(  # pyright: ignore[reportAttributeAccessIssue]
        parts.scheme, parts.userinfo, parts.host, parts.port, parts.path + path, query, None
    )
    return url


@lru_cache(maxsize=64)
def _base(base: str) -> Any:
    """The parsed server URL (httpx's own parse result), or None when joining to it without
    parsing is not safe: a query or fragment, a path httpx would change, or an httpx whose
    inside this module does not know."""
    try:
        parsed = httpx.URL(base)._uri_reference
        if parsed.query is not None or parsed.fragment is not None or parsed.path.endswith("/"):
            return None
        if parsed.path and not _PATH.fullmatch(parsed.path):
            return None
        if not _works(parsed):
            return None
        return parsed
    except Exception:  # noqa: BLE001 - any surprise: parse every URL, as httpx does
        return None


def _works(parsed: Any) -> bool:
    """A joined URL equals the one httpx makes from the string."""
    sample_path, sample_query = "/a%20b/c", "x=1&y=%2F"
    url = _join(parsed, sample_path, sample_query)
    expected = httpx.URL(f"{parsed.scheme}://{parsed.authority}{parsed.path}{sample_path}?{sample_query}")
    return (
        url == expected
        and url.raw_path == expected.raw_path
        and url.host == expected.host
        and url.port == expected.port
        and url._uri_reference == expected._uri_reference  # pyright: ignore[reportAttributeAccessIssue]
    )
