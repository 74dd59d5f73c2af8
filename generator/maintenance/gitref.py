"""Read a spec as committed at a git ref (for `sdkgen diff --base REF`): a load-stage helper."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from ..problems import refused


@contextmanager
def spec_at(ref: str, spec: Path) -> Iterator[Path]:
    """Export the spec's folder as it was at `ref` (so relative $refs still resolve)."""
    spec = spec.resolve()
    try:
        top = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=spec.parent, check=True,
                                  capture_output=True, text=True).stdout.strip())
        folder = spec.parent.relative_to(top).as_posix() or "."
        archive = subprocess.run(["git", "archive", "--format=tar", ref, "--", folder], cwd=top, check=True,
                                 capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as exc:
        detail = getattr(exc, "stderr", b"") or str(exc)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise refused(f"cannot read {spec.name} at {ref!r}: {detail.strip()}", str(spec)) from None
    with tempfile.TemporaryDirectory(prefix="sdkgen-base-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        old = Path(tmp) / spec.relative_to(top)
        if not old.is_file():
            raise refused(f"{spec.relative_to(top)} does not exist at {ref!r}", str(spec))
        yield old
