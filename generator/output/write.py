"""Write stage: put a FileSet on disk atomically, and compare one with what is on disk.

Rules that keep user files safe:
- every path is checked to stay inside the output folder (no `..`, no absolute paths, no
  symlinked parents pointing elsewhere);
- files are staged in a temporary folder first; nothing in the output changes unless every
  file was staged;
- only files listed in the previous run's manifest (`.sdkgen-manifest`) are ever deleted;
- paths matched by `.sdkgen-ignore` in the output folder are never written or deleted.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..emit.fileset import FileSet

MANIFEST = ".sdkgen-manifest"
IGNORE_FILE = ".sdkgen-ignore"


class WriteError(Exception):
    pass


@dataclass
class Drift:
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra)


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts or any(p in ("", ".") for p in rel.parts):
        raise WriteError(f"refusing to write outside the output folder: {path!r}")
    return rel


def _ignored(out: Path) -> list[str]:
    try:
        lines = (out / IGNORE_FILE).read_text("utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _is_ignored(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) or rel.startswith(p.rstrip("/") + "/") for p in patterns)


def _previous_manifest(out: Path) -> list[str]:
    try:
        lines = (out / MANIFEST).read_text("utf-8").splitlines()
    except OSError:
        return []
    return [line.split("  ", 1)[1] for line in lines if "  " in line and not line.startswith("#")]


def manifest_text(files: FileSet) -> str:
    lines = ["# Files written by sdkgen; only these are ever replaced or removed by it."]
    lines += [f"{files.digest(p)}  {p}" for p in files]
    return "\n".join(lines) + "\n"


def _check_inside(out: Path, target: Path) -> None:
    resolved_out = out.resolve()
    parent = target.parent
    while True:
        if parent.is_symlink():
            raise WriteError(f"refusing to write through the symlink {parent}")
        if parent == out or parent == parent.parent:
            break
        parent = parent.parent
    if target.is_symlink():
        raise WriteError(f"refusing to overwrite the symlink {target}")
    try:
        target.resolve().relative_to(resolved_out)
    except ValueError:
        raise WriteError(f"refusing to write outside the output folder: {target}") from None


def write(files: FileSet, out: Path) -> list[str]:
    """Write the files; return the relative paths that changed (written or removed)."""
    out.mkdir(parents=True, exist_ok=True)
    if out.is_symlink():
        raise WriteError(f"output folder {out} is a symlink")
    ignore = _ignored(out)
    planned = {p: _safe_relative(p) for p in files if not _is_ignored(p, ignore)}
    changed: list[str] = []
    staging = Path(tempfile.mkdtemp(prefix=".sdkgen-staging-", dir=out))
    try:
        for path, rel in planned.items():
            target = out / rel
            _check_inside(out, target)
            if target.is_file() and target.read_bytes() == files[path]:
                continue
            staged = staging / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(files[path])
            changed.append(path)
        (staging / MANIFEST).write_text(manifest_text(files), "utf-8")
        # Everything is staged: now swap in, each file with an atomic rename.
        for path in changed:
            target = out / planned[path]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / planned[path], target)
        removed = [p for p in _previous_manifest(out) if p not in files and not _is_ignored(p, ignore)]
        for path in removed:
            target = out / _safe_relative(path)
            _check_inside(out, target)
            if target.is_file():
                target.unlink()
                changed.append(path)
                _prune_empty(target.parent, out)
        os.replace(staging / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(changed)


def _prune_empty(folder: Path, out: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def compare(files: FileSet, out: Path) -> Drift:
    """What `write` would change, without writing."""
    drift = Drift()
    ignore = _ignored(out)
    for path in files:
        if _is_ignored(path, ignore):
            continue
        target = out / _safe_relative(path)
        if not target.is_file():
            drift.missing.append(path)
        elif target.read_bytes() != files[path]:
            drift.stale.append(path)
    drift.extra = [p for p in _previous_manifest(out) if p not in files and (out / p).is_file() and not _is_ignored(p, ignore)]
    return drift


def read_text(out: Path, path: str) -> str | None:
    try:
        return (out / _safe_relative(path)).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def stage(out: Path, changed: list[str]) -> None:
    """Stage what a run wrote or removed (and the manifest) in the git repository around `out`."""
    import subprocess

    targets = [out / _safe_relative(p) for p in changed] + [out / MANIFEST]
    present = [str(t) for t in targets if t.exists()]
    gone = [str(t) for t in targets if not t.exists()]
    commands = []
    if present:
        commands.append(["git", "add", "--", *present])
    if gone:
        commands.append(["git", "rm", "--cached", "--quiet", "--ignore-unmatch", "--", *gone])
    for command in commands:
        result = subprocess.run(command, cwd=out, capture_output=True, text=True)
        if result.returncode != 0:
            raise WriteError(f"{' '.join(command[:2])} failed: {result.stderr.strip()}")
