"""Resume: the server cuts a stream after k events, for every k, in every way it can; the
consumer must still receive events 0..N-1 exactly once, in order, sync and async.

Runtime level, with hand-written operations like the generator emits: a GET stream that
resumes through itself (``after`` = last cursor), and a POST that creates a job and resumes
through GET /jobs/{id}?stream=true&after=N, the id taken from the first event.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from .app import Action, State

N = 10  # events 0..9, the last one the terminal "done"
FLAVOURS = ("sync", "async")
MODES = ("break", "mid", "clean")


def spec(pkg: SimpleNamespace, **overrides: Any) -> Any:
    values: dict[str, Any] = dict(
        cursor="seq",
        terminal=frozenset({"done"}),
        resume_param="after",
        max_attempts=3,
        initial_interval_ms=1,
        max_interval_ms=4,
    )
    values.update(overrides)
    return pkg.operation.StreamSpec(**values)


def query(pkg: SimpleNamespace, name: str) -> Any:
    return pkg.operation.Param(name, name, "query", "form", True)


def seq_op(pkg: SimpleNamespace, **overrides: Any) -> Any:
    return pkg.operation.Operation(
        "streamSeq",
        "GET",
        "/seq",
        params=(query(pkg, "key"), query(pkg, "n"), query(pkg, "after")),
        event="Event",
        stream=spec(pkg, **overrides),
    )


def job_ops(pkg: SimpleNamespace, **overrides: Any) -> tuple[Any, Any]:
    o = pkg.operation
    tenant = o.Param("x_tenant", "X-Tenant", "header", "simple", False)
    get_job = o.Operation(
        "getJob",
        "GET",
        "/jobs/{job_id}",
        params=(o.Param("job_id", "job_id", "path", "simple", False), query(pkg, "after"),
                query(pkg, "stream"), tenant),
        response="Done",
        event="Event",
        stream=spec(pkg, switch="stream", **overrides),
    )
    create_job = o.Operation(
        "createJob",
        "POST",
        "/jobs",
        params=(tenant,),
        body=o.Body("application/json", "json"),
        response="Done",
        event="Event",
        stream=spec(pkg, resume=lambda: get_job, id_field="job.id", id_param="job_id", **overrides),
    )
    return create_job, get_job


def collect(core: Any, op: Any, flavour: str, **call: Any) -> tuple[list[int], Any]:
    """The cursors of every event received, and the stream."""
    if flavour == "sync":
        with core.request(op, stream=True, **call) as stream:
            return [event.seq for event in stream], stream

    async def main() -> tuple[list[int], Any]:
        try:
            stream = await core.request_async(op, stream=True, **call)
            async with stream:
                return [event.seq async for event in stream], stream
        finally:
            await core.aclose()

    return asyncio.run(main())


def collect_until_error(core: Any, op: Any, flavour: str, **call: Any) -> tuple[list[int], Any]:
    got: list[int] = []
    if flavour == "sync":
        try:
            with core.request(op, stream=True, **call) as stream:
                for event in stream:
                    got.append(event.seq)
        except Exception as exc:  # noqa: BLE001 - returned for the test to inspect
            return got, exc
        return got, None

    async def main() -> tuple[list[int], Any]:
        try:
            stream = await core.request_async(op, stream=True, **call)
            async with stream:
                async for event in stream:
                    got.append(event.seq)
        except Exception as exc:  # noqa: BLE001
            return got, exc
        finally:
            await core.aclose()
        return got, None

    return asyncio.run(main())


# --- a stream that resumes through itself -------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("k", range(N))
def test_cut_after_k_events_resumes_exactly_once(
    k: int, mode: str, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    state.plans["s"] = [Action(drop=k, mode=mode)]
    got, stream = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N})
    assert got == list(range(N))
    assert stream.reconnects == 1 and stream.last_cursor == N - 1
    first, second = state.requests
    # resumed after the last event received; before any event, the GET is simply re-sent
    assert second.query == ({"key": "s", "n": str(N), "after": str(k - 1)} if k else first.query)
    assert second.headers.get("last-event-id") == (str(k - 1) if k else None)
    assert stream.response.is_closed


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_many_cuts_in_one_stream(flavour: str, pkg: SimpleNamespace, make_core: Any,
                                 state: State) -> None:
    state.plans["s"] = [Action(drop=2), Action(drop=0, mode="clean"), Action(drop=3, mode="mid"),
                        Action(drop=0), Action(drop=1, mode="clean"), Action(drop=1)]
    got, stream = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N})
    assert got == list(range(N))
    assert stream.reconnects == 6
    assert [r.query.get("after") for r in state.requests] == [None, "1", "1", "4", "4", "5", "6"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("k", [1, 4, N - 1])
def test_events_sent_again_after_a_resume_are_dropped(
    k: int, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    """A server that resumes a little early (re-sends events the client has) causes no
    duplicates: events whose cursor is not past the last one seen are skipped."""
    state.plans["s"] = [Action(drop=k), Action(overlap=3)]
    got, _ = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N})
    assert got == list(range(N))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_user_resume_point_is_kept_when_cut_before_the_first_event(
    flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    state.plans["s"] = [Action(drop=0)]
    got, _ = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N, "after": 4})
    assert got == list(range(5, N))
    assert [r.query["after"] for r in state.requests] == ["4", "4"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("k", [0, 3])
def test_post_resumed_through_itself_keeps_its_idempotency_key(
    k: int, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    o = pkg.operation
    key_param = o.Param("idempotency_key", "Idempotency-Key", "header", "simple", False)
    op = o.Operation("postSeq", "POST", "/seq", event="Event", stream=spec(pkg),
                     params=(query(pkg, "key"), query(pkg, "n"), query(pkg, "after"), key_param))
    state.plans["p"] = [Action(drop=k)]
    got, _ = collect(make_core(), op, flavour, params={"key": "p", "n": N})
    assert got == list(range(N))
    first, second = state.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert second.query.get("after") == (str(k - 1) if k else None)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_post_without_idempotency_key_is_not_sent_twice(
    flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    o = pkg.operation
    op = o.Operation("postSeq", "POST", "/seq", event="Event", stream=spec(pkg),
                     params=(query(pkg, "key"), query(pkg, "n"), query(pkg, "after")))
    state.plans["p"] = [Action(drop=0), Action(drop=2)]
    got, error = collect_until_error(make_core(), op, flavour, params={"key": "p", "n": N})
    assert got == [] and isinstance(error, pkg.errors.StreamInterruptedError)
    assert "cannot be safely re-sent" in str(error) and len(state.requests) == 1
    # once an event has a cursor, the stream resumes by re-sending it with `after`
    state.reset()
    state.plans["p"] = [Action(drop=2)]
    got, _ = collect(make_core(), op, flavour, params={"key": "p", "n": N})
    assert got == list(range(N)) and state.requests[1].query["after"] == "1"


# --- a stream created by POST, resumed through GET /jobs/{id} --------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("k", range(1, N))
def test_create_resumes_through_get(
    k: int, mode: str, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    create, _ = job_ops(pkg)
    state.plans["j"] = [Action(drop=k, mode=mode)]
    got, stream = collect(
        make_core(), create, flavour,
        params={"x_tenant": "acme"}, body={"key": "j", "n": N, "stream": True},
    )
    assert got == list(range(N))
    assert stream.resource_id == "job-j"
    post, get = state.requests
    assert (post.method, post.path, post.headers["x-tenant"]) == ("POST", "/jobs", "acme")
    assert (get.method, get.path, get.body) == ("GET", "/jobs/job-j", None)
    assert get.query == {"after": str(k - 1), "stream": "true"}
    assert get.headers["x-tenant"] == "acme"  # shared parameters are carried over
    assert get.headers["accept"] == "text/event-stream"


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("mode", MODES)
def test_create_cut_before_the_id_cannot_resume(
    mode: str, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    """Nothing received: the POST must not be sent twice, and there is no id to resume
    through. The error says so and carries what is known."""
    create, _ = job_ops(pkg)
    state.plans["j"] = [Action(drop=0, mode=mode)]
    got, error = collect_until_error(make_core(), create, flavour,
                                     body={"key": "j", "n": N, "stream": True})
    assert got == []
    assert isinstance(error, pkg.errors.StreamInterruptedError)
    assert isinstance(error, pkg.errors.APIConnectionError)
    assert "no job.id received yet" in str(error)
    assert error.last_cursor is None and error.resource_id is None
    assert len(state.requests) == 1


# --- giving up ---------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_attempts_run_out(flavour: str, pkg: SimpleNamespace, make_core: Any,
                          state: State) -> None:
    state.plans["s"] = [Action(drop=3)] + [Action(drop=0)] * 10
    got, error = collect_until_error(make_core(), seq_op(pkg), flavour,
                                     params={"key": "s", "n": N})
    assert got == [0, 1, 2]
    assert isinstance(error, pkg.errors.StreamInterruptedError)
    assert "gave up after 3 attempts" in str(error)
    assert error.last_cursor == 2 and error.last_event_id == "2"
    assert len(state.requests) == 1 + 3
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_on_error_hooks_see_a_stream_that_breaks_for_good(flavour: str, pkg: SimpleNamespace,
                                                         make_core: Any, state: State) -> None:
    """The SDK's on_error hooks get the final StreamInterruptedError (raised while iterating,
    long after the call returned) and may replace it, as for any failed call; async hooks
    are awaited in async streams."""
    hooks_module = __import__(f"{pkg.name}._runtime.hooks", fromlist=["Hooks"])
    seen: list[tuple[Any, Any]] = []

    class Wrapped(Exception):
        pass

    def hook(error: Any, ctx: Any) -> Any:
        seen.append((error, ctx))
        return Wrapped(str(error)) if isinstance(error, pkg.errors.StreamInterruptedError) else None

    async def async_hook(error: Any, ctx: Any) -> Any:
        return hook(error, ctx)

    hooks = hooks_module.Hooks(on_error=[hook if flavour == "sync" else async_hook])
    state.plans["s"] = [Action(drop=3)] + [Action(drop=0)] * 10
    got, error = collect_until_error(make_core(hooks=hooks), seq_op(pkg), flavour,
                                     params={"key": "s", "n": N})
    assert got == [0, 1, 2]
    assert isinstance(error, Wrapped) and "gave up after 3 attempts" in str(error)
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)
    final = [(e, c) for e, c in seen if isinstance(e, pkg.errors.StreamInterruptedError)]
    assert len(final) == 1
    assert final[0][0].last_cursor == 2
    assert (final[0][1].operation_id, final[0][1].method, final[0][1].path) == ("streamSeq", "GET", "/seq")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_attempt_count_restarts_after_progress(flavour: str, pkg: SimpleNamespace,
                                               make_core: Any, state: State) -> None:
    """max_attempts bounds attempts in a row without a new event, not the whole stream."""
    state.plans["s"] = [Action(drop=1), Action(drop=0), Action(drop=0), Action(drop=1),
                        Action(drop=0), Action(drop=0), Action(drop=1)]
    got, stream = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N})
    assert got == list(range(N)) and stream.reconnects == 7


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_server_errors_on_resume_count_as_attempts(flavour: str, pkg: SimpleNamespace,
                                                   make_core: Any, state: State) -> None:
    state.plans["s"] = [Action(drop=3), Action(status=503), Action(status=429)]
    got, _ = collect(make_core(), seq_op(pkg), flavour, params={"key": "s", "n": N})
    assert got == list(range(N))
    state.reset()
    state.plans["s"] = [Action(drop=3)] + [Action(status=503)] * 3
    got, error = collect_until_error(make_core(), seq_op(pkg), flavour,
                                     params={"key": "s", "n": N})
    assert got == [0, 1, 2] and isinstance(error, pkg.errors.StreamInterruptedError)
    assert isinstance(error.__cause__, pkg.errors.InternalServerError)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_resume_refused_by_the_server_stops_at_once(flavour: str, pkg: SimpleNamespace,
                                                    make_core: Any, state: State) -> None:
    state.plans["s"] = [Action(drop=3), Action(status=404)]
    got, error = collect_until_error(make_core(), seq_op(pkg), flavour,
                                     params={"key": "s", "n": N})
    assert got == [0, 1, 2] and len(state.requests) == 2
    assert isinstance(error, pkg.errors.StreamInterruptedError) and error.last_cursor == 2
    assert isinstance(error.__cause__, pkg.errors.NotFoundError)
    state.reset()
    state.plans["s"] = [Action(drop=3), Action(json=True)]  # answered, but not with a stream
    got, error = collect_until_error(make_core(), seq_op(pkg), flavour,
                                     params={"key": "s", "n": N})
    assert got == [0, 1, 2] and isinstance(error, pkg.errors.StreamInterruptedError)
    assert isinstance(error.__cause__, pkg.errors.ResponseValidationError)


# --- streams that cannot resume ------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("mode", MODES)
def test_without_resume_a_cut_raises_never_ends_short(
    mode: str, flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    op = seq_op(pkg, resume_param=None)
    state.plans["s"] = [Action(drop=4, mode=mode)]
    got, error = collect_until_error(make_core(), op, flavour, params={"key": "s", "n": N})
    assert got == [0, 1, 2, 3]
    assert isinstance(error, pkg.errors.StreamInterruptedError)
    assert error.last_cursor == 3 and len(state.requests) == 1
    if mode == "clean":
        assert "ended the stream before a terminal event" in str(error)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_without_terminal_types_a_clean_end_is_the_end(
    flavour: str, pkg: SimpleNamespace, make_core: Any, state: State
) -> None:
    op = seq_op(pkg, terminal=frozenset())
    state.plans["s"] = [Action(drop=4, mode="clean")]
    got, error = collect_until_error(make_core(), op, flavour, params={"key": "s", "n": N})
    assert got == [0, 1, 2, 3] and error is None
