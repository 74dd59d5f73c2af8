"""One operation: its method names, arguments, signatures, doc and runtime descriptor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import naming
from ..problems import Finding
from . import retries, text
from .bodies import body
from .context import Context
from .model import Arg, BodyIR, ErrorIR, OperationIR, PaginationIR, Signature
from .pagination import pagination
from .parameters import Args, add_parameters
from .responses import download_media, has_json_success, json_accept, redirect, responses
from .security import operation_security
from .spec import ext, is_number
from .streaming import StreamOp

_REDIRECT_DOC = ("", "The API answers with a redirect: the method returns None; read",
                 "`headers['location']` through `with_raw_response`.")
_PAGE_DOC = ("", "The result is one page: `next_page()` fetches the next one (None after the last) and",
             "`auto_paging_iter()` yields the items of this page and all later pages.")


@dataclass(frozen=True, slots=True)
class Place:
    """Where an operation is in the spec."""

    path: str
    method: str  # lower case
    item: dict[str, Any]  # its path item
    op: dict[str, Any]
    op_id: str
    ptr: str


@dataclass(frozen=True, slots=True)
class _Result:
    """What an operation returns: models and how it streams or downloads."""

    response: str | None
    event: str | None
    mode: str  # "none", "always" (it always streams) or "switch" (an argument turns streaming on)
    switch: str | None
    download: str | None


def operation(ctx: Context, at: Place, scope: naming.Scope) -> tuple[OperationIR, StreamOp]:
    """The operation's IR (its stream is filled in later, see `streaming.resolve`) and what
    resolving streams needs to know about it."""
    method_name = _method_name(ctx, at, scope)
    model_ctx = naming.pascal(at.op_id)
    stream_cfg = ext(at.op, "stream") if isinstance(ext(at.op, "stream"), dict) else {}
    switch_wire = str(stream_cfg.get("switch") or "stream")
    args = Args()
    query_switch = add_parameters(ctx, at.path, at.item, at.op, at.ptr, model_ctx, args, switch_wire)
    body_ir, body_switch = body(ctx, at.op, at.ptr, model_ctx, args, switch_wire)
    switch = query_switch or body_switch
    for a in args.required:
        args.examples.setdefault(a.name, '"value"')
    args.examples.pop(switch or "", None)
    response, event, errors = responses(ctx, at.op, at.ptr, model_ctx)
    result = _result(ctx, at, response, event, switch)
    page = pagination(ctx, at.op, at.ptr, at.method, args.params, result.response)
    ir = _operation_ir(ctx, at, method_name, args, body_ir, switch, result, errors, page)
    stream_op = StreamOp(at.op_id, ir.name, ir.const, at.ptr, stream_cfg if result.event else None,
                         tuple((p.wire, p.location, p.py_name) for p in args.params), query_switch, body_ir is not None,
                         result.event is not None)
    return ir, stream_op


def _operation_ir(ctx: Context, at: Place, method_name: naming.MethodName, args: Args, body_ir: BodyIR | None,
                  switch: str | None, result: _Result, errors: tuple[ErrorIR, ...], page: PaginationIR | None) -> OperationIR:
    timeout = ext(at.op, "timeout-ms")
    return OperationIR(
        name=method_name.name,
        async_name=method_name.async_name,
        const=naming.constant(method_name.name),
        operation_id=at.op_id,
        http_method=at.method.upper(),
        path=at.path,
        doc=_doc(at, page is not None),
        args_doc=_args_doc(args.all, switch),
        signatures=_signatures(args.all, result),
        params=tuple(args.params),
        body=body_ir,
        response=result.response,
        event=result.event,
        stream_switch=result.switch,
        always_streams=result.mode == "always",
        errors=errors,
        security=operation_security(at.op),
        timeout_ms=int(timeout) if is_number(timeout) and timeout > 0 else None,
        retries=retries.policy(ext(at.op, "retries")),
        pagination=page,
        example_args=tuple(f"{k}={v}" for k, v in args.examples.items()),
        download=result.download,
        redirect=redirect(at.op),
        accept=json_accept(ctx, at.op, at.ptr) if result.response else None,
        deprecated=bool(at.op.get("deprecated")),
        method_md=at.method.upper(),
        path_md=text.code_span(at.path),
        summary_md=text.markdown(at.op.get("summary") or at.op.get("description") or ""),
    )


def _method_name(ctx: Context, at: Place, scope: naming.Scope) -> naming.MethodName:
    override = ext(at.op, "name")
    method_name = scope.claim_method(override if isinstance(override, str) and override.strip() else at.op_id)
    if method_name.twin_clash:
        ctx.report(Finding.CLASH, at.ptr, f"method name {method_name.wanted!r} (or its async twin) is taken "
                   f"in its group; named {method_name.name!r} / {method_name.async_name!r}")
    return method_name


def _result(ctx: Context, at: Place, response: str | None, event: str | None, switch: str | None) -> _Result:
    """How the operation answers: an event stream always, or when its switch is on, or never
    (an operation that may stream but has no switch returns JSON, reported)."""
    if event is None:
        mode = "none"
    elif response is None and not has_json_success(at.op):
        mode = "always"
    elif switch:
        mode = "switch"
    else:
        ctx.report(Finding.ASSUMED, at.ptr, "operation returns JSON or SSE but has no boolean 'stream' switch; JSON is returned")
        mode, event = "none", None
    download = download_media(ctx, at.op, at.ptr) if response is None and event is None else None
    return _Result(response, event, mode, switch if mode == "switch" else None, download)


def _signatures(all_args: list[Arg], result: _Result) -> tuple[Signature, ...]:
    json_ret = f"models.{result.response}" if result.response else "None"
    sync_stream = f"EventStream[models.{result.event}]" if result.event else ""
    async_stream = f"AsyncEventStream[models.{result.event}]" if result.event else ""
    if result.mode == "switch":
        switch = result.switch
        rest = tuple(a.rendered for a in all_args if a.name != switch)
        return (
            Signature(rest + (f"{switch}: Literal[True]",), sync_stream, async_stream, True),
            Signature(rest + (f"{switch}: Literal[False] | None = None",), json_ret, json_ret, True),
            Signature(rest + (f"{switch}: bool | None = None",), f"{json_ret} | {sync_stream}", f"{json_ret} | {async_stream}", False),
        )
    rendered = tuple(a.rendered for a in all_args)
    if result.mode == "always":
        return (Signature(rendered, sync_stream, async_stream, False),)
    if result.download is not None:
        return (Signature(rendered, "Download", "AsyncDownload", False),)
    return (Signature(rendered, json_ret, json_ret, False),)


def _args_doc(all_args: list[Arg], switch: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each argument's doc lines, the streaming switch last."""
    return (tuple((a.name, a.doc) for a in all_args if a.name != switch)
            + tuple((a.name, a.doc) for a in all_args if a.name == switch))


def _doc(at: Place, paginated: bool) -> tuple[str, ...]:
    doc = text.doc_lines(at.op.get("summary"))
    description = text.doc_lines(at.op.get("description"))
    if description and description != doc:
        doc = doc + (("",) if doc else ()) + description
    if not doc:
        doc = text.doc_lines(f"Call {at.method.upper()} {at.path}.")
    if redirect(at.op):
        doc = doc + _REDIRECT_DOC
    return doc + _PAGE_DOC if paginated else doc
