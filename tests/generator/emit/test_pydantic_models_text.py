"""The models sdkgen writes itself are, byte for byte, what datamodel-code-generator + the tag
dispatch rewrite + black wrote: our spec, the golden specs, the corpus, random schemas."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


from ...security.test_fuzz import COMPONENTS, schema
from .model_oracle import canonical, deviation, explain, fuzz_input, inputs, models_input, oracle, oracle_text, ours
from .schema_strategies import COMPONENTS as RICH

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
    args = fuzz_input(tmp_path_factory, components, version)
    if args is None:
        return
    try:
        expected = oracle(*args)
    except Exception:  # the old path refused the schemas: nothing to compare with
        return
    actual = ours(*args)
    if actual != expected and deviation(expected, args[0]) is None:
        assert canonical(actual) == canonical(expected), explain(expected, actual)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(components=RICH, version=st.sampled_from(["3.0.3", "3.1.0"]))
def test_rich_random_schemas_text_equal(tmp_path_factory: Any, components: dict[str, Any], version: str) -> None:
    """As above, with objects, ``allOf``, discriminators, constraints and defaults
    (``schema_strategies.py``)."""
    args = fuzz_input(tmp_path_factory, components, version)
    if args is None:
        return
    try:
        expected = oracle(*args)
    except Exception:  # the old path refused the schemas: nothing to compare with
        return
    actual = ours(*args)
    if actual != expected and deviation(expected, args[0]) is None:
        assert canonical(actual) == canonical(expected), explain(expected, actual)
