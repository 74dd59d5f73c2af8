"""Load stage: read a spec safely into a `Document`. One of the two stages that touch the disk.

What loading does, in order:

1. Parse the root file (YAML or JSON, safe loader, size-capped). Mapping keys are kept as the
   text written in the file (`200:` is the string "200"), and dates stay strings, so the tree
   is plain JSON data.
2. Bundle: relative external `$ref`s are read and made internal (`bundle.py`).
   Schemas are hoisted into the document's schemas under names taken from their file names;
   everything else is inlined where it is referenced.
3. Swagger 2.0 is converted to OpenAPI 3.0 (`swagger2.py`).

Problems found on the way are kept on the document (`doc.load_problems`). Every pointer used by
later stages refers to the final tree; `doc.problem()` maps it back to the file and the
pointer inside that file where the user can find the thing, with its line.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Finding, finding, refused
from .bundle import bundle
from .source import Document, read_source
from .swagger2 import convert


def load(path: str | Path, *, allow_remote_refs: bool = False, ref_root: str | Path | None = None) -> Document:
    """Read, bundle and (for Swagger 2.0) convert a spec.

    `ref_root`: external `$ref`s may only reach files inside this folder; by default the
    folder that contains the spec's folder (so `spec/api.yaml` may use `../common/x.yaml`).
    URLs are refused unless `allow_remote_refs`.
    """
    path = Path(path)
    root = read_source(path, str(path))
    if not isinstance(root.data, dict):
        raise refused("spec root must be a mapping", str(path), 1)
    root_dir = Path(ref_root) if ref_root is not None else path.resolve().parent.parent
    version = str(root.data.get("openapi") or root.data.get("swagger") or "")
    is_v2 = version.startswith("2")
    bundled, sources, bundle_map, problems = bundle(
        root, schemas_home=("definitions",) if is_v2 else ("components", "schemas"),
        ref_root=root_dir.resolve(), allow_remote=allow_remote_refs)
    doc = Document(path=path, text=root.text, data=bundled, sources=sources, source_data=bundled,
                   source_version=version, _bundle_map=bundle_map)
    doc.load_problems.extend(problems)
    if is_v2:
        converted, convert_map, notes = convert(bundled)
        doc.data = converted
        doc._convert_map = convert_map
        doc.load_problems.append(finding(doc.source_problem, Finding.CONVERTED, "/swagger",
                                         "Swagger 2.0 document converted to OpenAPI 3.0 on load"))
        doc.load_problems.extend(finding(doc.source_problem, kind, ptr, msg) for kind, ptr, msg in notes)
    return doc
