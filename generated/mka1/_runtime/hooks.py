"""Hooks: your functions, called around every HTTP exchange of an SDK.

- ``before_request(request, ctx)``: before each attempt is sent (retries included). Change
  ``request`` in place (``request.headers[...] = ...``) or return a replacement request.
- ``after_response(response, ctx)``: after each HTTP response arrives, before the SDK reads
  its body or decides to retry. Return a replacement response or None.
- ``on_error(error, ctx)``: when a call fails with an ``SDKError`` (an error status or a
  transport failure, after the last retry), and when an event stream breaks for good while
  you read it (``StreamInterruptedError``). Return a replacement exception or None.

Hooks run in the order they were added. In async calls a hook may be an ``async def``
function; sync calls need plain functions.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, TypeVar, Union

import httpx

from .errors import SDKError

__all__ = ["Hooks", "HookContext", "BeforeRequestHook", "AfterResponseHook", "OnErrorHook"]


@dataclass(frozen=True, slots=True)
class HookContext:
    """Which call a hook is running for. ``path`` is the path template of the operation
    (``/things/{thing_id}``); ``attempt`` counts from 1 and grows with each retry."""

    operation_id: str
    method: str
    path: str
    attempt: int


BeforeRequestHook = Callable[
    [httpx.Request, HookContext],
    Union[httpx.Request, None, Awaitable[Union[httpx.Request, None]]],
]
AfterResponseHook = Callable[
    [httpx.Response, HookContext],
    Union[httpx.Response, None, Awaitable[Union[httpx.Response, None]]],
]
OnErrorHook = Callable[
    [SDKError, HookContext],
    Union[BaseException, None, Awaitable[Union[BaseException, None]]],
]

_F = TypeVar("_F", bound=Callable[..., Any])
_V = TypeVar("_V")


def _sync(result: Any, hook: Callable[..., Any]) -> Any:
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # never awaited: close it so Python does not warn
        raise TypeError(f"hook {hook!r} is async; it can only run in async calls (the *_async methods)")
    return result


class Hooks:
    """The hooks of one SDK client. Pass one to ``SDK(hooks=...)`` or add to ``sdk.hooks``.

    The ``add_*`` methods return the function, so they also work as decorators.
    """

    __slots__ = ("before_request", "after_response", "on_error")

    def __init__(
        self,
        *,
        before_request: Iterable[BeforeRequestHook] = (),
        after_response: Iterable[AfterResponseHook] = (),
        on_error: Iterable[OnErrorHook] = (),
    ) -> None:
        self.before_request: list[BeforeRequestHook] = list(before_request)
        self.after_response: list[AfterResponseHook] = list(after_response)
        self.on_error: list[OnErrorHook] = list(on_error)

    def add_before_request(self, hook: _F) -> _F:
        self.before_request.append(hook)
        return hook

    def add_after_response(self, hook: _F) -> _F:
        self.after_response.append(hook)
        return hook

    def add_on_error(self, hook: _F) -> _F:
        self.on_error.append(hook)
        return hook

    def copy(self) -> Hooks:
        return Hooks(
            before_request=self.before_request,
            after_response=self.after_response,
            on_error=self.on_error,
        )

    def __bool__(self) -> bool:
        return bool(self.before_request or self.after_response or self.on_error)

    def __repr__(self) -> str:
        return (
            f"Hooks(before_request={len(self.before_request)}, "
            f"after_response={len(self.after_response)}, on_error={len(self.on_error)})"
        )

    # --- running them (the client calls these only when the list is not empty) -------------

    @staticmethod
    def run(hooks: list[Callable[[_V, HookContext], Any]], value: _V, ctx: HookContext) -> _V:
        for hook in hooks:
            result = _sync(hook(value, ctx), hook)
            if result is not None:
                value = result
        return value

    @staticmethod
    async def run_async(
        hooks: list[Callable[[_V, HookContext], Any]], value: _V, ctx: HookContext
    ) -> _V:
        for hook in hooks:
            result = hook(value, ctx)
            if inspect.isawaitable(result):
                result = await result
            if result is not None:
                value = result
        return value
