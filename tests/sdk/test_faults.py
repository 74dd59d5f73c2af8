"""Issue 13, "the SDK under faults: no hang, no silent wrong value", on the generated MKA1 SDK
against the local MKA1 server: success bodies the method cannot return, stream events that are
not JSON, proxy error pages, identifiers that are not URL-safe, credentials that are not
header-safe, and what the debug log shows of a token. Sync and async alike."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from typing import Any, Callable

import httpx
import pytest

from mka1 import SDK, RetryConfig, errors, models

from ..helpers import ROOT
from ..servers.mka1 import PREFIX, MKA1State, response_object, sse_frame, stream_events

TOKEN = "sk-faults-secret-token-9876"
MODES = ("sync", "async")


def get(url: str, mode: str, rid: str, **sdk_kw: Any) -> Any:
    """getResponse of ``rid`` through a fresh SDK, sync or async."""
    kw: dict[str, Any] = {"bearer_auth": TOKEN, "server_url": url, **sdk_kw}
    if mode == "sync":
        with SDK(**kw) as sdk:
            return sdk.llm.responses.get(response_id=rid)

    async def main() -> Any:
        async with SDK(**kw) as sdk:
            return await sdk.llm.responses.get_async(response_id=rid)

    return asyncio.run(main())


def read_stream(url: str, mode: str, rid: str, into: list[Any], **sdk_kw: Any) -> None:
    """Stream getResponse of ``rid`` into ``into`` (so events before an error are kept)."""
    kw: dict[str, Any] = {"bearer_auth": TOKEN, "server_url": url, **sdk_kw}
    if mode == "sync":
        with SDK(**kw) as sdk, sdk.llm.responses.get(response_id=rid, stream=True) as events:
            into.extend(events)
        return

    async def main() -> None:
        async with SDK(**kw) as sdk:
            stream = await sdk.llm.responses.get_async(response_id=rid, stream=True)
            async with stream as events:
                async for event in events:
                    into.append(event)

    asyncio.run(main())


# -- 1, 2: success bodies the method cannot return ----------------------------------------------

WRONG_BODIES = [
    ("application/json", b"", "with an empty body"),
    ("application/json", b"[1,2,3]", "is a JSON array where ResponseObject is a JSON object"),
    ("application/json", b"null", "is a JSON null where ResponseObject is a JSON object"),
    ("application/json", b'"completed"', "is a JSON string where ResponseObject is a JSON object"),
    ("text/html", b"<html><body>Service OK</body></html>", "is not JSON (text/html"),
    ("application/json", b'{"id": "resp_t1", "status": ', "is not JSON (application/json)"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("media", "body", "expected"), WRONG_BODIES,
                         ids=["empty", "array", "null", "string", "html", "truncated"])
def test_a_success_body_of_the_wrong_type_raises(
    server: tuple[str, MKA1State], mode: str, media: str, body: bytes, expected: str
) -> None:
    url, state = server
    state.canned["resp_bad"] = (200, media, body)
    with pytest.raises(errors.ResponseValidationError) as info:
        get(url, mode, "resp_bad")
    err = info.value
    assert f"getResponse: GET {PREFIX}/resp_bad returned 200 OK" in str(err)
    assert expected in str(err)
    assert err.status_code == 200 and err.body == body.decode()
    assert isinstance(err.raw_response, httpx.Response) and err.raw_response.content == body


def _drifted() -> bytes:
    body = response_object("resp_drift", status="hibernating", brand_new_field={"x": 1})
    del body["created_at"]  # a required field missing is drift, not a wrong type
    body["usage"] = "lots"
    return json.dumps(body).encode()


@pytest.mark.parametrize("mode", MODES)
def test_drift_inside_the_object_is_returned_with_a_warning(
    server: tuple[str, MKA1State], mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    url, state = server
    state.canned["resp_drift"] = (200, "application/json", _drifted())
    with caplog.at_level(logging.WARNING, "mka1"):
        res = get(url, mode, "resp_drift")
    assert isinstance(res, models.ResponseObject)
    assert res.id == "resp_drift" and res.status == "hibernating" and res.usage == "lots"
    assert res.model_extra == {"brand_new_field": {"x": 1}}
    assert "does not match model ResponseObject" in caplog.text


@pytest.mark.parametrize("mode", MODES)
def test_strict_responses_raise_on_drift(server: tuple[str, MKA1State], mode: str) -> None:
    url, state = server
    state.canned["resp_drift"] = (200, "application/json", _drifted())
    with pytest.raises(errors.ResponseValidationError) as info:
        get(url, mode, "resp_drift", strict_responses=True)
    assert "with a body that does not match ResponseObject (" in str(info.value)
    assert "created_at" in str(info.value)
    assert get(url, mode, "resp_fine", strict_responses=True).id == "resp_fine"


def test_strict_responses_per_client_with_options(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.canned["resp_drift"] = (200, "application/json", _drifted())
    with SDK(bearer_auth=TOKEN, server_url=url) as sdk:
        strict = sdk.with_options(strict_responses=True)
        with pytest.raises(errors.ResponseValidationError):
            strict.llm.responses.get(response_id="resp_drift")
        assert sdk.llm.responses.get(response_id="resp_drift").status == "hibernating"
        lenient = strict.with_options(strict_responses=False)
        assert lenient.llm.responses.get(response_id="resp_drift").id == "resp_drift"


# -- 3: stream events that are not JSON -----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_non_json_event_raises_stream_decode_error_with_the_raw_event(
    server: tuple[str, MKA1State], mode: str
) -> None:
    url, state = server
    first = stream_events("resp_s1")[0]
    state.extra_frames[:] = [sse_frame(first), b"id: 41\nevent: response.output_text.delta\ndata: <html>oops</html>\n\n"]
    items: list[Any] = []
    with pytest.raises(errors.StreamDecodeError) as info:
        read_stream(url, mode, "resp_s1", items)
    err = info.value
    assert [type(i).__name__ for i in items] == ["ResponseCreatedEvent"]  # delivered before it
    assert (err.event, err.data, err.id) == ("response.output_text.delta", "<html>oops</html>", "41")
    assert isinstance(err, errors.ResponseValidationError) and err.status_code == 200
    assert "the data of an event is not JSON" in str(err)
    assert len(state.requests) == 1  # not mistaken for a broken connection: no resume


@pytest.mark.parametrize("mode", MODES)
def test_json_that_cannot_be_an_event_raises_but_an_unknown_type_does_not(
    server: tuple[str, MKA1State], mode: str
) -> None:
    url, state = server
    state.extra_frames[:] = [b'data: {"type": "response.brand_new", "sequence_number": -5}\n\n',
                             b"data: [1, 2, 3]\n\n"]
    items: list[Any] = []
    with pytest.raises(errors.StreamDecodeError, match="is a JSON array where") as info:
        read_stream(url, mode, "resp_s2", items)
    assert [type(i).__name__ for i in items] == ["UnknownEvent"]
    assert items[0].type == "response.brand_new" and info.value.data == "[1, 2, 3]"


@pytest.mark.parametrize("mode", MODES)
def test_strict_responses_turn_an_unknown_event_type_into_stream_decode_error(
    server: tuple[str, MKA1State], mode: str
) -> None:
    url, state = server
    state.extra_frames[:] = [b'event: response.brand_new\ndata: {"type": "response.brand_new"}\n\n']
    items: list[Any] = []
    with pytest.raises(errors.StreamDecodeError, match="does not match ResponseStreamingEvent") as info:
        read_stream(url, mode, "resp_s3", items, strict_responses=True)
    assert items == [] and info.value.event == "response.brand_new"


def test_on_error_hooks_see_a_stream_decode_error(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.extra_frames[:] = [b"data: not json\n\n"]
    seen: list[BaseException] = []

    class Mapped(Exception):
        pass

    def on_error(error: errors.SDKError, ctx: Any) -> BaseException:
        seen.append(error)
        return Mapped(ctx.operation_id)

    with SDK(bearer_auth=TOKEN, server_url=url) as sdk:
        sdk.hooks.add_on_error(on_error)
        with pytest.raises(Mapped, match="getResponse"), \
                sdk.llm.responses.get(response_id="resp_s4", stream=True) as events:
            list(events)
    assert [type(e).__name__ for e in seen] == ["StreamDecodeError"]


# -- 4: a proxy's error page --------------------------------------------------------------------

PROXY_PAGE = (
    "<!DOCTYPE html>\n<html>\n  <head>\n    <title>502 Bad Gateway</title>\n  </head>\n  <body>\n"
    + "    <p>The upstream server did not answer.</p>\n" * 120
    + "  </body>\n</html>\n"
)


@pytest.mark.parametrize("mode", MODES)
def test_an_html_error_page_is_cut_in_the_message_and_kept_on_the_error(
    server: tuple[str, MKA1State], mode: str
) -> None:
    url, state = server
    state.canned["resp_proxy"] = (502, "text/html", PROXY_PAGE.encode())
    with pytest.raises(errors.InternalServerError) as info:
        get(url, mode, "resp_proxy", retry_config=RetryConfig.none())
    err = info.value
    message = str(err)
    assert message.startswith(f"getResponse: GET {PREFIX}/resp_proxy returned 502 Bad Gateway: "
                              "<!DOCTYPE html> <html> <head> <title>502 Bad Gateway</title>")
    assert message.endswith(f"… (cut; the body has {len(PROXY_PAGE)} bytes)")
    assert len(message) < 350 and "\n" not in message
    assert err.body == PROXY_PAGE and err.raw_response is not None
    assert err.raw_response.text == PROXY_PAGE


# -- 5: identifiers that are not URL-safe ------------------------------------------------------

ODD_IDS = [
    ("resp_a/b", "resp_a%2Fb"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("resp_x?y=1#z", "resp_x%3Fy%3D1%23z"),
    ("resp_ two words ", "resp_%20two%20words%20"),
    ("resp_é✓", "resp_%C3%A9%E2%9C%93"),
    ("resp_../../admin", "resp_..%2F..%2Fadmin"),
    ("resp_100%", "resp_100%25"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("rid", "wire"), ODD_IDS, ids=[w for _, w in ODD_IDS])
def test_an_identifier_is_one_encoded_path_segment(
    server: tuple[str, MKA1State], mode: str, rid: str, wire: str
) -> None:
    url, state = server
    state.canned[rid] = (200, "application/json", json.dumps(response_object(rid)).encode())
    res = get(url, mode, rid)
    assert state.last().raw_path == f"{PREFIX}/{wire}"  # what went over the wire
    assert res.id == rid  # the server's getResponse route got the whole id back


# -- 5: credentials that are not header-safe ---------------------------------------------------

BAD_TOKENS = [
    "sk-line\nX-Injected: yes",
    "sk-crlf\r\nX-Injected: yes",
    "sk-trailing-newline\n",
    "sk-nøn-ascii",
    "sk-nul\x00byte",
]


@pytest.mark.parametrize("token", BAD_TOKENS, ids=["lf", "crlf", "trailing", "non-ascii", "nul"])
def test_a_credential_that_is_not_header_safe_is_refused_at_construction(
    server: tuple[str, MKA1State], token: str
) -> None:
    _, state = server
    with pytest.raises(errors.InvalidCredentialError) as info:
        SDK(bearer_auth=token, server_url="http://127.0.0.1:9")
    assert "security scheme 'bearerAuth'" in str(info.value)
    assert token.strip() not in str(info.value) and "X-Injected" not in repr(info.value)
    with SDK(bearer_auth=TOKEN) as sdk, pytest.raises(errors.InvalidCredentialError):
        sdk.with_options(bearer_auth=token)
    assert isinstance(info.value, ValueError) and not state.requests


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("token", BAD_TOKENS[:2] + BAD_TOKENS[3:4], ids=["lf", "crlf", "non-ascii"])
def test_a_token_provider_returning_such_a_value_fails_the_call_before_sending(
    server: tuple[str, MKA1State], mode: str, token: str
) -> None:
    url, state = server
    provider: Callable[[], str] = lambda: token  # noqa: E731
    with pytest.raises(errors.InvalidCredentialError) as info:
        get(url, mode, "resp_t1", bearer_auth=provider)
    assert "bearerAuth" in str(info.value) and token.strip() not in str(info.value)
    assert not state.requests  # nothing was sent, so no header was injected


def test_a_header_injection_never_reaches_the_server(server: tuple[str, MKA1State]) -> None:
    url, state = server
    for token in BAD_TOKENS:
        with pytest.raises(errors.SDKError):
            get(url, "sync", "resp_t1", bearer_auth=lambda token=token: token)
    get(url, "sync", "resp_t1")
    assert len(state.requests) == 1
    assert "x-injected" not in state.requests[0].headers


# -- 5: a 401 with debug logging on ----------------------------------------------------------

UNAUTHORIZED = json.dumps({"error": {"message": f"invalid token {TOKEN}", "type": "authentication_error"}})


@pytest.mark.parametrize("mode", MODES)
def test_no_token_in_debug_logs_or_errors_of_a_401(
    server: tuple[str, MKA1State], mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    url, state = server
    state.canned["resp_401"] = (401, "application/json", UNAUTHORIZED.encode())
    with caplog.at_level(logging.DEBUG):  # every logger: the SDK's, httpx's and httpcore's
        with pytest.raises(errors.AuthenticationError) as info:
            get(url, mode, "resp_401")
        logging.getLogger("mka1").debug("error: %s %r", info.value, info.value)
    assert state.last().headers["authorization"] == f"Bearer {TOKEN}"  # it was sent
    assert "returned 401 Unauthorized: invalid token ***" in caplog.text
    assert "HTTP GET" in caplog.text  # the SDK's debug lines are there
    assert TOKEN not in caplog.text and TOKEN not in str(info.value) and TOKEN not in repr(info.value)


def test_no_token_on_stderr_with_mka1_log_debug(server: tuple[str, MKA1State]) -> None:
    url, state = server
    state.canned["resp_401"] = (401, "application/json", UNAUTHORIZED.encode())
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG)\n"  # httpx and httpcore at DEBUG too
        "from mka1 import SDK, errors\n"
        f"sdk = SDK(bearer_auth={TOKEN!r}, server_url={url!r})\n"
        "try:\n"
        "    sdk.llm.responses.get(response_id='resp_401')\n"
        "except errors.AuthenticationError as err:\n"
        "    logging.getLogger('mka1').exception('failed: %r', err)\n"
    )
    env = {**os.environ, "MKA1_LOG": "debug", "PYTHONPATH": str(ROOT / "generated")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert "AuthenticationError" in done.stderr and "HTTP GET" in done.stderr
    assert TOKEN not in done.stderr + done.stdout


def test_a_token_across_the_excerpts_cut_is_not_left_half_visible(server: tuple[str, MKA1State]) -> None:
    url, state = server
    page = "<html><body>" + "x" * 175 + f" token {TOKEN} rejected "  # the token spans char 200 + "y" * 500 + "</body></html>"
    state.canned["resp_401"] = (401, "text/html", page.encode())
    with pytest.raises(errors.AuthenticationError) as info:
        get(url, "sync", "resp_401")
    message = str(info.value)
    assert f"(cut; the body has {len(page)} bytes)" in message and "token ***" in message
    assert TOKEN[:10] not in message and info.value.body == page
