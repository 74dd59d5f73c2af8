"""Bundling: make every `$ref` of a multi-file spec internal.

Rules (documented in README, "Multi-file specs"):

- Relative refs to local files are followed from the file that contains them. A file must lie
  inside the ref root (by default the folder that contains the spec's folder; `--ref-root`
  changes it); symlinks are resolved before that check. A ref leaving it is an error.
- URLs (`http:`/`https:`) are refused unless `--allow-remote-refs`; other schemes always are.
- A ref in a schema position is hoisted into the document's schemas (`components/schemas`, or
  `definitions` for Swagger 2.0) once per target, under a name from its file name
  (`naming.bundled_schema_key`) and replaced by an internal ref, so recursive schemas stay
  recursive. A root schema that is only a ref to a file lends the file its own name.
- Any other ref (path items, parameters, responses, examples, extensions…) is replaced by a copy
  of its target.
- A ref whose target does not exist (file or pointer) is a warning; it is replaced by an empty
  object marked `x-sdkgen-unresolved-ref` (an untyped schema, or a thing the builder skips).
- Files that are not YAML or JSON (code samples referenced from `x-codeSamples`) are read as text.

The result keeps, for every part of the tree, the file and pointer it came from.
"""

from __future__ import annotations

import os
import posixpath
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .. import naming
from .source import MAX_BYTES, MAX_DEPTH, PointerMap, Source, parse_source
from ..problems import LEVELS, MISSING, Finding, Problem, SpecError, pointer_get, pointer_join

UNRESOLVED = "x-sdkgen-unresolved-ref"

_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames",
               "unevaluatedProperties", "unevaluatedItems", "additionalItems", "contentSchema"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_DATA_IN_SCHEMA = {"example", "examples", "default", "enum", "const"}
_TEXT_SUFFIXES = {".yaml", ".yml", ".json"}


def bundle(root: Source, *, schemas_home: tuple[str, ...], ref_root: Path, allow_remote: bool
           ) -> tuple[dict[str, Any], dict[str, Source], PointerMap, list[Problem]]:
    b = _Bundler(root, schemas_home, ref_root, allow_remote)
    data = b.run()
    return data, b.sources, b.map, b.problems


class _Bundler:
    def __init__(self, root: Source, home: tuple[str, ...], ref_root: Path, allow_remote: bool):
        self.root = root
        self.home = home
        self.home_ptr = pointer_join("", *home)
        self.ref_root = ref_root
        self.allow_remote = allow_remote
        self.sources: dict[str, Source] = {root.key: root}
        self.by_location: dict[str, Source] = {root.location: root}
        self.map = PointerMap((root.key, ""))
        self.problems: list[Problem] = []
        self.hoisted: dict[tuple[str, str], str] = {}  # (location, fragment) -> schema name
        self.new_schemas: dict[str, Any] = {}
        self.inlining: list[tuple[str, str]] = []
        self.internal_refs: list[tuple[dict[str, Any], str, str, bool]] = []  # (node, ref, out pointer, is schema)
        existing = _get(root.data, "/" + "/".join(home)) if isinstance(root.data, dict) else None
        self.taken: set[str] = set(existing) if isinstance(existing, dict) else set()

    # -- entry --------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        data = self.root.data
        assert isinstance(data, dict)
        # A root schema that is only a ref to another file gives that file its own name.
        existing = _get(data, self.home_ptr)
        if isinstance(existing, dict):
            for name, schema in existing.items():
                if isinstance(schema, dict) and set(schema) == {"$ref"} and isinstance(schema["$ref"], str) \
                        and not schema["$ref"].startswith("#"):
                    target = self._target(schema["$ref"], self.root, pointer_join(self.home_ptr, name), quiet=True)
                    if target is not None and (target[0].location, target[1]) not in self.hoisted:
                        self.hoisted[(target[0].location, target[1])] = name
        out = self._walk(data, self.root, "", "", "other", 0)
        if self.new_schemas:
            node = out
            for part in self.home:
                node = node.setdefault(part, {}) if isinstance(node, dict) else node
            if isinstance(node, dict):
                for name, schema in self.new_schemas.items():
                    node[name] = schema
        self._check_internal(out)
        return out

    # -- walking ------------------------------------------------------------------------------

    def _walk(self, node: Any, src: Source, fptr: str, optr: str, ctx: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self._problem(Finding.UNREADABLE, src, fptr, f"the document nests deeper than {MAX_DEPTH} levels (or an alias loops)")
            return {}
        if ctx == "data":
            return node  # examples and defaults are data: never followed, never changed
        if isinstance(node, list):
            item_ctx = "schema" if ctx == "schema-list" else ("other" if ctx in ("other", "schema-map") else ctx)
            return [self._walk(v, src, f"{fptr}/{i}", f"{optr}/{i}", item_ctx, depth + 1) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str) and ctx not in ("schema-map", "map"):
            return self._ref(node, src, fptr, optr, ctx, depth)
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = _child_ctx(ctx, key, optr)
            k_f, k_o = pointer_join(fptr, key), pointer_join(optr, key)
            if child == "discriminator" and isinstance(value, dict):
                out[key] = self._discriminator(value, src, k_f, k_o)
            else:
                out[key] = self._walk(value, src, k_f, k_o, child, depth + 1)
        return out

    def _ref(self, node: dict[str, Any], src: Source, fptr: str, optr: str, ctx: str, depth: int) -> Any:
        ref = node["$ref"]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if ref.startswith("#") and src is self.root:
            out = {"$ref": ref}
            for key, value in siblings.items():
                out[key] = self._walk(value, src, pointer_join(fptr, key), pointer_join(optr, key), _child_ctx(ctx, key, optr), depth + 1)
            self.internal_refs.append((out, ref, optr, ctx == "schema"))
            return out
        target = self._target(ref, src, pointer_join(fptr, "$ref"), schema=ctx == "schema")
        if target is None:
            return {UNRESOLVED: ref}
        tsrc, fragment, value = target
        if tsrc is self.root:  # a ref from another file back into the root file
            out = {"$ref": "#" + fragment, **siblings}
            self.internal_refs.append((out, "#" + fragment, optr, ctx == "schema"))
            return out
        if ctx == "schema":
            name = self._hoist(tsrc, fragment, value, depth)
            out = {"$ref": f"#{self.home_ptr}/{_escape(name)}"}
            for key, sib in siblings.items():
                out[key] = self._walk(sib, src, pointer_join(fptr, key), pointer_join(optr, key), _child_ctx("schema", key, optr), depth + 1)
            return out
        marker = (tsrc.location, fragment)
        if marker in self.inlining:
            self._problem(Finding.UNREADABLE, src, pointer_join(fptr, "$ref"), f"$ref {ref!r} refers back to itself through non-schema objects")
            return {}
        self.inlining.append(marker)
        try:
            self.map.record(optr, tsrc.key, fragment)
            result = self._walk(value, tsrc, fragment, optr, ctx, depth + 1)
        finally:
            self.inlining.pop()
        if isinstance(result, dict) and siblings:
            result = {**result, **{k: v for k, v in siblings.items() if k in ("summary", "description")}}
        return result

    def _hoist(self, tsrc: Source, fragment: str, value: Any, depth: int) -> str:
        key = (tsrc.location, fragment)
        name = self.hoisted.get(key)
        if name is None:
            file_name = posixpath.basename(urllib.parse.urlparse(tsrc.location).path) if "://" in tsrc.location \
                else os.path.basename(tsrc.location)
            folder = os.path.basename(os.path.dirname(tsrc.location.rstrip("/")))
            name = naming.bundled_schema_key(file_name, folder, fragment, self.taken | set(self.new_schemas))
            self.hoisted[key] = name
        elif name in self.new_schemas:
            return name
        # (a root schema that is only a ref to this file was pre-registered under its own name;
        # its content lands here and replaces the root entry at the end)
        self.taken.add(name)
        self.new_schemas[name] = {}  # reserved first: a recursive schema finds its own name
        optr = pointer_join(self.home_ptr, name)
        self.map.record(optr, tsrc.key, fragment)
        self.new_schemas[name] = self._walk(value, tsrc, fragment, optr, "schema", depth + 1)
        return name

    def _discriminator(self, value: dict[str, Any], src: Source, fptr: str, optr: str) -> dict[str, Any]:
        out = dict(value)
        mapping = value.get("mapping")
        if isinstance(mapping, dict):
            new: dict[str, Any] = {}
            for tag, ref in mapping.items():
                if isinstance(ref, str) and ("/" in ref or "#" in ref or ref.endswith(tuple(_TEXT_SUFFIXES))) \
                        and not (ref.startswith("#") and src is self.root):
                    resolved = self._ref({"$ref": ref}, src, pointer_join(fptr, "mapping", tag), pointer_join(optr, "mapping", tag), "schema", 0)
                    new[tag] = resolved.get("$ref", ref) if isinstance(resolved, dict) else ref
                else:
                    new[tag] = ref
            out["mapping"] = new
        return out

    # -- reading targets ----------------------------------------------------------------------

    def _target(self, ref: str, src: Source, ref_ptr: str, *, quiet: bool = False, schema: bool = False
                ) -> tuple[Source, str, Any] | None:
        """(source, fragment pointer, node) of a ref, or None (with a problem unless quiet).
        A missing target of a schema ref is a degraded (untyped) schema."""
        outcome, kind = ("typed as Any", Finding.DEGRADED) if schema else ("left out", Finding.LOOSENED)
        address, _, fragment = ref.partition("#")
        fragment = urllib.parse.unquote(fragment)
        if fragment and not fragment.startswith("/"):
            if not quiet:
                self._problem(kind, src, ref_ptr, f"$ref {ref!r}: only JSON pointer fragments are supported; {outcome}")
            return None
        if not address:
            tsrc: Source | None = src
        else:
            tsrc = self._source(address, src, ref_ptr, quiet, _in_extension(ref_ptr), outcome, kind)
        if tsrc is None:
            return None
        node = _get(tsrc.data, fragment)
        if node is _MISSING:
            if not quiet:
                self._problem(kind, src, ref_ptr, f"$ref {ref!r} points to nothing in {tsrc.key}; {outcome}")
            return None
        return tsrc, fragment, node

    def _source(self, address: str, src: Source, ref_ptr: str, quiet: bool, text_ok: bool, outcome: str,
                kind: Finding) -> Source | None:
        base_is_url = "://" in src.location
        scheme = urllib.parse.urlparse(address).scheme
        if scheme and len(scheme) > 1 or base_is_url:  # a URL (a one-letter scheme is a Windows drive)
            location = urllib.parse.urljoin(src.location, address) if base_is_url else address
            if urllib.parse.urlparse(location).scheme not in ("http", "https"):
                if not quiet:
                    self._problem(Finding.UNREADABLE, src, ref_ptr, f"$ref {address!r}: only relative file refs and http(s) URLs are supported")
                return None
            if not self.allow_remote:
                if not quiet:
                    self._problem(Finding.UNREADABLE, src, ref_ptr, f"remote $ref {location!r} refused; pass --allow-remote-refs to fetch it")
                return None
            return self._fetch(location, src, ref_ptr, quiet)
        path = (Path(src.location).parent / urllib.parse.unquote(address)).resolve()
        location = str(path)
        cached = self.by_location.get(location)
        if cached is not None:
            return cached
        try:
            path.relative_to(self.ref_root)
        except ValueError:
            if not quiet:
                self._problem(Finding.UNREADABLE, src, ref_ptr, f"$ref {address!r} leaves the ref root {self.ref_root} "
                                                     "(pass --ref-root to allow a wider folder)")
            return None
        key = os.path.normpath(os.path.join(os.path.dirname(src.key), urllib.parse.unquote(address))) \
            if "://" not in src.key else location
        if not path.is_file():
            if not quiet:
                self._problem(kind, src, ref_ptr, f"$ref {address!r}: file {key} not found; {outcome}")
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            if not quiet:
                self._problem(Finding.UNREADABLE, src, ref_ptr, f"$ref {address!r}: cannot read {path}: {exc.strerror}")
            return None
        return self._parsed(raw, key, location, src, ref_ptr, quiet, text_ok and path.suffix.lower() not in _TEXT_SUFFIXES)

    def _fetch(self, url: str, src: Source, ref_ptr: str, quiet: bool) -> Source | None:
        cached = self.by_location.get(url.split("#")[0])
        if cached is not None:
            return cached
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http(s) only, checked above
                raw = response.read(MAX_BYTES + 1)
        except Exception as exc:  # noqa: BLE001 - any network failure is a problem to report
            if not quiet:
                self._problem(Finding.UNREADABLE, src, ref_ptr, f"cannot fetch $ref {url!r}: {exc}")
            return None
        return self._parsed(raw, url, url.split("#")[0], src, ref_ptr, quiet, False)

    def _parsed(self, raw: bytes, key: str, location: str, src: Source, ref_ptr: str, quiet: bool,
                as_text: bool) -> Source | None:
        if as_text:
            source = Source(key, raw.decode("utf-8", "replace"), raw.decode("utf-8", "replace"), location)
        else:
            try:
                source = parse_source(raw, key, location)
            except SpecError as exc:
                if not quiet:
                    for p in exc.problems:
                        self.problems.append(p)
                    self._problem(Finding.UNREADABLE, src, ref_ptr, f"$ref target {key} cannot be read")
                return None
        self.sources[key] = source
        self.by_location[location] = source
        return source

    # -- after the walk -----------------------------------------------------------------------

    def _check_internal(self, tree: dict[str, Any]) -> None:
        """Internal refs whose target is missing from the bundled tree become warnings."""
        for node, ref, optr, schema in self.internal_refs:
            fragment = urllib.parse.unquote(ref[1:])
            if fragment and not fragment.startswith("/"):
                continue  # a plain-name anchor; left to the validator
            if _get(tree, fragment) is _MISSING:
                file, in_file = self.map.resolve(pointer_join(optr, "$ref"))
                outcome, kind = ("typed as Any", Finding.DEGRADED) if schema else ("left out", Finding.LOOSENED)
                self.problems.append(Problem(LEVELS[kind], in_file, f"$ref {ref!r} points to nothing; {outcome}",
                                             file, self.sources[file].line_of(in_file) if file in self.sources else None,
                                             kind="degraded" if kind is Finding.DEGRADED else "", finding=kind.value))
                node.clear()
                node[UNRESOLVED] = ref

    def _problem(self, finding: Finding, src: Source, ptr: str, message: str) -> None:
        kind = "degraded" if finding is Finding.DEGRADED else ""
        self.problems.append(Problem(LEVELS[finding], ptr, message, src.key, src.line_of(ptr), kind=kind,
                                     finding=finding.value))


_MISSING = object()


def _get(data: Any, pointer: str) -> Any:
    node = pointer_get(data, pointer)
    return _MISSING if node is MISSING else node


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _in_extension(pointer: str) -> bool:
    return any(part.startswith("x-") for part in pointer.split("/"))


def _child_ctx(ctx: str, key: str, optr: str) -> str:
    """What kind of node the value under `key` is, given the kind of its parent."""
    if ctx == "schema":
        if key in _SCHEMA_MAPS:
            return "schema-map"
        if key in _SCHEMA_ONE:
            return "schema"
        if key in _SCHEMA_LISTS:
            return "schema-list"
        if key == "discriminator":
            return "discriminator"
        if key in _DATA_IN_SCHEMA or key.startswith("x-"):
            return "data"
        return "other-in-schema"
    if ctx == "schema-map":
        return "schema"
    if ctx == "other-in-schema":
        return "data"
    # OpenAPI objects
    if key == "schema":
        return "schema"
    if key == "schemas" and optr == "/components":
        return "schema-map"
    if key == "definitions" and optr == "":
        return "schema-map"
    if key == "items":  # Swagger 2.0 parameter and header items
        return "schema"
    if key in ("example", "value"):
        return "data"
    return "other"
