"""A progress display for long runs: the stage being worked on, on one terminal line.

Shown only when stderr is a terminal and the run is not `--quiet`; in CI logs and pipes the
output stays exactly as without it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .timings import Timings


class ProgressTimings(Timings):
    """Timings that also show each stage as it starts, with the stages done so far."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self._stream = stream or sys.stderr
        self._done = 0

    @contextmanager
    def stage(self, name: str, note: str = "") -> Iterator[None]:
        elapsed = time.perf_counter() - self.started
        self._stream.write(f"\r\x1b[K[sdkgen] {self._done} stages done ({elapsed:.1f}s) · {name}…")
        self._stream.flush()
        try:
            with super().stage(name, note):
                yield
        finally:
            self._done += 1

    def finish(self) -> None:
        self._stream.write("\r\x1b[K")
        self._stream.flush()


def timings_for(quiet: bool, stream: TextIO | None = None) -> Timings:
    out: TextIO = stream or sys.stderr
    return ProgressTimings(out) if not quiet and out.isatty() else Timings()
