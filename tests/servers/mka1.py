"""A small stand-in for the MKA1 Responses API, for behaviour tests of the generated SDK.

It answers like the real API (shapes from the fact sheet's examples), records every request it
receives so tests can check what went over the wire, and can inject faults.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

PREFIX = "/api/v1/llm/responses"


def response_object(response_id: str = "resp_get123", status: str = "completed", **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": 1735689600,
        "completed_at": 1735689601,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "background": False,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": 30,
        "metadata": {},
        "model": "meetkai:functionary-urdu-mini-pak",
        "output": [
            {
                "type": "message",
                "id": "msg_abc123",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "The capital of France is Paris.", "annotations": []}],
                "status": "completed",
            }
        ],
        "output_text": "The capital of France is Paris.",
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "auto",
        "store": True,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "truncation": "auto",
        "usage": {
            "input_tokens": 8,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 7,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 15,
        },
        "user": None,
    }
    obj.update(extra)
    obj.update(_PATCH)
    return obj


_PATCH: dict[str, Any] = {}


def stream_events(response_id: str, start_after: int = -1) -> list[dict[str, Any]]:
    """The events of one short generation, with sequence numbers 0..n."""
    words = ["The", " capital", " is", " Paris."]
    events: list[dict[str, Any]] = [{"type": "response.created", "response": response_object(response_id, "in_progress")}]
    events.append({"type": "response.in_progress", "response": response_object(response_id, "in_progress")})
    for word in words:
        events.append({"type": "response.output_text.delta", "item_id": "msg_abc123", "output_index": 0,
                       "content_index": 0, "delta": word})
    events.append({"type": "response.output_text.done", "item_id": "msg_abc123", "output_index": 0,
                   "content_index": 0, "text": "".join(words)})
    events.append({"type": "response.completed", "response": response_object(response_id)})
    for i, event in enumerate(events):
        event["sequence_number"] = i
    return [e for e in events if e["sequence_number"] > start_after]


# listInputItems of this response pages through PAGED_ITEMS, two per page by default (3 pages)
PAGED_RESPONSE = "resp_paged"
PAGED_ITEMS = [{"type": "message", "id": f"msg_p{i}", "role": "user", "content": f"part {i}"} for i in range(1, 7)]


def cursor_page(items: list[dict[str, Any]], request: Request, default_limit: int) -> dict[str, Any]:
    """One page of `items` after the `after` cursor (an item id), `limit` long."""
    limit = int(request.query_params.get("limit", default_limit))
    after = request.query_params.get("after")
    ids = [item["id"] for item in items]
    start = ids.index(after) + 1 if after in ids else 0
    page = items[start:start + limit]
    return {"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None, "has_more": start + limit < len(items)}


def sse_frame(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


class DroppedConnection(Exception):
    """Raised inside a streaming body: uvicorn then closes the connection mid-body."""


@dataclass
class Recorded:
    method: str
    path: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any


@dataclass
class MKA1State:
    requests: list[Recorded] = field(default_factory=list)
    # status codes to answer with before behaving normally, consumed one per request
    fail_with: list[int] = field(default_factory=list)
    # merged into every response object the server sends (fields from a newer API, say)
    patch: dict[str, Any] = field(default_factory=dict)
    # extra SSE frames sent before the normal events of a stream
    extra_frames: list[bytes] = field(default_factory=list)
    # fault injection, consumed one per stream opened: how many events to send before the
    # stream is cut (None: all of them), and how it is cut: "break" (connection closed in the
    # middle of the body), "mid" (half of the next frame, then closed) or "clean" (the body
    # ends normally, without the rest of the events)
    drop_after: list[int | None] = field(default_factory=list)
    drop_mode: str = "break"
    # headers of the injected `fail_with` answers (None: Retry-After: 0)
    fail_headers: dict[str, str] | None = None
    # seconds to wait before answering any request (for timeout tests)
    delay: float = 0.0
    # when > 0, listResponses pages through this many responses (resp_l1, resp_l2, ...)
    list_total: int = 0
    # fault injection by response id: getResponse of that id answers (status, content type,
    # body) as given, every time, instead of the response object
    canned: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)

    def last(self) -> Recorded:
        return self.requests[-1]


def build_app(state: MKA1State) -> Any:
    async def record(request: Request) -> Response | None:
        raw = await request.body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = raw.decode("latin-1")
        _PATCH.clear()
        _PATCH.update(state.patch)
        state.requests.append(Recorded(request.method, request.url.path, request.scope["raw_path"].decode("latin-1"), list(request.query_params.multi_items()),
                                       {k.lower(): v for k, v in request.headers.items()}, body))
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return JSONResponse({"error": {"message": "missing bearer token", "type": "authentication_error"}}, 401)
        if state.delay:
            await asyncio.sleep(state.delay)
        if state.fail_with:
            code = state.fail_with.pop(0)
            return JSONResponse({"error": {"message": f"injected {code}", "type": "server_error"}}, code,
                                headers={"Retry-After": "0"} if state.fail_headers is None else state.fail_headers)
        return None

    def sse(events: list[dict[str, Any]]) -> StreamingResponse:
        drop = state.drop_after.pop(0) if state.drop_after else None
        mode = state.drop_mode

        async def gen():  # type: ignore[no-untyped-def]
            for frame in state.extra_frames:
                yield frame
            for n, event in enumerate(events):
                if n == drop:
                    if mode == "mid":
                        frame = sse_frame(event)
                        yield frame[: len(frame) // 2]
                    if mode == "clean":
                        return
                    raise DroppedConnection(f"injected: stream cut after {n} events")
                yield sse_frame(event)
                await asyncio.sleep(0)
        return StreamingResponse(gen(), media_type="text/event-stream")

    async def create(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        body = state.last().body or {}
        if "model" not in body:
            return JSONResponse({"error": {"message": "model is required", "type": "invalid_request_error"}}, 400)
        if body.get("stream"):
            return sse(stream_events("resp_new123"))
        status = "queued" if body.get("background") else "completed"
        return JSONResponse(response_object("resp_new123", status, model=body["model"], background=bool(body.get("background"))))

    async def list_responses(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        if state.list_total:
            ids = [f"resp_l{i}" for i in range(1, state.list_total + 1)]
            return JSONResponse(cursor_page([response_object(i) for i in ids], request, 20))
        return JSONResponse({"object": "list", "data": [response_object("resp_abc123", metadata={"status": "reviewed"})],
                             "first_id": "resp_abc123", "last_id": "resp_abc123", "has_more": False})

    async def one(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        rid = request.path_params["response_id"].replace("%2F", "/")  # see _raw_segments
        if rid in state.canned and request.method == "GET":
            status, media_type, content = state.canned[rid]
            return Response(content, status, media_type=media_type)
        if not rid.startswith(("resp_", "resp-")):
            return JSONResponse({"error": {"message": f"no response {rid}", "type": "not_found"}}, 404)
        if request.method == "DELETE":
            return JSONResponse({"id": rid, "object": "response", "deleted": True})
        if request.method == "POST":
            return JSONResponse(response_object(rid, metadata=(state.last().body or {}).get("metadata", {})))
        if request.query_params.get("stream") == "true":
            after = int(request.query_params.get("starting_after", "-1"))
            return sse(stream_events(rid, after))
        return JSONResponse(response_object(rid))

    async def cancel(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        return JSONResponse(response_object(request.path_params["response_id"], "cancelled", output=[], output_text=""))

    async def wake(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        rid = request.path_params["response_id"]
        if rid == "resp_finished":
            return Response(status_code=409)
        return JSONResponse({"object": "response.sleep_wake", "response_id": rid, "created_at": "2026-05-01T16:30:00.000Z"})

    async def input_items(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        if request.path_params["response_id"] == PAGED_RESPONSE:
            return JSONResponse(cursor_page(PAGED_ITEMS, request, 2))
        item = {"type": "message", "id": "msg_user_abc123", "role": "user", "content": "What is the capital of France?"}
        return JSONResponse({"object": "list", "data": [item], "first_id": "msg_user_abc123",
                             "last_id": "msg_user_abc123", "has_more": False})

    async def compact(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        usage = response_object()["usage"]
        return JSONResponse({"id": "resp_cmp123", "object": "response.compaction", "created_at": 1735689600,
                             "output": [], "usage": usage})

    async def unknown(request: Request) -> Response:
        if (early := await record(request)) is not None:
            return early
        return JSONResponse({"error": {"message": f"no route {request.url.path}", "type": "not_found"}}, 404)

    return _raw_segments(Starlette(routes=[
        Route(PREFIX, create, methods=["POST"]),
        Route(PREFIX, list_responses, methods=["GET"]),
        Route(PREFIX + "/compact", compact, methods=["POST"]),
        Route(PREFIX + "/{response_id}", one, methods=["GET", "POST", "DELETE"]),
        Route(PREFIX + "/{response_id}/cancel", cancel, methods=["POST"]),
        Route(PREFIX + "/{response_id}/wake", wake, methods=["POST"]),
        Route(PREFIX + "/{response_id}/input_items", input_items, methods=["GET"]),
        Route("/{rest:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]))


def _raw_segments(app: Starlette) -> Any:
    """Route on the path's segments as sent, like servers that keep an encoded slash
    (``%2F``) inside its segment: an id ``a/b`` sent as ``a%2Fb`` still reaches its route
    (Starlette alone decodes first and would see two segments)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            raw = scope["raw_path"].decode("latin-1")
            path = "/".join(unquote(part).replace("/", "%2F") for part in raw.split("/"))
            scope = dict(scope, path=path)
        await app(scope, receive, send)

    return wrapped
