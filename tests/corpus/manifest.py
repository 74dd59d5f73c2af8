"""The corpus (vendored from the shared one) as its MANIFEST lists it: one entry per document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..helpers import CORPUS


@dataclass(frozen=True)
class CorpusDoc:
    name: str
    root: Path  # the root file
    version: str  # "3.0.0", "3.1.0", "2.0 (Swagger)"
    operations: int
    valid: bool  # openapi-spec-validator's verdict, as recorded in the MANIFEST

    @property
    def package(self) -> str:
        return re.sub(r"[^a-z0-9_]", "_", self.name.lower()) + "_sdk"


def corpus_docs() -> list[CorpusDoc]:
    """Rows of the MANIFEST's table: | name | `root file` | OpenAPI | size | ops | … | validator |"""
    manifest = CORPUS / "MANIFEST.md"
    if not manifest.is_file():
        return []
    docs: list[CorpusDoc] = []
    for line in manifest.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 11 or not cells[1].startswith("`"):
            continue
        docs.append(CorpusDoc(
            name=cells[0],
            root=CORPUS / cells[1].strip("`"),
            version=cells[2],
            operations=int(cells[4]),
            valid=cells[-1].startswith("accepted"),
        ))
    return docs
