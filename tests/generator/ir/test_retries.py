"""retries.py: retry policies from the spec, defaults from the runtime's RetryConfig."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from generator.emit.render import python
from generator.ir import retries
from generator.ir.model import BackoffIR, RetryIR
from generator.ir.runtime import templates_root

from .util import built, operation, spec


def _runtime_types():  # noqa: ANN202 - the runtime's module, loaded from the templates
    path = templates_root() / "runtime" / "types.py"
    module_spec = importlib.util.spec_from_file_location("_sdkgen_runtime_types", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module
    try:
        module_spec.loader.exec_module(module)
    finally:
        del sys.modules[module_spec.name]
    return module


def test_defaults_are_the_runtimes() -> None:
    types = _runtime_types()
    rendered = python(retries.default_policy())
    namespace = {"RetryConfig": types.RetryConfig, "BackoffStrategy": types.BackoffStrategy}
    assert eval(rendered, namespace) == types.RetryConfig()  # noqa: S307 - source we rendered


def test_policy_fills_in_what_the_spec_leaves_out() -> None:
    assert retries.policy(None) is None
    assert retries.policy({"strategy": "none"}) == RetryIR(none=True)
    assert python(RetryIR(none=True)) == "RetryConfig.none()"
    policy = retries.policy({"backoff": {"initialInterval": 100, "exponent": True}, "statusCodes": [503], "retryConnectionErrors": False})
    assert policy == RetryIR(False, BackoffIR(100, 5000, 1.5, 15000), False, ("503",))
    assert retries.in_words(policy) == ("statuses 503 (not connection errors); first delay 100 ms, times 1.5 each retry, "
                                        "at most 5000 ms, giving up after 15000 ms")


def test_operation_and_sdk_policies(tmp_path: Path) -> None:
    op = {"operationId": "get", "x-sdkgen-retries": {"strategy": "none"}, "responses": {"204": {"description": "none"}}}
    ir, _ = built(spec({"/a": {"get": op}}, **{"x-speakeasy-retries": {"strategy": "backoff"}}), tmp_path)
    assert operation(ir, "get").retries == RetryIR(none=True)
    assert ir.default_retries == retries.default_policy()
