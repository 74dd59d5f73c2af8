"""Emit stage: turn the IR into a `FileSet` (relative path → bytes). No disk writes here."""

from .fileset import FileSet
from .package import emit, models_worker

__all__ = ["FileSet", "emit", "models_worker"]
