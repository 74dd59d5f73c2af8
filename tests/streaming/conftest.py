"""Fixtures of the streaming tests: a throwaway package around the runtime (as in an SDK), a
real uvicorn server for it, and the generated MKA1 SDK against its stand-in server."""

from __future__ import annotations

import importlib
import logging
import shutil
import sys
import textwrap
import types
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ..helpers import ROOT
from ..servers.live import serve_server
from ..servers.mka1 import MKA1State, build_app
from . import app as stream_app

MODELS_PY = """
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, RootModel

from ._runtime.model import BaseModel


class Delta(BaseModel):
    type: Literal["delta"]
    seq: int
    text: str = ""


class Done(BaseModel):
    type: Literal["done"]
    seq: int


class Event(RootModel[Annotated[Union[Delta, Done], Field(discriminator="type")]]):
    pass


class Aliased(BaseModel):
    type: Literal["delta"]
    position: int = Field(alias="Position")


class AliasedDone(BaseModel):
    type: Literal["done"]
    position: int = Field(alias="Position")


class AliasedEvent(RootModel[Annotated[Union[Aliased, AliasedDone], Field(discriminator="type")]]):
    pass
"""


class _QuietDrops(logging.Filter):
    """uvicorn logs every injected connection drop with a traceback; keep the output readable."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        seen: set[int] = set()  # a chain of causes can loop back on itself
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            if type(exc).__name__ == "DroppedConnection":
                return False
            group = getattr(exc, "exceptions", None)
            exc = group[0] if group else exc.__cause__ or exc.__context__
        return True


@pytest.fixture(scope="session", autouse=True)
def _quiet_uvicorn() -> Iterator[None]:
    logger = logging.getLogger("uvicorn.error")
    quiet = _QuietDrops()
    logger.addFilter(quiet)
    yield
    logger.removeFilter(quiet)


@pytest.fixture(scope="session")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.SimpleNamespace]:
    """The runtime inside a fresh package ``streampkg_<hex>``, with the models above."""
    root = tmp_path_factory.mktemp("streampkg")
    name = "streampkg_" + uuid.uuid4().hex[:8]
    package = root / name
    shutil.copytree(ROOT / "templates" / "runtime", package / "_runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(textwrap.dedent(MODELS_PY))
    (package / "errors.py").write_text("")
    sys.path.insert(0, str(root))
    try:
        yield types.SimpleNamespace(
            name=name,
            models=importlib.import_module(f"{name}.models"),
            client=importlib.import_module(f"{name}._runtime.client"),
            operation=importlib.import_module(f"{name}._runtime.operation"),
            sse=importlib.import_module(f"{name}._runtime.sse"),
            errors=importlib.import_module(f"{name}._runtime.errors"),
            model=importlib.import_module(f"{name}._runtime.model"),
        )
    finally:
        sys.path.remove(str(root))
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[mod]


@pytest.fixture(scope="session")
def _stream_server() -> Iterator[tuple[str, Any]]:
    with serve_server(stream_app.app) as (url, server):
        yield url, server


@pytest.fixture
def server(_stream_server: tuple[str, Any]) -> str:
    stream_app.STATE.reset()
    return _stream_server[0]


@pytest.fixture
def uvicorn_server(_stream_server: tuple[str, Any]) -> Any:
    return _stream_server[1]


@pytest.fixture
def state() -> stream_app.State:
    return stream_app.STATE


@pytest.fixture
def make_core(pkg: types.SimpleNamespace, server: str) -> Iterator[Any]:
    """Build ClientCores on the test server; they are closed after the test."""
    cores: list[Any] = []

    def make(**kwargs: Any) -> Any:
        core = pkg.client.ClientCore(
            models_module=f"{pkg.name}.models",
            errors_module=f"{pkg.name}.errors",
            server_url=server,
            **kwargs,
        )
        cores.append(core)
        return core

    yield make
    for core in cores:
        core.close()


# --- the generated MKA1 SDK ------------------------------------------------------------------


@pytest.fixture(scope="session")
def _mka1_server() -> Iterator[tuple[str, MKA1State]]:
    sys.path.insert(0, str(ROOT / "generated"))
    state = MKA1State()
    with serve_server(build_app(state)) as (url, _):
        yield url, state


@pytest.fixture
def mka1(_mka1_server: tuple[str, MKA1State]) -> tuple[str, MKA1State]:
    url, state = _mka1_server
    state.requests.clear()
    state.fail_with.clear()
    state.patch.clear()
    state.extra_frames.clear()
    state.drop_after.clear()
    state.drop_mode = "break"
    return url, state
