"""A stand-in for the MKA1 Responses API that misbehaves on the wire, for the fault tests of
the generated SDK (and the measurements against other SDKs: it runs as a script too).

The response id chooses the fault of ``GET /api/v1/llm/responses/{id}``; a suffix after ``~``
names a counter, so a test can see how many attempts reached the server and make only the
first ``n`` fail (``resp_short~k1~1``: the first attempt of counter k1 is cut short, later
ones are whole):

- ``resp_drip``: a JSON body sent one byte every 0.3 s (about a minute in all).
- ``resp_short``: a ``Content-Length`` longer than the body, then the connection is closed.
- ``resp_reset``: a chunked body broken off halfway (the connection is dropped).
- ``resp_gzip``: ``Content-Encoding: gzip`` on a body that is not gzip.
- ``resp_hang``: headers after 0.5 s, a 503 with ``Retry-After: 0``.
- any id with ``?stream=true``: an event stream that sends ``response.created`` and then only
  keep-alive comments, until the client goes away.

``POST /api/v1/llm/responses`` (create) answers with a body cut short, always.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .mka1 import PREFIX, response_object, sse_frame

ATTEMPTS: Counter[str] = Counter()
OPEN_STREAMS = [0]


def _body(rid: str) -> bytes:
    return json.dumps(response_object(rid)).encode()


def _fails(rid: str) -> tuple[str, bool]:
    """The fault of ``rid`` and whether this attempt gets it (counted per counter name)."""
    fault, _, rest = rid.partition("~")
    counter, _, limit = rest.partition("~")
    ATTEMPTS[counter or fault] += 1
    return fault, not limit or ATTEMPTS[counter or fault] <= int(limit)


async def _drip(data: bytes) -> AsyncIterator[bytes]:
    for byte in data:
        yield bytes([byte])
        await asyncio.sleep(0.3)


async def _broken(data: bytes) -> AsyncIterator[bytes]:
    yield data[: len(data) // 2]
    await asyncio.sleep(0.01)
    raise ConnectionResetError("injected: connection dropped in the middle of the body")


async def _events(rid: str) -> AsyncIterator[bytes]:
    OPEN_STREAMS[0] += 1
    try:
        yield sse_frame({"type": "response.created", "sequence_number": 0,
                         "response": response_object(rid, "in_progress")})
        while True:
            await asyncio.sleep(0.2)
            yield b": keep-alive\n\n"
    finally:
        OPEN_STREAMS[0] -= 1


async def get_response(request: Request) -> Response:
    rid = request.path_params["response_id"]
    if request.query_params.get("stream") == "true":
        return StreamingResponse(_events(rid), media_type="text/event-stream")
    fault, now = _fails(rid)
    data = _body(rid)
    if not now:
        return Response(data, media_type="application/json")
    if fault == "resp_drip":
        return StreamingResponse(_drip(data), media_type="application/json")
    if fault == "resp_short":
        return Response(data[:100], media_type="application/json",
                        headers={"content-length": str(len(data))})
    if fault == "resp_reset":
        return StreamingResponse(_broken(data), media_type="application/json")
    if fault == "resp_gzip":
        return Response(b"this is not gzip" * 10, media_type="application/json",
                        headers={"content-encoding": "gzip"})
    if fault == "resp_hang":
        await asyncio.sleep(0.5)
        return JSONResponse({"error": {"message": "busy"}}, 503, headers={"retry-after": "0"})
    return Response(data, media_type="application/json")


async def create(request: Request) -> Response:
    await request.body()
    ATTEMPTS["create"] += 1
    data = _body("resp_new")
    return Response(data[:100], media_type="application/json", headers={"content-length": str(len(data))})


def build_app() -> Starlette:
    return Starlette(routes=[
        Route(PREFIX, create, methods=["POST"]),
        Route(PREFIX + "/{response_id}", get_response, methods=["GET"]),
    ])


def main(argv: list[str]) -> None:
    """Serve on 127.0.0.1 and print ``PORT n`` (for measurements from other venvs)."""
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", int(argv[0]) if argv else 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(build_app(), log_level="critical", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1:])

