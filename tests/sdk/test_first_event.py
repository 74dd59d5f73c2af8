"""Issue 15, item 5, "first streamed event": the MKA1 stream's events are parsed by their tag, and
only the model module of each event type a stream carries is imported. Every event type still
arrives as its own model, sync and async; the union still validates inside other models."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
import yaml

from mka1 import SDK, models

from ..helpers import ROOT
from ..servers.mka1 import MKA1State, sse_frame

TOKEN = "sk-first-event"
TERMINAL = {"response.completed", "response.failed", "response.incomplete", "response.cancelled", "error"}


def _examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(member model, tag, a payload that fits its schema) for every member of the union, in
    the spec's order, with growing negative sequence numbers (before the server's own events)."""
    from generator.ir.examples import value_for

    spec = yaml.safe_load((ROOT / "spec" / "mka1.yaml").read_text())
    schemas = spec["components"]["schemas"]

    def deref(node: Any) -> dict[str, Any]:
        while isinstance(node, dict) and "$ref" in node:
            node = schemas[node["$ref"].rsplit("/", 1)[1]]
        return node

    out = []
    for n, ref in enumerate(schemas["ResponseStreamingEvent"]["oneOf"]):
        name = ref["$ref"].rsplit("/", 1)[1]
        payload = value_for(ref, deref)
        payload["sequence_number"] = n - 1000
        out.append((name, payload["type"], payload))
    return out


EXAMPLES = _examples()


def test_every_event_type_parses_to_its_member_strictly() -> None:
    from mka1._runtime.model import Models

    parser = Models("mka1.models", logging.getLogger("first-event"))
    assert len(EXAMPLES) == len(models._DISPATCH["ResponseStreamingEvent"][1]) == 70
    for name, tag, payload in EXAMPLES:
        event = parser.parse_event("ResponseStreamingEvent", json.dumps(payload), tag, strict=True)
        assert type(event).__name__ == name and event.type == tag
        assert type(event) is getattr(models, name)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_streams_deliver_every_event_type(server: tuple[str, MKA1State], mode: str) -> None:
    url, state = server
    sent = [(name, payload) for name, tag, payload in EXAMPLES if tag not in TERMINAL]
    state.extra_frames[:] = [sse_frame(payload) for _, payload in sent]
    kw: dict[str, Any] = {"bearer_auth": TOKEN, "server_url": url, "strict_responses": True}
    if mode == "sync":
        with SDK(**kw) as sdk, sdk.llm.responses.get(response_id="resp_fe1", stream=True) as events:
            got = list(events)
    else:
        async def main() -> list[Any]:
            async with SDK(**kw) as sdk:
                stream = await sdk.llm.responses.get_async(response_id="resp_fe1", stream=True)
                async with stream as events:
                    return [event async for event in events]

        got = asyncio.run(main())
    assert [type(e).__name__ for e in got[: len(sent)]] == [name for name, _ in sent]
    assert got[-1].type == "response.completed"


def test_a_fresh_process_imports_only_the_event_it_parses() -> None:
    payload = next(p for _, tag, p in EXAMPLES if tag == "response.output_text.delta")
    code = textwrap.dedent(f"""
        import logging, sys
        from mka1 import SDK
        from mka1._runtime.model import Models
        parser = Models("mka1.models", logging.getLogger("x"))
        before = set(sys.modules)
        event = parser.parse_event("ResponseStreamingEvent", {json.dumps(payload)!r}, "response.output_text.delta")
        new = sorted(m for m in set(sys.modules) - before if m.startswith("mka1.models."))
        print(type(event).__name__, new)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split(" ", 1) == [
        "ResponseOutputTextDeltaEvent",
        "['mka1.models._log_prob_token', 'mka1.models._response_output_text_delta_event']\n",
    ]


def test_the_union_still_validates_inside_other_models() -> None:
    payloads = [p for _, _, p in EXAMPLES]
    for payload in payloads:
        envelope = models.ResponseStreamEnvelope.model_validate({"event": payload["type"], "data": payload})
        assert envelope.data.type == payload["type"]
    item = next(p for _, tag, p in EXAMPLES if tag == "response.output_item.added")
    event = models.ResponseOutputItemAddedEvent.model_validate_json(json.dumps(item))
    assert type(event.item).__name__ in models.__all__  # the Item union inside an event
