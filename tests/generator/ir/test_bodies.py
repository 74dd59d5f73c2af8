"""bodies.py: request bodies as arguments and Body descriptors."""

from __future__ import annotations

from pathlib import Path

from generator.emit.render import body_value, python
from generator.ir.model import MediaKind

from .util import built, operation, spec

OK = {"204": {"description": "none"}}


def _op(content: dict[str, object], required: bool = True) -> dict[str, object]:
    return {"post": {"operationId": "make", "requestBody": {"required": required, "content": content}, "responses": OK}}


def test_json_object_body_becomes_keyword_arguments(tmp_path: Path) -> None:
    schema = {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "note": {"type": ["string", "null"]}, "count": {"type": "integer"}}}
    ir, _ = built(spec({"/a": _op({"application/json": {"schema": schema}})}), tmp_path)
    op = operation(ir, "make")
    assert op.body is not None and op.body.kind is MediaKind.JSON
    assert op.body.fields == (("name", "name"), ("note", "note"), ("count", "count"))
    assert op.body.nullable == ("note",)
    assert python(op.body) == "Body('application/json', 'json', nullable=frozenset({'note', }))"
    assert body_value(op.body) == "{'name': name, 'note': note, 'count': count, }"
    assert op.signatures[0].args == ("name: str", "note: str | None | NotGiven = NOT_GIVEN", "count: int | None = None")


def test_binary_body_is_one_argument(tmp_path: Path) -> None:
    ir, _ = built(spec({"/a": _op({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}, False)}), tmp_path)
    body = operation(ir, "make").body
    assert body is not None and (body.kind, body.single_arg) == (MediaKind.BINARY, "content")
    assert body_value(body) == "content"
    assert operation(ir, "make").signatures[0].args == ("content: bytes | IO[bytes] | Iterator[bytes] | None = None",)


def test_media_kinds(tmp_path: Path) -> None:
    form = {"type": "object", "properties": {"a": {"type": "string"}}}
    for media, kind in (("multipart/form-data", MediaKind.MULTIPART), ("application/x-www-form-urlencoded", MediaKind.FORM),
                        ("text/plain", MediaKind.TEXT), ("*/*", MediaKind.JSON)):
        ir, _ = built(spec({"/a": _op({media: {"schema": form}})}), tmp_path / kind.value)
        body = operation(ir, "make").body
        assert body is not None and body.kind is kind
