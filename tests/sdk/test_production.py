"""Issue 4, "a runtime that holds up in production", checked on the generated MKA1 SDK against a
real HTTP server on 127.0.0.1: retries (delays on a fake clock), pagination, errors, timeouts,
per-user clients, raw responses, logging and redaction, hooks."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from mka1 import SDK, BackoffStrategy, HookContext, Hooks, RawResponse, RetryConfig, errors, models

from ..helpers import ROOT
from ..servers.mka1 import PAGED_ITEMS, PAGED_RESPONSE, MKA1State

TOKEN = "sk-prod-secret-token-1234"
CLOSED_PORT_URL = "http://127.0.0.1:9"


def sdk_for(url: str, **kw: Any) -> SDK:
    return SDK(bearer_auth=TOKEN, server_url=url, **kw)


class FakeTime:
    """Stands in for the SDK's sleep and monotonic clock: sleeping only moves the clock."""

    def __init__(self, jitter: float = 0.0) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.jitter = jitter

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def install(self, sdk: SDK) -> SDK:
        core = sdk._core
        core.sleep = self.sleep
        core.async_sleep = self.async_sleep
        core.clock = lambda: self.now
        core.random = lambda: self.jitter
        return sdk


# -- retries ------------------------------------------------------------------------------------


def test_spec_policy_backoff_schedule_on_a_fake_clock(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.extend([503, 502, 429])
    state.fail_headers = {}  # no Retry-After: the computed schedule applies
    clock = FakeTime(jitter=0.5)
    with clock.install(sdk_for(url)) as sdk:
        res = sdk.llm.responses.get(response_id="resp_r1")
    assert res.id == "resp_r1"
    assert len(state.requests) == 4
    # x-speakeasy-retries of the spec: 500 ms * 1.5**n, plus jitter (here 0.5 of 1 s)
    assert clock.sleeps == [1.0, 1.25, 1.625]


def test_gives_up_when_the_next_delay_would_pass_max_elapsed(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.extend([503] * 20)
    state.fail_headers = {}
    clock = FakeTime(jitter=0.0)
    with clock.install(sdk_for(url)) as sdk, pytest.raises(errors.InternalServerError) as info:
        sdk.llm.responses.list()
    # 0.5, 0.75, 1.125, 1.6875, 2.53125, 3.796875 (10.39 s); one more 5 s would pass 15 s
    assert clock.sleeps == [0.5, 0.75, 1.125, 1.6875, 2.53125, 3.796875]
    assert len(state.requests) == 7
    assert info.value.status_code == 503 and "injected 503" in str(info.value)


@pytest.mark.parametrize(
    "headers, expected",
    [({"Retry-After": "2"}, 2.0), ({"retry-after-ms": "250"}, 0.25), ({"Retry-After": "0"}, 0.0)],
)
def test_server_delay_headers_replace_the_schedule(
    server: tuple[str, MKA1State], headers: dict[str, str], expected: float
) -> None:
    url, state = server
    state.fail_with.append(429)
    state.fail_headers = headers
    clock = FakeTime(jitter=0.9)
    with clock.install(sdk_for(url)) as sdk:
        sdk.llm.responses.get(response_id="resp_r2")
    assert clock.sleeps == [expected]


def test_retry_after_as_an_http_date(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.append(503)
    state.fail_headers = {"Retry-After": email.utils.formatdate(time.time() + 3, usegmt=True)}
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk:
        sdk.llm.responses.get(response_id="resp_r3")
    assert len(clock.sleeps) == 1 and 1.0 <= clock.sleeps[0] <= 3.0


def test_retry_after_beyond_the_budget_gives_up_at_once(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.append(503)
    state.fail_headers = {"Retry-After": "3600"}
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk, pytest.raises(errors.InternalServerError):
        sdk.llm.responses.get(response_id="resp_r4")
    assert clock.sleeps == [] and len(state.requests) == 1


def test_sdk_retry_config_and_per_call_retries_override_the_spec(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_headers = {}
    mine = RetryConfig(backoff=BackoffStrategy(100, 1000, 2.0, 60_000), status_codes=("5XX",))
    clock = FakeTime()
    with clock.install(sdk_for(url, retry_config=mine)) as sdk:
        state.fail_with.extend([500, 501, 503])  # 501 is not in the spec's list, but in 5XX
        sdk.llm.responses.get(response_id="resp_r5")
        assert clock.sleeps == [0.1, 0.2, 0.4]
        state.requests.clear()
        state.fail_with.append(503)
        with pytest.raises(errors.InternalServerError):
            sdk.llm.responses.get(response_id="resp_r5", retries=RetryConfig.none())
        assert len(state.requests) == 1
        state.fail_with.append(429)  # the per-call policy does not list 429
        with pytest.raises(errors.RateLimitError):
            sdk.llm.responses.get(response_id="resp_r5", retries=RetryConfig(status_codes=("503",)))


def test_post_is_not_retried_without_an_idempotency_key(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.append(503)
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk, pytest.raises(errors.InternalServerError):
        sdk.llm.responses.create(model="m", input="hi")
    assert len(state.requests) == 1 and clock.sleeps == []


def test_post_with_an_idempotency_key_is_retried_with_that_key(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.extend([503, 503])
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk:
        res = sdk.llm.responses.create(model="m", input="hi", http_headers={"Idempotency-Key": "key-1"})
    assert res.id == "resp_new123"
    assert [r.headers.get("idempotency-key") for r in state.requests] == ["key-1"] * 3
    assert [r.body for r in state.requests] == [{"model": "m", "input": "hi"}] * 3


def test_connection_errors_are_retried_then_raised() -> None:
    clock = FakeTime()
    with clock.install(sdk_for(CLOSED_PORT_URL)) as sdk, pytest.raises(errors.APIConnectionError) as info:
        sdk.llm.responses.get(response_id="resp_c1")
    assert len(clock.sleeps) == 6  # the same schedule as for statuses
    assert not isinstance(info.value, errors.APITimeoutError)
    assert "getResponse: GET /api/v1/llm/responses/resp_c1 failed" in str(info.value)
    assert TOKEN not in str(info.value)


def test_async_retries_use_the_same_schedule(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.extend([503, 503])
    state.fail_headers = {}
    clock = FakeTime()

    async def main() -> str:
        async with clock.install(sdk_for(url)) as sdk:
            return (await sdk.llm.responses.get_async(response_id="resp_a1")).id

    assert asyncio.run(main()) == "resp_a1"
    assert clock.sleeps == [0.5, 0.75]


def test_a_stream_is_retried_before_its_first_event(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.append(503)
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk:
        with sdk.llm.responses.get(response_id="resp_s1", stream=True) as stream:
            numbers = [e.sequence_number for e in stream]
    assert numbers == list(range(8)) and len(state.requests) == 2


def test_a_stream_is_never_sent_again_from_the_start_once_events_arrived(
    server: tuple[str, MKA1State],
) -> None:
    url, state = server
    state.drop_after.append(3)
    numbers: list[int] = []
    clock = FakeTime()
    with clock.install(sdk_for(url)) as sdk:
        with _maybe_interrupted():
            with sdk.llm.responses.get(response_id="resp_s2", stream=True) as stream:
                for event in stream:
                    numbers.append(event.sequence_number)
    # Whatever happens after the cut (an error, or a resume), nothing is delivered twice and
    # no later request starts the stream over: each one asks to continue after an event.
    assert numbers[:3] == [0, 1, 2] and len(numbers) == len(set(numbers))
    for later in state.requests[1:]:
        assert "starting_after" in dict(later.query)


class _maybe_interrupted:
    """Lets a StreamInterruptedError end the block (a stream that cannot resume raises it)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, errors.StreamInterruptedError)


# -- pagination ---------------------------------------------------------------------------------


def test_three_pages_with_the_after_cursor_on_the_wire(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        first = sdk.llm.responses.list_input_items(response_id=PAGED_RESPONSE, order="asc")
        assert isinstance(first, models.InputItemListObject)
        assert first.has_more is True and first.last_id == "msg_p2" and first.has_next_page()
        second = first.next_page()
        assert second is not None and isinstance(second, models.InputItemListObject)
        third = second.next_page()
        assert third is not None and third.has_more is False and not third.has_next_page()
        assert third.next_page() is None
    ids = [item.id for page in (first, second, third) for item in page.data]  # type: ignore[union-attr]
    assert ids == [item["id"] for item in PAGED_ITEMS]
    # the call is repeated with the cursor; every other argument stays as it was
    assert [r.query for r in state.requests] == [
        [("order", "asc")],
        [("after", "msg_p2"), ("order", "asc")],
        [("after", "msg_p4"), ("order", "asc")],
    ]
    assert {r.path for r in state.requests} == {f"/api/v1/llm/responses/{PAGED_RESPONSE}/input_items"}


def test_print_of_a_page_is_unchanged(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk:
        page = sdk.llm.responses.list_input_items(response_id=PAGED_RESPONSE)
    text = str(page)
    assert text.startswith("object='list' data=[")
    assert text.endswith("first_id='msg_p1' last_id='msg_p2' has_more=True")
    assert "_sdk" not in repr(page) and "origin" not in repr(page)
    assert page.model_dump()["last_id"] == "msg_p2"
    assert page == models.InputItemListObject.model_validate(page.model_dump())


def test_auto_paging_iter_is_lazy(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        items = sdk.llm.responses.list_input_items(response_id=PAGED_RESPONSE).auto_paging_iter()
        assert len(state.requests) == 1
        assert [next(items).id, next(items).id] == ["msg_p1", "msg_p2"]
        assert len(state.requests) == 1  # the second page is not fetched yet
        assert next(items).id == "msg_p3" and len(state.requests) == 2
        assert [i.id for i in items] == ["msg_p4", "msg_p5", "msg_p6"]
    assert len(state.requests) == 3


def test_page_size_and_options_carry_over(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        page = sdk.llm.responses.list_input_items(
            response_id=PAGED_RESPONSE, limit=4, x_on_behalf_of="u-7", http_headers={"X-Trace": "t1"}
        )
        rest = page.next_page()
    assert rest is not None and [i.id for i in rest.data] == ["msg_p5", "msg_p6"]  # type: ignore[union-attr]
    last = state.last()
    assert last.query == [("after", "msg_p4"), ("limit", "4")]
    assert last.headers["x-on-behalf-of"] == "u-7" and last.headers["x-trace"] == "t1"


def test_list_responses_pages_too(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.list_total = 5
    with sdk_for(url) as sdk:
        ids = [r.id for r in sdk.llm.responses.list(limit=2).auto_paging_iter()]
    assert ids == [f"resp_l{i}" for i in range(1, 6)]
    assert [dict(r.query).get("after") for r in state.requests] == [None, "resp_l2", "resp_l4"]


def test_a_single_page_has_no_next(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        page = sdk.llm.responses.list_input_items(response_id="resp_abc123")
        assert page.next_page() is None
        assert [i.id for i in page.auto_paging_iter()] == ["msg_user_abc123"]
    assert len(state.requests) == 1


def test_async_pagination(server: tuple[str, MKA1State]) -> None:
    url, state = server

    async def main() -> tuple[list[str], str | None]:
        async with sdk_for(url) as sdk:
            page = await sdk.llm.responses.list_input_items_async(response_id=PAGED_RESPONSE)
            ids = [item.id async for item in page.auto_paging_iter_async()]
            second = await page.next_page_async()
            return ids, second.last_id if second else None

    ids, second_last = asyncio.run(main())
    assert ids == [item["id"] for item in PAGED_ITEMS]
    assert second_last == "msg_p4"
    assert [dict(r.query).get("after") for r in state.requests] == [None, "msg_p2", "msg_p4", "msg_p2"]


# -- errors -------------------------------------------------------------------------------------


def test_error_message_names_operation_method_path_status_and_server_message(
    server: tuple[str, MKA1State],
) -> None:
    url, _ = server
    with sdk_for(url) as sdk, pytest.raises(errors.NotFoundError) as info:
        sdk.llm.responses.get(response_id="nope", include=["message.output_text.logprobs"])
    err = info.value
    assert str(err) == "getResponse: GET /api/v1/llm/responses/nope returned 404 Not Found: no response nope"
    assert err.status_code == 404 and err.headers["content-type"] == "application/json"
    assert err.body == '{"error":{"message":"no response nope","type":"not_found"}}'
    assert isinstance(err.raw_response, httpx.Response)
    assert repr(err) == f"NotFoundError({str(err)!r})"


def test_declared_error_status_without_a_body(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk, pytest.raises(errors.ConflictError) as info:
        sdk.llm.responses.wake(response_id="resp_finished", input="late")
    assert str(info.value) == "wakeResponse: POST /api/v1/llm/responses/resp_finished/wake returned 409 Conflict"
    assert info.value.body == ""


def test_authentication_error_carries_the_servers_explanation(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with SDK(server_url=url) as sdk, pytest.raises(errors.AuthenticationError) as info:
        sdk.llm.responses.list()
    assert str(info.value).endswith("returned 401 Unauthorized: missing bearer token")


def test_a_body_that_breaks_its_schema_is_returned(
    server: tuple[str, MKA1State], caplog: pytest.LogCaptureFixture
) -> None:
    url, state = server
    state.patch.update({"created_at": "yesterday", "usage": "lots", "status": "hibernating"})
    with caplog.at_level(logging.WARNING, "mka1"), sdk_for(url) as sdk:
        res = sdk.llm.responses.get(response_id="resp_bad1")
    assert isinstance(res, models.ResponseObject)
    assert res.id == "resp_bad1" and res.created_at == "yesterday" and res.status == "hibernating"
    assert "does not match model ResponseObject" in caplog.text


def test_a_success_that_is_not_json_is_a_response_validation_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>gateway</html>", headers={"content-type": "text/html"})

    with SDK(bearer_auth=TOKEN, server_url="https://mka1.test",
             client=httpx.Client(transport=httpx.MockTransport(handler))) as sdk:
        with pytest.raises(errors.ResponseValidationError) as info:
            sdk.llm.responses.get(response_id="resp_h1")
    assert "getResponse: GET /api/v1/llm/responses/resp_h1 returned 200" in str(info.value)


# -- timeouts -----------------------------------------------------------------------------------


def _timeouts(sdk: SDK) -> list[float]:
    seen: list[float] = []
    sdk.hooks.add_before_request(lambda request, ctx: seen.append(request.extensions["timeout"]["read"]))
    return seen


def test_timeout_precedence_end_to_end(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk:
        seen = _timeouts(sdk)
        sdk.llm.responses.create(model="m")  # the spec's default for create: 10 minutes
        sdk.llm.responses.get(response_id="resp_t1")  # none from the spec: the SDK's own default
        sdk.llm.responses.create(model="m", timeout_ms=1500)
    assert seen == [600.0, 600.0, 1.5]
    with sdk_for(url, timeout_ms=20_000) as sdk:
        seen = _timeouts(sdk)
        sdk.llm.responses.create(model="m")  # the SDK setting beats the spec's default
        sdk.llm.responses.get(response_id="resp_t1", timeout_ms=250)
    assert seen == [20.0, 0.25]


def test_a_slow_server_raises_api_timeout_error(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.delay = 0.5
    started = time.monotonic()
    with sdk_for(url, timeout_ms=100) as sdk, pytest.raises(errors.APITimeoutError) as info:
        sdk.llm.responses.get(response_id="resp_slow")
    assert time.monotonic() - started < 0.45
    assert len(state.requests) == 1  # a read timeout is not retried
    assert str(info.value).startswith("getResponse: GET /api/v1/llm/responses/resp_slow timed out")
    assert isinstance(info.value, errors.APIConnectionError)


def test_async_per_call_timeout(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.delay = 0.5

    async def main() -> None:
        async with sdk_for(url) as sdk:
            await sdk.llm.responses.list_async(timeout_ms=100)

    with pytest.raises(errors.APITimeoutError):
        asyncio.run(main())


# -- per-user clients ---------------------------------------------------------------------------


def test_sdk_default_for_x_on_behalf_of_on_every_operation(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url, x_on_behalf_of="user-1") as sdk:
        r = sdk.llm.responses
        r.create(model="m")
        r.list()
        r.get(response_id="resp_u1")
        r.update(response_id="resp_u1", metadata={})
        r.delete(response_id="resp_u1")
        r.cancel(response_id="resp_u1")
        r.wake(response_id="resp_u1", input="go")
        r.list_input_items(response_id="resp_u1")
        r.compact(model="m")
        assert [q.headers.get("x-on-behalf-of") for q in state.requests] == ["user-1"] * 9
        r.get(response_id="resp_u1", x_on_behalf_of="user-2")  # the call's own value wins
        assert state.last().headers["x-on-behalf-of"] == "user-2"


def test_with_options_shares_the_pool_and_changes_only_what_it_is_given(
    server: tuple[str, MKA1State],
) -> None:
    url, state = server
    with sdk_for(url, x_on_behalf_of="user-1", http_headers={"X-App": "a"}) as sdk:
        sdk.llm.responses.get(response_id="resp_w0")
        user2 = sdk.with_options(x_on_behalf_of="user-2", timeout_ms=3000, http_headers={"X-Req": "r"})
        assert isinstance(user2, SDK)
        assert user2._core._get_client() is sdk._core._get_client()
        assert user2._core.models is sdk._core.models
        user2.llm.responses.get(response_id="resp_w1")
        sent = state.last().headers
        assert sent["x-on-behalf-of"] == "user-2" and sent["x-app"] == "a" and sent["x-req"] == "r"
        assert sent["authorization"] == f"Bearer {TOKEN}"
        anonymous = user2.with_options(x_on_behalf_of=None, bearer_auth="sk-other-token")
        anonymous.llm.responses.get(response_id="resp_w2")
        assert "x-on-behalf-of" not in state.last().headers
        assert state.last().headers["authorization"] == "Bearer sk-other-token"
        sdk.llm.responses.get(response_id="resp_w3")  # the original is untouched
        assert state.last().headers["x-on-behalf-of"] == "user-1" and "x-req" not in state.last().headers
        user2.close()  # a derived client leaves the shared pool open
        sdk.llm.responses.get(response_id="resp_w4")
        with user2:
            pass
        user2.llm.responses.get(response_id="resp_w5")
    assert sdk._core._pool.sync is None  # closed by the original


def test_with_options_is_cheap() -> None:
    with SDK(bearer_auth=TOKEN, server_url=CLOSED_PORT_URL) as sdk:
        sdk.llm.responses  # noqa: B018 - warm the resource tree
        started = time.perf_counter()
        for i in range(2000):
            sdk.with_options(x_on_behalf_of=f"user-{i}").llm.responses  # noqa: B018
        per_client = (time.perf_counter() - started) / 2000
    assert per_client < 200e-6, f"{per_client * 1e6:.1f} µs per client"


def test_with_options_clients_in_async_code_share_the_async_pool(server: tuple[str, MKA1State]) -> None:
    url, state = server

    async def main() -> None:
        async with sdk_for(url) as sdk:
            clients = [sdk.with_options(x_on_behalf_of=f"user-{i}") for i in range(5)]
            await asyncio.gather(*(c.llm.responses.get_async(response_id="resp_p1") for c in clients))
            assert {id(c._core._get_async_client()) for c in clients} == {id(sdk._core._get_async_client())}

    asyncio.run(main())
    assert sorted(r.headers["x-on-behalf-of"] for r in state.requests) == [f"user-{i}" for i in range(5)]


# -- raw responses ------------------------------------------------------------------------------


def test_raw_response_sync(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk:
        raw = sdk.llm.responses.with_raw_response.get(response_id="resp_raw1")
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
        res = raw.parse()
        assert isinstance(res, models.ResponseObject) and res.id == "resp_raw1"
        assert raw.parse() is res
        assert raw.http_response.json()["id"] == "resp_raw1"
        assert TOKEN not in repr(raw) and "resp_raw1" in repr(raw)
        # the plain method is unaffected
        assert isinstance(sdk.llm.responses.get(response_id="resp_raw2"), models.ResponseObject)


def test_raw_response_async_stream_and_pages(server: tuple[str, MKA1State]) -> None:
    url, _ = server

    async def main() -> tuple[int, list[int], list[str]]:
        async with sdk_for(url) as sdk:
            raw = await sdk.llm.responses.with_raw_response.get_async(response_id="resp_raw3", stream=True)
            assert raw.headers["content-type"].startswith("text/event-stream")
            async with raw.parse() as stream:
                numbers = [e.sequence_number async for e in stream]
            raw_page = await sdk.llm.responses.with_raw_response.list_input_items_async(response_id=PAGED_RESPONSE)
            page = raw_page.parse()
            ids = [item.id async for item in page.auto_paging_iter_async()]  # later pages are plain calls
            return raw.status_code, numbers, ids

    status, numbers, ids = asyncio.run(main())
    assert status == 200 and numbers == list(range(8)) and len(ids) == 6


def test_raw_response_still_raises_on_error_statuses(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk, pytest.raises(errors.NotFoundError):
        sdk.llm.responses.with_raw_response.get(response_id="nope")


# -- logging and redaction ----------------------------------------------------------------------


def test_debug_log_one_line_per_request_response_and_retry_without_secrets(
    server: tuple[str, MKA1State], caplog: pytest.LogCaptureFixture
) -> None:
    url, state = server
    state.fail_with.append(503)
    clock = FakeTime()
    with caplog.at_level(logging.DEBUG, "mka1"), clock.install(sdk_for(url)) as sdk:
        sdk.llm.responses.get(response_id="resp_l1")
        with pytest.raises(errors.NotFoundError) as info:
            sdk.llm.responses.get(response_id="missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "mka1"]
    path = f"{url}/api/v1/llm/responses/resp_l1"
    assert lines[:4] == [
        f"HTTP GET {path}",
        lines[1],
        f"retrying GET {path} in 0.00s (retry 1): status 503",
        f"HTTP GET {path}",
    ]
    assert lines[1].startswith(f"HTTP GET {path} -> 503 in ")
    assert lines[4].startswith(f"HTTP GET {path} -> 200 in ")
    assert len(lines) == 7  # and the 404: request, response
    everything = caplog.text + str(info.value) + repr(info.value) + repr(sdk) + repr(sdk.with_options(timeout_ms=1))
    assert TOKEN not in everything


def test_mka1_log_env_var_turns_on_debug_logging_to_stderr(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    script = (
        "from mka1 import SDK\n"
        f"with SDK(bearer_auth={TOKEN!r}, server_url={url!r}) as sdk:\n"
        "    sdk.llm.responses.get(response_id='resp_env1')\n"
    )
    env = {**os.environ, "MKA1_LOG": "debug", "PYTHONPATH": str(ROOT / "generated")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith(f"DEBUG mka1: HTTP GET {url}/api/v1/llm/responses/resp_env1")
    assert " -> 200 in " in lines[1]
    assert TOKEN not in done.stderr and done.stdout == ""
    quiet = subprocess.run([sys.executable, "-c", script], env={**env, "MKA1_LOG": ""}, capture_output=True,
                           text=True, timeout=60)
    assert quiet.returncode == 0 and quiet.stderr == ""


# -- hooks --------------------------------------------------------------------------------------


def test_hooks_run_around_every_attempt(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.append(503)
    calls: list[tuple[str, str, int, Any]] = []

    def before(request: httpx.Request, ctx: HookContext) -> None:
        request.headers["X-Trace-Id"] = f"trace-{ctx.attempt}"
        calls.append(("before", ctx.operation_id, ctx.attempt, request.url.path))

    def after(response: httpx.Response, ctx: HookContext) -> None:
        calls.append(("after", ctx.operation_id, ctx.attempt, response.status_code))

    with FakeTime().install(sdk_for(url, hooks=Hooks(before_request=[before]))) as sdk:
        sdk.hooks.add_after_response(after)
        sdk.llm.responses.get(response_id="resp_k1")
    path = "/api/v1/llm/responses/resp_k1"
    assert calls == [
        ("before", "getResponse", 1, path),
        ("after", "getResponse", 1, 503),
        ("before", "getResponse", 2, path),
        ("after", "getResponse", 2, 200),
    ]
    assert [r.headers["x-trace-id"] for r in state.requests] == ["trace-1", "trace-2"]


def test_before_request_may_replace_the_request(server: tuple[str, MKA1State]) -> None:
    url, state = server

    def reroute(request: httpx.Request, ctx: HookContext) -> httpx.Request:
        return httpx.Request(request.method, str(request.url).replace("resp_k2", "resp_k3"), headers=request.headers)

    with sdk_for(url, hooks=Hooks(before_request=[reroute])) as sdk:
        assert sdk.llm.responses.get(response_id="resp_k2").id == "resp_k3"


def test_on_error_sees_the_error_and_may_replace_it(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    seen: list[tuple[str, int | None]] = []

    class NoSuchResponse(Exception):
        pass

    def translate(error: errors.SDKError, ctx: HookContext) -> BaseException | None:
        seen.append((ctx.operation_id, error.status_code))
        return NoSuchResponse(ctx.path) if error.status_code == 404 else None

    with sdk_for(url, hooks=Hooks(on_error=[translate])) as sdk:
        with pytest.raises(NoSuchResponse) as info:
            sdk.llm.responses.get(response_id="nope")
        assert isinstance(info.value.__cause__, errors.NotFoundError)
        with pytest.raises(errors.AuthenticationError):
            sdk.with_options(bearer_auth=None).llm.responses.list()
    with SDK(server_url=CLOSED_PORT_URL, retry_config=RetryConfig.none(), hooks=Hooks(on_error=[translate])) as sdk:
        with pytest.raises(errors.APIConnectionError):
            sdk.llm.responses.list()
    assert seen == [("getResponse", 404), ("listResponses", 401), ("listResponses", None)]


def test_async_hooks_in_async_calls(server: tuple[str, MKA1State]) -> None:
    url, state = server
    seen: list[str] = []

    async def before(request: httpx.Request, ctx: HookContext) -> None:
        await asyncio.sleep(0)
        request.headers["X-Async"] = "yes"

    def after(response: httpx.Response, ctx: HookContext) -> None:  # plain functions work too
        seen.append(f"{ctx.method} {response.status_code}")

    async def on_error(error: errors.SDKError, ctx: HookContext) -> None:
        seen.append(f"error {error.status_code}")

    async def main() -> None:
        hooks = Hooks(before_request=[before], after_response=[after], on_error=[on_error])
        async with sdk_for(url, hooks=hooks) as sdk:
            await sdk.llm.responses.get_async(response_id="resp_k4")
            with pytest.raises(errors.NotFoundError):
                await sdk.llm.responses.get_async(response_id="nope")

    asyncio.run(main())
    assert state.requests[0].headers["x-async"] == "yes"
    assert seen == ["GET 200", "GET 404", "error 404"]


def test_an_async_hook_in_a_sync_call_is_a_clear_error(server: tuple[str, MKA1State]) -> None:
    url, _ = server

    async def before(request: httpx.Request, ctx: HookContext) -> None:
        return None

    with sdk_for(url, hooks=Hooks(before_request=[before])) as sdk, pytest.raises(TypeError, match="async"):
        sdk.llm.responses.get(response_id="resp_k5")


def test_with_options_copies_hooks(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    seen: list[str] = []
    with sdk_for(url) as sdk:
        sdk.hooks.add_before_request(lambda r, c: seen.append("parent"))
        child = sdk.with_options(x_on_behalf_of="u")
        child.hooks.add_before_request(lambda r, c: seen.append("child"))
        child.llm.responses.get(response_id="resp_k6")
        sdk.llm.responses.get(response_id="resp_k6")
    assert seen == ["parent", "child", "parent"]
