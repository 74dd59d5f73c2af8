"""Issue 13 on the runtime core against the real test server: a key sent in the query string
stays out of every log line and error, httpx's own request log included."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest

KEY = "qk-secret-query-key-4242"


def key_core(rt: SimpleNamespace, server: str) -> Any:
    return rt.client.ClientCore(
        models_module=rt.models.__name__,
        errors_module=rt.errors_mod.__name__,
        server_url=server,
        security=(rt.operation.Security("queryKey", "apiKey", "", "query", "api_key"),),
        security_values={"queryKey": KEY},
        logger_name="test.faults",
        retry_config=rt.types.RetryConfig.none(),
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_query_key_is_masked_in_debug_logs_of_a_401(
    rt: SimpleNamespace, server: str, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    core = key_core(rt, server)
    failing = rt.operation.Operation(operation_id="getStatus", method="GET", path="/status/401")

    async def call_async() -> None:
        try:
            await core.request_async(failing)
        finally:
            await core.aclose()

    with caplog.at_level(logging.DEBUG):  # every logger, httpx's and httpcore's included
        with pytest.raises(rt.errors.AuthenticationError) as info:
            core.request(failing) if mode == "sync" else asyncio.run(call_async())
        core.close()
    assert "api_key=***" in caplog.text  # the SDK's own line and httpx's "HTTP Request:" line
    assert any(r.name == "httpx" and "api_key=***" in r.getMessage() for r in caplog.records)
    assert KEY not in caplog.text and KEY not in str(info.value)
    assert info.value.raw_response.request.url.params["api_key"] == KEY  # it was sent
