"""A synthetic OpenAPI 3.1 document with N operations, to show that an SDK's first call does
not grow with the size of the API.

Operation k (0 <= k < N) is ``GET /r{group}/things{j}/{thing_id}`` in resource group
``r{group}`` (``ops_per_group`` operations per group), method ``get{j}``, returning its own
schema ``Thing{k}`` (so the SDK has N operations and N models). The benchmark server answers
every such path with the same small JSON object.

    python benchmarks/synth_spec.py 1000 out.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def build(operations: int, ops_per_group: int = 20) -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    for k in range(operations):
        group, j = divmod(k, ops_per_group)
        schema = f"Thing{k}"
        paths[f"/r{group:03d}/things{j:02d}/{{thing_id}}"] = {
            "get": {
                "operationId": f"getThing{k}",
                "summary": f"Get thing {k}",
                "x-sdkgen-group": f"r{group:03d}",
                "x-sdkgen-name": f"get{j:02d}",
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The thing.",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                        },
                    }
                },
            }
        }
        schemas[schema] = {
            "type": "object",
            "description": f"Thing number {k}.",
            "required": ["id", "object"],
            "properties": {
                "id": {"type": "string"},
                "object": {"type": "string"},
                "created_at": {"type": "integer"},
                "status": {"type": "string", "enum": ["ok", "failed", f"state{k}"]},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "note": {"type": ["string", "null"]},
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic API with {operations} operations", "version": "1.0.0"},
        "servers": [{"url": "http://127.0.0.1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def first_call_path(operations: int, ops_per_group: int = 20) -> str:
    """``group.method`` of an operation in the middle of the API (what the cold run calls)."""
    k = operations // 2
    group, j = divmod(k, ops_per_group)
    return f"r{group:03d}.get{j:02d}"


def write(operations: int, path: Path) -> Path:
    path.write_text(json.dumps(build(operations), indent=1))
    return path


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
