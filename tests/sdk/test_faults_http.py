"""The generated SDK under faults of the wire (issue 13): no hang, no silent wrong value.

Every test runs against a real uvicorn server on 127.0.0.1 (tests/servers/faults.py), sync and
async. Time is only checked as a generous upper bound that proves a call did not hang.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from ..helpers import ROOT
from ..servers import faults
from ..servers.live import serve

from mka1 import SDK, RetryConfig  # noqa: E402  (tests/sdk/conftest.py puts generated/ on the path)
from mka1 import errors  # noqa: E402
from mka1._runtime.types import BackoffStrategy  # noqa: E402

FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval_ms=10, max_interval_ms=20, exponent=1.0, max_elapsed_ms=5000)
)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(faults.build_app()) as base:
        yield base


@pytest.fixture(autouse=True)
def _reset() -> None:
    faults.ATTEMPTS.clear()


def sdk_for(url: str, **options: Any) -> SDK:
    options.setdefault("retry_config", FAST_RETRIES)
    options.setdefault("timeout_ms", 20_000)  # a test that goes wrong fails instead of hanging
    return SDK(bearer_auth="sk-test", server_url=url, **options)


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


# --- 1. streams left open: the pool ------------------------------------------------------------


def test_a_full_pool_fails_fast_with_a_typed_error_that_says_what_to_do(url: str) -> None:
    with sdk_for(url, max_connections=3, pool_timeout_ms=300) as sdk:
        keep = [sdk.llm.responses.get(response_id="resp_k", stream=True) for _ in range(3)]
        started = time.monotonic()
        with pytest.raises(errors.PoolExhaustedError) as caught:
            sdk.llm.responses.get(response_id="resp_ok")
        assert time.monotonic() - started < 10
        assert isinstance(caught.value, errors.APITimeoutError)
        assert "all 3 connections" in str(caught.value) and "with" in str(caught.value)
        assert faults.ATTEMPTS["resp_ok"] == 0  # never sent, and not retried
        for stream in keep:
            stream.close()
        assert sdk.llm.responses.get(response_id="resp_ok").id == "resp_ok"


def test_a_full_pool_fails_fast_async(url: str) -> None:
    async def main() -> None:
        async with sdk_for(url, max_connections=3, pool_timeout_ms=300) as sdk:
            keep = [await sdk.llm.responses.get_async(response_id="resp_k", stream=True) for _ in range(3)]
            with pytest.raises(errors.PoolExhaustedError, match="all 3 connections"):
                await asyncio.wait_for(sdk.llm.responses.get_async(response_id="resp_ok"), 10)
            for stream in keep:
                await stream.aclose()
            assert (await sdk.llm.responses.get_async(response_id="resp_ok")).id == "resp_ok"

    run_async(main())


def test_the_default_pool_holds_150_open_streams(url: str) -> None:
    with sdk_for(url) as sdk:
        keep = [sdk.llm.responses.get(response_id="resp_k", stream=True) for _ in range(150)]
        assert sdk.llm.responses.get(response_id="resp_ok").id == "resp_ok"
        for stream in keep:
            stream.close()


@pytest.mark.parametrize("read_one", [False, True], ids=["unread", "partly-read"])
def test_streams_dropped_unclosed_release_their_connection_and_warn(url: str, read_one: bool) -> None:
    with sdk_for(url, max_connections=2, pool_timeout_ms=2000) as sdk:
        with pytest.warns(ResourceWarning, match="dropped without close"):
            for _ in range(20):  # ten times the pool: each must give its connection back
                stream = sdk.llm.responses.get(response_id="resp_k", stream=True)
                if read_one:
                    assert next(iter(stream)).type == "response.created"
                del stream
        assert sdk.llm.responses.get(response_id="resp_ok").id == "resp_ok"


def test_async_streams_dropped_unclosed_release_their_connection_and_warn(url: str) -> None:
    async def main() -> None:
        async with sdk_for(url, max_connections=2, pool_timeout_ms=2000) as sdk:
            for _ in range(20):
                stream = await sdk.llm.responses.get_async(response_id="resp_k", stream=True)
                assert (await stream.__anext__()).type == "response.created"
                del stream
            assert (await sdk.llm.responses.get_async(response_id="resp_ok")).id == "resp_ok"

    with pytest.warns(ResourceWarning, match="dropped without close"):
        run_async(main())


def test_a_download_dropped_unclosed_releases_its_connection_and_warns(url: str) -> None:
    import httpx

    from mka1._runtime.download import Download

    with httpx.Client(limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5, pool=1)) as client:
        for _ in range(5):
            response = client.send(client.build_request("GET", f"{url}/api/v1/llm/responses/resp_d"), stream=True)
            download = Download(response, "binary", "getFile")
            with pytest.warns(ResourceWarning, match="download dropped without close"):
                del download
                gc.collect()  # not needed in CPython; makes the test independent of it
            assert response.is_closed


# --- 2. time limits -----------------------------------------------------------------------------


def test_timeout_ms_bounds_a_body_that_drips(url: str) -> None:
    with sdk_for(url) as sdk:
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            sdk.llm.responses.get(response_id="resp_drip", timeout_ms=1000)
        assert time.monotonic() - started < 10  # the whole body would take about a minute


def test_timeout_ms_bounds_a_body_that_drips_async(url: str) -> None:
    async def main() -> None:
        async with sdk_for(url, timeout_ms=1000) as sdk:
            with pytest.raises(errors.APITimeoutError):
                await asyncio.wait_for(sdk.llm.responses.get_async(response_id="resp_drip"), 20)

    started = time.monotonic()
    run_async(main())
    assert time.monotonic() - started < 10


def test_deadline_ms_bounds_the_call_across_retries(url: str) -> None:
    # every attempt takes 0.5 s and is retried at once: without a deadline the retry policy
    # would go on for its 5 s of max_elapsed_ms
    with sdk_for(url, deadline_ms=1200) as sdk:
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            sdk.llm.responses.get(response_id="resp_hang")
        assert time.monotonic() - started < 4
    assert faults.ATTEMPTS["resp_hang"] >= 2  # it did retry inside the deadline


def test_deadline_ms_async_and_per_client(url: str) -> None:
    async def main() -> None:
        async with sdk_for(url) as sdk:
            limited = sdk.with_options(deadline_ms=1200)
            with pytest.raises(errors.APITimeoutError):
                await asyncio.wait_for(limited.llm.responses.get_async(response_id="resp_hang"), 20)

    started = time.monotonic()
    run_async(main())
    assert time.monotonic() - started < 4
    assert faults.ATTEMPTS["resp_hang"] >= 2


def test_a_stream_is_bounded_by_timeout_ms_per_read_not_in_total(url: str) -> None:
    # keep-alives every 0.2 s: a stream that talks is never cut by a 1 s timeout_ms
    with sdk_for(url) as sdk:
        with sdk.llm.responses.get(response_id="resp_k", stream=True, timeout_ms=1000) as stream:
            events = iter(stream)
            assert next(events).type == "response.created"
            time.sleep(1.5)
            assert not stream.response.is_closed


# --- 3. a body that breaks is retried like a connection that breaks -----------------------------


@pytest.mark.parametrize("fault", ["resp_short", "resp_reset", "resp_gzip"])
def test_a_get_whose_body_breaks_is_retried(url: str, fault: str) -> None:
    with sdk_for(url) as sdk:
        result = sdk.llm.responses.get(response_id=f"{fault}~k~1")
    assert result.id == f"{fault}~k~1" and result.output_text  # the whole, right value
    assert faults.ATTEMPTS["k"] == 2


@pytest.mark.parametrize("fault", ["resp_short", "resp_reset", "resp_gzip"])
def test_a_get_whose_body_breaks_is_retried_async(url: str, fault: str) -> None:
    async def main() -> Any:
        async with sdk_for(url) as sdk:
            return await sdk.llm.responses.get_async(response_id=f"{fault}~k~1")

    assert run_async(main()).id == f"{fault}~k~1"
    assert faults.ATTEMPTS["k"] == 2


@pytest.mark.parametrize("fault", ["resp_short", "resp_reset", "resp_gzip"])
def test_a_body_that_always_breaks_raises_the_connection_error(url: str, fault: str) -> None:
    with sdk_for(url) as sdk:
        with pytest.raises(errors.APIConnectionError) as caught:
            sdk.llm.responses.get(response_id=fault)
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert faults.ATTEMPTS[fault] > 2  # retried until the policy gave up


def test_a_post_whose_body_breaks_is_not_retried(url: str) -> None:
    with sdk_for(url) as sdk:
        with pytest.raises(errors.APIConnectionError):
            sdk.llm.responses.create(model="m", input="hi")
    assert faults.ATTEMPTS["create"] == 1

    async def main() -> None:
        async with sdk_for(url) as sdk:
            await sdk.llm.responses.create_async(model="m", input="hi")

    with pytest.raises(errors.APIConnectionError):
        run_async(main())
    assert faults.ATTEMPTS["create"] == 2


# --- 5. an async client outliving its event loop --------------------------------------------------


def test_an_async_client_collected_after_its_loop_closed_is_silent(url: str) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, gc, sys
        sys.path.insert(0, {str(ROOT / "generated")!r})
        from mka1 import SDK

        sdk = SDK(bearer_auth="sk-test", server_url={url!r})

        async def call():
            streams = [await sdk.llm.responses.get_async(response_id="resp_k", stream=True) for _ in range(2)]
            await streams[0].__anext__()
            return (await sdk.llm.responses.get_async(response_id="resp_ok")).id

        assert asyncio.run(call()) == "resp_ok"
        assert asyncio.run(call()) == "resp_ok"  # a second loop: new connections, not dead ones
        del sdk
        gc.collect()
        print("done")
        """
    )
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", script],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"
    assert "Event loop is closed" not in done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr


# --- 6. one definition of the client options ---------------------------------------------------


def test_the_sdk_constructor_agrees_with_client_options() -> None:
    import dataclasses
    import inspect

    from mka1._runtime.types import ClientOptions

    fields = {f.name: f for f in dataclasses.fields(ClientOptions)}
    params = inspect.signature(SDK.__init__).parameters
    shared = [name for name in params if name in fields]
    assert {"timeout_ms", "deadline_ms", "max_connections", "pool_timeout_ms", "retry_config",
            "client", "async_client", "http_headers", "hooks", "server_url", "server_idx"} <= set(shared)
    for name in shared:
        assert params[name].annotation == fields[name].type, name
        assert params[name].default == fields[name].default, name
    with_options = inspect.signature(SDK.with_options).parameters
    derive = inspect.signature(SDK(bearer_auth="x", server_url="http://h")._core.derive).parameters
    assert {n for n in with_options if n in fields} <= set(derive)


# --- 4. many concurrent async calls ------------------------------------------------------------


def test_500_concurrent_async_calls_share_the_sharded_pool_and_release_it(url: str) -> None:
    async def main() -> tuple[list[int], int, int]:
        async with sdk_for(url) as sdk:
            results = await asyncio.gather(
                *(sdk.llm.responses.get_async(response_id=f"resp_c{i}") for i in range(500))
            )
            assert [r.id for r in results] == [f"resp_c{i}" for i in range(500)]  # each its own
            transport = sdk._core._get_async_client()._transport
            busy = list(transport._busy)
            opened = sum(len(pool._pool.connections) for pool in transport._pools)
            shards_used = sum(1 for pool in transport._pools if pool._pool.connections)
            return busy, opened, shards_used

    busy, opened, shards_used = run_async(main())
    assert busy == [0] * len(busy)  # every response gave its shard back
    assert 0 < opened <= 100  # at most max_keepalive_connections stay open
    assert shards_used > 1


def test_async_calls_one_at_a_time_reuse_one_connection(url: str) -> None:
    async def main() -> int:
        async with sdk_for(url) as sdk:
            for _ in range(10):
                await sdk.llm.responses.get_async(response_id="resp_ok")
            transport = sdk._core._get_async_client()._transport
            return sum(len(pool._pool.connections) for pool in transport._pools)

    assert run_async(main()) == 1
