"""Resource limits for untrusted specs: checked right after parsing, in bounded time and memory.

A YAML alias bomb ("billion laughs") parses into a small object graph whose *expanded* size is
enormous; every later stage walks the expanded tree. So the tree is walked once here, counting
nodes as if expanded and stopping at the first limit crossed.
"""

from __future__ import annotations

from typing import Any

from ..problems import refused

MAX_NODES = 2_000_000  # far above the largest real specs (OpenAI's 3 MB spec has ~400k)
MAX_DEPTH = 200  # real specs nest a few dozen levels at most


def check_shape(data: Any, name: str) -> None:
    nodes = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise refused(f"spec expands to more than {MAX_NODES:,} values "
                          "(YAML aliases repeated into a huge tree?); refused", name)
        if depth > MAX_DEPTH:
            raise refused(f"spec nests deeper than {MAX_DEPTH} levels; refused", name)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
