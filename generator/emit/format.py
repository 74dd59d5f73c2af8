"""Formatting of generated Python with black (pinned in pyproject.toml, so output is stable).

black is most of the cost of a cold generation (about 215 KB of source per second and per core),
so `Formatter`:
- caches its output by content (`generator/output/cache.py`: key = sha256 of the source, black's
  version and the mode);
- formats a module made only of an opening (docstring, comments, imports) and simple top-level
  statements (classes, functions, assignments: the models module) statement by statement, with
  black's blank lines between them (`split_module`), so editing one model reformats one model;
- formats what is not cached on every core at once when there is enough of it.
None of this changes a byte of the output: black formats each top-level statement of such a
module on its own (tests/generator/emit/test_format.py checks the pieces against whole-module black).
"""

from __future__ import annotations

import ast
import os
import re
import sys
import time
from typing import Any

from ..output.cache import Cache, key
from .source_lines import source_lines

LINE_LENGTH = 100
TARGET = "py310"
_MODE: Any = None
# Below this much source still to format, one process is faster than starting workers.
POOL_MIN_BYTES = 96 * 1024
ENV_JOBS = "SDKGEN_JOBS"


def _mode() -> Any:
    global _MODE
    if _MODE is None:
        import black
        from black.mode import TargetVersion  # black re-exports it, but not as an explicit public name

        _MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=LINE_LENGTH)
    return _MODE


def prepare_black() -> None:
    """Import black (a tenth of a second) before the pieces that need it are known."""
    _mode()


def black_version() -> str:
    try:
        from _black_version import version  # written by black's build; cheaper than importing black

        return str(version)
    except ImportError:  # pragma: no cover
        import black

        # black sets __version__ by `from _black_version import version as __version__`, which is not
        # an explicit re-export for the type checker; the attribute is there at run time
        return str(getattr(black, "__version__"))


def format_key(source: str) -> str:
    return key("black", black_version(), f"{TARGET}/{LINE_LENGTH}", source)


def format_python(source: str, name: str, cache: Cache | None = None) -> str:
    digest = format_key(source) if cache is not None else ""
    if cache is not None:
        hit = cache.get_text("black", digest)
        if hit is not None:
            return hit
    out = _black(source, name)
    if cache is not None:
        cache.put_text("black", digest, out)
    return out


def _black(source: str, name: str) -> str:
    import black

    try:
        return black.format_str(source, mode=_mode())
    except Exception as exc:  # a template bug, never spec text: spec text only reaches code as literals
        raise RuntimeError(f"generated {name} is not valid Python: {exc}") from exc


def _job(sources: list[str]) -> list[tuple[bool, str]]:
    """Run in a worker process: (True, formatted) or (False, black's complaint) for each source."""
    import black

    out: list[tuple[bool, str]] = []
    for source in sources:
        try:
            out.append((True, black.format_str(source, mode=_mode())))
        except Exception as exc:  # noqa: BLE001 - reported by the parent with the file's name
            out.append((False, str(exc)))
    return out


# --- one top-level statement at a time ------------------------------------------------------------

SPLIT_MIN_BYTES = 8 * 1024  # smaller modules are formatted whole
_COMPOUND = re.compile(r"^(?:if|elif|else|try|except|finally|for|while|with|async|match|case)\b", re.M)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SIMPLE = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Pass)


class _Whole(Exception):
    """The module must be formatted whole."""


def split_module(source: str) -> list[tuple[str, str, int]] | None:
    """(kind, text, blank lines written before it) of each piece of a module: its opening (a
    docstring, comments and imports, ending with an import) and then each top-level statement,
    `def` (functions and classes, with their decorators) or `simple`. None when the module has
    anything else at the top level (compound statements, comments between statements, one-line
    `...` bodies, `# fmt:` directives): then its layout may depend on its neighbours and it is
    formatted whole."""
    if _COMPOUND.search(source) or "fmt:" in source or "fmt :" in source or "\f" in source:
        return None
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return None  # black says what is wrong when it gets the whole module
    opening = _opening(body)
    if opening is None:
        return None
    lines = source_lines(source)
    end = body[opening - 1].end_lineno or 0
    pieces = [("import", "".join(lines[:end]), 0)]
    try:
        for node in body[opening:]:
            end = _add_piece(pieces, node, lines, end)
    except _Whole:
        return None
    if any(line.strip() for line in lines[end:]) or lines[end - 1].rstrip("\r\n").endswith("\\"):
        return None
    return pieces


def _opening(body: list[ast.stmt]) -> int | None:
    """How many statements the opening has (a docstring and imports, ending with an import);
    None when there is no such opening or nothing follows it."""
    opening = 0
    for i, node in enumerate(body):
        docstring = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str)
        if not (docstring or isinstance(node, (ast.Import, ast.ImportFrom))):
            break
        opening = i + 1
    if not opening or opening == len(body) or not isinstance(body[opening - 1], (ast.Import, ast.ImportFrom)):
        return None
    return opening


def _add_piece(pieces: list[tuple[str, str, int]], node: ast.stmt, lines: list[str], end: int) -> int:
    """Add one top-level statement to `pieces`; the line it ends on. Raises _Whole."""
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    gap = lines[end:start - 1]
    if start <= end or any(line.strip() for line in gap) or node.end_lineno is None:
        raise _Whole  # two statements on a line, or comments between them
    text = "".join(lines[start - 1:node.end_lineno])
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        # A lone string (an attribute docstring) stays with the statement it documents:
        # on its own it would be a module docstring to black.
        if pieces[-1][0] != "simple":
            raise _Whole
        kind, before, written = pieces.pop()
        pieces.append((kind, before + "".join(gap) + text, written))
        return node.end_lineno
    pieces.append((_kind(node, gap), text, len(gap)))
    return node.end_lineno


def _kind(node: ast.stmt, gap: list[str]) -> str:
    if isinstance(node, _DEFS):
        if any(isinstance(s, ast.Expr) and s.lineno == node.lineno for s in node.body):
            raise _Whole  # `def f(): ...` on one line: black's blank lines between stubs differ
        if not gap:
            raise _Whole  # no blank line before a def: black keeps none after a stub method
        return "def"
    if isinstance(node, _SIMPLE):
        return "simple"
    raise _Whole


def blank_lines(before: str, kind: str, written: int) -> int:
    """Blank lines black puts between two top-level pieces (black/lines.py, EmptyLineTracker at
    depth 0): two around functions and classes, one after the imports, else what was written,
    at most two."""
    if before == "def" or kind == "def":
        return 2
    if before == "import":
        return 1
    return min(written, 2)


def join_pieces(pieces: list[tuple[str, str, int]], formatted: list[str]) -> str:
    out = [formatted[0]]
    for (before, _, _), (kind, _, written), text in zip(pieces, pieces[1:], formatted[1:]):
        out.append("\n" * blank_lines(before, kind, written) + text)
    return "".join(out)


def default_jobs() -> int:
    configured = os.environ.get(ENV_JOBS, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _can_fork() -> bool:
    import multiprocessing

    # fork: workers start at once with black already imported. Elsewhere (spawn) each worker
    # would import sdkgen and black again, which costs more than it saves on most SDKs.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


BATCH_BYTES = 48 * 1024  # pieces sent to a worker together


class Formatter:
    """black for many files: `add` them, `start()` the workers (the caller can do other work
    meanwhile, then `add` more), and `finish()` for every file's formatted text.

    Each file is cut into pieces (`split_module`; else it is one piece); cached pieces are taken
    from the cache at once, the others formatted in worker processes, largest first, when there
    is enough to do, else here."""

    def __init__(self, cache: Cache | None = None, jobs: int = 1) -> None:
        self.cache = cache
        self.jobs = max(1, jobs)
        self._files: dict[str, list[tuple[str, str, int]]] = {}
        self._owner: dict[str, str] = {}  # piece text -> the first file it came from (for errors)
        self._results: dict[str, str] = {}  # piece text -> black's output
        self._todo: dict[str, str] = {}  # piece text -> cache key
        self._batches: list[tuple[list[str], Any]] = []
        self._submitted: set[str] = set()
        self._pool: Any = None
        self.cached = 0
        self.pieces = 0
        self.workers = 0
        self.seconds = 0.0

    def add(self, name: str, source: str) -> None:
        started = time.perf_counter()
        if name in self._files:
            raise ValueError(f"{name} is formatted twice")
        pieces = split_module(source) if len(source) >= SPLIT_MIN_BYTES else None
        self._files[name] = pieces or [("whole", source, 0)]
        for _, text, _ in self._files[name]:
            self.pieces += 1
            self._owner.setdefault(text, name)
            if text in self._results or text in self._todo:
                continue
            digest = format_key(text) if self.cache is not None else ""
            hit = self.cache.get_text("black", digest) if self.cache is not None else None
            if hit is not None:
                self._results[text] = hit
                self.cached += 1
            else:
                self._todo[text] = digest
        if self._pool is not None:
            self._submit()
        self.seconds += time.perf_counter() - started

    def start(self) -> None:
        """Hand what is queued to worker processes, if it is worth starting them."""
        started = time.perf_counter()
        pending = sum(len(text) for text in self._todo)
        if self._pool is None and self.jobs > 1 and pending >= POOL_MIN_BYTES and _can_fork():
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            import black  # noqa: F401 - imported once here, inherited by the forked workers

            _mode()
            try:
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"))
                self.workers = self.jobs
            except (OSError, ValueError):
                self._pool = None
        if self._pool is not None:
            self._submit()
        self.seconds += time.perf_counter() - started

    def _submit(self) -> None:
        """Queued pieces to the workers, largest first, small ones together."""
        batch: list[str] = []
        size = 0
        for text in sorted((t for t in self._todo if t not in self._submitted), key=len, reverse=True):
            batch.append(text)
            size += len(text)
            if size >= BATCH_BYTES:
                self._batches.append((batch, self._pool.submit(_job, batch)))
                batch, size = [], 0
        if batch:
            self._batches.append((batch, self._pool.submit(_job, batch)))
        self._submitted.update(self._todo)

    def finish(self) -> dict[str, str]:
        started = time.perf_counter()
        try:
            for batch, future in self._batches:
                try:
                    answers = future.result()
                except Exception:  # noqa: BLE001 - a broken pool: format them here instead
                    answers = [(True, _black(text, self._owner[text])) for text in batch]
                for text, (ok, out) in zip(batch, answers):
                    if not ok:
                        raise RuntimeError(f"generated {self._owner[text]} is not valid Python: {out}")
                    self._results[text] = out
            for text in self._todo:
                if text not in self._results:
                    self._results[text] = _black(text, self._owner[text])
            if self.cache is not None:
                for text, digest in self._todo.items():
                    self.cache.put_text("black", digest, self._results[text])
            self._todo.clear()
            return {name: join_pieces(pieces, [self._results[text] for _, text, _ in pieces])
                    for name, pieces in self._files.items()}
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
            self._batches.clear()
            self.seconds += time.perf_counter() - started

    def abandon(self) -> None:
        """Stop the workers; nothing is formatted any more."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._batches.clear()

    def describe(self) -> str:
        workers = f", {self.workers} worker processes" if self.workers else ""
        return f"{len(self._files)} file(s) in {self.pieces} piece(s), {self.cached} from the cache{workers}"
