"""Swagger 2.0 → OpenAPI 3.0.3, on load, so the rest of the generator reads one format.

Conversion rules:

- `host`, `basePath` and `schemes` become `servers` (one per scheme, https first when both;
  `https` when none is given; a relative URL when there is no host).
- `definitions` → `components/schemas`; `securityDefinitions` → `components/securitySchemes`
  (basic → http basic; oauth2 flows implicit/password/application/accessCode →
  implicit/password/clientCredentials/authorizationCode); top-level `responses` →
  `components/responses`. Refs are rewritten to the new places.
- Parameters: path-level and operation-level lists are merged (the operation wins), refs to
  top-level parameters are inlined. A `body` parameter becomes the `requestBody`, with one
  media type per `consumes` entry (application/json when none). `formData` parameters become one
  object schema; its media type is multipart/form-data when a parameter is a `file` or
  `consumes` lists only multipart, else application/x-www-form-urlencoded. Other parameters get a
  `schema` from their type fields; `collectionFormat` becomes `style`/`explode` (csv → form or
  simple without explode, ssv → spaceDelimited, pipes → pipeDelimited, multi → form with
  explode; tsv has no 3.0 equivalent and is sent as csv, with a warning).
- Responses: `schema` is offered under each `produces` media type (application/json when
  none); `examples` per media type are kept; header objects get a `schema`.
- Schemas: `type: file` → binary string; `x-nullable: true` → `nullable: true`; a string
  `discriminator` → `{propertyName: …}`.

Returns the new tree, a map from its pointers to the 2.0 pointers (so problems point at what the
user wrote) and notes as (finding, 2.0 pointer, message).
"""

from __future__ import annotations

import copy
from typing import Any

from .source import PointerMap
from ..problems import Finding, pointer_join

_REFS = {"#/definitions/": "#/components/schemas/", "#/responses/": "#/components/responses/"}
_PARAM_FIELDS = ("type", "format", "items", "collectionFormat", "default", "maximum", "exclusiveMaximum",
                 "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
                 "uniqueItems", "enum", "multipleOf")
_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
          "accessCode": "authorizationCode"}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")

Note = tuple[Finding, str, str]


def convert(src: dict[str, Any]) -> tuple[dict[str, Any], PointerMap, list[Note]]:
    return _Converter(src).run()


class _Converter:
    def __init__(self, src: dict[str, Any]):
        self.src = src
        self.map = PointerMap(("", ""))
        self.notes: list[Note] = []
        self.consumes = _strings(src.get("consumes")) or ["application/json"]
        self.produces = _strings(src.get("produces")) or ["application/json"]

    def link(self, new: str, old: str) -> None:
        self.map.record(new, "", old)

    def run(self) -> tuple[dict[str, Any], PointerMap, list[Note]]:
        src = self.src
        out: dict[str, Any] = {"openapi": "3.0.3"}
        self.link("/openapi", "/swagger")
        for key, value in src.items():
            if key in ("info", "tags", "externalDocs", "security") or key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        out["servers"] = self._servers()
        self.link("/servers", "/host" if "host" in src else "/basePath" if "basePath" in src else "")
        paths: dict[str, Any] = {}
        paths_value = src.get("paths")
        raw_paths: dict[Any, Any] = paths_value if isinstance(paths_value, dict) else {}
        for path, item in raw_paths.items():
            ptr = pointer_join("/paths", path)
            if isinstance(item, dict):
                paths[path] = self._path_item(item, ptr)
        out["paths"] = paths
        components: dict[str, Any] = {}
        definitions = src.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = {name: self._schema(s) for name, s in definitions.items()}
            self.link("/components/schemas", "/definitions")
        responses = src.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self._response(r, pointer_join("/responses", name), pointer_join("/components/responses", name), self.produces)
                for name, r in responses.items()}
            self.link("/components/responses", "/responses")
        schemes = src.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {name: self._security(s) for name, s in schemes.items()}
            self.link("/components/securitySchemes", "/securityDefinitions")
        if components:
            out["components"] = components
        return out, self.map, self.notes

    # -- servers --------------------------------------------------------------------------------

    def _servers(self) -> list[dict[str, Any]]:
        host = self.src.get("host")
        base = str(self.src.get("basePath") or "")
        if base and not base.startswith("/"):
            base = "/" + base
        if not isinstance(host, str) or not host:
            return [{"url": base or "/"}]
        schemes = [s for s in _strings(self.src.get("schemes")) if s in ("http", "https", "ws", "wss")] or ["https"]
        schemes.sort(key=lambda s: (s not in ("https", "wss"), s))
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]

    # -- paths ----------------------------------------------------------------------------------

    def _path_item(self, item: dict[str, Any], ptr: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in item.items():
            if key.startswith("x-") or key in ("summary", "description"):
                out[key] = copy.deepcopy(value)
        shared = self._param_list(item.get("parameters"), pointer_join(ptr, "parameters"))
        for method in _METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                out[method] = self._operation(op, pointer_join(ptr, method), shared)
        return out

    def _param_list(self, raw: Any, ptr: str) -> list[tuple[str, dict[str, Any]]]:
        """(2.0 pointer, parameter) pairs with refs to top-level parameters followed."""
        out: list[tuple[str, dict[str, Any]]] = []
        if not isinstance(raw, list):
            return out
        for i, param in enumerate(raw):
            p_ptr = f"{ptr}/{i}"
            seen = 0
            while isinstance(param, dict) and isinstance(param.get("$ref"), str) and seen < 20:
                ref = param["$ref"]
                if not ref.startswith("#/parameters/"):
                    break
                name = ref[len("#/parameters/"):].replace("~1", "/").replace("~0", "~")
                target = (self.src.get("parameters") or {}).get(name)
                if not isinstance(target, dict):
                    break
                param, p_ptr, seen = target, pointer_join("/parameters", name), seen + 1
            if isinstance(param, dict):
                out.append((p_ptr, param))
        return out

    def _operation(self, op: dict[str, Any], ptr: str, shared: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security"):
            if key in op:
                out[key] = copy.deepcopy(op[key])
        for key, value in op.items():
            if key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        if "schemes" in op:
            self.notes.append((Finding.IGNORED, pointer_join(ptr, "schemes"), "per-operation schemes are ignored; the SDK's server decides"))
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for p_ptr, param in shared + self._param_list(op.get("parameters"), pointer_join(ptr, "parameters")):
            merged[(str(param.get("name")), str(param.get("in")))] = (p_ptr, param)
        consumes = _strings(op.get("consumes")) or self.consumes
        produces = _strings(op.get("produces")) or self.produces
        params: list[dict[str, Any]] = []
        form: list[tuple[str, dict[str, Any]]] = []
        for p_ptr, param in merged.values():
            location = param.get("in")
            if location == "body":
                out["requestBody"] = self._body(param, p_ptr, pointer_join(ptr, "requestBody"), consumes)
            elif location == "formData":
                form.append((p_ptr, param))
            else:
                new_ptr = pointer_join(ptr, "parameters", len(params))
                params.append(self._parameter(param, p_ptr, new_ptr))
        if form:
            out["requestBody"] = self._form(form, ptr, consumes)
        if params:
            out["parameters"] = params
        responses_value = op.get("responses")
        responses: dict[Any, Any] = responses_value if isinstance(responses_value, dict) else {}
        out["responses"] = {
            str(status): self._response(resp, pointer_join(ptr, "responses", status),
                                        pointer_join(ptr, "responses", status), produces)
            for status, resp in responses.items()}
        return out

    def _parameter(self, param: dict[str, Any], old: str, new: str) -> dict[str, Any]:
        self.link(new, old)
        out: dict[str, Any] = {"name": param.get("name"), "in": param.get("in")}
        for key in ("description", "required", "deprecated", "allowEmptyValue"):
            if key in param:
                out[key] = copy.deepcopy(param[key])
        for key, value in param.items():
            if key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        out["schema"] = self._schema({k: param[k] for k in _PARAM_FIELDS if k in param and k != "collectionFormat"})
        self.link(pointer_join(new, "schema"), old)
        if param.get("type") == "array":
            fmt = str(param.get("collectionFormat") or "csv")
            location = param.get("in")
            if fmt == "multi":
                out["style"], out["explode"] = "form", True
            elif fmt == "ssv":
                out["style"], out["explode"] = "spaceDelimited", False
            elif fmt == "pipes":
                out["style"], out["explode"] = "pipeDelimited", False
            else:
                if fmt == "tsv":
                    self.notes.append((Finding.ASSUMED, pointer_join(old, "collectionFormat"),
                                       "collectionFormat tsv has no OpenAPI 3 equivalent; sent comma-separated"))
                out["style"] = "form" if location in ("query", "cookie") else "simple"
                out["explode"] = False
        return out

    def _body(self, param: dict[str, Any], old: str, new: str, consumes: list[str]) -> dict[str, Any]:
        self.link(new, old)
        schema = self._schema(param.get("schema", {}))
        out: dict[str, Any] = {"content": {}}
        if "description" in param:
            out["description"] = param["description"]
        if param.get("required"):
            out["required"] = True
        for media in consumes:
            out["content"][media] = {"schema": copy.deepcopy(schema)}
            self.link(pointer_join(new, "content", media, "schema"), pointer_join(old, "schema"))
        name = param.get("name")
        if isinstance(name, str):
            out["x-sdkgen-body-name"] = name
        return out

    def _form(self, form: list[tuple[str, dict[str, Any]]], ptr: str, consumes: list[str]) -> dict[str, Any]:
        has_file = any(p.get("type") == "file" for _, p in form)
        multipart = [c for c in consumes if c.startswith("multipart/")]
        if has_file or (multipart and "application/x-www-form-urlencoded" not in consumes):
            media = multipart[0] if multipart else "multipart/form-data"
        else:
            media = "application/x-www-form-urlencoded"
        new = pointer_join(ptr, "requestBody")
        self.link(new, form[0][0])
        properties: dict[str, Any] = {}
        required: list[str] = []
        for p_ptr, param in form:
            name = str(param.get("name"))
            prop = self._schema({k: param[k] for k in _PARAM_FIELDS if k in param and k != "collectionFormat"})
            if "description" in param:
                prop["description"] = param["description"]
            properties[name] = prop
            self.link(pointer_join(new, "content", media, "schema", "properties", name), p_ptr)
            if param.get("required"):
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return {"required": bool(required), "content": {media: {"schema": schema}}}

    def _response(self, resp: Any, old: str, new: str, produces: list[str]) -> dict[str, Any]:
        if not isinstance(resp, dict):
            return {"description": ""}
        if isinstance(resp.get("$ref"), str):
            return {"$ref": _ref(resp["$ref"])}
        self.link(new, old)
        out: dict[str, Any] = {"description": str(resp.get("description") or "")}
        for key, value in resp.items():
            if key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        if "schema" in resp:
            schema = self._schema(resp["schema"])
            examples_value = resp.get("examples")
            examples: dict[Any, Any] = examples_value if isinstance(examples_value, dict) else {}
            content: dict[str, Any] = {}
            for media in produces:
                content[media] = {"schema": copy.deepcopy(schema)}
                if media in examples:
                    content[media]["example"] = copy.deepcopy(examples[media])
                self.link(pointer_join(new, "content", media, "schema"), pointer_join(old, "schema"))
            out["content"] = content
        headers = resp.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {}
            for name, header in headers.items():
                if isinstance(header, dict):
                    h: dict[str, Any] = {"schema": self._schema({k: header[k] for k in _PARAM_FIELDS if k in header and k != "collectionFormat"})}
                    if "description" in header:
                        h["description"] = header["description"]
                    out["headers"][name] = h
        return out

    def _security(self, scheme: Any) -> dict[str, Any]:
        if not isinstance(scheme, dict):
            return {}
        kind = scheme.get("type")
        out: dict[str, Any] = {}
        if "description" in scheme:
            out["description"] = scheme["description"]
        if kind == "basic":
            out.update(type="http", scheme="basic")
        elif kind == "apiKey":
            out.update(type="apiKey", name=scheme.get("name"), **{"in": scheme.get("in")})
        elif kind == "oauth2":
            flow = _FLOWS.get(str(scheme.get("flow")), "implicit")
            body: dict[str, Any] = {"scopes": copy.deepcopy(scheme.get("scopes") or {})}
            if flow in ("implicit", "authorizationCode"):
                body["authorizationUrl"] = scheme.get("authorizationUrl", "")
            if flow != "implicit":
                body["tokenUrl"] = scheme.get("tokenUrl", "")
            out.update(type="oauth2", flows={flow: body})
        else:
            out.update(copy.deepcopy(scheme))
        for key, value in scheme.items():
            if key.startswith("x-"):
                out[key] = copy.deepcopy(value)
        return out

    # -- schemas --------------------------------------------------------------------------------

    def _schema(self, schema: Any) -> Any:
        if isinstance(schema, list):
            return [self._schema(s) for s in schema]
        if not isinstance(schema, dict):
            return copy.deepcopy(schema)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            out.update(self._schema_entry(key, value))
        return out

    def _schema_entry(self, key: str, value: Any) -> dict[str, Any]:
        """One keyword of a 2.0 schema as 3.0 writes it (none, one or two keywords)."""
        if key == "$ref" and isinstance(value, str):
            return {key: _ref(value)}
        if key == "properties" and isinstance(value, dict):
            return {key: {name: self._schema(s) for name, s in value.items()}}
        if key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf") and isinstance(value, (dict, list)):
            if key not in _SCHEMA_LISTS or isinstance(value, list):
                return {key: self._schema(value)}
        if key == "x-nullable":
            return {"nullable": True} if value is True else {}
        if key == "discriminator" and isinstance(value, str):
            return {key: {"propertyName": value}}
        if key == "type" and value == "file":
            return {"type": "string", "format": "binary"}
        return {key: copy.deepcopy(value)}

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")  # only a list of schemas is one


def _ref(ref: str) -> str:
    for old, new in _REFS.items():
        if ref.startswith(old):
            return new + ref[len(old):]
    return ref


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
