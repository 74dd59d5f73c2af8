"""Connections are released however a stream ends: exhausted, broken off with ``break``, by an
exception in the consumer, by leaving ``with``, by ``close()``, by task cancellation; and
nothing leaks over 1,000 streams (the client pool and the server's open connections)."""

from __future__ import annotations

import asyncio
import gc
import time
from types import SimpleNamespace
from typing import Any, Callable

import pytest

from .app import Action, State
from .test_resume import N, seq_op


def forever_op(pkg: SimpleNamespace, **spec: Any) -> Any:
    return pkg.operation.Operation(
        "forever", "GET", "/forever", event="Event", stream=pkg.operation.StreamSpec(**spec)
    )


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def pool_size(client: Any) -> int:
    transport = client._transport
    pools = [t._pool for t in transport._pools] if hasattr(transport, "_pools") else [transport._pool]
    return sum(len(pool.connections) for pool in pools)  # the async pool is split (shards.py)


class Boom(Exception):
    pass


def test_every_way_of_stopping_early_releases_the_connection(
    pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    core = make_core()
    op = forever_op(pkg)

    with core.request(op, stream=True) as events:  # break inside with
        for event in events:
            if event.seq == 2:
                break
    assert events.response.is_closed

    with pytest.raises(Boom):  # an exception in the consumer
        with core.request(op, stream=True) as events:
            for event in events:
                raise Boom

    events = core.request(op, stream=True)  # close() without with
    next(events)
    events.close()

    events = core.request(op, stream=True)  # never iterated
    events.close()

    events = core.request(op, stream=True)  # dropped on the floor (closed when collected)
    next(events)
    del events
    gc.collect()

    assert wait_for(lambda: state.closed_streams == 5 and state.open_streams == 0), (state.closed_streams, state.open_streams)


def test_async_break_exception_and_aclose_release_the_connection(
    pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    core = make_core()
    op = forever_op(pkg)

    async def main() -> None:
        stream = await core.request_async(op, stream=True)
        async with stream:
            async for event in stream:
                if event.seq == 2:
                    break
        assert stream.response.is_closed
        with pytest.raises(Boom):
            stream = await core.request_async(op, stream=True)
            async with stream:
                async for _ in stream:
                    raise Boom
        assert stream.response.is_closed
        stream = await core.request_async(op, stream=True)
        await stream.__anext__()
        await stream.aclose()
        assert stream.response.is_closed
        await core.aclose()

    asyncio.run(main())
    assert wait_for(lambda: state.closed_streams == 3 and state.open_streams == 0)


def test_cancelling_the_reading_task_closes_the_connection(
    pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    core = make_core()

    async def main() -> None:
        stream = await core.request_async(forever_op(pkg), stream=True)
        got: list[Any] = []

        async def consume() -> None:
            async for event in stream:
                got.append(event)

        task = asyncio.create_task(consume())
        while len(got) < 3:
            await asyncio.sleep(0.002)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert stream.response.is_closed
        await core.aclose()

    asyncio.run(main())
    assert wait_for(lambda: state.closed_streams == 1 and state.open_streams == 0)


def test_cancelling_during_a_resume_backoff(
    pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    """Cancelled while waiting to reconnect: the task ends at once, nothing stays open."""
    core = make_core()
    op = seq_op(pkg, initial_interval_ms=30_000, max_interval_ms=30_000)
    state.plans["s"] = [Action(drop=2), Action(drop=0)]  # 2nd reconnection waits 30 s

    async def main() -> Any:
        stream = await core.request_async(op, params={"key": "s", "n": N}, stream=True)

        async def consume() -> None:
            async for _ in stream:
                pass

        task = asyncio.create_task(consume())
        while len(state.requests) < 2:
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1
        assert stream.response.is_closed
        await core.aclose()
        return stream

    stream = asyncio.run(main())
    assert stream.events_received == 2 and len(state.requests) == 2


def _thousand_streams_sync(core: Any, pkg: SimpleNamespace, state: State) -> None:
    seq, forever = seq_op(pkg), forever_op(pkg)
    for i in range(1000):
        kind = i % 5
        if kind == 0:  # read to the end
            with core.request(seq, params={"key": "a", "n": 3}, stream=True) as events:
                assert [e.seq for e in events] == [0, 1, 2]
        elif kind == 1:  # break off an endless stream
            with core.request(forever, stream=True) as events:
                for event in events:
                    break
        elif kind == 2:  # an exception in the consumer
            try:
                with core.request(seq, params={"key": "a", "n": 5}, stream=True) as events:
                    for event in events:
                        raise Boom
            except Boom:
                pass
        elif kind == 3:  # cut by the server, resumed
            state.plans["r"] = [Action(drop=1)]
            with core.request(seq, params={"key": "r", "n": 3}, stream=True) as events:
                assert [e.seq for e in events] == [0, 1, 2]
        else:  # close() without with
            events = core.request(forever, stream=True)
            next(events)
            events.close()


def test_no_leaked_connections_after_1000_streams(
    pkg: SimpleNamespace, make_core: Any, state: State, uvicorn_server: Any
) -> None:
    core = make_core()
    _thousand_streams_sync(core, pkg, state)
    client = core._get_client()
    assert pool_size(client) <= 1
    assert wait_for(lambda: state.open_streams == 0)
    assert state.closed_streams == 400
    # the server holds no connection beyond the one the pool keeps for reuse
    assert wait_for(lambda: len(uvicorn_server.server_state.connections) <= pool_size(client))


def test_no_leaked_connections_after_1000_async_streams(
    pkg: SimpleNamespace, make_core: Any, state: State, uvicorn_server: Any
) -> None:
    core = make_core()
    seq, forever = seq_op(pkg), forever_op(pkg)

    async def main() -> int:
        for i in range(1000):
            kind = i % 4
            if kind == 0:
                stream = await core.request_async(seq, params={"key": "a", "n": 3}, stream=True)
                async with stream:
                    assert [e.seq async for e in stream] == [0, 1, 2]
            elif kind == 1:
                stream = await core.request_async(forever, stream=True)
                async with stream:
                    async for _ in stream:
                        break
            elif kind == 2:
                state.plans["r"] = [Action(drop=1, mode="mid")]
                stream = await core.request_async(seq, params={"key": "r", "n": 3}, stream=True)
                async with stream:
                    assert [e.seq async for e in stream] == [0, 1, 2]
            else:
                stream = await core.request_async(forever, stream=True)

                async def consume(s: Any = stream) -> None:
                    async with s:  # cancelled anywhere in here, the stream closes
                        async for _ in s:
                            await asyncio.sleep(0)

                task = asyncio.create_task(consume())
                await asyncio.sleep(0.003)
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        size = pool_size(core._get_async_client())
        await core.aclose()
        return size

    assert asyncio.run(main()) <= 1
    assert wait_for(lambda: state.open_streams == 0)
    assert state.closed_streams == 500
    assert wait_for(lambda: len(uvicorn_server.server_state.connections) == 0)
