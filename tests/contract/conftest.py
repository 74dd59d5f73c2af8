"""Prism (stoplight/prism-cli) as a mock server for contract tests, on 127.0.0.1.

.ci/run installs Prism into .ci/node; locally: `npm install --prefix .ci/node @stoplight/prism-cli@5.16.0`.
In CI (CI=true) a missing Prism fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ..helpers import ROOT

PRISM_VERSION = "5.16.0"


def prism_binary() -> str:
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "prism"
    if local.exists():
        return str(local)
    found = shutil.which("prism")
    if found:
        return found
    hint = f"Prism is not installed: npm install --prefix .ci/node @stoplight/prism-cli@{PRISM_VERSION}"
    if os.environ.get("CI"):
        pytest.fail(hint)
    pytest.skip(hint)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _drain(proc: subprocess.Popen[str]) -> None:
    if proc.stdout is not None:
        for _ in proc.stdout:
            pass


@contextmanager
def prism(spec: Path) -> Iterator[str]:
    """A Prism mock of `spec`; yields its base URL."""
    binary = prism_binary()
    port = _free_port()
    proc = subprocess.Popen([binary, "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    url = f"http://127.0.0.1:{port}"
    drainer: threading.Thread | None = None
    try:
        deadline = time.monotonic() + 90
        output: list[str] = []
        assert proc.stdout is not None
        while True:
            line = proc.stdout.readline()
            if line:
                output.append(line)
                if "Prism is listening" in line:
                    break
            elif proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Prism did not start:\n" + "".join(output[-40:]))
        # keep draining its output so it never blocks on a full pipe
        drainer = threading.Thread(target=_drain, args=(proc,), daemon=True)
        drainer.start()
        httpx.get(url + "/", timeout=10)  # any answer: the server is up
        yield url
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # Prism and the node process it may start
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if drainer is not None:
            drainer.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
