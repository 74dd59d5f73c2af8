"""ClientCore against a real HTTP server (uvicorn on 127.0.0.1): what goes over the wire."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import time
from types import SimpleNamespace
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest

TOKEN = "sk-test-secret-token"
FAST = {"initial_interval_ms": 1, "max_interval_ms": 5, "max_elapsed_ms": 3000}


@pytest.fixture()
def core(rt: SimpleNamespace, server: str) -> Iterator[Any]:
    c = make_core(rt, server)
    yield c
    c.close()


def make_core(rt: SimpleNamespace, server: str, **kw: Any) -> Any:
    return rt.client.ClientCore(
        models_module=rt.models.__name__,
        errors_module=rt.errors_mod.__name__,
        server_url=server + "/",
        security=(rt.operation.Security("bearer", "http", "bearer", "header", "Authorization"),),
        security_values={"bearer": TOKEN},
        logger_name="test.runtime",
        user_agent="rt-test/1.0",
        **kw,
    )


def op(rt: SimpleNamespace, method: str, path: str, **kw: Any) -> Any:
    return rt.operation.Operation(
        operation_id=kw.pop("operation_id", "testOp"), method=method, path=path, **kw
    )


def param(
    rt: SimpleNamespace,
    name: str,
    location: str,
    style: str = "form",
    explode: bool = True,
    wire: str | None = None,
) -> Any:
    return rt.operation.Param(name, wire or name, location, style, explode)


def fast_retries(rt: SimpleNamespace) -> Any:
    return rt.types.RetryConfig(backoff=rt.types.BackoffStrategy(**FAST))


# --- requests -------------------------------------------------------------------------------


def test_get_serializes_path_query_headers_and_cookies(rt: SimpleNamespace, core: Any) -> None:
    get = op(
        rt,
        "GET",
        "/things/{thing_id}",
        response="Thing",
        params=(
            param(rt, "thing_id", "path", "simple", False),
            param(rt, "include", "query"),
            param(rt, "ids", "query", "form", False),
            param(rt, "flag", "query"),
            param(rt, "filter", "query", "deepObject"),
            param(rt, "trace", "header", "simple", False, wire="X-Trace"),
            param(rt, "session", "cookie"),
            param(rt, "unused", "query"),
        ),
    )
    thing = core.request(
        get,
        params={
            "thing_id": "a/b c",
            "include": ["x.y", "z"],
            "ids": [1, 2],
            "flag": False,
            "filter": {"kind": "big"},
            "trace": ["t1", "t2"],
            "session": "s1",
            "unused": None,
        },
    )
    assert isinstance(thing, rt.models.Thing)
    echo = thing.echo
    assert echo["raw_path"] == "/things/a%2Fb%20c"
    assert thing.id == "a/b c"
    assert echo["query"] == "include=x.y&include=z&ids=1,2&flag=false&filter%5Bkind%5D=big"
    assert echo["query_items"] == [
        ["include", "x.y"],
        ["include", "z"],
        ["ids", "1,2"],
        ["flag", "false"],
        ["filter[kind]", "big"],
    ]
    headers = echo["headers"]
    assert headers["x-trace"] == "t1,t2"
    assert headers["cookie"] == "session=s1"
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["user-agent"] == "rt-test/1.0"
    assert headers["accept"] == "application/json"


def test_post_json_body(rt: SimpleNamespace, core: Any) -> None:
    create = op(
        rt,
        "POST",
        "/things",
        response="Thing",
        body=rt.operation.Body("application/json", "json", frozenset({"note"})),
    )
    result = core.request(
        create,
        body={
            "name": "w",
            "thing": rt.models.Thing(id="x"),
            "note": None,
            "left_out": None,
            "unset": rt.types.NOT_GIVEN,
            "text": "é",
        },
    )
    echo = result.echo
    assert json.loads(echo["body"]) == {
        "name": "w",
        "thing": {"id": "x"},
        "note": None,
        "text": "é",
    }
    assert echo["headers"]["content-type"] == "application/json"
    assert "idempotency-key" not in echo["headers"]


def test_per_call_options_override(rt: SimpleNamespace, core: Any, server: str) -> None:
    get = op(
        rt,
        "GET",
        "/things/{id}",
        response="Thing",
        params=(param(rt, "id", "path", "simple", False),),
    )
    options = rt.types.CallOptions(
        server_url=server, http_headers={"X-Extra": "1", "Accept": "*/*"}
    )
    thing = core.request(get, params={"id": "1"}, options=options)
    assert thing.echo["headers"]["x-extra"] == "1"
    assert thing.echo["headers"]["accept"] == "*/*"


def test_no_content_returns_none(rt: SimpleNamespace, core: Any) -> None:
    assert core.request(op(rt, "DELETE", "/empty")) is None


def test_async_request_matches_sync(rt: SimpleNamespace, server: str) -> None:
    get = op(
        rt,
        "GET",
        "/things/{id}",
        response="Thing",
        params=(param(rt, "id", "path", "simple", False), param(rt, "tags", "query")),
    )

    async def main() -> Any:
        core = make_core(rt, server)
        try:
            return await core.request_async(get, params={"id": "7", "tags": ["a", "b"]})
        finally:
            await core.aclose()

    thing = asyncio.run(main())
    assert thing.id == "7" and thing.echo["query"] == "tags=a&tags=b"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, name",
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (418, "SDKError"),
    ],
)
def test_error_statuses_map_to_classes(
    rt: SimpleNamespace, core: Any, status: int, name: str
) -> None:
    get = op(rt, "GET", f"/status/{status}", operation_id="getStatus")
    with pytest.raises(rt.errors.SDKError) as info:
        core.request(get)
    error = info.value
    assert type(error).__name__ == name
    assert error.status_code == status
    assert error.headers["x-request-id"] == f"req-{status}"
    assert json.loads(error.body)["error"]["code"] == f"E{status}"
    assert error.raw_response.status_code == status
    text = str(error)
    assert text.startswith(f"getStatus: GET /status/{status} returned {status}")
    assert f"failure {status} for Bearer ***" in text  # the server echoed the token: redacted
    assert TOKEN not in text and TOKEN not in repr(error)


def test_declared_errors_raise_generated_classes_with_data(rt: SimpleNamespace, core: Any) -> None:
    E = rt.operation.ErrorSpec
    get = op(
        rt,
        "GET",
        "/status/404",
        errors=(E("404", "ErrorEnvelope", "ThingNotFound"), E("default", None, "AnyProblem")),
    )
    with pytest.raises(rt.errors_mod.ThingNotFound) as info:
        core.request(get)
    assert isinstance(info.value, rt.errors.NotFoundError)
    assert info.value.data.error.message.startswith("failure 404")

    by_class = op(
        rt,
        "GET",
        "/status/409",
        errors=(E("4XX", "ErrorEnvelope", "ClientProblem"), E("default", None, "AnyProblem")),
    )
    with pytest.raises(rt.errors_mod.ClientProblem) as info2:
        core.request(by_class)
    assert info2.value.data.error.code == "E409"

    fallback = op(
        rt,
        "GET",
        "/status/500",
        errors=(E("4XX", None, "ClientProblem"), E("default", None, "AnyProblem")),
    )
    with pytest.raises(rt.errors_mod.AnyProblem):
        core.request(fallback)


def test_success_with_a_body_that_is_not_json(rt: SimpleNamespace, core: Any) -> None:
    with pytest.raises(rt.errors.ResponseValidationError):
        core.request(op(rt, "GET", "/not-json/200", response="Thing"))
    with pytest.raises(rt.errors.InternalServerError) as info:
        core.request(op(rt, "GET", "/not-json/502", response="Thing"))
    assert "<html>gateway error</html>" in str(info.value)


# --- retries --------------------------------------------------------------------------------


def test_retries_503_honouring_retry_after(rt: SimpleNamespace, server: str, state: Any) -> None:
    core = make_core(
        rt, server, retry_config=rt.types.RetryConfig()
    )  # default backoff: Retry-After: 0 wins
    started = time.monotonic()
    thing = core.request(
        op(rt, "GET", "/flaky/get1", response="Thing", params=(param(rt, "fail", "query"),)),
        params={"fail": 2},
    )
    assert thing.count == 3 and state.attempts["get1"] == 3
    assert time.monotonic() - started < 1.0
    core.close()


def test_retries_give_up_and_raise_the_last_error(
    rt: SimpleNamespace, server: str, state: Any
) -> None:
    config = rt.types.RetryConfig(backoff=rt.types.BackoffStrategy(1, 5, 1.5, 200))
    core = make_core(rt, server)
    with pytest.raises(rt.errors.InternalServerError):
        core.request(op(rt, "GET", "/flaky/get2"), options=rt.types.CallOptions(retries=config))
    assert state.attempts["get2"] > 2
    core.close()


def test_post_without_idempotency_key_is_not_retried(
    rt: SimpleNamespace, server: str, state: Any
) -> None:
    core = make_core(rt, server, retry_config=fast_retries(rt))
    post = op(rt, "POST", "/flaky/post1", body=rt.operation.Body("application/json", "json"))
    with pytest.raises(rt.errors.InternalServerError):
        core.request(post, body={"a": 1})
    assert state.attempts["post1"] == 1
    core.close()


def test_post_with_idempotency_key_param_is_retried_with_one_key(
    rt: SimpleNamespace, server: str, state: Any
) -> None:
    core = make_core(rt, server, retry_config=fast_retries(rt))
    post = op(
        rt,
        "POST",
        "/flaky/post2",
        response="Thing",
        body=rt.operation.Body("application/json", "json"),
        params=(
            param(rt, "fail", "query"),
            param(rt, "idempotency_key", "header", "simple", False, wire="Idempotency-Key"),
        ),
    )
    core.request(post, params={"fail": 2}, body={"a": 1})
    keys = state.idempotency_keys["post2"]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1
    core.request(post, params={"fail": 0, "idempotency_key": "mine"}, body={"a": 1})
    assert keys[-1] == "mine"
    core.close()


def test_operation_policy_applies_and_per_call_none_disables(
    rt: SimpleNamespace, server: str, state: Any
) -> None:
    core = make_core(rt, server)
    get = op(
        rt,
        "GET",
        "/flaky/op1",
        response="Thing",
        retries=fast_retries(rt),
        params=(param(rt, "fail", "query"),),
    )
    assert core.request(get, params={"fail": 1}).count == 2
    with pytest.raises(rt.errors.InternalServerError):
        core.request(
            op(rt, "GET", "/flaky/op2", retries=fast_retries(rt)),
            options=rt.types.CallOptions(retries=rt.types.RetryConfig.none()),
        )
    assert state.attempts["op2"] == 1
    core.close()


# --- transport failures ---------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_raises_api_connection_error(rt: SimpleNamespace) -> None:
    core = make_core(
        rt, f"http://127.0.0.1:{_closed_port()}", retry_config=rt.types.RetryConfig.none()
    )
    with pytest.raises(rt.errors.APIConnectionError) as info:
        core.request(op(rt, "GET", "/things/1", operation_id="getThing"))
    assert not isinstance(info.value, rt.errors.APITimeoutError)
    assert info.value.status_code is None
    assert str(info.value).startswith("getThing: GET /things/1 failed: ConnectError")
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    core.close()


def test_connection_refused_is_retried_then_raised(rt: SimpleNamespace) -> None:
    config = rt.types.RetryConfig(backoff=rt.types.BackoffStrategy(1, 5, 1.5, 150))
    core = make_core(rt, f"http://127.0.0.1:{_closed_port()}", retry_config=config)
    started = time.monotonic()
    with pytest.raises(rt.errors.APIConnectionError):
        core.request(op(rt, "GET", "/things/1"))
    assert 0.1 < time.monotonic() - started < 2.0  # it kept trying for about max_elapsed
    core.close()


def test_timeout_raises_api_timeout_error(rt: SimpleNamespace, core: Any) -> None:
    started = time.monotonic()
    with pytest.raises(rt.errors.APITimeoutError):
        core.request(
            op(rt, "GET", "/slow", response="Thing"), options=rt.types.CallOptions(timeout_ms=200)
        )
    assert time.monotonic() - started < 1.5


def test_async_timeout_uses_operation_default(rt: SimpleNamespace, server: str) -> None:
    async def main() -> None:
        core = make_core(rt, server)
        try:
            await core.request_async(op(rt, "GET", "/slow", timeout_ms=200))
        finally:
            await core.aclose()

    with pytest.raises(rt.errors.APITimeoutError):
        asyncio.run(main())


# --- event streams --------------------------------------------------------------------------


def stream_op(rt: SimpleNamespace, path: str = "/events") -> Any:
    return op(
        rt,
        "GET",
        path,
        response="Thing",
        event="Event",
        stream=rt.operation.StreamSpec(sentinel="[DONE]"),
        params=(param(rt, "count", "query"),),
    )


def test_sse_stream_sync(rt: SimpleNamespace, core: Any) -> None:
    with core.request(stream_op(rt), params={"count": 3}, stream=True) as events:
        assert isinstance(events, rt.sse.EventStream)
        items = list(events)
    assert [type(i).__name__ for i in items] == ["TextDelta"] * 3 + ["UnknownEvent", "Completed"]
    assert [i.delta for i in items[:3]] == ["d0", "d1", "d2"]
    assert items[3].type == "brand.new" and items[3].data["x"] == 1
    assert items[4].sequence_number == 4  # the event after [DONE] was never read
    assert events.last_event_id == "2"
    assert events.response.is_closed


def test_sse_stream_async(rt: SimpleNamespace, server: str) -> None:
    async def main() -> list[Any]:
        core = make_core(rt, server)
        try:
            stream = await core.request_async(stream_op(rt), params={"count": 2}, stream=True)
            assert isinstance(stream, rt.sse.AsyncEventStream)
            async with stream as events:
                return [e async for e in events]
        finally:
            await core.aclose()

    items = asyncio.run(main())
    assert [getattr(i, "sequence_number", None) for i in items] == [
        0,
        1,
        None,
        3,
    ]  # 2: UnknownEvent


def test_stream_request_sends_event_stream_accept(rt: SimpleNamespace, core: Any) -> None:
    get = op(
        rt,
        "GET",
        "/things/{id}",
        response="Thing",
        event="Event",
        params=(param(rt, "id", "path", "simple", False),),
    )
    res = core.request(get, params={"id": "1"}, stream=True)
    assert res.echo["headers"]["accept"] == "text/event-stream"
    with res as events:  # a plain result still works with the streaming idiom
        assert [e.id for e in events] == ["1"]


def test_early_close_releases_the_connection(rt: SimpleNamespace, core: Any, state: Any) -> None:
    events = core.request(stream_op(rt, "/forever"), stream=True)
    for n, _ in enumerate(events):
        if n == 2:
            break
    events.close()
    assert state.wait_for(lambda: state.streams_closed == 1), "server still streaming"
    # leaving `with` in the middle of a stream does the same
    with core.request(stream_op(rt, "/forever"), stream=True) as events:
        next(iter(events))
    assert state.wait_for(lambda: state.streams_closed == 2)


def test_garbage_collected_stream_releases_the_connection(
    rt: SimpleNamespace, core: Any, state: Any
) -> None:
    events = core.request(stream_op(rt, "/forever"), stream=True)
    next(events)
    del events
    gc.collect()
    assert state.wait_for(lambda: state.streams_closed == 1)
    never_iterated = core.request(stream_op(rt, "/forever"), stream=True)
    del never_iterated
    gc.collect()
    assert state.wait_for(lambda: state.streams_closed == 2)


def test_exception_in_consumer_releases_the_connection(
    rt: SimpleNamespace, core: Any, state: Any
) -> None:
    with pytest.raises(RuntimeError):
        with core.request(stream_op(rt, "/forever"), stream=True) as events:
            for _ in events:
                raise RuntimeError("consumer failed")
    assert state.wait_for(lambda: state.streams_closed == 1)


def test_async_early_close_releases_the_connection(
    rt: SimpleNamespace, server: str, state: Any
) -> None:
    async def main() -> None:
        core = make_core(rt, server)
        try:
            stream = await core.request_async(stream_op(rt, "/forever"), stream=True)
            async with stream as events:
                async for n, _ in _aenumerate(events):
                    if n == 2:
                        break
        finally:
            await core.aclose()

    asyncio.run(main())
    assert state.wait_for(lambda: state.streams_closed == 1)


async def _aenumerate(items: Any) -> AsyncIterator[tuple[int, Any]]:
    n = 0
    async for item in items:
        yield n, item
        n += 1
