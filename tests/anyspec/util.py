"""Helpers of the anyspec tests."""

from __future__ import annotations

from collections.abc import Mapping


def model_source(files: Mapping[str, bytes], package: str) -> str:
    """The generated models as one text: `models.py`, or every module of the `models` package."""
    single = f"{package}/models.py"
    if single in files:
        return files[single].decode()
    prefix = f"{package}/models/"
    return "\n".join(files[p].decode() for p in sorted(files) if p.startswith(prefix) and p.endswith(".py"))
