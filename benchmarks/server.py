"""The benchmark's stand-in for the MKA1 API: a starlette app served by uvicorn on 127.0.0.1.

Started by ``benchmarks/run.py`` in its own process (and its own venv), so the clients being
measured never share a process or a GIL with it. It stops by itself: after ``--max-seconds``,
when its parent process goes away, or on ``POST /__shutdown``.

Routes (the same paths serve our SDK, meetkai-mka1 and openai, whose base URL is
``http://127.0.0.1:PORT/api/v1/llm``):

- ``GET /api/v1/llm/responses/{id}``: the seed's ResponseObject as JSON; with ``?stream=true``
  an SSE stream (see ``sse_body``). The number of delta events is taken from the id:
  ``resp_n100000`` streams 100,000 of them (the id still matches the spec's pattern);
  ``starting_after=K`` leaves out the events up to sequence number K (a resumed stream).
- ``POST /api/v1/llm/responses``: the same, streaming when the JSON body has ``"stream": true``
  (the body's ``model`` may also be ``n100000`` to choose the length).
- any other path: a small JSON object, for the synthetic 1,000-operation SDK.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

HERE = Path(__file__).resolve().parent
RESPONSE = json.loads((HERE / "fixtures" / "response.json").read_text())
RESPONSE_BYTES = json.dumps(RESPONSE, separators=(",", ":")).encode()
THING_BYTES = b'{"id":"thing_1","object":"thing","created_at":1735689600,"status":"ok","metadata":{}}'
DEFAULT_EVENTS = 10
EVENTS_PER_CHUNK = int(os.environ.get("BENCH_EVENTS_PER_CHUNK", "32"))
_COUNT = re.compile(r"n(\d+)")


def _frame(payload: dict) -> bytes:
    data = json.dumps(payload, separators=(",", ":"))
    return f"event: {payload['type']}\ndata: {data}\n\n".encode()


def delta_frame(n: int) -> bytes:
    """One small ``response.output_text.delta`` event in MKA1's shape (about 180 bytes)."""
    return _frame(
        {
            "type": "response.output_text.delta",
            "sequence_number": n,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "x",
        }
    )


@lru_cache(maxsize=4)
def sse_chunks(count: int, after: int = -1) -> tuple[bytes, ...]:
    """The whole stream, pre-encoded: ``response.created``, ``count`` deltas (sequence numbers
    1..count), then the terminal ``response.completed``; the first event in a chunk of its own,
    then ``EVENTS_PER_CHUNK`` frames per chunk so the server is never the bottleneck."""
    in_progress = dict(RESPONSE, status="in_progress", completed_at=None)
    frames = [_frame({"type": "response.created", "sequence_number": 0, "response": in_progress})]
    frames += [delta_frame(n) for n in range(1, count + 1)]
    frames.append(
        _frame({"type": "response.completed", "sequence_number": count + 1, "response": RESPONSE})
    )
    frames = frames[after + 1 :]  # frame i has sequence number i
    # The first event alone, as a live server sends it (the rest is still being produced), so
    # a client's first event is not held up by parsing the ones after it.
    return (frames[0],) + tuple(
        b"".join(frames[i : i + EVENTS_PER_CHUNK]) for i in range(1, len(frames), EVENTS_PER_CHUNK)
    )


def _count(text: str | None) -> int:
    match = _COUNT.search(text or "")
    return int(match.group(1)) if match else DEFAULT_EVENTS


def _stream(count: int, after: int = -1) -> StreamingResponse:
    chunks = sse_chunks(count, after)

    async def body():
        for chunk in chunks:
            yield chunk

    return StreamingResponse(
        body(), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


def _json(content: bytes) -> Response:
    return Response(content, media_type="application/json")


async def get_response(request: Request) -> Response:
    if request.query_params.get("stream", "").lower() in ("true", "1"):
        after = request.query_params.get("starting_after", "")
        return _stream(_count(request.path_params["response_id"]), int(after) if after.isdigit() else -1)
    return _json(RESPONSE_BYTES)


async def create_response(request: Request) -> Response:
    body = await request.body()
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = {}
    if isinstance(payload, dict) and payload.get("stream"):
        return _stream(_count(str(payload.get("model", ""))))
    return _json(RESPONSE_BYTES)


async def anything(request: Request) -> Response:
    await request.body()
    return _json(THING_BYTES)


async def ping(request: Request) -> Response:
    return Response(b"ok", media_type="text/plain")


def build_app(server_holder: list) -> Starlette:
    async def shutdown(request: Request) -> Response:
        server_holder[0].should_exit = True
        return Response(b"bye", media_type="text/plain")

    return Starlette(
        routes=[
            Route("/__ping", ping),
            Route("/__shutdown", shutdown, methods=["POST"]),
            Route("/api/v1/llm/responses/{response_id}", get_response, methods=["GET"]),
            Route("/api/v1/llm/responses", create_response, methods=["POST"]),
            Route("/{path:path}", anything, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )


def _watchdog(server, parent: int, max_seconds: float) -> None:
    """Stop the server after ``max_seconds`` or as soon as the parent process is gone."""
    deadline = time.monotonic() + max_seconds
    while not server.should_exit:
        if time.monotonic() > deadline or os.getppid() != parent:
            server.should_exit = True
            break
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    args = parser.parse_args(argv)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    holder: list = []
    config = uvicorn.Config(
        build_app(holder), log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    holder.append(server)
    watchdog = threading.Thread(
        target=_watchdog, args=(server, os.getppid(), args.max_seconds), daemon=True
    )
    watchdog.start()
    print(f"PORT {port}", flush=True)
    server.run(sockets=[sock])
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
