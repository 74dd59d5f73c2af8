"""Turning call values into wire form: path, query, headers, cookies and bodies.

Pure functions, no I/O. Parameter styles follow OpenAPI 3 (RFC 6570 for path and query).
A value of ``None`` or ``NOT_GIVEN`` means "not sent"; an empty list counts as not sent too
(RFC 6570 treats it as undefined).
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import re
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence
from urllib.parse import quote, urlencode

import pydantic
import pydantic_core

from .errors import InvalidCredentialError
from .model import request_data
from .operation import Param, Security
from .types import NOT_GIVEN

__all__ = [
    "to_jsonable",
    "encode_json",
    "expand_path",
    "serialize_query",
    "encode_query",
    "serialize_headers",
    "serialize_cookies",
    "encode_form",
    "split_multipart",
    "is_file",
    "check_credential",
    "check_credentials",
]

_ARRAYS = (list, tuple, set, frozenset)
_PLAIN = (str, int, float, bool, type(None))


def _given(value: Any) -> bool:
    return value is not None and value is not NOT_GIVEN


# --- JSON -----------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Convert models, enums, dates and containers into plain JSON data.

    ``NOT_GIVEN`` entries of mappings are dropped; ``None`` stays (it is JSON ``null``).
    """
    if type(value) in _PLAIN:  # the common case first: no isinstance chain
        return value
    if isinstance(value, pydantic.BaseModel):
        return request_data(value)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, Mapping):
        return {_text(k): to_jsonable(v) for k, v in value.items() if v is not NOT_GIVEN}
    if isinstance(value, _ARRAYS):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        # OpenAPI `format: byte` is base64 inside JSON.
        return base64.b64encode(value).decode("ascii")
    return pydantic_core.to_jsonable_python(value)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON; NaN and infinities are rejected since they are not JSON."""
    return json.dumps(
        to_jsonable(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


# --- parameter values -----------------------------------------------------------------------


def _text(value: Any) -> str:
    """The wire text of one scalar: booleans lowercase, enums by value, dates ISO 8601."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, enum.Enum):
        return _text(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (Mapping, _ARRAYS, pydantic.BaseModel)):
        # A nested structure has no style of its own; JSON is the only unambiguous choice.
        return json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _shape(value: Any) -> Any:
    """Models become dicts so they can be styled like any object."""
    if isinstance(value, pydantic.BaseModel):
        return to_jsonable(value)
    return value


def _array_items(value: Iterable[Any]) -> list[str]:
    return [_text(v) for v in value if _given(v)]


def _object_items(value: Mapping[Any, Any]) -> list[tuple[str, str]]:
    return [(_text(k), _text(v)) for k, v in value.items() if _given(v)]


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")  # what quote() leaves as it is


def _enc(text: str) -> str:
    # safe="" so "/", "?", "#", "," and "%" inside a value can never change the URL's meaning.
    if _UNRESERVED.fullmatch(text):  # most IDs: nothing to encode, and quote() is slow
        return text
    return quote(text, safe="")


def _same(text: str) -> str:
    return text


def _items(value: Any, explode: bool, enc: Callable[[str], str]) -> list[str]:
    """The encoded pieces of a simple-style value: array items, ``k=v`` (explode) or
    ``k, v`` (no explode) for objects, or the one scalar."""
    if type(value) is str:  # the common case first: one plain string
        return [enc(value)]
    value = _shape(value)
    if isinstance(value, Mapping):
        pairs = _object_items(value)
        if explode:
            return [f"{enc(k)}={enc(v)}" for k, v in pairs]
        return [enc(part) for pair in pairs for part in pair]
    if isinstance(value, _ARRAYS):
        return [enc(v) for v in _array_items(value)]
    return [enc(_text(value))]


def _path_text(param: Param, value: Any) -> str:
    """simple (default), label and matrix styles, with every item percent-encoded."""
    items = _items(value, param.explode, _enc)
    if not items or items == [""]:
        raise ValueError(f"path parameter {param.py_name!r} must not be empty")
    style = param.style
    if style == "label":
        return "." + ("." if param.explode else ",").join(items)
    if style == "matrix":
        name = param.wire_name
        if not param.explode:
            return f";{name}=" + ",".join(items)
        if isinstance(_shape(value), Mapping):
            return "".join(";" + item for item in items)
        return "".join(f";{name}={item}" for item in items)
    joined = ",".join(items)
    # "." and ".." would be dot segments: clients and proxies remove them (/things/.. is /),
    # so the value would address another resource. Encoded, they are plain data.
    return joined.replace(".", "%2E") if joined in (".", "..") else joined


def expand_path(template: str, params: Sequence[Param], values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders. A missing or empty value raises ValueError, because an
    empty segment would silently address a different endpoint (``/things/`` vs ``/things/1``)."""
    path = template
    for param in params:
        if param.location != "path":
            continue
        value = values.get(param.py_name)
        if not _given(value):
            raise ValueError(f"missing required path parameter {param.py_name!r}")
        path = path.replace("{" + param.wire_name + "}", _path_text(param, value))
    return path


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _deep_object(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    value = _shape(value)
    if isinstance(value, Mapping):
        for k, v in value.items():
            if _given(v):
                _deep_object(f"{prefix}[{_text(k)}]", v, out)
    elif isinstance(value, _ARRAYS):
        out.extend((prefix, item) for item in _array_items(value))
    else:
        out.append((prefix, _text(value)))


def _query_pairs(
    name: str, style: str, explode: bool, value: Any, out: list[tuple[str, str]]
) -> None:
    value = _shape(value)
    if style == "deepObject":
        _deep_object(name, value, out)
    elif isinstance(value, Mapping):
        pairs = _object_items(value)
        if explode:
            out.extend(pairs)
        elif pairs:
            out.append((name, ",".join(f"{k},{v}" for k, v in pairs)))
    elif isinstance(value, _ARRAYS):
        items = _array_items(value)
        if explode:
            out.extend((name, item) for item in items)
        elif items:
            out.append((name, _DELIMITERS.get(style, ",").join(items)))
    else:
        out.append((name, _text(value)))


def serialize_query(params: Sequence[Param], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Query parameters as (key, value) pairs in declaration order, not yet percent-encoded."""
    out: list[tuple[str, str]] = []
    for param in params:
        if param.location == "query":
            value = values.get(param.py_name)
            if _given(value):
                _query_pairs(param.wire_name, param.style, param.explode, value, out)
    return out


def encode_query(pairs: Iterable[tuple[str, str]], hide: Collection[str] = ()) -> str:
    """Percent-encode pairs into a query string; values of keys in ``hide`` show as ``***``
    (for logs).

    Commas stay literal because they are the form-style delimiter (``ids=1,2``); any other
    reserved character, spaces and "|" included, is encoded.
    """
    return "&".join(
        f"{quote(k, safe='')}={'***' if k in hide else quote(v, safe=',')}" for k, v in pairs
    )


def serialize_headers(params: Sequence[Param], values: Mapping[str, Any]) -> dict[str, str]:
    """Header parameters in simple style."""
    out: dict[str, str] = {}
    for param in params:
        if param.location == "header":
            value = values.get(param.py_name)
            if _given(value):
                out[param.wire_name] = ",".join(_items(value, param.explode, _same))
    return out


def serialize_cookies(params: Sequence[Param], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Cookie parameters (form style) as name/value pairs, values percent-encoded since
    ";", "," and spaces are not allowed in a cookie value."""
    out: list[tuple[str, str]] = []
    for param in params:
        if param.location == "cookie":
            value = values.get(param.py_name)
            if not _given(value):
                continue
            items = _items(value, param.explode, _enc)
            if param.explode and isinstance(_shape(value), _ARRAYS):
                out.extend((param.wire_name, item) for item in items)
            else:
                out.append((param.wire_name, ",".join(items)))
    return out


# --- form and multipart bodies --------------------------------------------------------------


def _body_fields(data: Any) -> list[tuple[str, Any]]:
    if isinstance(data, pydantic.BaseModel):
        # Python mode keeps file objects as they are; by_alias gives wire names.
        data = request_data(data, mode="python")
    if not isinstance(data, Mapping):
        raise TypeError(f"a form or multipart body must be a mapping, not {type(data).__name__}")
    return [(_text(k), v) for k, v in data.items() if _given(v)]


def encode_form(data: Any) -> bytes:
    """application/x-www-form-urlencoded: arrays repeat their key, objects are JSON text."""
    pairs: list[tuple[str, str]] = []
    for name, value in _body_fields(data):
        value = _shape(value)
        if isinstance(value, _ARRAYS):
            pairs.extend((name, item) for item in _array_items(value))
        else:
            pairs.append((name, _text(value)))
    return urlencode(pairs).encode("ascii")


def is_file(value: Any) -> bool:
    """A multipart file part: a file-like object, raw bytes, or a (filename, content[, type]) tuple."""
    if isinstance(value, (bytes, bytearray, memoryview)) or hasattr(value, "read"):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and (value[0] is None or isinstance(value[0], str))
        and (isinstance(value[1], (bytes, bytearray)) or hasattr(value[1], "read"))
    )


def split_multipart(data: Any) -> tuple[dict[str, str | list[str]], list[tuple[str, Any]]]:
    """Split a multipart body into httpx ``data`` and ``files`` arguments.

    File objects are passed through untouched so httpx streams them in chunks.
    """
    fields: dict[str, str | list[str]] = {}
    files: list[tuple[str, Any]] = []
    for name, value in _body_fields(data):
        items: list[Any] = list(value) if isinstance(value, (list, set, frozenset)) else [value]
        texts: list[str] = []
        for item in items:
            if not _given(item):
                continue
            if is_file(item):
                if isinstance(item, (bytes, bytearray, memoryview)):
                    item = (name, bytes(item))
                files.append((name, item))
            else:
                texts.append(_text(item))
        if texts:
            fields[name] = texts[0] if len(texts) == 1 else texts
    return fields, files


# What a credential may hold: printable ASCII. A line break would end the header and start
# another (header injection), and httpx refuses other characters deep inside a send.
_CREDENTIAL = re.compile(r"[\x20-\x7e]*")


def check_credential(scheme: str, value: Any) -> Any:
    """``value`` if it can be sent; else InvalidCredentialError naming the scheme, never the
    value (it is a secret, and it would reach logs with the error)."""
    if isinstance(value, str) and not _CREDENTIAL.fullmatch(value):
        what = "a line break" if "\n" in value or "\r" in value else "a character that is not printable ASCII"
        raise InvalidCredentialError(
            f"the credential for security scheme {scheme!r} contains {what}; it cannot be sent "
            "in an HTTP header (check for a stray newline, e.g. from a file or an environment "
            "variable)"
        )
    return value


def check_credentials(schemes: Mapping[str, Security], values: Mapping[str, Any]) -> None:
    """Check the credentials given as strings when the client is made (token providers and
    fetched tokens are checked when they are used)."""
    for name, value in values.items():
        if name in schemes:
            check_credential(name, value)
