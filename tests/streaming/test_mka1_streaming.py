"""Streaming in the generated MKA1 SDK (``generated/``, import name mka1) against the local
stand-in server: the seed snippet, resume of create(stream=True) through getResponse, resume
of getResponse through itself, and StreamInterruptedError when resuming cannot work."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from ..servers.mka1 import MKA1State

EVENTS = list(range(8))  # the stand-in's stream: sequence numbers 0..7, last response.completed
PREFIX = "/api/v1/llm/responses"


def sdk(url: str, **kwargs: Any) -> Any:
    from mka1 import SDK

    return SDK(bearer_auth="test-token", server_url=url, **kwargs)


@pytest.fixture
def fast_resume(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter waits between reconnection attempts (the SDK default adds up to seconds)."""
    from mka1.resources import llm_responses

    for name in ("_GET", "_CREATE"):
        op = getattr(llm_responses, name)
        stream = dataclasses.replace(op.stream, initial_interval_ms=1, max_interval_ms=2)
        monkeypatch.setattr(llm_responses, name, dataclasses.replace(op, stream=stream))


# --- the seed snippet ---------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [True, False])
def test_seed_snippet_verbatim(stream: bool, mka1: tuple[str, MKA1State],
                               capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = mka1
    with sdk(url) as client:
        res = client.llm.responses.create(model="m", input="hi", stream=stream)
        with res as event_stream:
            for event in event_stream:
                print(event)
    lines = capsys.readouterr().out.splitlines()
    if stream:
        assert len(lines) == len(EVENTS)
        assert "response.created" in lines[0] and "response.completed" in lines[-1]
    else:
        assert len(lines) == 1 and "resp_new123" in lines[0]


@pytest.mark.parametrize("stream", [True, False])
def test_seed_snippet_async(stream: bool, mka1: tuple[str, MKA1State]) -> None:
    url, _ = mka1

    async def main() -> list[Any]:
        async with sdk(url) as client:
            res = await client.llm.responses.get_async(response_id="resp_1", stream=stream)
            if not stream:
                with res as events:
                    return list(events)
            async with res as event_stream:
                return [event async for event in event_stream]

    got = asyncio.run(main())
    if stream:
        assert [e.sequence_number for e in got] == EVENTS
    else:
        assert len(got) == 1 and got[0].id == "resp_1"


# --- create(stream=True): resumed through getResponse --------------------------------------------


@pytest.mark.parametrize("background", [False, True])
@pytest.mark.parametrize("mode", ["break", "mid", "clean"])
@pytest.mark.parametrize("k", range(1, len(EVENTS)))
def test_create_stream_resumes_through_get(k: int, mode: str, background: bool,
                                           mka1: tuple[str, MKA1State]) -> None:
    url, state = mka1
    state.drop_after[:] = [k]
    state.drop_mode = mode
    with sdk(url) as client:
        with client.llm.responses.create(model="m", input="hi", stream=True,
                                         background=background, x_on_behalf_of="user-7") as events:
            got = [e.sequence_number for e in events]
    assert got == EVENTS
    post, get = state.requests
    assert (post.method, post.path) == ("POST", PREFIX)
    assert post.body.get("background", False) is background
    assert (get.method, get.path) == ("GET", PREFIX + "/resp_new123")
    assert sorted(get.query) == [("starting_after", str(k - 1)), ("stream", "true")]
    assert get.headers["x-on-behalf-of"] == "user-7"
    assert get.headers["authorization"] == "Bearer test-token"
    assert get.headers["accept"] == "text/event-stream"


@pytest.mark.parametrize("k", [1, 3, len(EVENTS) - 1])
def test_create_stream_resumes_async(k: int, mka1: tuple[str, MKA1State]) -> None:
    url, state = mka1
    state.drop_after[:] = [k]

    async def main() -> list[int]:
        async with sdk(url) as client:
            stream = await client.llm.responses.create_async(model="m", input="hi", stream=True)
            async with stream as events:
                return [e.sequence_number async for e in events]

    assert asyncio.run(main()) == EVENTS
    assert [r.method for r in state.requests] == ["POST", "GET"]


def test_create_stream_cut_before_any_event_raises(mka1: tuple[str, MKA1State]) -> None:
    from mka1.errors import APIConnectionError, StreamInterruptedError

    url, state = mka1
    state.drop_after[:] = [0]
    with sdk(url) as client:
        with pytest.raises(StreamInterruptedError) as info:
            with client.llm.responses.create(model="m", input="hi", stream=True) as events:
                for _ in events:
                    pass
    assert isinstance(info.value, APIConnectionError)
    assert info.value.last_cursor is None and info.value.resource_id is None
    assert "no response.id received yet" in str(info.value)
    assert len(state.requests) == 1  # the POST is never sent twice


def test_create_stream_attempts_run_out(mka1: tuple[str, MKA1State], fast_resume: None) -> None:
    from mka1.errors import StreamInterruptedError

    url, state = mka1
    state.drop_after[:] = [3] + [0] * 10
    got: list[int] = []
    with sdk(url) as client:
        with pytest.raises(StreamInterruptedError) as info:
            with client.llm.responses.create(model="m", input="hi", stream=True) as events:
                for event in events:
                    got.append(event.sequence_number)
    assert got == [0, 1, 2]
    assert info.value.last_cursor == 2 and info.value.resource_id == "resp_new123"
    assert "gave up after 5 attempts" in str(info.value)
    assert len(state.requests) == 1 + 5
    # what the error carries is enough to resume by hand
    with sdk(url) as client:
        with client.llm.responses.get(response_id=info.value.resource_id, stream=True,
                                      starting_after=info.value.last_cursor) as events:
            assert got + [e.sequence_number for e in events] == EVENTS


# --- getResponse(stream=True): resumed through itself --------------------------------------------


@pytest.mark.parametrize("mode", ["break", "mid", "clean"])
@pytest.mark.parametrize("k", range(len(EVENTS)))
def test_get_stream_resumes_with_starting_after(k: int, mode: str,
                                                mka1: tuple[str, MKA1State]) -> None:
    url, state = mka1
    state.drop_after[:] = [k]
    state.drop_mode = mode
    with sdk(url) as client:
        with client.llm.responses.get(response_id="resp_s1", stream=True,
                                      include=["message.output_text.logprobs"]) as events:
            got = [e.sequence_number for e in events]
    assert got == EVENTS
    first, second = state.requests
    assert second.path == PREFIX + "/resp_s1"
    expected = [("include", "message.output_text.logprobs"), ("stream", "true")]
    if k:
        expected.append(("starting_after", str(k - 1)))
    assert sorted(second.query) == sorted(expected)


def test_get_stream_resumes_async(mka1: tuple[str, MKA1State]) -> None:
    url, state = mka1
    state.drop_after[:] = [2, 0, 3]
    state.drop_mode = "mid"

    async def main() -> list[int]:
        async with sdk(url) as client:
            stream = await client.llm.responses.get_async(response_id="resp_a", stream=True)
            async with stream as events:
                return [e.sequence_number async for e in events]

    assert asyncio.run(main()) == EVENTS
    assert [dict(r.query).get("starting_after") for r in state.requests] == [None, "1", "1", "4"]


def test_unknown_events_count_and_resume(mka1: tuple[str, MKA1State]) -> None:
    """An event type the SDK does not know still carries its cursor: it is delivered once
    (as UnknownEvent) and resuming continues after it."""
    url, state = mka1
    state.extra_frames.append(
        b'event: response.brand_new\ndata: {"type":"response.brand_new","sequence_number":-1}\n\n'
    )
    state.drop_after[:] = [3]
    with sdk(url) as client:
        with client.llm.responses.get(response_id="resp_u", stream=True) as events:
            got = list(events)
    from mka1._runtime.model import UnknownEvent

    assert isinstance(got[0], UnknownEvent) and got[0].type == "response.brand_new"
    assert [e.sequence_number for e in got[1:]] == EVENTS
