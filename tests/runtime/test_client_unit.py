"""ClientCore details checked through httpx.MockTransport: headers, auth, timeouts, bodies,
logging, lifetimes, and stream failures that a real server cannot produce on demand."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable, Iterator

import httpx
import pytest

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and replies from a script."""

    def __init__(self, *replies: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.replies = list(replies) or [httpx.Response(200, json={"id": "ok"})]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def make_core(rt: SimpleNamespace, handler: Any, **kw: Any) -> Any:
    kw.setdefault("server_url", "https://api.test/v1")
    return rt.client.ClientCore(
        models_module=rt.models.__name__,
        errors_module=rt.errors_mod.__name__,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        logger_name="test.unit",
        **kw,
    )


def op(rt: SimpleNamespace, method: str = "GET", path: str = "/things", **kw: Any) -> Any:
    return rt.operation.Operation(
        operation_id=kw.pop("operation_id", "op"), method=method, path=path, **kw
    )


def sec(
    rt: SimpleNamespace, name: str, type: str, scheme: str = "", location: str = "", param: str = ""
) -> Any:
    return rt.operation.Security(name, type, scheme, location, param)


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream, response, event, accept",
    [
        (True, "Thing", "Event", "text/event-stream"),
        (False, "Thing", "Event", "application/json"),
        (None, "Thing", None, "application/json"),
        (None, None, "Event", "application/json, text/event-stream"),
        (None, None, None, "application/json"),
    ],
)
def test_accept_header(
    rt: SimpleNamespace, stream: Any, response: Any, event: Any, accept: str
) -> None:
    rec = Recorder(httpx.Response(204))
    make_core(rt, rec).request(op(rt, response=response, event=event), stream=stream)
    assert rec.last.headers["accept"] == accept


def test_server_selection(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(204))
    core = make_core(
        rt, rec, server_url=None, servers=("https://a.test/", "https://b.test/base/"), server_idx=1
    )
    core.request(op(rt))
    assert str(rec.last.url) == "https://b.test/base/things"
    core.request(op(rt), options=rt.types.CallOptions(server_url="https://c.test/"))
    assert str(rec.last.url) == "https://c.test/things"
    with pytest.raises(ValueError, match="server_idx 2 is out of range.*0 to 1"):
        make_core(
            rt, rec, server_url=None, servers=("https://a.test", "https://b.test"), server_idx=2
        )
    with pytest.raises(ValueError, match="server_url"):
        make_core(rt, rec, server_url=None, servers=())


# --- security -------------------------------------------------------------------------------


def test_security_schemes(rt: SimpleNamespace) -> None:
    schemes = (
        sec(rt, "bearer", "http", "bearer"),
        sec(rt, "basic", "http", "basic"),
        sec(rt, "key", "apiKey", "", "header", "X-API-Key"),
        sec(rt, "qkey", "apiKey", "", "query", "api_key"),
        sec(rt, "ckey", "apiKey", "", "cookie", "sid"),
        sec(rt, "oauth", "oauth2"),
    )
    values = {
        "bearer": "tok",
        "basic": ("user", "pw"),
        "key": "k1",
        "qkey": "q1",
        "ckey": "c1",
        "oauth": None,
    }
    rec = Recorder(httpx.Response(204))
    core = make_core(rt, rec, security=schemes, security_values=values)

    core.request(op(rt, security=(("bearer",),)))
    assert rec.last.headers["authorization"] == "Bearer tok"
    core.request(op(rt, security=(("basic",),)))
    assert rec.last.headers["authorization"] == "Basic dXNlcjpwdw=="
    core.request(op(rt, security=(("key", "qkey", "ckey"),)))
    assert rec.last.headers["x-api-key"] == "k1"
    assert rec.last.url.params["api_key"] == "q1"
    assert rec.last.headers["cookie"] == "sid=c1"
    core.request(op(rt, security=()))
    assert "authorization" not in rec.last.headers
    core.request(op(rt, security=(("oauth",),)))  # no value given: nothing sent
    assert "authorization" not in rec.last.headers
    # None: the SDK-wide requirements; not given to the core, each scheme is an alternative
    core.request(op(rt))
    assert rec.last.headers["authorization"] == "Bearer tok"
    assert "x-api-key" not in rec.last.headers and "api_key" not in rec.last.url.params


def test_select_security_picks_the_first_satisfied_alternative(rt: SimpleNamespace) -> None:
    select = rt.client.select_security
    schemes = {n: sec(rt, n, "apiKey", "", "header", "X-" + n) for n in ("a", "b", "c")}
    creds = rt.client.ClientCredentials("cid", "secret")
    # OR: the first alternative, in spec order, whose schemes all have a value
    assert select((("a",), ("b",)), schemes, {"a": "1", "b": "2"}) == ("a",)
    assert select((("a",), ("b",)), schemes, {"b": "2"}) == ("b",)
    assert select((("b",), ("a",)), schemes, {"a": "1", "b": "2"}) == ("b",)
    # AND: every scheme of one alternative, or that alternative is out
    assert select((("a", "b"),), schemes, {"a": "1", "b": "2"}) == ("a", "b")
    assert select((("a", "b"),), schemes, {"a": "1"}) == ()
    assert select((("a", "b"), ("c",)), schemes, {"a": "1", "c": "3"}) == ("c",)
    # None and NOT_GIVEN are no value; token providers and ClientCredentials are
    assert select((("a",), ("b",)), schemes, {"a": None, "b": rt.types.NOT_GIVEN}) == ()
    assert select((("a",),), schemes, {"a": lambda: "t"}) == ("a",)
    assert select((("a",),), schemes, {"a": creds}) == ("a",)
    # an empty alternative (anonymous allowed) never beats a satisfied one, wherever it stands
    assert select(((), ("a",)), schemes, {"a": "1"}) == ("a",)
    assert select(((), ("a",)), schemes, {}) == ()
    # a scheme the client does not know (unsupported type) cannot be satisfied
    assert select((("x",), ("a",)), schemes, {"x": "1", "a": "1"}) == ("a",)
    assert select((), schemes, {"a": "1"}) == ()


def test_security_alternatives_on_the_request(rt: SimpleNamespace) -> None:
    schemes = (
        sec(rt, "key", "apiKey", "", "header", "X-API-Key"),
        sec(rt, "bearer", "http", "bearer"),
        sec(rt, "qkey", "apiKey", "", "query", "api_key"),
    )
    rec = Recorder(httpx.Response(204))
    core = make_core(
        rt, rec, security=schemes, security_values={"bearer": "tok", "qkey": "q1"},
        default_security=(("key",), ("bearer",)),
    )
    core.request(op(rt))  # the default: key has no value, so bearer only
    assert rec.last.headers["authorization"] == "Bearer tok"
    assert "x-api-key" not in rec.last.headers and "api_key" not in rec.last.url.params
    with_key = core.derive(security_values={"key": "k1"})
    with_key.request(op(rt))  # key first, and only key
    assert rec.last.headers["x-api-key"] == "k1" and "authorization" not in rec.last.headers
    with_key.request(op(rt, security=(("key", "qkey"), ("bearer",))))  # AND
    assert rec.last.headers["x-api-key"] == "k1" and rec.last.url.params["api_key"] == "q1"
    assert "authorization" not in rec.last.headers
    core.request(op(rt, security=(("key", "qkey"),)))  # unsatisfied: nothing, no client error
    assert "x-api-key" not in rec.last.headers and "api_key" not in rec.last.url.params
    core.request(op(rt, security=((),)))
    assert "authorization" not in rec.last.headers


def test_tokens_are_fetched_and_dropped_for_the_chosen_alternative(rt: SimpleNamespace) -> None:
    issued: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/token/"):
            issued.append(request.url.path)
            token = f"{request.url.path.rsplit('/', 1)[1]}-{len(issued)}"
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        return httpx.Response(401 if request.url.path.endswith("/deny") else 204)

    first = rt.client.ClientCredentials("cid", "s1")
    second = rt.client.ClientCredentials("cid", "s2")
    schemes = (
        rt.operation.Security("one", "oauth2", token_url="https://api.test/token/one"),
        rt.operation.Security("two", "oauth2", token_url="https://api.test/token/two"),
    )
    core = make_core(
        rt, handler, security=schemes, security_values={"one": first, "two": second},
        default_security=(("one",), ("two",)),
    )
    asyncio.run(core.request_async(op(rt)))  # fetched before sending, for "one" only
    assert issued == ["/token/one"] and second.cached() is None
    core.request(op(rt, security=(("two",),)))  # sync path: "two" fetched when chosen
    assert issued == ["/token/one", "/token/two"]
    with pytest.raises(rt.errors.AuthenticationError):
        core.request(op(rt, path="/deny", security=(("two",), ("one",))))
    assert second.cached() is None and first.cached() == "one-1"  # only the one sent is dropped


def test_token_provider_and_prefixed_token(rt: SimpleNamespace) -> None:
    tokens = iter(["t1", "Bearer t2"])
    rec = Recorder(httpx.Response(204))
    core = make_core(
        rt,
        rec,
        security=(sec(rt, "oidc", "openIdConnect"),),
        security_values={"oidc": lambda: next(tokens)},
    )
    core.request(op(rt))
    assert rec.last.headers["authorization"] == "Bearer t1"
    core.request(op(rt))
    assert rec.last.headers["authorization"] == "Bearer t2"


def test_logs_one_line_per_request_and_no_secrets(
    rt: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    schemes = (
        sec(rt, "bearer", "http", "bearer"),
        sec(rt, "qkey", "apiKey", "", "query", "api_key"),
    )
    rec = Recorder(httpx.Response(503, headers={"retry-after": "0"}), httpx.Response(204))
    core = make_core(
        rt,
        rec,
        security=schemes,
        security_values={"bearer": "sk-secret-1", "qkey": "sk-secret-2"},
        default_security=(("bearer", "qkey"),),
        retry_config=rt.types.RetryConfig(),
    )
    with caplog.at_level(logging.DEBUG, "test.unit"):
        core.request(
            op(rt, path="/things", params=(rt.operation.Param("q", "q", "query", "form", True),)),
            params={"q": "visible"},
        )
    text = caplog.text
    assert "sk-secret" not in text
    assert "GET https://api.test/v1/things?q=visible&api_key=***" in text
    assert "-> 503" in text and "-> 204" in text
    assert "retrying GET" in text and "status 503" in text


def test_sdk_repr_and_lifetime(rt: SimpleNamespace) -> None:
    sdk = rt.client.BaseSDK(
        models_module=rt.models.__name__,
        errors_module=rt.errors_mod.__name__,
        servers=("https://a.test",),
        security=(sec(rt, "bearer", "http", "bearer"),),
        security_values={"bearer": "sk-hidden"},
    )
    assert "sk-hidden" not in repr(sdk) and "https://a.test" in repr(sdk)
    with sdk:
        owned = sdk._core._get_client()
    assert owned.is_closed

    mine = httpx.Client()
    with rt.client.BaseSDK(
        models_module="x", errors_module="y", server_url="https://a.test", client=mine
    ):
        pass
    assert not mine.is_closed  # the caller's client stays the caller's
    mine.close()

    async def main() -> httpx.AsyncClient:
        async with rt.client.BaseSDK(
            models_module="x", errors_module="y", server_url="https://a.test"
        ) as s:
            return s._core._get_async_client()

    assert asyncio.run(main()).is_closed


# --- timeouts -------------------------------------------------------------------------------


def test_timeout_precedence(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(204))
    core = make_core(rt, rec, timeout_ms=3000)
    core.request(op(rt, timeout_ms=2000), options=rt.types.CallOptions(timeout_ms=1000))
    # (connect: the read timeout is shortened to what is left once the headers are in)
    assert rec.last.extensions["timeout"]["connect"] == 1.0
    # the SDK's setting is the caller's choice: it beats the operation's default from the spec
    core.request(op(rt, timeout_ms=2000))
    assert rec.last.extensions["timeout"]["connect"] == 3.0
    core.request(op(rt))
    assert rec.last.extensions["timeout"]["connect"] == 3.0
    make_core(rt, rec).request(op(rt, timeout_ms=2000))
    assert rec.last.extensions["timeout"]["connect"] == 2.0
    make_core(rt, rec).request(op(rt))
    assert rec.last.extensions["timeout"]["connect"] == 5.0  # httpx's own default


# --- bodies ---------------------------------------------------------------------------------


class CountingFile(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def test_multipart_streams_files_in_chunks(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(204))
    upload = CountingFile(b"x" * 300_000)
    body = {"purpose": "test", "file": ("big.bin", upload, "application/octet-stream"), "n": 3}
    make_core(rt, rec).request(
        op(rt, "POST", body=rt.operation.Body("multipart/form-data", "multipart")), body=body
    )
    sent = rec.bodies[-1]
    assert rec.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="purpose"\r\n\r\ntest' in sent and b'name="n"\r\n\r\n3' in sent
    assert b'filename="big.bin"' in sent and sent.count(b"x") >= 300_000
    assert upload.sizes and -1 not in upload.sizes and max(upload.sizes) <= 64 * 1024


def test_binary_file_body_is_chunked_and_replayed_on_retry(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(503, headers={"retry-after": "0"}), httpx.Response(204))
    upload = CountingFile(b"abc" * 50_000)
    upload.seek(3)  # the body starts where the caller left the file
    core = make_core(rt, rec, retry_config=rt.types.RetryConfig())
    core.request(
        op(rt, "PUT", body=rt.operation.Body("application/octet-stream", "binary")), body=upload
    )
    assert len(rec.requests) == 2
    assert rec.bodies[0] == rec.bodies[1] == (b"abc" * 50_000)[3:]
    assert rec.last.headers["content-type"] == "application/octet-stream"
    assert -1 not in upload.sizes


def test_iterator_body_is_sent_once_and_never_retried(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(503, headers={"retry-after": "0"}), httpx.Response(204))
    core = make_core(rt, rec, retry_config=rt.types.RetryConfig())
    with pytest.raises(rt.errors.InternalServerError):
        core.request(
            op(rt, "PUT", body=rt.operation.Body("application/octet-stream", "binary")),
            body=iter([b"a", b"b"]),
        )
    assert rec.bodies == [b"ab"]


def test_form_and_text_bodies(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(204))
    core = make_core(rt, rec)
    core.request(
        op(rt, "POST", body=rt.operation.Body("application/x-www-form-urlencoded", "form")),
        body={"a": "1 2", "b": [True, False]},
    )
    assert rec.bodies[-1] == b"a=1+2&b=true&b=false"
    assert rec.last.headers["content-type"] == "application/x-www-form-urlencoded"
    core.request(op(rt, "POST", body=rt.operation.Body("text/plain", "text")), body="héllo")
    assert rec.bodies[-1] == "héllo".encode()


def test_async_binary_and_multipart_bodies(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(204))
    core = make_core(rt, rec)

    async def main() -> None:
        await core.request_async(
            op(rt, "PUT", body=rt.operation.Body("application/octet-stream", "binary")),
            body=io.BytesIO(b"file-data"),
        )
        await core.request_async(
            op(rt, "PUT", body=rt.operation.Body("application/octet-stream", "binary")),
            body=iter([b"it", b"er"]),
        )
        await core.request_async(
            op(rt, "POST", body=rt.operation.Body("multipart/form-data", "multipart")),
            body={"f": io.BytesIO(b"multi")},
        )

    asyncio.run(main())
    assert rec.bodies[0] == b"file-data" and rec.bodies[1] == b"iter" and b"multi" in rec.bodies[2]


# --- retries on transport errors ------------------------------------------------------------


def test_connection_errors_are_retried(rt: SimpleNamespace) -> None:
    rec = Recorder(
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
        httpx.Response(200, json={"id": "a"}),
    )
    config = rt.types.RetryConfig(backoff=rt.types.BackoffStrategy(1, 2, 1.5, 1000))
    thing = make_core(rt, rec, retry_config=config).request(op(rt, response="Thing"))
    assert thing.id == "a" and len(rec.requests) == 3


def test_read_timeout_is_not_retried(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"), httpx.Response(204))
    with pytest.raises(rt.errors.APITimeoutError):
        make_core(rt, rec, retry_config=rt.types.RetryConfig()).request(op(rt))
    assert len(rec.requests) == 1


# --- responses ------------------------------------------------------------------------------


def test_schema_mismatch_is_returned_not_raised(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(200, json={"id": 5, "count": "lots"}))
    thing = make_core(rt, rec).request(op(rt, response="Thing"))
    assert isinstance(thing, rt.models.Thing) and thing.count == "lots"


def test_missing_error_class_falls_back_to_builtin(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(404, json={"message": "gone"}))
    E = rt.operation.ErrorSpec
    with pytest.raises(rt.errors.NotFoundError, match="gone"):
        make_core(rt, rec).request(op(rt, errors=(E("404", None, "NoSuchClass"),)))


# --- stream failures ------------------------------------------------------------------------


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Sends some chunks, then fails like a dropped connection."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        raise httpx.ReadError("connection reset")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        raise httpx.ReadError("connection reset")


def sse_response(stream: Any) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


DELTA = b'id: %d\ndata: {"type":"text.delta","sequence_number":%d,"delta":"x"}\n\n'


def test_stream_cut_raises_stream_interrupted_with_position(rt: SimpleNamespace) -> None:
    rec = Recorder(sse_response(BrokenStream(DELTA % (1, 1), DELTA % (2, 2), b'data: {"type"')))
    stream = make_core(rt, rec).request(op(rt, event="Event"), stream=True)
    got: list[Any] = []
    with pytest.raises(rt.errors.StreamInterruptedError) as info:
        for event in stream:
            got.append(event)
    assert [e.sequence_number for e in got] == [1, 2]
    assert info.value.last_event_id == "2"
    assert isinstance(info.value, rt.errors.APIConnectionError)
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert stream.response.is_closed


def test_async_stream_cut_raises_stream_interrupted(rt: SimpleNamespace) -> None:
    rec = Recorder(sse_response(BrokenStream(DELTA % (1, 1))))

    async def main() -> list[Any]:
        stream = await make_core(rt, rec).request_async(op(rt, event="Event"), stream=True)
        got: list[Any] = []
        with pytest.raises(rt.errors.StreamInterruptedError):
            async for event in stream:
                got.append(event)
        return got

    assert len(asyncio.run(main())) == 1


def test_reconnect_hook_continues_after_a_cut(rt: SimpleNamespace) -> None:
    first = sse_response(BrokenStream(DELTA % (1, 1)))
    first.request = httpx.Request("GET", "https://api.test/")
    seen: list[Any] = []

    def reconnect(error: Any) -> httpx.Response:
        seen.append((error.last_event_id, error.last_cursor))
        return httpx.Response(
            200, content=DELTA % (2, 2) + b"data: [DONE]\n\n", request=first.request
        )

    def parse(data: str, event: str | None) -> Any:
        return SimpleNamespace(seq=json.loads(data)["sequence_number"])

    spec = rt.operation.StreamSpec(sentinel="[DONE]", cursor="seq", resume_param="after")
    stream = rt.sse.EventStream(first, parse, spec=spec, reconnect=reconnect)
    assert [e.seq for e in stream] == [1, 2]
    assert seen == [("1", 1)]  # where to resume: the last id and the last cursor


def test_sentinel_ends_the_stream_and_closes_it(rt: SimpleNamespace) -> None:
    body = DELTA % (1, 1) + b"data: [DONE]\n\n" + DELTA % (2, 2)
    rec = Recorder(httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body))
    stream = make_core(rt, rec).request(
        op(rt, event="Event", stream=rt.operation.StreamSpec(sentinel="[DONE]")), stream=True
    )
    assert [e.sequence_number for e in stream] == [1]
    assert stream.response.is_closed


def test_stream_error_status_is_raised_with_body(rt: SimpleNamespace) -> None:
    rec = Recorder(httpx.Response(429, json={"error": {"message": "slow down"}}))
    with pytest.raises(rt.errors.RateLimitError, match="slow down") as info:
        make_core(rt, rec).request(op(rt, event="Event"), stream=True)
    assert json.loads(info.value.body)["error"]["message"] == "slow down"
