"""The raw HTTP response of a call, for its status and headers, with the parsed result on demand."""

from __future__ import annotations

from typing import Any, Callable, Coroutine, Generic, ParamSpec, TypeVar, cast

import httpx

__all__ = ["RawResponse", "raw", "raw_async"]

T = TypeVar("T", covariant=True)
P = ParamSpec("P")
R = TypeVar("R")

_UNSET: object = object()


class RawResponse(Generic[T]):
    """What ``with_raw_response`` methods return.

    ``status_code`` and ``headers`` (request ids, rate limits) are those of the final HTTP
    response, after any retries; ``parse()`` returns what the plain method would have
    returned (the model, an event stream, or None), building it once. ``http_response`` is
    the underlying ``httpx.Response``. Error statuses still raise, as with plain methods.
    """

    __slots__ = ("http_response", "_parse", "_value")

    def __init__(self, response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = response
        self._parse = parse
        self._value: object = _UNSET

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    def parse(self) -> T:
        if self._value is _UNSET:
            self._value = self._parse()
        return cast(T, self._value)

    def __repr__(self) -> str:
        # Method, URL without its query, and status: credentials (headers, API keys sent in
        # the query) stay out.
        request = self.http_response.request
        url = request.url.copy_with(query=None)
        return f"<RawResponse [{self.status_code}] {request.method} {url}>"


def raw(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """A method of a resource built on the core's `raw_view()`, typed as what it returns there:
    the same arguments (every overload), and a `RawResponse` of the plain method's result.
    Nothing is wrapped at run time: the raw view's core already returns the `RawResponse`."""
    return cast(Any, method)


def raw_async(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, RawResponse[R]]]:
    """`raw` for an `_async` method."""
    return cast(Any, method)
