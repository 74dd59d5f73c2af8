"""Fixtures for the runtime tests.

The runtime only works as a subpackage (relative imports, models looked up by module name),
so the tests build a throwaway package around a copy of templates/runtime/, the same way the
generator places it in an SDK, and run a real uvicorn server for behaviour tests.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
import types
import uuid
from pathlib import Path
from typing import Iterator

import pytest

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "templates" / "runtime"
MODULES = (
    "types", "operation", "serialize", "retries", "sse", "errors", "model", "client",
    "hooks", "pagination", "raw", "log",
)

MODELS_PY = """
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, RootModel

from ._runtime.model import BaseModel


class Thing(BaseModel):
    id: str
    name: str | None = None
    count: int = 0
    display_name: str | None = Field(default=None, alias="displayName")
    echo: dict[str, Any] | None = None


class ThingList(RootModel[list[Thing]]):
    pass


class ErrorBody(BaseModel):
    message: str
    code: str | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class TextDelta(BaseModel):
    type: Literal["text.delta"]
    sequence_number: int
    delta: str


class Completed(BaseModel):
    type: Literal["completed"]
    sequence_number: int


class Event(RootModel[Annotated[Union[TextDelta, Completed], Field(discriminator="type")]]):
    pass
"""

ERRORS_PY = """
from __future__ import annotations

from typing import TYPE_CHECKING

from ._runtime.errors import InternalServerError, NotFoundError, SDKError

if TYPE_CHECKING:
    from . import models


class ThingNotFound(NotFoundError):
    data: models.ErrorEnvelope


class ClientProblem(SDKError):
    data: models.ErrorEnvelope


class ServerProblem(InternalServerError):
    pass


class AnyProblem(SDKError):
    pass
"""


@pytest.fixture(scope="session")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.SimpleNamespace]:
    """The runtime modules of a fresh package ``rtpkg_<hex>``, plus its models and errors."""
    root = tmp_path_factory.mktemp("rtpkg")
    name = "rtpkg_" + uuid.uuid4().hex[:8]
    pkg = root / name
    shutil.copytree(RUNTIME_DIR, pkg / "_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(textwrap.dedent(MODELS_PY))
    (pkg / "errors.py").write_text(textwrap.dedent(ERRORS_PY))
    sys.path.insert(0, str(root))
    try:
        ns = types.SimpleNamespace(
            name=name,
            runtime=importlib.import_module(f"{name}._runtime"),
            models=importlib.import_module(f"{name}.models"),
            errors_mod=importlib.import_module(f"{name}.errors"),
            **{m: importlib.import_module(f"{name}._runtime.{m}") for m in MODULES},
        )
        yield ns
    finally:
        sys.path.remove(str(root))
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[mod]


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of the test app served by uvicorn on an ephemeral port."""
    from .app import serve

    with serve() as base_url:
        yield base_url


@pytest.fixture()
def state() -> object:
    from .app import STATE

    STATE.reset()
    return STATE
