"""Build the IR from a loaded document. All naming goes through `generator.naming`."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from typing import Any

from .. import __version__, naming
from ..load import Document
from ..problems import Problem, pointer_join
from . import examples, readme, text
from .model import (
    Arg,
    BodyIR,
    ChildIR,
    ErrorClassIR,
    ErrorIR,
    GlobalIR,
    GroupIR,
    OperationIR,
    ParamIR,
    ResumeIR,
    SdkIR,
    SecurityIR,
    Signature,
)
from .schemas import SCHEMA_PREFIX, UNRESOLVED, SchemaSet

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_STATUS_CLASSES = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}
_IGNORED_HEADERS = {"authorization", "accept", "content-type"}
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_JSON = re.compile(r"^application/([\w.+-]+\+)?json(;.*)?$|^\*/\*$")


def ext(node: dict[str, Any], name: str) -> Any:
    """Our extension `x-sdkgen-NAME`, else Speakeasy's equivalent for specs written for it."""
    speakeasy = {"group": "x-speakeasy-group", "name": "x-speakeasy-name-override", "retries": "x-speakeasy-retries",
                 "timeout-ms": "x-speakeasy-timeout", "pagination": "x-speakeasy-pagination"}
    value = node.get(f"x-sdkgen-{name}")
    if value is None and name in speakeasy:
        value = node.get(speakeasy[name])
    return value


def _dict(value: Any) -> dict[Any, Any]:
    """`value` if it is a mapping, else a new empty one (a missing or malformed part of the document)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """`value` if it is a list, else a new empty one."""
    return value if isinstance(value, list) else []


def build(doc: Document, *, package: str, dist_name: str | None = None) -> tuple[SdkIR, list[Problem]]:
    return _Builder(doc, package, dist_name or package).run()


class _Builder:
    def __init__(self, doc: Document, package: str, dist_name: str):
        self.doc = doc
        self.data = doc.data
        self.package = package
        self.dist_name = dist_name
        self.problems: list[Problem] = []
        self.schemas = SchemaSet(self.data, self.problems, doc)
        self.error_scope = naming.Scope(
            set(_STATUS_CLASSES.values()) | {"SDKError", "InternalServerError", "APIConnectionError", "APITimeoutError", "PoolExhaustedError",
                                             "StreamInterruptedError"}, pascal_case=True)
        self.error_classes: dict[str, ErrorClassIR] = {}
        self.global_names: dict[tuple[str, str], str] = {}  # (in, wire) -> SDK constructor argument
        self.global_info: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}  # -> (annotation, doc)
        self.global_wire: dict[tuple[str, str], str] = {}  # -> the wire name as first written
        self.page_models: dict[str, None] = {}  # response models of paginated operations, in order
        self.stream_ops: dict[str, _StreamOp] = {}  # operationId -> what resume resolution needs
        self.stream_slots: dict[tuple[str, str], _StreamOp] = {}  # (group, const) -> the same
        self._last_stream_op: _StreamOp | None = None

    # -- top level -----------------------------------------------------------------------------

    def run(self) -> tuple[SdkIR, list[Problem]]:
        info = _dict(self.data.get("info"))
        title = str(info.get("title") or self.package)
        version = _pep440(str(info.get("version") or ""))
        security = self._security()
        self._name_globals(security)
        groups: dict[str, list[OperationIR]] = {}
        group_docs: dict[str, str] = {}
        method_scopes: dict[str, naming.Scope] = {}
        operation_ids: dict[str, str] = {}
        required_somewhere = False  # an operation states its own security requirement
        paths = self.data.get("paths") or {}
        if not isinstance(paths, dict):
            paths = {}
        for path, item in paths.items():
            item_ptr = pointer_join("/paths", path)
            item = self.schemas.deref(item, item_ptr)
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                ptr = pointer_join(item_ptr, method)
                required_somewhere = required_somewhere or "security" in op
                op_id = str(op.get("operationId") or naming.snake(f"{method} {path}"))
                if op_id in operation_ids:
                    self.problems.append(self.doc.problem("warning", ptr, f"operationId {op_id!r} also used at {operation_ids[op_id]}"))
                operation_ids.setdefault(op_id, ptr)
                group = self._group_key(op, path)
                scope = method_scopes.setdefault(group, naming.Scope({"with_raw_response", "with_options"}))
                try:
                    ir = self._operation(path, method, item, op, op_id, ptr, scope)
                except _Drop as exc:
                    self.problems.append(self.doc.problem("error", ptr, f"operation {op_id} cannot be generated: {exc}", drops_operation=True))
                    continue
                groups.setdefault(group, []).append(ir)
                if self._last_stream_op is not None:
                    self._last_stream_op.group = group
                    self.stream_slots[(group, ir.const)] = self._last_stream_op
                    self.stream_ops.setdefault(op_id, self._last_stream_op)
        for tag in self.data.get("tags") or []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                group_docs[naming.snake(tag["name"])] = str(tag.get("description") or "")
        webhooks = self.data.get("webhooks")
        if isinstance(webhooks, dict) and webhooks:
            self.problems.append(self.doc.problem("note", "/webhooks", f"{len(webhooks)} webhook(s) ignored: an SDK calls the API, webhooks are called by it"))
        group_irs, root_children = self._group_tree(groups, group_docs)
        group_irs = self._resolve_streams(group_irs)
        self.schemas.finalize()
        globals_ = tuple(
            GlobalIR(name, self.global_info[key][0], text.literal(key), self.global_info[key][1],
                     text.code_span(self.global_wire[key]))
            for key, name in self.global_names.items() if key in self.global_info
        )
        models_doc = {
            "openapi": "3.1.0",
            "info": {"title": "models", "version": "0"},
            "paths": {},
            "components": {"schemas": self.schemas.schemas},
        }
        ir = SdkIR(
            package=self.package,
            dist_name=self.dist_name,
            version=version,
            generator_version=__version__,
            title_lit=text.literal(title),
            title_doc=text.doc_lines(title),
            title_md=text.markdown(title),
            title_toml=text.toml_string(title),
            doc=text.doc_lines(info.get("description")),
            servers=self._servers(),
            server_templates_src=self._server_templates(),
            security=security,
            # root `security`: the default of operations without their own (see _default_security)
            default_security_src=text.literal(self._default_security(security, required_somewhere)),
            default_retries_src=self._retries_src(ext(self.data, "retries"), "") or "None",
            user_agent_lit=text.literal(f"{self.dist_name}/{version} sdkgen/{__version__} python"),
            root_children=root_children,
            groups=group_irs,
            error_classes=tuple(self.error_classes.values()),
            models_doc=models_doc,
            operation_count=sum(len(v) for v in groups.values()),
            globals=globals_,
            page_models=tuple(self.page_models),
            log_env=re.sub(r"\W", "_", self.package).upper() + "_LOG",
            default_retries_md=_retries_md(ext(self.data, "retries")),
            readme=readme.readme(group_irs, security, globals_),
            client_credentials=any(s.token_url_lit != "None" for s in security),
            sdk_doc_subject=next(iter(text.doc_lines(title)), "the API"),
        )
        return ir, self.problems

    def _group_key(self, op: dict[str, Any], path: str) -> str:
        group = ext(op, "group")
        if isinstance(group, str) and group.strip():
            parts = [naming.snake(p) for p in group.split(".") if p.strip()]
        elif isinstance(op.get("tags"), list) and op["tags"] and isinstance(op["tags"][0], str):
            parts = [naming.snake(op["tags"][0])]
        else:
            segments = [s for s in path.split("/") if s and not s.startswith("{")]
            parts = [naming.snake(segments[0])] if segments else ["default"]
        if parts and parts[0] in naming.SDK_ATTRIBUTES:  # `sdk.hooks` etc. belong to the SDK
            parts[0] += "_"
        return ".".join(parts)

    def _servers(self) -> tuple[str, ...]:
        out: list[str] = []
        for server in self.data.get("servers") or []:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            url = server["url"]
            for name, var in (server.get("variables") or {}).items():
                if isinstance(var, dict) and "default" in var:
                    url = url.replace("{" + str(name) + "}", str(var["default"]))
            out.append(text.literal(url))
        return tuple(out) or (text.literal("/"),)  # relative to server_url; the SDK needs one

    def _server_templates(self) -> str:
        """Python source of the servers' URL templates with their variables (default, enum),
        or "" when no server has variables."""
        entries: list[str] = []
        any_vars = False
        for server in self.data.get("servers") or []:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            variables = _dict(server.get("variables"))
            parts = []
            for name, var in variables.items():
                if not isinstance(var, dict) or "default" not in var:
                    continue
                any_vars = True
                allowed = tuple(str(v) for v in var.get("enum") or [] if isinstance(v, (str, int, float)))
                parts.append(f"{text.literal(str(name))}: ({text.literal(str(var['default']))}, {text.literal(allowed)})")
            entries.append(f"({text.literal(server['url'])}, {{{', '.join(parts)}}})")
        return f"({', '.join(entries)},)" if any_vars and entries else ""

    def _security(self) -> tuple[SecurityIR, ...]:
        schemes = ((self.data.get("components") or {}).get("securitySchemes") or {})
        out: list[SecurityIR] = []
        scope = naming.Scope(set(naming.SDK_OPTIONS))
        for name, raw in schemes.items():
            scheme = self.schemas.deref(raw, pointer_join("/components/securitySchemes", name))
            kind = str(scheme.get("type") or "")
            sub = str(scheme.get("scheme") or "").lower()
            location = str(scheme.get("in") or "header")
            param = str(scheme.get("name") or "Authorization")
            token_url = _client_credentials_url(scheme)
            if kind == "http" and sub == "basic":
                annotation = "tuple[str, str] | None"
            elif token_url is not None:
                annotation = "str | ClientCredentials | None"
            elif kind in ("http", "apiKey", "oauth2", "openIdConnect"):
                annotation = "str | None"
            else:
                self.problems.append(self.doc.problem("warning", pointer_join("/components/securitySchemes", name), f"security scheme type {kind!r} is not supported; ignored"))
                continue
            arg = scope.claim(naming.snake(name))
            doc = text.doc_lines(scheme.get("description")) or ("Credentials for this security scheme.",)
            if token_url is not None:
                doc = doc + (
                    "An access token, or `ClientCredentials(client_id, client_secret)` to let the SDK",
                    "fetch tokens from the token URL and renew them before they expire.")
            out.append(SecurityIR(text.literal(str(name)), text.literal(kind), text.literal(sub or "bearer"), text.literal(location),
                                  text.literal(param), arg, annotation, doc,
                                  text.literal(token_url) if token_url is not None else "None"))
        return tuple(out)

    # -- operations ----------------------------------------------------------------------------

    def _operation(self, path: str, method: str, item: dict[str, Any], op: dict[str, Any], op_id: str, ptr: str,
                   scope: naming.Scope) -> OperationIR:
        name_override = ext(op, "name")
        name = scope.claim(naming.snake(name_override if isinstance(name_override, str) and name_override.strip() else op_id))
        ctx = naming.pascal(op_id)
        arg_scope = naming.Scope(set(naming.METHOD_OPTIONS) | {"self"})
        required: list[Arg] = []
        optional: list[Arg] = []
        params: list[ParamIR] = []
        example_args: dict[str, str] = {}
        stream_cfg = ext(op, "stream") if isinstance(ext(op, "stream"), dict) else {}
        switch_wire = str(stream_cfg.get("switch") or "stream")
        switch_arg: str | None = None

        for p_ptr, param in self._parameters(item, op, ptr):
            wire = str(param.get("name") or "")
            location = str(param.get("in") or "")
            if location not in _DEFAULT_STYLE or not wire:
                if UNRESOLVED in param:  # a dangling $ref, reported when loading
                    continue
                raise _Drop(f"parameter at {p_ptr} has no valid name/in")
            if location == "header" and wire.lower() in _IGNORED_HEADERS:
                self.problems.append(self.doc.problem("note", p_ptr, f"header parameter {wire!r} is set by the SDK itself; not an argument"))
                continue
            schema = self.schemas.add(param.get("schema", {}), pointer_join(p_ptr, "schema"), ctx + naming.pascal(wire))
            py = arg_scope.claim(naming.snake(wire))
            is_required = bool(param.get("required")) or location == "path"
            ann = self.schemas.annotation(schema, input_side=True)
            style = str(param.get("style") or _DEFAULT_STYLE[location])
            explode = param.get("explode")
            explode = bool(explode) if explode is not None else style == "form"
            doc = _param_doc(param, self.schemas.target(schema) if "$ref" in schema else schema)
            global_name = None if is_required else self.global_names.get(_global_key(location, wire))
            if global_name is not None:
                self.global_info.setdefault(_global_key(location, wire), (_optional(ann), doc))
                doc = doc + (f"Default: the `{global_name}` given to the SDK (`SDK({global_name}=...)`).",)
            arg = Arg(py, ann if is_required else _optional(ann), None if is_required else "None", doc)
            (required if is_required else optional).append(arg)
            params.append(ParamIR(py, text.literal(wire), text.literal(location), text.literal(style), explode))
            has_example, example = examples.first_example(param)
            if not has_example:
                has_example, example = examples.first_example(self.schemas.deref(param.get("schema", {}), p_ptr))
            if is_required or has_example:
                value = example if has_example else examples.value_for(param.get("schema", {}), self._raw_deref)
                example_args[py] = examples.python_source(value)
            if wire == switch_wire and location == "query":
                switch_arg = py

        # A `{name}` in the path with no parameter declared: still a required argument (else the
        # placeholder would be sent as is), and the spec is told.
        declared = {p.wire_lit for p in params}
        for placeholder in re.findall(r"{([^{}]+)}", path):
            if text.literal(placeholder) not in declared:
                self.problems.append(self.doc.problem("warning", ptr, f"path parameter {placeholder!r} is not declared; taken as a required string"))
                py = arg_scope.claim(naming.snake(placeholder))
                required.append(Arg(py, "str", None, ("Path parameter (not described by the spec).",)))
                params.append(ParamIR(py, text.literal(placeholder), text.literal("path"), text.literal("simple"), False))
                declared.add(text.literal(placeholder))

        query_switch = switch_arg
        body_ir, body_required, body_optional, body_switch = self._body(op, ptr, ctx, arg_scope, switch_wire)
        required += body_required
        optional += body_optional
        switch_arg = switch_arg or body_switch
        if body_ir is not None:
            example_args.update(self._body_examples(op, body_ir, {a.name for a in body_required}))
        for a in required:
            example_args.setdefault(a.name, '"value"')
        example_args.pop(switch_arg or "", None)

        response_name, event_name, errors = self._responses(op, ptr, ctx)
        if event_name is None:
            mode = "none"
        elif response_name is None and not _has_json_success(op):
            mode = "always"
        else:
            mode = "switch" if switch_arg else "none"
            if mode == "none":
                self.problems.append(self.doc.problem("warning", ptr, "operation returns JSON or SSE but has no boolean 'stream' switch; JSON is returned"))
                event_name = None

        download = _download_media(op, self.schemas.deref, ptr) if response_name is None and event_name is None else None
        statuses = [str(s) for s in (op.get("responses") or {})] if isinstance(op.get("responses"), dict) else []
        redirect = not any(s.startswith("2") for s in statuses) and any(s.startswith("3") for s in statuses)
        if redirect:
            doc_extra: tuple[str, ...] = ("", "The API answers with a redirect: the method returns None; read",
                                          "`headers['location']` through `with_raw_response`.")
        else:
            doc_extra = ()
        json_ret = f"models.{response_name}" if response_name else "None"
        sync_stream = f"EventStream[models.{event_name}]" if event_name else ""
        async_stream = f"AsyncEventStream[models.{event_name}]" if event_name else ""
        all_args = required + optional
        signatures: list[Signature] = []
        if mode == "switch":
            assert switch_arg is not None
            true_args = tuple(a.rendered for a in all_args if a.name != switch_arg) + (f"{switch_arg}: Literal[True]",)
            false_args = tuple(a.rendered for a in all_args if a.name != switch_arg) + (f"{switch_arg}: Literal[False] | None = None",)
            impl_args = tuple(a.rendered for a in all_args if a.name != switch_arg) + (f"{switch_arg}: bool | None = None",)
            signatures = [
                Signature(true_args, sync_stream, async_stream, True),
                Signature(false_args, json_ret, json_ret, True),
                Signature(impl_args, f"{json_ret} | {sync_stream}", f"{json_ret} | {async_stream}", False),
            ]
            stream_expr = switch_arg
        elif mode == "always":
            signatures = [Signature(tuple(a.rendered for a in all_args), sync_stream, async_stream, False)]
            stream_expr = "True"
        elif download is not None:
            signatures = [Signature(tuple(a.rendered for a in all_args), "Download", "AsyncDownload", False)]
            stream_expr = "None"
        else:
            signatures = [Signature(tuple(a.rendered for a in all_args), json_ret, json_ret, False)]
            stream_expr = "None"

        doc = text.doc_lines(op.get("summary"))
        description = text.doc_lines(op.get("description"))
        if description and description != doc:
            doc = doc + (("",) if doc else ()) + description
        if not doc:
            doc = text.doc_lines(f"Call {method.upper()} {path}.")
        doc = doc + doc_extra
        timeout = ext(op, "timeout-ms")
        pagination_src = self._pagination(op, ptr, method, params, response_name)
        if pagination_src != "None":
            doc = doc + ("", "The result is one page: `next_page()` fetches the next one (None after the last) and",
                         "`auto_paging_iter()` yields the items of this page and all later pages.")
        const = "_" + name.upper().strip("_")
        self._last_stream_op = _StreamOp(
            op_id=op_id, name=name, const=const, ptr=ptr, method=method.upper(), cfg=stream_cfg if event_name else None,
            params=tuple((p.wire_lit, p.location_lit, p.py_name) for p in params),
            query_switch=query_switch, has_body=body_ir is not None, streams=event_name is not None)
        return OperationIR(
            name=name,
            const=const,
            operation_id_lit=text.literal(op_id),
            method_lit=text.literal(method.upper()),
            path_lit=text.literal(path),
            doc=doc,
            args_doc=tuple((a.name, a.doc) for a in all_args if a.name != switch_arg)
            + tuple((a.name, a.doc) for a in all_args if a.name == switch_arg),
            signatures=tuple(signatures),
            params=tuple(params),
            body=body_ir,
            response_lit=text.literal(response_name),
            event_lit=text.literal(event_name),
            stream_expr=stream_expr,
            errors=errors,
            security_src=self._op_security(op),
            timeout_src=str(int(timeout)) if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0 else "None",
            retries_src=self._retries_src(ext(op, "retries"), ptr) or "None",
            pagination_src=pagination_src,
            example_args=tuple(f"{k}={v}" for k, v in example_args.items()),
            download_lit=text.literal(download),
            redirect=redirect,
            accept_lit=text.literal(_json_accept(op, self.schemas.deref, ptr) if response_name else None),
            body_src=_body_src(body_ir),
            body_arg_src=_body_arg_src(body_ir),
            deprecated=bool(op.get("deprecated")),
            method_md=method.upper(),
            path_md=text.code_span(path),
            summary_md=text.markdown(op.get("summary") or op.get("description") or ""),
        )

    def _parameters(self, item: dict[str, Any], op: dict[str, Any], ptr: str) -> list[tuple[str, dict[str, Any]]]:
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        item_ptr = ptr.rsplit("/", 1)[0]
        for base, params in ((pointer_join(item_ptr, "parameters"), item.get("parameters")), (pointer_join(ptr, "parameters"), op.get("parameters"))):
            for i, raw in enumerate(params or []):
                p_ptr = pointer_join(base, i)
                param = self.schemas.deref(raw, p_ptr)
                if "content" in param and "schema" not in param and isinstance(param["content"], dict):
                    media = next(iter(param["content"].values()), {})
                    param = {**param, "schema": media.get("schema", {}) if isinstance(media, dict) else {}}
                merged[(str(param.get("name")), str(param.get("in")))] = (p_ptr, param)
        return list(merged.values())

    def _body(self, op: dict[str, Any], ptr: str, ctx: str, arg_scope: naming.Scope, switch_wire: str
              ) -> tuple[BodyIR | None, list[Arg], list[Arg], str | None]:
        raw = op.get("requestBody")
        if raw is None:
            return None, [], [], None
        b_ptr = pointer_join(ptr, "requestBody")
        body = self.schemas.deref(raw, b_ptr)
        content = body.get("content") if isinstance(body.get("content"), dict) else {}
        if not content:
            return None, [], [], None
        media, kind = _pick_media(content)
        media_obj = content[media] if isinstance(content[media], dict) else {}
        is_required = bool(body.get("required"))
        schema = self.schemas.add(media_obj.get("schema", {}), pointer_join(b_ptr, "content", media, "schema"), ctx + "RequestBody")
        fields = self._object_fields(schema) if kind in ("json", "form", "multipart") else None
        if fields is None:
            py = arg_scope.claim("body" if kind != "binary" else "content")
            ann = self.schemas.annotation(schema, input_side=True)
            if kind == "binary":
                ann = "bytes | IO[bytes] | Iterator[bytes]"
            elif kind == "text":
                ann = "str"
            arg = Arg(py, ann if is_required else _optional(ann), None if is_required else "None",
                      text.doc_lines(body.get("description")) or ("The request body.",))
            ir = BodyIR(text.literal(media), text.literal(kind), (), py, ())
            return ir, ([arg] if is_required else []), ([] if is_required else [arg]), None
        required_args: list[Arg] = []
        optional_args: list[Arg] = []
        pairs: list[tuple[str, str]] = []
        nullable: list[str] = []
        switch: str | None = None
        for wire, prop_schema, prop_required in fields:
            py = arg_scope.claim(naming.snake(wire))
            ann = self.schemas.annotation(prop_schema, input_side=True)
            if kind == "multipart" and "bytes" in ann:
                ann = ann.replace("bytes | IO[bytes]", "bytes | IO[bytes] | tuple[str, bytes | IO[bytes], str]")
            nul = self.schemas.is_nullable(prop_schema)
            doc = _param_doc({"description": self.schemas.target(prop_schema).get("description") if "$ref" in prop_schema else prop_schema.get("description")}, self.schemas.target(prop_schema))
            if prop_required and is_required:
                arg = Arg(py, ann, None, doc)
                required_args.append(arg)
            elif nul:
                arg = Arg(py, _optional(ann) + " | NotGiven", "NOT_GIVEN", doc)
                optional_args.append(arg)
                nullable.append(text.literal(wire))
            else:
                arg = Arg(py, _optional(ann), "None", doc)
                optional_args.append(arg)
            pairs.append((text.literal(wire), py))
            if wire == switch_wire and "bool" in ann:
                switch = py
        ir = BodyIR(text.literal(media), text.literal(kind), tuple(pairs), None, tuple(nullable))
        return ir, required_args, optional_args, switch

    def _raw_deref(self, node: Any) -> dict[str, Any]:
        return self.schemas.deref(node, "") if isinstance(node, dict) else {}

    def _body_examples(self, op: dict[str, Any], body_ir: BodyIR, required: set[str]) -> dict[str, str]:
        """Example arguments for a body: the spec's media example, else values for required fields."""
        body = self._raw_deref(op.get("requestBody"))
        content = body.get("content") if isinstance(body.get("content"), dict) else {}
        media = next(iter(content.values()), {}) if content else {}
        media = media if isinstance(media, dict) else {}
        found, example = examples.first_example(media)
        schema = media.get("schema", {})
        if not found:
            found, example = examples.first_example(self._raw_deref(schema))
        out: dict[str, str] = {}
        if body_ir.single_arg is not None:
            value = example if found else examples.value_for(schema, self._raw_deref)
            out[body_ir.single_arg] = examples.python_source(value)
            return out
        generated = examples.value_for(schema, self._raw_deref)
        for wire_lit, py in body_ir.fields:
            wire = ast.literal_eval(wire_lit)
            if found and isinstance(example, dict) and wire in example:
                out[py] = examples.python_source(example[wire])
            elif py in required and isinstance(generated, dict) and wire in generated:
                out[py] = examples.python_source(generated[wire])
        return out

    def _object_fields(self, schema: dict[str, Any], depth: int = 0) -> list[tuple[str, Any, bool]] | None:
        """Properties of an object body (allOf parts merged), or None when it is not a plain object."""
        if depth > 10:
            return None
        target = self.schemas.target(schema)
        if any(k in target for k in ("anyOf", "oneOf")) or target.get("type") not in (None, "object"):
            return None
        fields: dict[str, tuple[Any, bool]] = {}
        required = set(target.get("required") or [])
        for part in target.get("allOf") or []:
            sub = self._object_fields(part, depth + 1)
            if sub is None:
                return None
            for wire, s, req in sub:
                fields[wire] = (s, req)
        props = target.get("properties")
        if not isinstance(props, dict):
            if not fields:
                return None
            props = {}
        for wire, s in props.items():
            fields[str(wire)] = (s, str(wire) in required)
        for wire in required:
            if wire in fields:
                fields[wire] = (fields[wire][0], True)
        if not fields:
            return None
        return [(w, s, r) for w, (s, r) in fields.items()]

    def _responses(self, op: dict[str, Any], ptr: str, ctx: str) -> tuple[str | None, str | None, tuple[ErrorIR, ...]]:
        raw_responses = _dict(op.get("responses"))
        # YAML reads `200:` as an integer key; status codes are strings from here on
        responses = {str(k): v for k, v in raw_responses.items()}
        success = sorted(str(s) for s in responses if str(s).startswith("2"))
        chosen = success[0] if success else ("default" if "default" in responses and not any(str(s)[0] in "45" for s in responses if str(s) != "default") else None)
        response_name = event_name = None
        if chosen is not None:
            r_ptr = pointer_join(ptr, "responses", chosen)
            resp = self.schemas.deref(responses[chosen], r_ptr)
            content = _dict(resp.get("content"))
            for media, media_obj in content.items():
                m_ptr = pointer_join(r_ptr, "content", media, "schema")
                schema = media_obj.get("schema") if isinstance(media_obj, dict) else None
                if str(media).startswith("text/event-stream"):
                    event_name = self._event_model(schema or {}, m_ptr, ctx)
                elif _JSON.match(str(media)) and response_name is None:
                    schema = schema if schema is not None else {}  # JSON of any shape
                    response_name = self._named(schema, m_ptr, ctx + "Response")
        errors: list[ErrorIR] = []
        for status in responses:
            status = str(status)
            if status.startswith(("1", "2", "3")) or (status == "default" and chosen == "default"):
                continue
            r_ptr = pointer_join(ptr, "responses", status)
            resp = self.schemas.deref(responses[status], r_ptr)
            content = _dict(resp.get("content"))
            model = None
            for media, media_obj in content.items():
                if _JSON.match(str(media)) and isinstance(media_obj, dict) and media_obj.get("schema") is not None:
                    model = self._named(media_obj["schema"], pointer_join(r_ptr, "content", media, "schema"), ctx + naming.pascal(status) + "Error")
                    break
            if model is not None:
                cls = self._error_class(model, status, resp)
                self._note_error_status(model, status)
            else:
                cls = _STATUS_CLASSES.get(status, "InternalServerError" if status.startswith("5") else "SDKError")
            errors.append(ErrorIR(text.literal(status), text.literal(model), text.literal(cls)))
        return response_name, event_name, tuple(errors)

    def _named(self, schema: Any, ptr: str, context: str) -> str:
        normal = self.schemas.add(schema, ptr, context)
        name = self.schemas.ref_name(normal)
        if name is None:
            name = self.schemas.scope.claim(naming.model_name(context))
            self.schemas.schemas[name] = normal
        return name

    def _event_model(self, schema: Any, ptr: str, ctx: str) -> str:
        raw = self.schemas.deref(schema, ptr) if isinstance(schema, dict) else {}
        props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        # Speakeasy's convention describes the SSE frame ({event, data, id, retry}); the event
        # payload users want is `data`.
        if props and "data" in props and set(props) <= {"event", "data", "id", "retry"}:
            return self._named(props["data"], pointer_join(ptr, "properties", "data"), ctx + "Event")
        return self._named(schema, ptr, ctx + "Event")

    def _error_class(self, model: str, status: str, resp: dict[str, Any]) -> str:
        if model in self.error_classes:
            return self.error_classes[model].class_name
        # Rule: the model name plus "Error", unless it already ends so; a bare "Error" model
        # becomes "ErrorResponse" so `errors.Error` never shadows the idea of an error base.
        name = model if model.endswith("Error") and model != "Error" else ("ErrorResponse" if model == "Error" else model + "Error")
        name = self.error_scope.claim(name)
        doc = text.doc_lines(resp.get("description")) or (f"Raised when the API answers with a {model} body.",)
        self.error_classes[model] = ErrorClassIR(name, _status_base(status), model, doc)
        return name

    def _note_error_status(self, model: str, status: str) -> None:
        """A model used for errors of different kinds gets the common base, SDKError."""
        current = self.error_classes[model]
        if current.base != _status_base(status):
            self.error_classes[model] = ErrorClassIR(current.class_name, "SDKError", model,
                                                     text.doc_lines(f"Raised when the API answers with a {model} body."))

    def _default_security(self, security: tuple[SecurityIR, ...], required_somewhere: bool) -> tuple[tuple[str, ...], ...]:
        """The root ``security`` as alternatives. A spec that declares schemes but requires
        none anywhere (no root ``security``, none on an operation) almost always forgot the
        requirement rather than meant every call to be anonymous: then each scheme is an
        alternative of its own (the first configured one is sent), and a warning says so."""
        if "security" in self.data:
            return _requirements(self.data.get("security"))
        if not security or required_somewhere:
            return ()
        self.problems.append(self.doc.problem(
            "warning", "/components/securitySchemes",
            "security schemes are declared but no `security` requirement uses them (none at the root or on an "
            "operation); every call sends the credentials of the first scheme the user configures"))
        return tuple((ast.literal_eval(s.name_lit),) for s in security)

    def _op_security(self, op: dict[str, Any]) -> str:
        """Python source of an operation's own security requirements (``"None"``: the SDK's
        default applies; ``"()"``: no auth; see ``_requirements``)."""
        if "security" not in op or not isinstance(op["security"], list):
            return "None"
        return text.literal(_requirements(op["security"]))

    def _retries_src(self, cfg: Any, ptr: str) -> str | None:
        if not isinstance(cfg, dict):
            return None
        if cfg.get("strategy") == "none":
            return "RetryConfig.none()"
        backoff = _dict(cfg.get("backoff"))
        def num(key: str, default: float) -> str:
            value = backoff.get(key, default)
            return repr(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(default)
        codes = tuple(str(c) for c in cfg.get("statusCodes") or ["429", "500", "502", "503", "504"] if isinstance(c, (int, str)))
        return (
            "RetryConfig(backoff=BackoffStrategy("
            f"initial_interval_ms={num('initialInterval', 500)}, max_interval_ms={num('maxInterval', 5000)}, "
            f"exponent={num('exponent', 1.5)}, max_elapsed_ms={num('maxElapsedTime', 15000)}), "
            f"retry_connection_errors={bool(cfg.get('retryConnectionErrors', True))!r}, status_codes={text.literal(codes)})"
        )

    # -- streams -------------------------------------------------------------------------------

    def _resolve_streams(self, group_irs: tuple[GroupIR, ...]) -> tuple[GroupIR, ...]:
        """Fill `stream_src` of every operation, now that every operation's module is known
        (`x-sdkgen-stream.resume.operation` names an operationId anywhere in the spec)."""
        modules = {g.key: g.module for g in group_irs}
        out: list[GroupIR] = []
        for g in group_irs:
            ops = tuple(
                self._with_stream(op, self.stream_slots[(g.key, op.const)], modules)
                if (g.key, op.const) in self.stream_slots else op
                for op in g.operations
            )
            out.append(dc_replace(g, operations=ops))
        return tuple(out)

    def _with_stream(self, op: OperationIR, info: _StreamOp, modules: dict[str, str]) -> OperationIR:
        src, fields = self._stream_src(info, modules)
        resume = None
        if "resume_param" in fields:
            target = self.stream_ops[fields["via"]] if "via" in fields else info
            resume = ResumeIR(f"{target.group}.{target.name}", target is info, fields["resume_param"],
                              str(info.cfg.get("cursor") if info.cfg else ""),
                              fields.get("id_param", ""), fields.get("id_field", ""), target.query_switch or "")
        return dc_replace(op, stream_src=src, resume=resume)

    def _stream_src(self, info: _StreamOp, modules: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Python source of the operation's StreamSpec(...) (or "None"), and the resume
        values it holds, for the README."""
        cfg = info.cfg
        if cfg is None:  # the operation does not stream
            return "None", {}
        ptr = pointer_join(info.ptr, "x-sdkgen-stream")
        def warn(message: str) -> None:
            self.problems.append(self.doc.problem("warning", ptr, message))
        fields: list[str] = []
        cursor = cfg.get("cursor")
        if cursor is not None and not isinstance(cursor, str):
            warn("'cursor' must be the name of an event field; ignored")
            cursor = None
        if cursor:
            fields.append(f"cursor={text.literal(cursor)}")
        terminal = cfg.get("terminal")
        if terminal is not None:
            if isinstance(terminal, list) and terminal and all(isinstance(t, str) for t in terminal):
                fields.append("terminal=frozenset({" + ", ".join(text.literal(t) for t in dict.fromkeys(terminal)) + "})")
            else:
                warn("'terminal' must be a non-empty list of event types; ignored")
        sentinel = cfg.get("sentinel")
        if isinstance(sentinel, str):
            fields.append(f"sentinel={text.literal(sentinel)}")
        if info.query_switch:
            fields.append(f"switch={text.literal(info.query_switch)}")
        resume = cfg.get("resume")
        values: dict[str, str] = {}
        if resume is not None:
            fields += self._resume_fields(info, resume, cursor, modules, warn, values)
        return ("StreamSpec(" + ", ".join(fields) + ")" if fields else "None"), values

    def _resume_fields(self, info: _StreamOp, resume: Any, cursor: str | None, modules: dict[str, str],
                       warn: Any, values: dict[str, str]) -> list[str]:
        if not isinstance(resume, dict):
            warn("'resume' must be an object {operation, param, id_field}; the stream will not resume")
            return []
        target_id = resume.get("operation")
        if target_id is None or target_id == info.op_id:
            target = info
        elif isinstance(target_id, str) and target_id in self.stream_ops:
            target = self.stream_ops[target_id]
        else:
            warn(f"resume operation {target_id!r} is not an operationId of this spec; the stream will not resume")
            return []
        param = resume.get("param")
        resume_py = next((py for wire, loc, py in target.params if isinstance(param, str) and wire == text.literal(param)
                          and loc != text.literal("path")), None)
        if resume_py is None:
            warn(f"resume param {param!r} is not a query, header or cookie parameter of {target.op_id}; the stream will not resume")
            return []
        if not cursor:
            warn("'resume' needs 'cursor' (the event field passed back as the resume param); the stream will not resume")
            return []
        fields = [f"resume_param={text.literal(resume_py)}"]
        if target is not info:
            if not target.streams or target.has_body:
                warn(f"resume operation {target.op_id} must stream and take no request body; the stream will not resume")
                return []
            shared = {(wire, loc) for wire, loc, _ in info.params}
            missing = [py for wire, loc, py in target.params if loc == text.literal("path") and (wire, loc) not in shared]
            id_field = resume.get("id_field")
            id_param = resume.get("id_param")
            if isinstance(id_param, str):
                missing = [py for wire, loc, py in target.params if wire == text.literal(id_param)]
            if missing and not isinstance(id_field, str):
                warn(f"resume through {target.op_id} needs 'id_field' (where the events carry the id for {missing[0]}); the stream will not resume")
                return []
            if len(missing) > 1:
                warn(f"resume through {target.op_id} has several path parameters to fill ({', '.join(missing)}); name one with 'id_param'")
                return []
            if target.group == info.group:
                ref = f"lambda: {target.const}"
            else:
                ref = f"lazy_operation({text.literal('.' + modules[target.group])}, {text.literal(target.const)}, __package__)"
            fields.append(f"resume={ref}")
            values["via"] = target.op_id
            if isinstance(id_field, str) and missing:
                fields += [f"id_field={text.literal(id_field)}", f"id_param={text.literal(missing[0])}"]
                values.update(id_field=id_field, id_param=missing[0])
        for key, name in (("max_attempts", "max_attempts"), ("initial_interval_ms", "initial_interval_ms"),
                          ("max_interval_ms", "max_interval_ms")):
            value = resume.get(key)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                fields.append(f"{name}={value}")
            else:
                warn(f"resume {key} must be a non-negative integer; the default is used")
        values["resume_param"] = resume_py
        return fields

    # -- SDK-wide parameter defaults ("globals") --------------------------------------------------

    def _name_globals(self, security: tuple[SecurityIR, ...]) -> None:
        """Choose the parameters the SDK constructor takes as defaults for every call.

        Rule: an optional header parameter declared by every operation (in a spec of two
        operations or more), or an optional header, query or cookie parameter marked
        `x-sdkgen-global: true` (or listed in Speakeasy's document-level
        `x-speakeasy-globals.parameters`). `x-sdkgen-global: false` opts a parameter out.
        The constructor argument sets the parameter on every operation that declares it,
        unless the call passes its own value.
        """
        flagged: dict[tuple[str, str], None] = {}
        opted_out: set[tuple[str, str]] = set()
        required: set[tuple[str, str]] = set()
        seen: dict[tuple[str, str], str] = {}  # key -> wire name as first written
        per_op: list[set[tuple[str, str]]] = []
        speakeasy = self.data.get("x-speakeasy-globals")
        for raw in (speakeasy.get("parameters") or []) if isinstance(speakeasy, dict) else []:
            param = _quiet_deref(self.data, raw)
            if isinstance(param.get("name"), str) and param.get("in") in ("header", "query", "cookie"):
                key = _global_key(str(param["in"]), param["name"])
                flagged.setdefault(key)
                seen.setdefault(key, param["name"])
        paths = _dict(self.data.get("paths"))
        for item in paths.values():
            item = _quiet_deref(self.data, item)
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                keys: set[tuple[str, str]] = set()
                for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
                    param = _quiet_deref(self.data, raw)
                    wire, location = param.get("name"), param.get("in")
                    if not isinstance(wire, str) or location not in ("header", "query", "cookie"):
                        continue
                    if location == "header" and wire.lower() in _IGNORED_HEADERS | {"idempotency-key"}:
                        continue
                    key = _global_key(location, wire)
                    seen.setdefault(key, wire)
                    if param.get("required"):
                        required.add(key)
                    if param.get("x-sdkgen-global") is True:
                        flagged.setdefault(key)
                    elif param.get("x-sdkgen-global") is False:
                        opted_out.add(key)
                    if location == "header":
                        keys.add(key)
                per_op.append(keys)
        common = set.intersection(*per_op) if len(per_op) >= 2 else set()
        chosen = [k for k in seen if (k in common or k in flagged) and k not in opted_out and k not in required]
        scope = naming.Scope(set(naming.SDK_OPTIONS) | {s.arg for s in security})
        for key in chosen:
            self.global_names[key] = scope.claim(naming.snake(seen[key]))
            self.global_wire[key] = seen[key]

    # -- pagination ----------------------------------------------------------------------------

    def _pagination(self, op: dict[str, Any], ptr: str, method: str, params: list[ParamIR],
                    response_name: str | None) -> str:
        """Python source of the operation's Pagination(...), or "None".

        Declared by `x-sdkgen-pagination: {type: cursor, cursor_param, cursor_field,
        has_more_field, items_field}` or Speakeasy's `x-speakeasy-pagination` (`inputs` with a
        cursor parameter, `outputs.nextCursor` / `outputs.results` as `$.field`); recognised
        without either on a GET with an `after` query parameter whose JSON response has `data`
        (an array), `has_more` and `last_id`.
        """
        cfg = ext(op, "pagination")
        e_ptr = pointer_join(ptr, "x-sdkgen-pagination" if "x-sdkgen-pagination" in op else "x-speakeasy-pagination")
        query = {p.wire_lit: p.py_name for p in params if p.location_lit != text.literal("path")}
        fields = {w: s for w, s, _ in self._object_fields({"$ref": SCHEMA_PREFIX + response_name}) or []} if response_name else {}

        def skip(message: str) -> str:
            self.problems.append(self.doc.problem("warning", e_ptr, message + "; the method returns single pages"))
            return "None"

        if cfg is None:
            if method != "get" or text.literal("after") not in query or not {"data", "has_more", "last_id"} <= set(fields):
                return "None"
            if self.schemas.target(fields["data"]).get("type") != "array":
                return "None"
            cursor_param, cursor_field, has_more, items = "after", "last_id", "has_more", "data"
        elif not isinstance(cfg, dict):
            return skip("pagination must be an object")
        elif str(cfg.get("type") or "cursor") != "cursor":
            return skip(f"pagination type {cfg.get('type')!r} is not supported (only 'cursor')")
        elif "inputs" in cfg or "outputs" in cfg:  # Speakeasy's shape
            inputs = _list(cfg.get("inputs"))
            cursor_param = next((str(i.get("name")) for i in inputs if isinstance(i, dict) and i.get("type") == "cursor"), None)
            outputs = _dict(cfg.get("outputs"))
            cursor_field, items = _json_path_field(outputs.get("nextCursor")), _json_path_field(outputs.get("results"))
            has_more = None
            if cursor_param is None or items is None:
                return skip("pagination needs an input of type 'cursor' and outputs.results as `$.field`")
        else:
            cursor_param, cursor_field = cfg.get("cursor_param"), cfg.get("cursor_field")
            has_more, items = cfg.get("has_more_field"), cfg.get("items_field", "data")
            if not all(isinstance(v, str) or v is None for v in (cursor_param, cursor_field, has_more, items)) or not cursor_param or not items:
                return skip("pagination needs `cursor_param` and `items_field` (strings)")
        py_param = query.get(text.literal(cursor_param))
        if py_param is None:
            return skip(f"pagination cursor_param {cursor_param!r} is not a query, header or cookie parameter of the operation")
        if response_name is None or not fields:
            return skip("a paginated operation needs a JSON object response")
        for label, field in (("items_field", items), ("cursor_field", cursor_field), ("has_more_field", has_more)):
            if field is not None and field not in fields:
                return skip(f"pagination {label} {field!r} is not a property of the response {response_name}")
        self.page_models.setdefault(response_name)
        parts = [f"cursor_param={text.literal(py_param)}"]
        if cursor_field:
            parts.append(f"cursor_field={text.literal(cursor_field)}")
        parts.append(f"items_field={text.literal(items)}")
        if has_more:
            parts.append(f"has_more_field={text.literal(has_more)}")
        return "Pagination(" + ", ".join(parts) + ")"

    # -- groups --------------------------------------------------------------------------------

    def _group_tree(self, groups: dict[str, list[OperationIR]], docs: dict[str, str]) -> tuple[tuple[GroupIR, ...], tuple[ChildIR, ...]]:
        keys: set[str] = set()
        for key in groups:
            parts = key.split(".")
            for i in range(1, len(parts) + 1):
                keys.add(".".join(parts[:i]))
        module_scope = naming.Scope({"sdk", "models", "errors", "__init__"})
        class_scope = naming.Scope(pascal_case=True)
        modules: dict[str, str] = {}
        classes: dict[str, str] = {}
        for key in sorted(keys):
            modules[key] = module_scope.claim(naming.module(key.replace(".", "_")))
            classes[key] = class_scope.claim(naming.pascal(key.replace(".", " ")))
        def children_of(parent: str) -> tuple[ChildIR, ...]:
            depth = parent.count(".") + 1 if parent else 0
            out = []
            for key in sorted(keys):
                if key.count(".") == depth and (not parent or key.startswith(parent + ".")):
                    out.append(ChildIR(key.rsplit(".", 1)[-1], modules[key], classes[key]))
            return tuple(out)
        irs = tuple(
            GroupIR(key, modules[key], classes[key], text.doc_lines(docs.get(key.rsplit(".", 1)[-1], "")) or (f"Operations of the {key} group.",),
                    tuple(groups.get(key, [])), children_of(key),
                    downloads=any(op.download_lit != "None" for op in groups.get(key, [])))
            for key in sorted(keys)
        )
        return irs, children_of("")


class _Drop(Exception):
    """This operation cannot be generated faithfully."""


@dataclass(slots=True)
class _StreamOp:
    """What resolving `x-sdkgen-stream` needs to know about one operation."""

    op_id: str
    name: str
    const: str
    ptr: str
    method: str
    cfg: dict[str, Any] | None  # the extension (or {}), None when the operation does not stream
    params: tuple[tuple[str, str, str], ...]  # (wire literal, location literal, python name)
    query_switch: str | None
    has_body: bool
    streams: bool
    group: str = ""


def _retries_md(cfg: Any) -> str:
    """A retry policy from the spec in words (same defaults as `_retries_src`)."""
    if not isinstance(cfg, dict):
        return ""
    if cfg.get("strategy") == "none":
        return "no retries"
    backoff = _dict(cfg.get("backoff"))
    def num(key: str, default: float) -> str:
        value = backoff.get(key, default)
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(default)
    codes = ", ".join(str(c) for c in cfg.get("statusCodes") or ["429", "500", "502", "503", "504"] if isinstance(c, (int, str)))
    conn = "and connection errors" if cfg.get("retryConnectionErrors", True) else "(not connection errors)"
    return (f"statuses {text.markdown(codes)} {conn}; first delay {num('initialInterval', 500)} ms, "
            f"times {num('exponent', 1.5)} each retry, at most {num('maxInterval', 5000)} ms, "
            f"giving up after {num('maxElapsedTime', 15000)} ms")


def _body_src(body: BodyIR | None) -> str:
    """Python source of an operation's Body(...) descriptor, or "None"."""
    if body is None:
        return "None"
    nullable = ", nullable=frozenset({" + "".join(f"{n}, " for n in body.nullable_lits) + "})" if body.nullable_lits else ""
    return f"Body({body.media_type_lit}, {body.kind_lit}{nullable})"


def _body_arg_src(body: BodyIR | None) -> str:
    """Python source of the value a method passes as `body=`: its one body argument, or a dict
    of wire names to the arguments the body is built from, or None."""
    if body is None:
        return "None"
    if body.single_arg:
        return body.single_arg
    return "{" + "".join(f"{wire}: {py}, " for wire, py in body.fields) + "}"


def _global_key(location: str, wire: str) -> tuple[str, str]:
    return (location, wire.lower() if location == "header" else wire)


def _quiet_deref(data: dict[str, Any], node: Any) -> dict[str, Any]:
    """Follow local `$ref`s without reporting problems (the build reports them where it uses them)."""
    for _ in range(50):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            break
        target: Any = data
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node = target
    return node if isinstance(node, dict) else {}


def _json_path_field(path: Any) -> str | None:
    """`$.last_id` -> "last_id"; None for anything deeper or not a path."""
    if isinstance(path, str) and re.fullmatch(r"\$\.[A-Za-z_][\w-]*", path):
        return path[2:]
    return None


def _pick_media(content: dict[str, Any]) -> tuple[str, str]:
    for media in content:
        if _JSON.match(str(media)) and media != "*/*":
            return media, "json"
    for media in content:
        m = str(media)
        if m.startswith("multipart/"):
            return media, "multipart"
        if m == "application/x-www-form-urlencoded":
            return media, "form"
    for media in content:
        if str(media).startswith("text/"):
            return media, "text"
    first = next(iter(content))
    return first, "json" if first == "*/*" else "binary"


def _requirements(security: Any) -> tuple[tuple[str, ...], ...]:
    """A ``security`` list as alternatives (any one will do) of scheme names (all required
    together), in spec order; ``()`` is an empty alternative (anonymous access allowed).
    Entries that are not objects are skipped, repeated alternatives kept once."""
    out: list[tuple[str, ...]] = []
    for req in security if isinstance(security, list) else ():
        if isinstance(req, dict):
            names = tuple(dict.fromkeys(str(k) for k in req))
            if names not in out:
                out.append(names)
    return tuple(out)


def _client_credentials_url(scheme: dict[str, Any]) -> str | None:
    """The token URL of an OAuth2 scheme with a client-credentials flow, else None."""
    flows = _dict(scheme.get("flows")) if scheme.get("type") == "oauth2" else {}
    flow = flows.get("clientCredentials")
    if isinstance(flow, dict):
        url = flow.get("tokenUrl")
        return url if isinstance(url, str) else ""
    return None


def _json_accept(op: dict[str, Any], deref: Any, ptr: str) -> str | None:
    """The Accept header of a JSON operation whose success media types do not include
    application/json (None when they do)."""
    raw = _dict(op.get("responses"))
    responses = {str(k): v for k, v in raw.items()}
    media: list[str] = []
    for status in sorted(s for s in responses if s.startswith("2")):
        resp = deref(responses[status], pointer_join(ptr, "responses", status))
        content = resp.get("content") if isinstance(resp.get("content"), dict) else {}
        media += [str(m) for m in content if _JSON.match(str(m)) and str(m) not in media]
    if not media or any(m.split(";")[0].strip() == "application/json" for m in media):
        return None
    return ", ".join(media)


def _download_media(op: dict[str, Any], deref: Any, ptr: str) -> str | None:
    """The Accept header of an operation whose success body is a file or text (no JSON, no
    event stream), else None."""
    raw = _dict(op.get("responses"))
    responses = {str(k): v for k, v in raw.items()}
    for status in sorted(s for s in responses if s.startswith("2")):
        resp = deref(responses[status], pointer_join(ptr, "responses", status))
        content = _dict(resp.get("content")) if isinstance(resp, dict) else {}
        media = [str(m) for m in content if not str(m).startswith("text/event-stream")]
        if media and not any(_JSON.match(m) for m in media) and len(media) == len(content):
            return ", ".join(media)
    return None


def _status_base(status: str) -> str:
    return _STATUS_CLASSES.get(status, "InternalServerError" if status.startswith("5") else "SDKError")


def _has_json_success(op: dict[str, Any]) -> bool:
    responses = _dict(op.get("responses"))
    for status, resp in responses.items():
        if str(status).startswith("2") and isinstance(resp, dict):
            for media in (resp.get("content") or {}):
                if _JSON.match(str(media)):
                    return True
    return False


def _optional(annotation: str) -> str:
    return annotation if annotation == "Any" or annotation.endswith("| None") else f"{annotation} | None"


def _param_doc(param: dict[str, Any], schema: dict[str, Any]) -> tuple[str, ...]:
    lines = list(text.doc_lines(param.get("description") or schema.get("description"), width=80))
    facts = []
    if isinstance(schema, dict):
        if "default" in schema and _scalar(schema["default"]):
            facts.append(f"Server default: {text.literal(schema['default'])}.")
        for key, label in (("minimum", "Minimum"), ("maximum", "Maximum"), ("minLength", "Min length"), ("maxLength", "Max length")):
            if key in schema and _scalar(schema[key]):
                facts.append(f"{label}: {schema[key]!r}.")
        if isinstance(schema.get("pattern"), str):
            facts.append(f"Pattern: {schema['pattern']}")
    if facts:
        lines.extend(text.doc_lines(" ".join(facts), width=80))
    return tuple(lines) or ("See the API reference.",)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.1.0"
