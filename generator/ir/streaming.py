"""Event streams that resume (`x-sdkgen-stream`): the runtime's `StreamSpec` of an operation.

Resolved after every operation is known, since `resume.operation` names an operationId
anywhere in the spec. A declaration that cannot work is a warning at the extension, and the
stream is generated without (that part of) it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from typing import Any

from ..problems import Finding, pointer_join
from .context import Context
from .model import GroupIR, Location, OperationIR, OperationRef, ResumeIR, StreamIR

_Warn = Callable[[str], None]
_RESUME_LIMITS = ("max_attempts", "initial_interval_ms", "max_interval_ms")


@dataclass(slots=True)
class StreamOp:
    """What resolving `x-sdkgen-stream` needs to know about one operation."""

    op_id: str
    name: str
    const: str
    ptr: str
    cfg: dict[str, Any] | None  # the extension (or {}), None when the operation does not stream
    params: tuple[tuple[str, Location, str], ...]  # (wire name, location, python name)
    query_switch: str | None
    has_body: bool
    streams: bool
    group: str = ""


@dataclass(slots=True)
class Streams:
    """Every operation's StreamOp, by operationId and by (group, descriptor constant)."""

    by_id: dict[str, StreamOp] = field(default_factory=dict)
    by_slot: dict[tuple[str, str], StreamOp] = field(default_factory=dict)

    def add(self, group: str, info: StreamOp) -> None:
        info.group = group
        self.by_slot[(group, info.const)] = info
        self.by_id.setdefault(info.op_id, info)


def resolve(ctx: Context, streams: Streams, group_irs: tuple[GroupIR, ...]) -> tuple[GroupIR, ...]:
    """Every operation with its `stream` (and `resume`, for the README) filled in."""
    modules = {g.key: g.module for g in group_irs}
    out: list[GroupIR] = []
    for g in group_irs:
        ops = tuple(_with_stream(ctx, streams, op, streams.by_slot[(g.key, op.const)], modules)
                    if (g.key, op.const) in streams.by_slot else op for op in g.operations)
        out.append(dc_replace(g, operations=ops))
    return tuple(out)


@dataclass(slots=True)
class _Resume:
    """The resume part of a StreamSpec, as it is worked out."""

    target: StreamOp
    param: str
    ref: OperationRef | None = None
    id_field: str | None = None
    id_param: str | None = None
    limits: dict[str, int] = field(default_factory=dict)


def _with_stream(ctx: Context, streams: Streams, op: OperationIR, info: StreamOp, modules: dict[str, str]) -> OperationIR:
    if info.cfg is None:  # the operation does not stream
        return dc_replace(op, stream=None, resume=None)
    stream, resume = _stream(ctx, streams, info, modules)
    readme = None
    if resume is not None:
        target = resume.target
        readme = ResumeIR(f"{target.group}.{target.name}", target is info, resume.param, str(info.cfg.get("cursor")),
                          resume.id_param or "", resume.id_field or "", target.query_switch or "")
    return dc_replace(op, stream=stream, resume=readme)


def _stream(ctx: Context, streams: Streams, info: StreamOp, modules: dict[str, str]) -> tuple[StreamIR | None, _Resume | None]:
    cfg = info.cfg or {}
    ptr = pointer_join(info.ptr, "x-sdkgen-stream")

    def warn(message: str) -> None:
        ctx.report(Finding.UNSUPPORTED, ptr, message)

    cursor = _cursor(cfg, warn)
    terminal = _terminal(cfg, warn)
    sentinel = cfg.get("sentinel") if isinstance(cfg.get("sentinel"), str) else None
    resume = None
    if cfg.get("resume") is not None:
        resume = _resume(streams, info, cfg["resume"], cursor, modules, warn)
    stream = StreamIR(cursor or None, terminal, sentinel, info.query_switch or None)
    if resume is not None:
        stream = dc_replace(stream, resume_param=resume.param, resume=resume.ref, id_field=resume.id_field,
                            id_param=resume.id_param, **resume.limits)
    return (None if stream == StreamIR() else stream), resume


def _cursor(cfg: dict[str, Any], warn: _Warn) -> str | None:
    cursor = cfg.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        warn("'cursor' must be the name of an event field; ignored")
        return None
    return cursor


def _terminal(cfg: dict[str, Any], warn: _Warn) -> tuple[str, ...] | None:
    terminal = cfg.get("terminal")
    if terminal is None:
        return None
    if isinstance(terminal, list) and terminal and all(isinstance(t, str) for t in terminal):
        return tuple(dict.fromkeys(terminal))
    warn("'terminal' must be a non-empty list of event types; ignored")
    return None


def _resume(streams: Streams, info: StreamOp, resume: Any, cursor: str | None, modules: dict[str, str],
            warn: _Warn) -> _Resume | None:
    if not isinstance(resume, dict):
        warn("'resume' must be an object {operation, param, id_field}; the stream will not resume")
        return None
    target = _resume_target(streams, info, resume.get("operation"), warn)
    if target is None:
        return None
    param = resume.get("param")
    resume_py = next((py for wire, loc, py in target.params if isinstance(param, str) and wire == param
                      and loc is not Location.PATH), None)
    if resume_py is None:
        warn(f"resume param {param!r} is not a query, header or cookie parameter of {target.op_id}; the stream will not resume")
        return None
    if not cursor:
        warn("'resume' needs 'cursor' (the event field passed back as the resume param); the stream will not resume")
        return None
    out = _Resume(target, resume_py)
    if target is not info and not _through_other(info, target, resume, modules, out, warn):
        return None
    out.limits = _limits(resume, warn)
    return out


def _resume_target(streams: Streams, info: StreamOp, target_id: Any, warn: _Warn) -> StreamOp | None:
    if target_id is None or target_id == info.op_id:
        return info
    if isinstance(target_id, str) and target_id in streams.by_id:
        return streams.by_id[target_id]
    warn(f"resume operation {target_id!r} is not an operationId of this spec; the stream will not resume")
    return None


def _through_other(info: StreamOp, target: StreamOp, resume: dict[str, Any], modules: dict[str, str], out: _Resume,
                   warn: _Warn) -> bool:
    """Resuming through another operation: it must stream without a body, and its one path
    parameter the streams do not share takes the id the events carry."""
    if not target.streams or target.has_body:
        warn(f"resume operation {target.op_id} must stream and take no request body; the stream will not resume")
        return False
    shared = {(wire, loc) for wire, loc, _ in info.params}
    missing = [py for wire, loc, py in target.params if loc is Location.PATH and (wire, loc) not in shared]
    id_field, id_param = resume.get("id_field"), resume.get("id_param")
    if isinstance(id_param, str):
        missing = [py for wire, loc, py in target.params if wire == id_param]
    if missing and not isinstance(id_field, str):
        warn(f"resume through {target.op_id} needs 'id_field' (where the events carry the id for {missing[0]}); the stream will not resume")
        return False
    if len(missing) > 1:
        warn(f"resume through {target.op_id} has several path parameters to fill ({', '.join(missing)}); name one with 'id_param'")
        return False
    out.ref = OperationRef(target.const, None if target.group == info.group else modules[target.group])
    if isinstance(id_field, str) and missing:
        out.id_field, out.id_param = id_field, missing[0]
    return True


def _limits(resume: dict[str, Any], warn: _Warn) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in _RESUME_LIMITS:
        value = resume.get(key)
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            out[key] = value
        else:
            warn(f"resume {key} must be a non-negative integer; the default is used")
    return out
