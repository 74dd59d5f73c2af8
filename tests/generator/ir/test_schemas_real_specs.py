"""Schema normalisation for real specs: names from context, defaults that break their schema,
formats, compositions inheritance cannot express, and what is degraded (and reported)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator import naming
from generator.ir import build
from generator.loading.load import load
from generator.pipeline import generate

from ...anyspec.util import model_source


def _build(tmp_path: Path, schemas: dict[str, Any], version: str = "3.0.3") -> tuple[dict[str, Any], list[Any]]:
    spec = {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    ir, problems = build(load(path), package="t")
    return ir.models_doc["components"]["schemas"], problems


def test_model_names_never_hold_underscores() -> None:
    assert naming.class_name("InvoiceRequest_lines") == "InvoiceRequestLines"
    assert naming.class_name("Field") == "FieldModel"
    assert naming.class_name("ResponseMCPCallInProgressEvent") == "ResponseMCPCallInProgressEvent"
    assert naming.class_name("2fa-settings") == "N2faSettings"
    assert naming.model_name("list") == "ListModel"
    assert naming.bundled_schema_key("Error.yaml", "common", "", {"Error"}) == "CommonError"
    assert naming.bundled_schema_key("defs.json", "x", "/definitions/Pet", set()) == "Pet"


def test_defaults_that_break_their_schema(tmp_path: Path) -> None:
    schemas, problems = _build(tmp_path, {"Params": {"type": "object", "properties": {
        "max_tokens": {"type": "integer", "default": "1024", "nullable": True},
        "stream": {"type": "boolean", "default": "false"},
        "seed": {"type": "integer", "default": "null", "nullable": True},
        "name": {"type": "string", "default": "null", "nullable": True},
        "grammar": {"allOf": [{"$ref": "#/components/schemas/G"}], "default": "null", "nullable": True},
        "size": {"type": "integer", "default": "big"},
    }}, "G": {"type": "object", "properties": {"g": {"type": "string"}}}})
    props = schemas["Params"]["properties"]
    assert props["max_tokens"]["default"] == 1024 and props["stream"]["default"] is False
    assert props["seed"]["default"] is None and props["name"]["default"] is None and props["grammar"]["default"] is None
    assert "default" not in props["size"]
    messages = sorted(p.message for p in problems if p.level == "warning")
    assert "default 'big' does not match the schema's type; ignored" in messages
    assert len(messages) == 6


def test_formats_that_need_no_extra_dependency(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {"T": {"type": "object", "properties": {
        "when": {"type": "string", "format": "date-time"}, "id": {"type": "string", "format": "ulid"},
        "mail": {"type": "string", "format": "email"}, "site": {"type": "string", "format": "uri"},
        "pw": {"type": "string", "format": "password"}, "n": {"type": "integer", "format": "int64"}}}})
    props = schemas["T"]["properties"]
    assert props["when"]["format"] == "date-time" and props["n"]["format"] == "int64"
    assert all("format" not in props[k] for k in ("id", "mail", "site", "pw"))


def test_exclusive_bounds_of_30_become_31_numbers(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {"T": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1}})
    assert schemas["T"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}


def test_allof_with_a_single_ref_is_a_use_of_it(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {
        "Status": {"type": "string", "enum": ["a", "b"]},
        "Order": {"type": "object", "properties": {
            "status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "readOnly": True, "description": "d"},
            "previous": {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": True}}}})
    props = schemas["Order"]["properties"]
    assert props["status"] == {"$ref": "#/components/schemas/Status", "description": "d"}
    assert props["previous"] == {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]}
    assert sorted(schemas) == ["Order", "Status"]  # no hoisted copy named after the property


def test_allof_over_a_union_becomes_a_union_of_merged_objects(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {
        "Body": {"oneOf": [
            {"type": "object", "required": ["content"], "properties": {"content": {"type": "string"}}},
            {"type": "object", "required": ["tool_calls"], "properties": {"tool_calls": {"type": "array", "items": {"type": "string"}}}}]},
        "Message": {"allOf": [{"$ref": "#/components/schemas/Body"},
                              {"type": "object", "required": ["role"], "properties": {"role": {"type": "string"}}}]}})
    assert schemas["Body"]["oneOf"] == [{"$ref": "#/components/schemas/BodyWithContent"},
                                        {"$ref": "#/components/schemas/BodyWithToolCalls"}]
    assert schemas["Message"] == {"oneOf": [{"$ref": "#/components/schemas/MessageWithContent"},
                                            {"$ref": "#/components/schemas/MessageWithToolCalls"}]}
    merged = schemas["MessageWithContent"]
    assert set(merged["properties"]) == {"content", "role"} and merged["required"] == ["content", "role"]


def test_allof_that_redeclares_a_property_is_merged(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {
        "Update": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
        "Create": {"allOf": [{"$ref": "#/components/schemas/Update"},
                             {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}]},
        "Plain": {"allOf": [{"$ref": "#/components/schemas/Update"},
                            {"type": "object", "properties": {"extra": {"type": "string"}}}]}})
    assert schemas["Create"] == {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                                 "required": ["id"]}
    assert "allOf" in schemas["Plain"]  # no clash: stays a subclass


def test_untyped_keywords_are_reported_as_degraded(tmp_path: Path) -> None:
    schemas, problems = _build(tmp_path, {"T": {"type": "object", "properties": {
        "a": {"type": "string", "not": {"enum": ["x"]}},
        "b": {"enum": [1.5, 2.5]},
        "m": {"type": "object", "propertyNames": {"maxLength": 3}, "additionalProperties": {"type": "string"}}}}}, "3.1.0")
    degraded = sorted((p.pointer, p.level) for p in problems if p.kind == "degraded")
    assert degraded == [("/components/schemas/T/properties/a/not", "warning"),
                        ("/components/schemas/T/properties/b/enum", "warning")]
    assert any(p.level == "note" and "property names" in p.message for p in problems)


def test_constrained_scalars_in_lists_and_maps_get_names_from_context(tmp_path: Path) -> None:
    schemas, _ = _build(tmp_path, {"Track": {"type": "object", "properties": {
        "pitches": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}},
        "meta": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 5}}}}})
    assert schemas["Track"]["properties"]["pitches"]["items"] == {"$ref": "#/components/schemas/TrackPitchesItem"}
    assert schemas["Track"]["properties"]["meta"]["additionalProperties"] == {"$ref": "#/components/schemas/TrackMetaValue"}


def test_every_model_the_generator_writes_is_named_by_sdkgen(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": {
        "Field": {"type": "object", "properties": {"from": {"type": "string"}}},
        "Odd_name": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string", "pattern": "^a"}}}},
    }}}))
    models = model_source(generate(spec, package="t").files, "t")
    assert "class FieldModel(BaseModel):" in models and "class OddName(BaseModel):" in models
    assert 'OddNameTagsItem = TypeAliasType(' in models
