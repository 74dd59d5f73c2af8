"""A hostile OpenAPI document: every string a spec can carry tries to run code.

Each payload, if it ever became code, would create a marker file named after its position.
"""

from __future__ import annotations

from typing import Any


def payloads(marker_dir: str, tag: str) -> list[str]:
    """Strings that would run `touch <marker_dir>/<tag>-<n>` if they ever became Python code."""
    code = lambda n: f"__import__('pathlib').Path({marker_dir + '/' + tag + '-' + str(n)!r}).touch()"  # noqa: E731
    return [
        f'"""\n{code(1)}\n"""',
        f"'''\n{code(2)}\n'''",
        f"\\\"; {code(3)}; \\\"",
        f"\" + {code(4)} + \"",
        f"' + {code(5)} + '",
        f"x\n{code(6)}\n#",
        f"\\N{{LATIN SMALL LETTER A}}\\\"\"\"\n{code(7)}\n",
        f"{{{{ {code(8)} }}}} {{% raw %}}{{%",
        f"\x00\r\n{code(9)}",
        f"\\\n{code(10)}",
    ]


def hostile_spec(marker_dir: str) -> dict[str, Any]:
    p = lambda tag: payloads(marker_dir, tag)  # noqa: E731
    desc = "\n".join(p("desc"))
    enum_values = p("enum")
    props: dict[str, Any] = {
        name: {"type": "string", "description": d, "default": dflt, "title": t, "example": ex}
        for name, d, dflt, t, ex in zip(p("prop"), p("pdesc"), p("default"), p("title"), p("example"))
    }
    props["class"] = {"type": "string", "enum": enum_values, "pattern": p("pattern")[0]}
    props["__init__"] = {"type": "integer", "const": 3}
    props["x" * 300] = {"type": "boolean"}
    props["import"] = {"type": "object", "additionalProperties": {"type": "string"}, "description": p("adesc")[0]}
    params = [
        {"name": n, "in": loc, "description": d, "schema": {"type": "string", "default": dflt, "enum": [dflt, "ok"]}}
        for n, d, dflt, loc in zip(p("param"), p("pd"), p("pdefault"), ["query", "header", "cookie", "query"] * 3)
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": p("title")[0], "version": "1.0.0", "description": desc},
        "servers": [{"url": f"http://127.0.0.1:9/{p('server')[3]}", "description": p("sdesc")[0]}],
        "x-sdkgen-retries": {"strategy": p("ext")[0]},
        "tags": [{"name": p("tag")[0], "description": p("tagdesc")[0]}],
        "components": {
            "securitySchemes": {p("scheme")[0]: {"type": "apiKey", "in": "header", "name": p("hdr")[0]}},
            "schemas": {
                p("schema")[0]: {"type": "object", "description": desc, "properties": props},
                "Evil": {"oneOf": [{"$ref": f"#/components/schemas/{_esc(p('schema')[0])}"}, {"type": "string", "const": p("const")[0]}]},
            },
        },
        "paths": {
            f"/items/{{{p('pathparam')[0]}}}": {
                "get": {
                    "operationId": p("opid")[4],
                    "summary": p("summary")[0],
                    "description": desc,
                    "tags": [p("tag")[0]],
                    "x-sdkgen-name": p("name")[1],
                    "x-sdkgen-group": p("group")[2],
                    "x-sdkgen-timeout-ms": p("timeout")[0],
                    "parameters": [{"name": p("pathparam")[0], "in": "path", "required": True, "schema": {"type": "string"}}] + params,
                    "responses": {
                        "200": {"description": p("rdesc")[0], "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{_esc(p('schema')[0])}"}}}},
                        "418": {"description": p("edesc")[0], "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evil"}}}},
                    },
                },
                "post": {
                    "operationId": p("opid")[0],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{_esc(p('schema')[0])}"}}}},
                    "responses": {"204": {"description": p("r2")[1]}},
                },
            }
        },
    }


def _esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
