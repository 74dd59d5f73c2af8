"""The generated MKA1 SDK against a real HTTP server on 127.0.0.1: every operation, sync and async."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any

import pytest

import mka1
from mka1 import SDK, errors, models

from ..servers.mka1 import MKA1State

TOKEN = "sk-test-secret-token"


def sdk_for(url: str, **kw: Any) -> SDK:
    return SDK(bearer_auth=TOKEN, server_url=url, **kw)


def test_the_package_imported_is_the_generated_one() -> None:
    assert "generated" in (mka1.__file__ or "")


# -- the two seed calls, as printed in the docs -------------------------------------------------


def test_seed_get_response(server: tuple[str, MKA1State]) -> None:
    url, state = server
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        with SDK(
            bearer_auth="<YOUR_BEARER_TOKEN_HERE>",
            server_url=url,
        ) as sdk:

            res = sdk.llm.responses.get(response_id="resp_get123", include=[
                "file_search_call.results",
                "message.output_text.logprobs",
            ], include_obfuscation=False, starting_after=42, stream=False)

            with res as event_stream:
                for event in event_stream:
                    # handle event
                    print(event, flush=True)
    sent = state.last()
    assert sent.method == "GET"
    assert sent.path == "/api/v1/llm/responses/resp_get123"
    assert sent.query == [
        ("include", "file_search_call.results"),
        ("include", "message.output_text.logprobs"),
        ("include_obfuscation", "false"),
        ("starting_after", "42"),
        ("stream", "false"),
    ]
    assert sent.headers["authorization"] == "Bearer <YOUR_BEARER_TOKEN_HERE>"
    printed = out.getvalue()
    assert printed.count("\n") == 1  # one event: the whole response
    assert "resp_get123" in printed and "The capital of France is Paris." in printed


def test_seed_list_input_items(server: tuple[str, MKA1State]) -> None:
    url, state = server
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        with SDK(
            bearer_auth="<YOUR_BEARER_TOKEN_HERE>",
            server_url=url,
        ) as sdk:

            res = sdk.llm.responses.list_input_items(response_id="resp_abc123", after="item_abc123", include=[
                "file_search_call.results",
            ], limit=50, order="asc")

            # Handle response
            print(res)
    sent = state.last()
    assert sent.path == "/api/v1/llm/responses/resp_abc123/input_items"
    assert sent.query == [("after", "item_abc123"), ("include", "file_search_call.results"), ("limit", "50"), ("order", "asc")]
    printed = out.getvalue()
    for fragment in ("data=", "first_id='msg_user_abc123'", "last_id='msg_user_abc123'", "has_more=False"):
        assert fragment in printed
    assert isinstance(res, models.InputItemListObject)
    assert isinstance(res.data[0], models.InputMessage)
    assert res.data[0].id == "msg_user_abc123"


# -- every operation ----------------------------------------------------------------------------


def test_create_sends_a_json_body_and_parses_the_response(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        res = sdk.llm.responses.create(model="meetkai:functionary-urdu-mini-pak", input="What is the capital of France?",
                                       store=True, background=False, max_tool_calls=30)
    assert isinstance(res, models.ResponseObject)
    assert res.status == "completed"
    # `message` is shared by input and output messages; a model-written one reads as output
    assert isinstance(res.output[0], models.OutputMessage)
    body = state.last().body
    assert body == {"model": "meetkai:functionary-urdu-mini-pak", "input": "What is the capital of France?",
                    "store": True, "background": False, "max_tool_calls": 30}
    assert state.last().headers["content-type"].startswith("application/json")


def test_create_sends_explicit_null_only_for_nullable_fields(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        sdk.llm.responses.create(model="m", reasoning=None, instructions=None)
    assert state.last().body == {"model": "m", "reasoning": None}


def test_list_get_update_delete_cancel_compact(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        page = sdk.llm.responses.list(limit=25, order="desc", after="resp_abc123")
        assert isinstance(page, models.ResponseListObject) and page.has_more is False
        assert state.last().query == [("after", "resp_abc123"), ("limit", "25"), ("order", "desc")]
        got = sdk.llm.responses.get(response_id="resp_abc123")
        assert isinstance(got, models.ResponseObject) and got.id == "resp_abc123"
        updated = sdk.llm.responses.update(response_id="resp_abc123", metadata={"status": "reviewed"})
        assert updated.metadata == {"status": "reviewed"}
        assert state.last().method == "POST" and state.last().body == {"metadata": {"status": "reviewed"}}
        deleted = sdk.llm.responses.delete(response_id="resp_abc123")
        assert deleted.deleted is True and state.last().method == "DELETE"
        cancelled = sdk.llm.responses.cancel(response_id="resp_abc123")
        assert cancelled.status == "cancelled" and state.last().path.endswith("/cancel")
        compacted = sdk.llm.responses.compact(model="m", previous_response_id="resp_abc123")
        assert compacted.object == "response.compaction"
        assert state.last().body == {"model": "m", "previous_response_id": "resp_abc123"}


def test_wake_and_its_declared_conflict(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        woke = sdk.llm.responses.wake(response_id="resp_sleep123", input="resume now")
        assert woke.response_id == "resp_sleep123"
        assert state.last().body == {"input": "resume now"}
        with pytest.raises(errors.ConflictError) as info:
            sdk.llm.responses.wake(response_id="resp_finished", input="too late")
    assert info.value.status_code == 409
    assert isinstance(info.value, errors.SDKError)


def test_async_twins_of_every_operation(server: tuple[str, MKA1State]) -> None:
    url, state = server

    async def main() -> list[str]:
        async with sdk_for(url) as sdk:
            r = sdk.llm.responses
            seen = []
            seen.append((await r.create_async(model="m")).id)
            seen.append((await r.list_async()).object)
            seen.append((await r.get_async(response_id="resp_a1")).id)
            seen.append((await r.update_async(response_id="resp_a1", metadata={})).id)
            seen.append(str((await r.delete_async(response_id="resp_a1")).deleted))
            seen.append((await r.cancel_async(response_id="resp_a1")).status)
            seen.append((await r.wake_async(response_id="resp_a1", input="go")).object)
            seen.append((await r.list_input_items_async(response_id="resp_a1")).object)
            seen.append((await r.compact_async(model="m")).object)
            return seen

    assert asyncio.run(main()) == ["resp_new123", "list", "resp_a1", "resp_a1", "True", "cancelled",
                                   "response.sleep_wake", "list", "response.compaction"]
    assert len(state.requests) == 9


# -- streaming ----------------------------------------------------------------------------------


def test_get_stream_yields_typed_events_in_order(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        with sdk.llm.responses.get(response_id="resp_s1", stream=True) as stream:
            events = list(stream)
    assert state.last().headers["accept"] == "text/event-stream"
    assert [e.sequence_number for e in events] == list(range(8))
    assert isinstance(events[0], models.ResponseCreatedEvent)
    assert isinstance(events[2], models.ResponseOutputTextDeltaEvent) and events[2].delta == "The"
    assert isinstance(events[-1], models.ResponseCompletedEvent)
    assert events[-1].response.status == "completed"


def test_create_stream_async(server: tuple[str, MKA1State]) -> None:
    url, state = server

    async def main() -> list[Any]:
        async with sdk_for(url) as sdk:
            stream = await sdk.llm.responses.create_async(model="m", input="hi", stream=True)
            async with stream:
                return [event async for event in stream]

    events = asyncio.run(main())
    assert state.last().body == {"model": "m", "input": "hi", "stream": True}
    assert [type(e).__name__ for e in events][-1] == "ResponseCompletedEvent"
    assert "".join(e.delta for e in events if isinstance(e, models.ResponseOutputTextDeltaEvent)) == "The capital is Paris."


def test_starting_after_resumes_on_the_server(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        with sdk.llm.responses.get(response_id="resp_s1", stream=True, starting_after=5) as stream:
            numbers = [e.sequence_number for e in stream]
    assert numbers == [6, 7]


# -- errors and headers -------------------------------------------------------------------------


def test_not_found_is_a_typed_error_with_the_response(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with sdk_for(url) as sdk, pytest.raises(errors.NotFoundError) as info:
        sdk.llm.responses.get(response_id="nope")
    err = info.value
    assert err.status_code == 404
    assert "no response nope" in err.body
    assert err.headers["content-type"] == "application/json"
    assert err.raw_response is not None and err.raw_response.status_code == 404
    assert "no response nope" in str(err)
    assert TOKEN not in str(err) and TOKEN not in repr(err)


def test_missing_token_gives_authentication_error(server: tuple[str, MKA1State]) -> None:
    url, _ = server
    with SDK(server_url=url) as sdk, pytest.raises(errors.AuthenticationError) as info:
        sdk.llm.responses.list()
    assert info.value.status_code == 401


def test_x_on_behalf_of_header_only_when_given(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk:
        sdk.llm.responses.get(response_id="resp_h1", x_on_behalf_of="user-42")
        assert state.last().headers["x-on-behalf-of"] == "user-42"
        sdk.llm.responses.get(response_id="resp_h1")
        assert "x-on-behalf-of" not in state.last().headers


def test_path_values_are_percent_encoded(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with sdk_for(url) as sdk, pytest.raises(errors.NotFoundError):
        sdk.llm.responses.get(response_id="../x y?z")
    assert state.last().raw_path == "/api/v1/llm/responses/..%2Fx%20y%3Fz"


def test_retries_a_get_on_503_then_succeeds(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.fail_with.extend([503, 503])
    with sdk_for(url) as sdk:
        res = sdk.llm.responses.get(response_id="resp_r1")
    assert res.id == "resp_r1"
    assert len(state.requests) == 3


def test_per_call_options(server: tuple[str, MKA1State]) -> None:
    url, state = server
    with SDK(bearer_auth=TOKEN, server_url="http://127.0.0.1:9") as sdk:
        res = sdk.llm.responses.get(response_id="resp_o1", server_url=url, http_headers={"X-Extra": "1"}, timeout_ms=5000)
    assert res.id == "resp_o1"
    assert state.last().headers["x-extra"] == "1"


def test_sdk_repr_hides_the_token() -> None:
    sdk = SDK(bearer_auth=TOKEN, server_url="http://127.0.0.1:9")
    assert TOKEN not in repr(sdk)
    sdk.close()


# -- tolerance: a newer server must not break an older SDK ----------------------------------------


def test_unknown_fields_and_enum_values_are_kept(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.patch.update({"status": "paused", "service_tier": "turbo", "brand_new_field": {"x": 1}})
    with sdk_for(url) as sdk:
        res = sdk.llm.responses.get(response_id="resp_t1")
    assert isinstance(res, models.ResponseObject)
    assert res.status == "paused"
    assert res.service_tier == "turbo"
    assert res.model_extra == {"brand_new_field": {"x": 1}}


def test_unknown_stream_event_is_delivered_not_dropped(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.extra_frames.append(b'event: response.teleported\ndata: {"type": "response.teleported", "sequence_number": -1, "where": "mars"}\n\n')
    with sdk_for(url) as sdk:
        with sdk.llm.responses.get(response_id="resp_u1", stream=True) as stream:
            events = list(stream)
    assert len(events) == 9
    first = events[0]
    assert type(first).__name__ == "UnknownEvent"
    assert first.type == "response.teleported"  # type: ignore[union-attr]
    assert first.data["where"] == "mars"  # type: ignore[union-attr]
    assert [e.sequence_number for e in events[1:]] == list(range(8))  # type: ignore[union-attr]
