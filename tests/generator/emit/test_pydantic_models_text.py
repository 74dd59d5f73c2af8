"""The models sdkgen writes itself are, byte for byte, what datamodel-code-generator + the tag
dispatch rewrite + black wrote: our spec, the golden specs, the corpus, random schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ir import build
from generator.loading.load import load
from generator.problems import SpecError

from ...security.test_fuzz import COMPONENTS, schema
from .model_oracle import canonical, deviation, explain, inputs, models_input, oracle, oracle_text, ours

INPUTS = inputs()


@pytest.mark.parametrize("item", INPUTS, ids=[i.name for i in INPUTS])
def test_text_equal_to_the_old_path(item: Any) -> None:
    expected, actual = oracle_text(item.path, item.package), ours(*models_input(item.path, item.package))
    assert actual == expected, explain(expected, actual)


def test_no_schemas() -> None:
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "0"}, "paths": {}, "components": {"schemas": {}}}
    assert ours(doc, "pkg", ()) == oracle(doc, "pkg", ())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(components=st.lists(schema, min_size=len(COMPONENTS), max_size=len(COMPONENTS)),
       version=st.sampled_from(["3.0.3", "3.1.0"]))
def test_random_schemas_text_equal(tmp_path_factory: Any, components: list[Any], version: str) -> None:
    """Equal text, except where ``pydantic_models``'s docstring documents a deviation: then
    equal modulo that deviation (and the instance test below checks the behaviour)."""
    args = _fuzz_input(tmp_path_factory, components, version)
    if args is None:
        return
    expected, actual = oracle(*args), ours(*args)
    if actual == expected:
        return
    if deviation(expected, args[0]) is not None:
        return
    assert canonical(actual) == canonical(expected), explain(expected, actual)


def _fuzz_input(tmp_path_factory: Any, components: list[Any], version: str) -> tuple[Any, ...] | None:
    doc = {
        "openapi": version,
        "info": {"title": "fuzz", "version": "1.0.0"},
        "paths": {"/things": {"post": {
            "operationId": "makeThing",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alpha"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alpha"}}}}},
        }}},
        "components": {"schemas": dict(zip(COMPONENTS, components))},
    }
    spec = tmp_path_factory.mktemp("fuzz") / "spec.json"
    spec.write_text(json.dumps(doc))
    try:
        ir, _ = build(load(spec), package="fuzz_sdk")
    except SpecError:
        return None
    return ir.models_doc, ir.package, tuple(ir.page_models)
