"""Per-stage wall time of a run, printed by `sdkgen generate --timings` (or `--verbose`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timings:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}

    @contextmanager
    def stage(self, name: str, note: str = "") -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started, note)

    def add(self, name: str, seconds: float, note: str = "") -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        if note:
            self.notes[name] = note

    def note(self, name: str, note: str) -> None:
        self.notes[name] = note

    def render(self) -> str:
        total = time.perf_counter() - self.started
        width = max([len(n) for n in self.seconds] + [5])
        lines = ["sdkgen: timings (wall seconds)"]
        for name, seconds in self.seconds.items():
            note = f"  ({self.notes[name]})" if name in self.notes else ""
            lines.append(f"  {name:<{width}}  {seconds:7.3f}{note}")
        lines.append(f"  {'total':<{width}}  {total:7.3f}  (since the command started)")
        return "\n".join(lines)

