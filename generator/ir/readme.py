"""What the generated README shows: which operations serve as its examples, and the finished
strings of its snippets, so that `README.md.j2` only loops and interpolates."""

from __future__ import annotations

from .model import (
    CallIR,
    GlobalIR,
    GroupIR,
    OperationIR,
    ReadmeGroupIR,
    ReadmeIR,
    ReadmeOpIR,
    ReadmeResumeIR,
    ResumeExampleIR,
    SecurityIR,
)


def readme(groups: tuple[GroupIR, ...], security: tuple[SecurityIR, ...], globals_: tuple[GlobalIR, ...]) -> ReadmeIR:
    """The README's examples, chosen in the order of `groups` (the SDK's groups, sorted by key).

    - quick start: the first operation;
    - streaming: the first operation that can answer with events, with its switch turned on;
    - resuming by hand: the first operation whose stream resumes;
    - errors, retries, timeouts, raw responses, hooks: the first operation callable without
      arguments, preferring a GET; pagination: the same among paginated operations.
    """
    ops = [(g, op) for g in groups for op in g.operations]
    creds = ", ".join(f'{s.arg}="<YOUR_{s.arg.upper()}>"' for s in security)
    streaming = next((item for item in ops if item[1].event is not None), None)
    resumable = [(g, op) for g, op in ops if op.resume is not None]
    paginated = [(g, op) for g, op in ops if op.pagination is not None]
    return ReadmeIR(
        creds=creds,
        creds_and=creds + ", " if creds else "",
        quickstart=_call(*ops[0]) if ops else None,
        groups=_groups(groups),
        stream_example=_call(*streaming, streaming=True) if streaming else None,
        resumes=tuple(ReadmeResumeIR(f"{g.key}.{op.name}", op.resume) for g, op in resumable if op.resume),
        resume_example=_resume_example(*resumable[0], ops) if resumable else None,
        example=_no_argument_call(ops),
        page_example=_no_argument_call(paginated),
        paginated_md=", ".join(f"`sdk.{g.key}.{op.name}`" for g, op in paginated),
        timeouts_md=_timeouts_md(ops),
        global_example=globals_[0] if globals_ else None,
    )


def _groups(groups: tuple[GroupIR, ...]) -> tuple[ReadmeGroupIR, ...]:
    """The groups that have operations, each operation with its snippet."""
    return tuple(
        ReadmeGroupIR(g.key, tuple(ReadmeOpIR(op, _call(g, op), op.always_streams, op.response is not None)
                                   for op in g.operations))
        for g in groups if g.operations
    )


def _timeouts_md(ops: list[tuple[GroupIR, OperationIR]]) -> str:
    return ", ".join(f"`sdk.{g.key}.{op.name}`: {op.timeout_ms} ms" for g, op in ops if op.timeout_ms is not None)


def _call(group: GroupIR, op: OperationIR, *, streaming: bool = False) -> CallIR:
    """The operation called with its example arguments; `streaming`: with its switch set to True
    (when it has one: an operation that always streams has none)."""
    args = list(op.example_args)
    if streaming and op.stream_switch:
        args.append(f"{op.stream_switch}=True")
    return CallIR(group.key, op.name, op.async_name, ", ".join(args))


def _resume_example(group: GroupIR, op: OperationIR, ops: list[tuple[GroupIR, OperationIR]]) -> ResumeExampleIR:
    resume = op.resume
    assert resume is not None
    via_group, via = next((g, o) for g, o in ops if f"{g.key}.{o.name}" == resume.via)
    if resume.same:
        args = list(op.example_args)
    else:  # through another operation: the id the stream named, when that operation takes one
        args = [f"{resume.id_param}=exc.resource_id"] if resume.id_param else []
    args.append(f"{resume.param}=exc.last_cursor")
    if resume.switch:
        args.append(f"{resume.switch}=True")
    return ResumeExampleIR(_call(group, op, streaming=True), CallIR(via_group.key, via.name, via.async_name, ", ".join(args)),
                           not resume.same and bool(resume.id_param), resume.id_param)


def _no_argument_call(ops: list[tuple[GroupIR, OperationIR]]) -> CallIR | None:
    """The first operation callable without arguments, a GET if there is one; None when none is."""
    found = None
    for group, op in ops:
        if any(" = " not in a for a in op.signatures[-1].args):
            continue
        if op.method_md == "GET":
            return CallIR(group.key, op.name, op.async_name)
        found = found or CallIR(group.key, op.name, op.async_name)
    return found
