"""The async connection pool, split in shards so that hundreds of concurrent calls stay cheap.

httpcore's pool (1.0) looks at every connection it holds each time a request starts or ends,
and for each idle connection counts the idle ones again, so its cost per request grows with
the square of the connections open: 500 concurrent calls spent most of their time there (about
10 ms of CPU per call, against 2 ms for 50). Several smaller pools behind one transport, each
request sent to the least busy one, cost the square of a shard's size instead.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

import httpx

__all__ = ["ShardedTransport"]


class ShardedTransport(httpx.AsyncBaseTransport):
    """``shards`` pools sharing ``limits`` between them; a request goes to the pool with the
    fewest requests in progress (a response holds its connection until its body is closed),
    the first one on a tie, so calls made one at a time reuse one connection."""

    def __init__(self, limits: httpx.Limits, shards: int = 8) -> None:
        total, keep = limits.max_connections, limits.max_keepalive_connections
        shards = max(1, min(shards, total or shards))
        self._pools = [
            httpx.AsyncHTTPTransport(
                limits=httpx.Limits(
                    max_connections=_share(total, shards, i),
                    max_keepalive_connections=_share(keep, shards, i),
                    keepalive_expiry=limits.keepalive_expiry,
                )
            )
            for i in range(shards)
        ]
        self._busy = [0] * shards

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        busy = self._busy
        index = busy.index(min(busy))
        busy[index] += 1
        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            busy[index] -= 1
            raise
        response.stream = _Held(response.stream, busy, index)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def _share(total: int | None, shards: int, index: int) -> int | None:
    """Shard ``index``'s part of ``total``; the parts add up to it exactly."""
    if total is None:
        return None
    return total // shards + (index < total % shards)


class _Held(httpx.AsyncByteStream):
    """A response body that marks its shard less busy once, when it is closed."""

    __slots__ = ("_stream", "_busy", "_index")

    def __init__(self, stream: Any, busy: list[int], index: int) -> None:
        self._stream = stream
        self._busy: list[int] | None = busy
        self._index = index

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        busy, self._busy = self._busy, None
        if busy is not None:
            busy[self._index] -= 1
        await self._stream.aclose()
