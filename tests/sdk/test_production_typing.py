"""The production features are typed for users: pages, items, raw responses, with_options, hooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..helpers import ROOT

USAGE = '''
from typing import assert_type

import httpx

from mka1 import SDK, HookContext, Hooks, RawResponse, models
from mka1._runtime.sse import AsyncEventStream, EventStream


def before(request: httpx.Request, ctx: HookContext) -> None:
    request.headers["x"] = ctx.operation_id


def use(sdk: SDK) -> None:
    page = sdk.llm.responses.list_input_items(response_id="resp_abc123")
    assert_type(page.next_page(), models.InputItemListObject | None)
    for item in page.auto_paging_iter():
        assert_type(item, models.Item)
    for resp in sdk.llm.responses.list().auto_paging_iter():
        assert_type(resp, models.ResponseObject)
    raw = sdk.llm.responses.with_raw_response.get(response_id="r")
    assert_type(raw, RawResponse[models.ResponseObject])
    assert_type(raw.parse(), models.ResponseObject)
    assert_type(raw.status_code, int)
    streamed = sdk.llm.responses.with_raw_response.get(response_id="r", stream=True)
    assert_type(streamed.parse(), EventStream[models.ResponseStreamingEvent])
    user = sdk.with_options(x_on_behalf_of="u", timeout_ms=5, http_headers={"a": "b"})
    assert_type(user, SDK)
    sdk.hooks.add_before_request(before)
    SDK(bearer_auth="t", x_on_behalf_of="u", hooks=Hooks(before_request=[before]))


async def use_async(sdk: SDK) -> None:
    page = await sdk.llm.responses.list_async()
    assert_type(await page.next_page_async(), models.ResponseListObject | None)
    async for resp in page.auto_paging_iter_async():
        assert_type(resp, models.ResponseObject)
    raw = await sdk.llm.responses.with_raw_response.create_async(model="m", stream=True)
    assert_type(raw.parse(), AsyncEventStream[models.ResponseStreamingEvent])
'''


def test_user_code_gets_precise_types(tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(USAGE)
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run([str(pyright), "--pythonpath", sys.executable, str(ROOT / "generated" / "mka1" / "__init__.py"),
                          str(usage)], cwd=ROOT / "generated", capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors" in run.stdout
