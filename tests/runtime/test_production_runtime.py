"""Runtime pieces of issue 4 in isolation (httpx.MockTransport): pagination edge cases, derived
clients, raw views, hooks, the logger set-up and default timeouts."""

from __future__ import annotations

import asyncio
import copy
import logging
import pickle
from types import SimpleNamespace
from typing import Any, Callable

import httpx
import pytest
from pydantic import Field

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="module")
def pages(rt: SimpleNamespace) -> SimpleNamespace:
    """Page models added to the throwaway models module (the generator would emit them)."""
    CursorPage = rt.pagination.CursorPage
    Thing = rt.models.Thing

    class Page(CursorPage):
        data: list[Thing]
        has_more: bool | None = None
        last_id: str | None = None

    class AliasPage(CursorPage):
        results: list[Thing]
        next_cursor: str | None = Field(default=None, alias="nextCursor")

    for cls in (Page, AliasPage):
        cls.__module__ = rt.models.__name__
        cls.__qualname__ = cls.__name__
        cls.model_rebuild()
        setattr(rt.models, cls.__name__, cls)
    return SimpleNamespace(Page=Page, AliasPage=AliasPage)


def make_core(rt: SimpleNamespace, handler: Handler, **kw: Any) -> Any:
    return rt.client.ClientCore(
        models_module=rt.models.__name__,
        errors_module=rt.errors_mod.__name__,
        server_url="https://api.test",
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        logger_name="test.production",
        **kw,
    )


def list_op(rt: SimpleNamespace, response: str = "Page", **pagination: Any) -> Any:
    return rt.operation.Operation(
        operation_id="listThings",
        method="GET",
        path="/things",
        params=(rt.operation.Param("after", "after", "query", "form", True),),
        response=response,
        pagination=rt.operation.Pagination(**pagination),
    )


class Server:
    """Answers list calls from a table: cursor -> JSON body; records the cursors asked for."""

    def __init__(self, table: dict[str | None, Any]) -> None:
        self.table = table
        self.asked: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        self.asked.append(after)
        return httpx.Response(200, json=self.table[after])


def things(*ids: str) -> list[dict[str, str]]:
    return [{"id": i} for i in ids]


# -- pagination ---------------------------------------------------------------------------------


def test_without_has_more_it_pages_until_an_empty_page_using_the_last_item_id(
    rt: SimpleNamespace, pages: SimpleNamespace
) -> None:
    server = Server({None: {"data": things("a", "b")}, "b": {"data": things("c")}, "c": {"data": []}})
    core = make_core(rt, server)
    first = core.request(list_op(rt, cursor_param="after"), params={"after": None})
    assert isinstance(first, pages.Page)
    assert [t.id for t in first.auto_paging_iter()] == ["a", "b", "c"]
    assert server.asked == [None, "b", "c"]


def test_missing_has_more_and_a_repeated_cursor_end_the_pages(rt: SimpleNamespace, pages: SimpleNamespace) -> None:
    spec = {"cursor_param": "after", "cursor_field": "last_id", "has_more_field": "has_more"}
    server = Server({None: {"data": things("a"), "last_id": "a"}, "a": {"data": things("b"), "last_id": "a", "has_more": True}})
    core = make_core(rt, server)
    first = core.request(list_op(rt, **spec))
    second = first.next_page()  # has_more absent, items present: keep going
    assert second is not None and second.data[0].id == "b"
    assert second.next_page() is None  # the server sent the cursor it was given: stop, do not loop
    assert server.asked == [None, "a"]


def test_aliased_fields(rt: SimpleNamespace, pages: SimpleNamespace) -> None:
    server = Server({None: {"results": things("a"), "nextCursor": "n1"}, "n1": {"results": things("b")}})
    core = make_core(rt, server)
    op = list_op(rt, "AliasPage", cursor_param="after", cursor_field="nextCursor", items_field="results")
    assert [t.id for t in core.request(op).auto_paging_iter()] == ["a", "b"]


def test_a_page_that_breaks_its_schema_still_pages(rt: SimpleNamespace, pages: SimpleNamespace) -> None:
    bad = {"data": things("a"), "has_more": True, "last_id": 42}  # last_id should be a string
    server = Server({None: bad, "42": {"data": things("b"), "has_more": False}})
    core = make_core(rt, server)
    op = list_op(rt, cursor_param="after", cursor_field="last_id", has_more_field="has_more")
    # an unvalidated page keeps the data as sent, one level deep: its items stay dicts
    ids = [t["id"] if isinstance(t, dict) else t.id for t in core.request(op).auto_paging_iter()]
    assert ids == ["a", "b"]


def test_pages_copy_and_pickle_without_their_origin(rt: SimpleNamespace, pages: SimpleNamespace) -> None:
    core = make_core(rt, Server({None: {"data": things("a"), "has_more": True, "last_id": "a"}}))
    page = core.request(list_op(rt, cursor_param="after", cursor_field="last_id", has_more_field="has_more"))
    assert page.has_next_page()
    clone = pickle.loads(pickle.dumps(page))
    assert clone == page and not clone.has_next_page()
    assert copy.deepcopy(page) == page
    built = pages.Page(data=[], has_more=True, last_id="x")  # made by hand: no call to repeat
    assert built.next_page() is None and list(built.auto_paging_iter()) == []


def test_async_paging_with_the_async_client(rt: SimpleNamespace, pages: SimpleNamespace) -> None:
    server = Server({None: {"data": things("a"), "has_more": True, "last_id": "a"}, "a": {"data": things("b"), "has_more": False}})
    core = make_core(rt, server)
    op = list_op(rt, cursor_param="after", cursor_field="last_id", has_more_field="has_more")

    async def main() -> list[str]:
        first = await core.request_async(op)
        return [t.id async for t in first.auto_paging_iter_async()]

    assert asyncio.run(main()) == ["a", "b"]


# -- derived clients and raw views --------------------------------------------------------------


def echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": request.headers.get("x-user", "-"), "name": request.headers.get("authorization")})


def user_op(rt: SimpleNamespace) -> Any:
    return rt.operation.Operation(
        operation_id="getThing",
        method="GET",
        path="/thing",
        params=(rt.operation.Param("x_user", "X-User", "header", "simple", False),),
        response="Thing",
    )


def test_derive_keeps_replaces_and_removes(rt: SimpleNamespace) -> None:
    core = make_core(
        rt,
        echo,
        security=(rt.operation.Security("bearer", "http", "bearer"),),
        security_values={"bearer": "tok-1"},
        param_defaults={("header", "X-User"): "u1", ("query", "unused"): None},
        timeout_ms=1000,
    )
    assert core.param_defaults == {("header", "x-user"): "u1"}
    op = user_op(rt)
    assert core.request(op).id == "u1"
    NOT_GIVEN = rt.types.NOT_GIVEN
    child = core.derive(param_defaults={("header", "x-user"): "u2"}, security_values={"bearer": NOT_GIVEN})
    assert (child.request(op).id, child.request(op).name) == ("u2", "Bearer tok-1")
    assert child.timeout_ms == 1000 and child._pool is core._pool
    bare = child.derive(param_defaults={("header", "x-user"): None}, security_values={"bearer": None}, timeout_ms=None)
    assert (bare.request(op).id, bare.request(op).name, bare.timeout_ms) == ("-", None, None)
    assert core.request(op, params={"x_user": "own"}).id == "own"
    child.close()
    assert core._pool.sync is not None and not core._pool.sync.is_closed


def test_raw_view_returns_raw_responses_and_parses_once(rt: SimpleNamespace) -> None:
    core = make_core(rt, echo, param_defaults={("header", "x-user"): "u1"})
    raw = core.raw_view()
    assert core.raw_view() is raw
    result = raw.request(user_op(rt))
    assert isinstance(result, rt.raw.RawResponse)
    assert result.status_code == 200 and result.headers["content-type"] == "application/json"
    assert result.parse() is result.parse() and result.parse().id == "u1"
    assert repr(result) == "<RawResponse [200] GET https://api.test/thing>"


def test_raw_repr_leaves_out_query_credentials(rt: SimpleNamespace) -> None:
    core = make_core(
        rt,
        lambda request: httpx.Response(204),
        security=(rt.operation.Security("key", "apiKey", "", "query", "api_key"),),
        security_values={"key": "sk-query-secret"},
    )
    raw = core.raw_view().request(rt.operation.Operation(operation_id="ping", method="GET", path="/ping"))
    assert raw.parse() is None and "sk-query-secret" not in repr(raw)


# -- hooks --------------------------------------------------------------------------------------


def test_after_response_may_replace_the_response(rt: SimpleNamespace) -> None:
    hooks = rt.hooks.Hooks(after_response=[lambda response, ctx: httpx.Response(200, json={"id": "patched"})])
    core = make_core(rt, echo, hooks=hooks)
    assert core.request(user_op(rt)).id == "patched"


def test_hooks_chain_in_order_and_repr(rt: SimpleNamespace) -> None:
    order: list[str] = []
    hooks = rt.hooks.Hooks()
    hooks.add_before_request(lambda r, c: order.append("one"))

    @hooks.add_before_request
    def two(request: httpx.Request, ctx: Any) -> None:
        order.append("two")

    core = make_core(rt, echo, hooks=hooks)
    core.request(user_op(rt))
    assert order == ["one", "two"] and callable(two)
    assert repr(hooks) == "Hooks(before_request=2, after_response=0, on_error=0)"
    assert not rt.hooks.Hooks() and hooks


def test_a_hook_that_raises_releases_the_response(rt: SimpleNamespace) -> None:
    streams: list[httpx.Response] = []

    def after(response: httpx.Response, ctx: Any) -> None:
        streams.append(response)
        raise RuntimeError("boom")

    core = make_core(rt, echo, hooks=rt.hooks.Hooks(after_response=[after]))
    with pytest.raises(RuntimeError, match="boom"):
        core.request(user_op(rt))
    assert streams[0].is_closed


# -- logger and defaults ------------------------------------------------------------------------


def test_env_var_name_and_logger_setup(rt: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    log_mod = rt.log
    assert log_mod.env_var_name("mka1") == "MKA1_LOG"
    assert log_mod.env_var_name("my-api.v2") == "MY_API_V2_LOG"
    monkeypatch.setenv("PROBE_SDK_LOG", "info")
    log = log_mod.get_logger("probe_sdk")
    assert log.level == logging.INFO and not log.propagate
    assert [type(h).__name__ for h in log.handlers] == ["StreamHandler"]
    assert log_mod.get_logger("probe_sdk") is log and len(log.handlers) == 1
    monkeypatch.setenv("QUIET_SDK_LOG", "nonsense")
    quiet = log_mod.get_logger("quiet_sdk")
    assert quiet.propagate and [type(h).__name__ for h in quiet.handlers] == ["NullHandler"]


def test_clients_the_sdk_makes_wait_long_for_data_and_briefly_to_connect(rt: SimpleNamespace) -> None:
    core = rt.client.ClientCore(models_module="x", errors_module="y", server_url="https://a.test")
    timeout = core._get_client().timeout
    # and briefly for a free connection: a full pool is this process's own doing
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (10.0, 600.0, 600.0, 10.0)
    assert core._get_async_client().timeout == timeout
    limits = core._get_client()._transport._pool  # httpx's own default is 100 connections
    assert (limits._max_connections, limits._max_keepalive_connections) == (1000, 100)
    core.close()


def test_an_idempotency_key_in_http_headers_makes_a_post_retryable(rt: SimpleNamespace) -> None:
    replies = [httpx.Response(503), httpx.Response(200, json={"id": "done"})]
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("idempotency-key"))
        return replies.pop(0)

    fast = rt.types.RetryConfig(backoff=rt.types.BackoffStrategy(1, 2, 1.5, 1000))
    core = make_core(rt, handler, retry_config=fast)
    core.sleep = lambda seconds: None
    post = rt.operation.Operation(
        operation_id="make", method="POST", path="/things", body=rt.operation.Body("application/json", "json"), response="Thing"
    )
    options = rt.types.CallOptions(http_headers={"Idempotency-Key": "k-9"})
    assert core.request(post, body={"a": 1}, options=options).id == "done"
    assert keys == ["k-9", "k-9"]
