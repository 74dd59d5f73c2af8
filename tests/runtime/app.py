"""A small real HTTP server for the runtime's behaviour tests (starlette on uvicorn)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Any, AsyncIterator, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


class State:
    """What the server saw, for assertions on the client's behaviour."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.attempts: Counter[str] = Counter()
        self.idempotency_keys: defaultdict[str, list[str | None]] = defaultdict(list)
        self.streams_closed = 0

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return False


STATE = State()


def _echo(request: Request) -> dict[str, Any]:
    return {
        "raw_path": request.scope["raw_path"].decode(),
        "query": request.scope["query_string"].decode(),
        "query_items": [list(item) for item in request.query_params.multi_items()],
        "headers": {k: v for k, v in request.headers.items() if k not in ("host", "connection")},
    }


async def get_thing(request: Request) -> Response:
    return JSONResponse(
        {"id": request.path_params["thing_id"], "name": "widget", "echo": _echo(request)}
    )


async def create_thing(request: Request) -> Response:
    raw = await request.body()
    echo = _echo(request)
    echo["body"] = raw.decode("utf-8", "replace")
    return JSONResponse({"id": "new", "count": len(raw), "echo": echo}, status_code=201)


async def no_content(request: Request) -> Response:
    return Response(status_code=204)


async def status(request: Request) -> Response:
    code = int(request.path_params["code"])
    auth = request.headers.get("authorization", "")
    body = {"error": {"message": f"failure {code} for {auth}", "code": "E" + str(code)}}
    return JSONResponse(body, status_code=code, headers={"x-request-id": f"req-{code}"})


async def not_json(request: Request) -> Response:
    return Response(
        "<html>gateway error</html>",
        status_code=int(request.path_params["code"]),
        media_type="text/html",
    )


async def flaky(request: Request) -> Response:
    key = request.path_params["key"]
    STATE.attempts[key] += 1
    STATE.idempotency_keys[key].append(request.headers.get("idempotency-key"))
    fail = int(request.query_params.get("fail", "1000"))
    if STATE.attempts[key] <= fail:
        return JSONResponse(
            {"error": {"message": "busy"}}, status_code=503, headers={"retry-after": "0"}
        )
    return JSONResponse({"id": key, "count": STATE.attempts[key]})


async def slow(request: Request) -> Response:
    await asyncio.sleep(1)  # well past the tests' 200 ms timeouts
    return JSONResponse({"id": "slow"})


def _sse(payload: dict[str, Any], event: str | None = None, id: str | None = None) -> bytes:
    head = (f"event: {event}\n" if event else "") + (f"id: {id}\n" if id else "")
    return (head + "data: " + json.dumps(payload) + "\n\n").encode()


async def events(request: Request) -> Response:
    count = int(request.query_params.get("count", "3"))

    async def body() -> AsyncIterator[bytes]:
        yield b": keep-alive\n\n"
        for n in range(count):
            yield _sse(
                {"type": "text.delta", "sequence_number": n, "delta": f"d{n}"}, "text.delta", str(n)
            )
        yield _sse({"type": "brand.new", "sequence_number": count, "x": 1})
        yield _sse({"type": "completed", "sequence_number": count + 1}, "completed")
        yield b"data: [DONE]\n\n"
        yield _sse({"type": "completed", "sequence_number": 999})  # after the sentinel: never read

    return StreamingResponse(body(), media_type="text/event-stream")


async def forever(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        n = 0
        try:
            while True:
                yield _sse({"type": "text.delta", "sequence_number": n, "delta": "x"})
                n += 1
                await asyncio.sleep(0.005)
        finally:  # runs when the client goes away
            STATE.streams_closed += 1

    return StreamingResponse(body(), media_type="text/event-stream")


app = Starlette(
    routes=[
        Route("/things", create_thing, methods=["POST"]),
        Route("/things/{thing_id:path}", get_thing, methods=["GET"]),
        Route("/empty", no_content, methods=["DELETE", "GET"]),
        Route("/status/{code:int}", status, methods=["GET", "POST"]),
        Route("/not-json/{code:int}", not_json, methods=["GET"]),
        Route("/flaky/{key}", flaky, methods=["GET", "POST"]),
        Route("/slow", slow, methods=["GET"]),
        Route("/events", events, methods=["GET"]),
        Route("/forever", forever, methods=["GET"]),
    ]
)


@contextmanager
def serve() -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
