"""Fixtures for behaviour tests of the committed generated SDK (`generated/`, import name mka1)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from ..helpers import ROOT
from ..servers.live import serve
from ..servers.mka1 import MKA1State, build_app

sys.path.insert(0, str(ROOT / "generated"))


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[str, MKA1State]]:
    state = MKA1State()
    with serve(build_app(state)) as url:
        yield url, state


@pytest.fixture
def server(_server: tuple[str, MKA1State]) -> tuple[str, MKA1State]:
    url, state = _server
    state.requests.clear()
    state.fail_with.clear()
    state.patch.clear()
    state.extra_frames.clear()
    state.drop_after.clear()
    state.drop_mode = "break"
    state.fail_headers = None
    state.delay = 0.0
    state.list_total = 0
    state.canned.clear()
    return url, state
