"""The output of emit: the generated files, in memory, in a fixed order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass
class FileSet(Mapping[str, bytes]):
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, content: str | bytes) -> None:
        if path in self.files:
            raise ValueError(f"two generated files share the path {path!r}")
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content

    def __getitem__(self, path: str) -> bytes:
        return self.files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def __len__(self) -> int:
        return len(self.files)

    def digest(self, path: str) -> str:
        return hashlib.sha256(self.files[path]).hexdigest()
