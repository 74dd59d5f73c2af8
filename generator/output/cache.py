"""A persistent, content-addressed cache of what is slow to make and never changes for the same
input: black's output, datamodel-code-generator's output, the spec validator's findings, and the
result of a whole run (so `sdkgen check` on an unchanged spec is read + hash + compare).

Where it lives: `--cache-dir DIR`, else `$SDKGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sdkgen`, else
`~/.cache/sdkgen`. `--no-cache` (or `SDKGEN_CACHE_DIR=off`) runs without it.

Rules that keep it safe:
- every key is a sha256 of everything its value depends on: the input, the versions of the
  tools (black, datamodel-code-generator, openapi-spec-validator), of Python and of sdkgen's own
  code (`code_fingerprint`), and the options. A hit is what a fresh computation gives, so output
  is byte-identical with and without the cache (tests/generator/output/test_cache.py);
- entries are written to a temporary file and renamed into place, so a reader never sees half an
  entry; each one starts with the sha256 of its payload, and a missing, unreadable, truncated or
  corrupt entry is a miss (and is removed);
- it is an optimisation only: when the folder cannot be created or written, the run goes on
  without it. Entries unused for 30 days are pruned (at most once a day).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ENV_DIR = "SDKGEN_CACHE_DIR"
_LAYOUT = "v1"  # bump when the entry format changes
_MAGIC = b"sdkgen-cache/1 "
_MAX_AGE = 30 * 24 * 3600
_PRUNE_EVERY = 24 * 3600


def default_dir() -> Path | None:
    """The cache folder from the environment; None when the cache is turned off there."""
    configured = os.environ.get(ENV_DIR)
    if configured is not None:
        if configured.strip().lower() in ("", "0", "off", "none", "false"):
            return None
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "sdkgen"


def key(*parts: object) -> str:
    """sha256 of the parts, each length-prefixed (so no two different part lists collide).
    str and bytes are taken as they are; anything else as its canonical JSON."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8", "surrogatepass")
        else:
            data = canonical_json(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def canonical_json(value: Any) -> str:
    """JSON text of a value, in its own key order (order matters to the model generator), without
    insignificant whitespace. Raises TypeError for values JSON cannot hold."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Cache:
    """Entries of one kind (`black`, `models`, `validate`, `run`, `blob`) under `root/v1/kind/`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self._writable = True
        self._wrote = False

    def _path(self, kind: str, digest: str) -> Path:
        return self.root / _LAYOUT / kind / digest[:2] / digest[2:]

    def get(self, kind: str, digest: str) -> bytes | None:
        path = self._path(kind, digest)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses[kind] += 1
            return None
        head, sep, payload = raw.partition(b"\n")
        if (not sep or not head.startswith(_MAGIC)
                or head[len(_MAGIC):] != hashlib.sha256(payload).hexdigest().encode("ascii")):
            self.misses[kind] += 1
            self._discard(path)
            return None
        self.hits[kind] += 1
        try:  # recently used entries survive pruning
            os.utime(path)
        except OSError:
            pass
        return payload

    def put(self, kind: str, digest: str, payload: bytes) -> None:
        if not self._writable:
            return
        path = self._path(kind, digest)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n")
                    out.write(payload)
                os.replace(tmp, path)
            except BaseException:
                self._discard(Path(tmp))
                raise
        except OSError:
            self._writable = False  # read-only or full: go on without storing
            return
        self._wrote = True

    def get_text(self, kind: str, digest: str) -> str | None:
        payload = self.get(kind, digest)
        if payload is None:
            return None
        try:
            return payload.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None

    def put_text(self, kind: str, digest: str, text: str) -> None:
        self.put(kind, digest, text.encode("utf-8", "surrogatepass"))

    def get_json(self, kind: str, digest: str) -> Any:
        text = self.get_text(kind, digest)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def put_json(self, kind: str, digest: str, value: Any) -> None:
        self.put_text(kind, digest, canonical_json(value))

    def get_blob(self, digest: str) -> bytes | None:
        """A file's content by its sha256 (checked)."""
        payload = self.get("blob", digest)
        if payload is not None and hashlib.sha256(payload).hexdigest() != digest:
            return None
        return payload

    def put_blob(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        if not self._path("blob", digest).is_file():
            self.put("blob", digest, content)
        return digest

    def summary(self) -> str:
        kinds = sorted(set(self.hits) | set(self.misses))
        return ", ".join(f"{k} {self.hits[k]} hit(s) / {self.misses[k]} miss(es)" for k in kinds) or "not used"

    def close(self) -> None:
        """Prune entries unused for 30 days, at most once a day, and only after a run that stored
        something."""
        if not self._wrote:
            return
        marker = self.root / _LAYOUT / ".pruned"
        now = time.time()
        try:
            if now - marker.stat().st_mtime < _PRUNE_EVERY:
                return
        except OSError:
            pass
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            return
        for folder, _, names in os.walk(self.root / _LAYOUT):
            for name in names:
                path = Path(folder) / name
                try:
                    if now - path.stat().st_mtime > _MAX_AGE:
                        path.unlink()
                except OSError:
                    pass

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass


def open_cache(directory: Path | None = None, *, enabled: bool = True) -> Cache | None:
    """The cache for this run: `directory` (--cache-dir), else the environment's; None when off."""
    if not enabled:
        return None
    root = directory if directory is not None else default_dir()
    return Cache(root) if root is not None else None


_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """sdkgen's version, its source and templates, and the Python that runs it: part of every key
    whose value depends on sdkgen's own code (any edit to the generator invalidates those)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from .. import __version__

        here = Path(__file__).resolve().parent.parent  # the generator package
        roots = [here] + [t for t in (here / "templates", here.parent / "templates") if t.is_dir()]
        h = hashlib.sha256(f"{__version__}\0{sys.implementation.name}\0{sys.version_info[:2]}".encode())
        for root in roots:
            for path in sorted(root.rglob("*")):
                if "__pycache__" in path.parts or path.suffix not in (".py", ".j2", ".toml", ".md", ".typed") \
                        or not path.is_file():
                    continue
                if root == here and "templates" in path.relative_to(here).parts:
                    continue  # the bundled templates are hashed as their own root
                h.update(path.relative_to(root).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def tool_version(dist: str) -> str:
    """Installed version of a pinned tool (without importing it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"
