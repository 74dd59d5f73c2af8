"""The test server of the streaming tests: raw conformance bodies, numbered event streams with
fault injection, resumable "jobs" (create -> get), and an endless stream to close early.

Fault injection is planned per stream key: ``STATE.plans[key]`` is a list of actions, one
consumed by each request for that key (see ``Action``).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .cases import CASES


class DroppedConnection(Exception):
    """Raised inside a streaming body: uvicorn then closes the connection mid-body."""


@dataclass
class Action:
    """What the server does on one request of a stream.

    ``drop``: events sent before the stream is cut (None: all). ``mode``: "break" (connection
    closed mid-body), "mid" (half of the next frame, then closed), "clean" (the body ends
    normally, without its terminal event). ``overlap``: on a resumed request, also re-send
    this many events the client already has. ``status``: answer with this status instead.
    ``json``: answer with a JSON body instead of a stream.
    """

    drop: int | None = None
    mode: str = "break"
    overlap: int = 0
    status: int | None = None
    json: bool = False


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class State:
    plans: defaultdict[str, list[Action]] = field(default_factory=lambda: defaultdict(list))
    requests: list[Seen] = field(default_factory=list)
    jobs: dict[str, int] = field(default_factory=dict)  # job id -> number of events
    open_streams: int = 0
    closed_streams: int = 0

    def reset(self) -> None:
        self.plans.clear()
        self.requests.clear()
        self.jobs.clear()
        self.open_streams = 0
        self.closed_streams = 0


STATE = State()


def frame(event: dict[str, Any]) -> bytes:
    return (
        f"id: {event['seq']}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
    )


def events(n: int, job: str | None = None) -> list[dict[str, Any]]:
    """Events 0..n-1: deltas, then a terminal "done"."""
    out: list[dict[str, Any]] = [
        {"type": "delta", "seq": i, "text": f"t{i}"} for i in range(n - 1)
    ] + [{"type": "done", "seq": n - 1}]
    if job is not None:
        out[0]["job"] = {"id": job}
    return out


async def _record(request: Request) -> Action:
    raw = await request.body()
    STATE.requests.append(
        Seen(
            request.method,
            request.url.path,
            dict(request.query_params),
            {k: v for k, v in request.headers.items() if k in ("last-event-id", "x-tenant", "accept", "idempotency-key")},
            json.loads(raw) if raw else None,
        )
    )
    key = request.query_params.get("key") or request.path_params.get("job_id", "").removeprefix("job-")
    if not key and raw:
        key = json.loads(raw).get("key", "")
    plan = STATE.plans.get(key)
    return plan.pop(0) if plan else Action()


def _stream(all_events: list[dict[str, Any]], after: int, action: Action) -> Response:
    if action.status is not None:
        return JSONResponse({"error": {"message": "injected"}}, action.status,
                            headers={"retry-after": "0"})
    if action.json:
        return JSONResponse({"type": "done", "seq": len(all_events) - 1})
    start = max(after - action.overlap, -1) if after >= 0 else -1
    todo = [e for e in all_events if e["seq"] > start]

    async def body() -> AsyncIterator[bytes]:
        for n, event in enumerate(todo):
            if n == action.drop:
                if action.mode == "mid":
                    data = frame(event)
                    yield data[: len(data) // 2]
                if action.mode == "clean":
                    return
                raise DroppedConnection(f"injected: cut after {n} events")
            yield frame(event)
            await asyncio.sleep(0)

    return StreamingResponse(body(), media_type="text/event-stream")


async def seq(request: Request) -> Response:
    action = await _record(request)
    n = int(request.query_params.get("n", "10"))
    return _stream(events(n), int(request.query_params.get("after", "-1")), action)


async def create_job(request: Request) -> Response:
    action = await _record(request)
    body = STATE.requests[-1].body or {}
    job = "job-" + str(body.get("key", "x"))
    n = STATE.jobs[job] = int(body.get("n", 10))
    if not body.get("stream"):
        return JSONResponse({"type": "done", "seq": n - 1, "job": {"id": job}})
    return _stream(events(n, job), -1, action)


async def get_job(request: Request) -> Response:
    action = await _record(request)
    job = request.path_params["job_id"]
    if not job.startswith("job-"):
        return JSONResponse({"error": {"message": f"no job {job}"}}, 404)
    n = STATE.jobs.get(job, 10)
    if request.query_params.get("stream") != "true":
        return JSONResponse({"type": "done", "seq": n - 1})
    return _stream(events(n, job), int(request.query_params.get("after", "-1")), action)


async def raw(request: Request) -> Response:
    body = CASES[request.path_params["case"]].body
    split = int(request.query_params.get("split", "0"))
    if split == -1:  # one byte at a time
        parts = [body[i : i + 1] for i in range(len(body))]
    elif 0 < split < len(body):
        parts = [body[:split], body[split:]]
    else:
        parts = [body]

    async def gen() -> AsyncIterator[bytes]:
        for i, part in enumerate(parts):
            if i:
                await asyncio.sleep(0.001)  # separate writes, separate TCP segments
            yield part

    return StreamingResponse(gen(), media_type="text/event-stream")


async def forever(request: Request) -> Response:
    async def gen() -> AsyncIterator[bytes]:
        STATE.open_streams += 1
        n = 0
        try:
            while True:
                yield frame({"type": "delta", "seq": n, "text": "x"})
                n += 1
                await asyncio.sleep(0.002)
        finally:  # runs when the client goes away
            STATE.open_streams -= 1
            STATE.closed_streams += 1

    return StreamingResponse(gen(), media_type="text/event-stream")


app = Starlette(
    routes=[
        Route("/seq", seq, methods=["GET", "POST"]),
        Route("/jobs", create_job, methods=["POST"]),
        Route("/jobs/{job_id}", get_job, methods=["GET"]),
        Route("/raw/{case}", raw, methods=["GET"]),
        Route("/forever", forever, methods=["GET"]),
    ]
)
