"""Build the IR from a loaded document: the SDK, its groups and servers. Each part has its own
module (operations, parameters, bodies, responses, pagination, streaming, security, globals,
retries); all naming goes through `generator.naming`, every problem through a `Finding`."""

from __future__ import annotations

import re
from typing import Any

from .. import __version__, naming
from ..loading.source import Document
from ..problems import Finding, Problem, pointer_join
from . import readme, retries, streaming, text
from .context import Context
from .globals import global_irs, name_globals
from .model import ChildIR, GroupIR, OperationIR, SdkIR, ServerIR
from .operations import Place, operation
from .parameters import Drop
from .security import default_security, schemes
from .spec import HTTP_METHODS, as_dict, ext, pep440


def build(doc: Document, *, package: str, dist_name: str | None = None) -> tuple[SdkIR, list[Problem]]:
    ctx = Context.of(doc)
    security = schemes(ctx)
    name_globals(ctx, security)
    ops = _Operations(ctx)
    ops.read()
    _webhooks(ctx)
    group_irs, root_children = _group_tree(ops.groups, _group_docs(ctx.data))
    group_irs = streaming.resolve(ctx, ops.streams, group_irs)
    ctx.schemas.finalize()
    globals_ = global_irs(ctx)
    info = as_dict(ctx.data.get("info"))
    title = str(info.get("title") or package)
    spec_retries = retries.policy(ext(ctx.data, "retries"))
    ir = SdkIR(
        package=package,
        dist_name=dist_name or package,
        version=pep440(str(info.get("version") or "")),
        generator_version=__version__,
        title=title,
        title_doc=text.doc_lines(title),
        title_md=text.markdown(title),
        title_toml=text.toml_string(title),
        doc=text.doc_lines(info.get("description")),
        servers=_servers(ctx.data),
        server_templates=_server_templates(ctx.data),
        security=security,
        # root `security`: the default of operations without their own (see default_security)
        default_security=default_security(ctx, security, ops.required_somewhere),
        default_retries=spec_retries,
        root_children=root_children,
        groups=group_irs,
        error_classes=tuple(ctx.error_classes.values()),
        models_doc=_models_doc(ctx),
        operation_count=sum(len(v) for v in ops.groups.values()),
        globals=globals_,
        page_models=tuple(ctx.page_models),
        log_env=re.sub(r"\W", "_", package).upper() + "_LOG",
        default_retries_md=retries.in_words(spec_retries),
        readme=readme.readme(group_irs, security, globals_),
        client_credentials=any(s.token_url is not None for s in security),
        sdk_doc_subject=next(iter(text.doc_lines(title)), "the API"),
    )
    return ir, ctx.problems


class _Operations:
    """Every operation of the spec, in document order, by group."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.groups: dict[str, list[OperationIR]] = {}
        self.scopes: dict[str, naming.Scope] = {}  # group -> its method names
        self.ids: dict[str, str] = {}  # operationId -> pointer of its first use
        self.streams = streaming.Streams()
        self.required_somewhere = False  # an operation states its own security requirement

    def read(self) -> None:
        paths = self.ctx.data.get("paths") or {}
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            item_ptr = pointer_join("/paths", path)
            item = self.ctx.schemas.deref(item, item_ptr)
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    op_id = str(op.get("operationId") or naming.operation_id(method, path))
                    self._add(Place(path, method, item, op, op_id, pointer_join(item_ptr, method)))

    def _add(self, at: Place) -> None:
        op_id = at.op_id
        self.required_somewhere = self.required_somewhere or "security" in at.op
        if op_id in self.ids:
            self.ctx.report(Finding.CLASH, at.ptr, f"operationId {op_id!r} also used at {self.ids[op_id]}")
        self.ids.setdefault(op_id, at.ptr)
        group = _group_key(at.op, at.path)
        try:
            ir, stream_op = operation(self.ctx, at, self.scopes.setdefault(group, naming.method_scope()))
        except Drop as exc:
            self.ctx.report(Finding.DROPPED, at.ptr, f"operation {op_id} cannot be generated: {exc}")
            return
        self.groups.setdefault(group, []).append(ir)
        self.streams.add(group, stream_op)


def _group_key(op: dict[str, Any], path: str) -> str:
    """The operation's group: `x-sdkgen-group` (dotted), else its first tag, else the first
    segment of its path."""
    group = ext(op, "group")
    if isinstance(group, str) and group.strip():
        parts = [p for p in group.split(".") if p.strip()]
    elif isinstance(op.get("tags"), list) and op["tags"] and isinstance(op["tags"][0], str):
        parts = [op["tags"][0]]
    else:
        segments = [s for s in path.split("/") if s and not s.startswith("{")]
        parts = segments[:1] or ["default"]
    return naming.group_key(parts)


def _group_docs(data: dict[str, Any]) -> dict[str, str]:
    """Tag descriptions by the snake_case tag name."""
    return {naming.snake(tag["name"]): str(tag.get("description") or "")
            for tag in data.get("tags") or [] if isinstance(tag, dict) and isinstance(tag.get("name"), str)}


def _webhooks(ctx: Context) -> None:
    webhooks = ctx.data.get("webhooks")
    if isinstance(webhooks, dict) and webhooks:
        ctx.report(Finding.IGNORED, "/webhooks", f"{len(webhooks)} webhook(s) ignored: an SDK calls the API, webhooks are called by it")


def _models_doc(ctx: Context) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "models", "version": "0"}, "paths": {},
            "components": {"schemas": ctx.schemas.schemas}}


def _group_tree(groups: dict[str, list[OperationIR]], docs: dict[str, str]) -> tuple[tuple[GroupIR, ...], tuple[ChildIR, ...]]:
    """Every group (and every parent of a dotted group), sorted by key, with its children."""
    keys = sorted({".".join(key.split(".")[:i]) for key in groups for i in range(1, key.count(".") + 2)})
    module_scope, class_scope = naming.resources_scope(), naming.Scope(pascal_case=True)
    modules = {key: module_scope.claim(naming.resource_module(key)) for key in keys}
    classes = {key: class_scope.claim(naming.resource_class(key)) for key in keys}

    def children_of(parent: str) -> tuple[ChildIR, ...]:
        depth = parent.count(".") + 1 if parent else 0
        return tuple(ChildIR(key.rsplit(".", 1)[-1], modules[key], classes[key]) for key in keys
                     if key.count(".") == depth and (not parent or key.startswith(parent + ".")))

    irs = tuple(
        GroupIR(key, modules[key], classes[key], text.doc_lines(docs.get(key.rsplit(".", 1)[-1], "")) or (f"Operations of the {key} group.",),
                tuple(groups.get(key, [])), children_of(key),
                downloads=any(op.download is not None for op in groups.get(key, [])))
        for key in keys
    )
    return irs, children_of("")


def _server_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in data.get("servers") or [] if isinstance(s, dict) and isinstance(s.get("url"), str)]


def _servers(data: dict[str, Any]) -> tuple[str, ...]:
    """Server URLs with their variables' defaults filled in; "/" when there is none (relative
    to server_url; the SDK needs one)."""
    out: list[str] = []
    for server in _server_list(data):
        url = server["url"]
        for name, var in (server.get("variables") or {}).items():
            if isinstance(var, dict) and "default" in var:
                url = url.replace("{" + str(name) + "}", str(var["default"]))
        out.append(url)
    return tuple(out) or ("/",)


def _server_templates(data: dict[str, Any]) -> tuple[ServerIR, ...]:
    """The servers' URL templates with their variables (default, enum), or () when no server
    has variables."""
    out = tuple(ServerIR(server["url"], tuple(
        (str(name), str(var["default"]), tuple(str(v) for v in var.get("enum") or [] if isinstance(v, (str, int, float))))
        for name, var in as_dict(server.get("variables")).items() if isinstance(var, dict) and "default" in var))
        for server in _server_list(data))
    return out if any(s.variables for s in out) else ()
