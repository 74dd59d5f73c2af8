"""Request URLs joined to a server URL parsed once (urls.py): the same URL httpx would make."""

from __future__ import annotations

import importlib
from types import ModuleType, SimpleNamespace

import httpx
import pytest


@pytest.fixture(scope="module")
def urls(rt: SimpleNamespace) -> ModuleType:
    return importlib.import_module(f"{rt.name}._runtime.urls")


@pytest.mark.parametrize(
    ("base", "path", "query"),
    [
        ("http://127.0.0.1:8080", "/api/v1/responses/resp_1", None),
        ("https://API.Example.com/v1", "/things/a%2Fb", "x=1&y=%20z&flag"),
        ("https://example.com:443/base", "/x", "q=%E2%9C%93"),
        ("https://user:pw@example.com", "/x", None),
        ("http://[::1]:9000", "/x", "a=1"),
        ("https://xn--bcher-kva.example", "/x", None),
    ],
)
def test_joined_url_equals_httpx_parse(urls: ModuleType, base: str, path: str, query: str | None) -> None:
    url = urls.request_url(base, path, query)
    expected = httpx.URL(base + path + ("" if query is None else f"?{query}"))
    assert isinstance(url, httpx.URL)
    assert url == expected and url.raw_path == expected.raw_path and str(url) == str(expected)
    assert httpx.Client().build_request("GET", url).url == expected


@pytest.mark.parametrize(
    ("base", "path", "query"),
    [
        ("https://example.com", "/a b", None),  # httpx would encode the space
        ("https://example.com", "/a/../b", None),  # and drop the dot segment
        ("https://example.com", "/x", "q=a b"),
        ("https://example.com", "/x", "q=%zz"),  # not an escape
        ("https://example.com?k=v", "/x", None),  # a query on the server URL
        ("https://example.com", "x", None),  # not an absolute path
        ("https://example.com", "/" + "a" * 5000, None),
    ],
)
def test_anything_httpx_would_change_goes_as_a_string(urls: ModuleType, base: str, path: str, query: str | None) -> None:
    url = urls.request_url(base, path, query)
    assert url == base + path + ("" if query is None else f"?{query}")


def test_path_values_are_encoded_as_quote_does(rt: SimpleNamespace) -> None:
    from urllib.parse import quote

    for text in ["resp_1", "a-b.c~d", "a/b", "a b", "ü", "%41", "", "x?y#z", "a,b"]:
        assert rt.serialize._enc(text) == quote(text, safe="")
