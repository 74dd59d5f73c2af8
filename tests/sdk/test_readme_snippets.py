"""Every complete Python example of the generated README runs, against the local MKA1 server."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest

import mka1

from ..helpers import ROOT
from ..servers.mka1 import MKA1State

README = (ROOT / "generated" / "README.md").read_text()
# every Python block of the README is a complete program: all of them run
SNIPPETS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_every_operation_has_a_usage_snippet() -> None:
    from generator.ir import build
    from generator.loading.load import load

    ir, _ = build(load(ROOT / "spec" / "mka1.yaml"), package="mka1")
    calls = "\n".join(SNIPPETS)
    for group in ir.groups:
        for op in group.operations:
            assert f"sdk.{group.key}.{op.name}(" in calls, op.name
    assert len(SNIPPETS) >= 20


def test_the_readme_has_the_examples_of_each_feature() -> None:
    text = "\n".join(SNIPPETS)
    for needle in ("auto_paging_iter()", "auto_paging_iter_async()", "next_page()", "RetryConfig.none()",
                   "timeout_ms=", "x_on_behalf_of=", "with_options(", "with_raw_response", "Hooks(",
                   "add_after_response", "errors.SDKError", 'getLogger("mka1")', "strict_responses=True",
                   "errors.ResponseValidationError"):
        assert needle in text, needle
    assert "MKA1_LOG=debug" in README


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_readme_snippet_runs(snippet: str, server: tuple[str, MKA1State], monkeypatch: pytest.MonkeyPatch) -> None:
    url, state = server

    class LocalSDK(mka1.SDK):
        def __init__(self, **kw: Any) -> None:
            kw.setdefault("server_url", url)
            super().__init__(**kw)

    monkeypatch.setattr(mka1, "SDK", LocalSDK)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(snippet, "README.md", "exec"), {"__name__": "__readme__"})
    if re.search(r"\bsdk\.\w+\.", snippet):
        assert state.requests, "the example made no call"
    assert all(r.headers.get("authorization", "").startswith("Bearer ") for r in state.requests)
