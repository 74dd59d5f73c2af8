"""Reading the spec's tree while building: tolerant accessors, our extensions, media types."""

from __future__ import annotations

import re
from typing import Any

from .model import MediaKind

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = re.compile(r"^application/([\w.+-]+\+)?json(;.*)?$|^\*/\*$")
# Speakeasy's names of our extensions, for specs written for it.
_SPEAKEASY = {"group": "x-speakeasy-group", "name": "x-speakeasy-name-override", "retries": "x-speakeasy-retries",
              "timeout-ms": "x-speakeasy-timeout", "pagination": "x-speakeasy-pagination"}


def ext(node: dict[str, Any], name: str) -> Any:
    """Our extension `x-sdkgen-NAME`, else Speakeasy's equivalent for specs written for it."""
    value = node.get(f"x-sdkgen-{name}")
    if value is None and name in _SPEAKEASY:
        value = node.get(_SPEAKEASY[name])
    return value


def as_dict(value: Any) -> dict[Any, Any]:
    """`value` if it is a mapping, else a new empty one (a missing or malformed part of the document)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """`value` if it is a list, else a new empty one."""
    return value if isinstance(value, list) else []


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def quiet_deref(data: dict[str, Any], node: Any) -> dict[str, Any]:
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


def json_path_field(path: Any) -> str | None:
    """`$.last_id` -> "last_id"; None for anything deeper or not a path."""
    if isinstance(path, str) and re.fullmatch(r"\$\.[A-Za-z_][\w-]*", path):
        return path[2:]
    return None


def pick_media(content: dict[str, Any]) -> tuple[str, MediaKind]:
    """The media type a request body is sent as, and its kind: JSON first, then multipart or
    form, then text, else the first one (binary, or JSON for `*/*`)."""
    for media in content:
        if JSON.match(str(media)) and media != "*/*":
            return media, MediaKind.JSON
    for media in content:
        m = str(media)
        if m.startswith("multipart/"):
            return media, MediaKind.MULTIPART
        if m == "application/x-www-form-urlencoded":
            return media, MediaKind.FORM
    for media in content:
        if str(media).startswith("text/"):
            return media, MediaKind.TEXT
    first = next(iter(content))
    return first, MediaKind.JSON if first == "*/*" else MediaKind.BINARY


def pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.1.0"
