"""The order of the models in the module, and the classes that need ``model_rebuild()``.

datamodel-code-generator's ``keep_model_order``: models sorted by name; a model moves after
the models its definition reads when the module is imported (its base classes; for a type
alias, every model its value names); models on a cycle of such reads stay together; a stable
topological sort, ties broken by the sorted position.
"""

from __future__ import annotations

import heapq
from typing import Any

from .pydantic_types import TypeWriter, refs_of


def _deps(schemas: dict[str, Any], writer: TypeWriter) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    strong: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        if writer.is_class(schema):
            strong[name] = {b for b in writer.bases_of(schema) if b in schemas and b != name}
            every[name] = set(strong[name])
        else:
            strong[name] = set()
            every[name] = {r for r in refs_of(schema) if r in schemas and r != name}
    return strong, every


def _sccs(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        work = [(v, iter(sorted(edges[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)

    for v in nodes:
        if v not in index:
            connect(v)
    return out


def _toposort(nodes: list[Any], deps: dict[Any, set[Any]], key: dict[Any, int]) -> list[Any]:
    """Dependencies first; among the ready ones, the smallest key first."""
    waiting = {n: len(deps[n]) for n in nodes}
    users: dict[Any, list[Any]] = {n: [] for n in nodes}
    for n in nodes:
        for d in deps[n]:
            users[d].append(n)
    ready = [(key[n], n) for n in nodes if waiting[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, n = heapq.heappop(ready)
        out.append(n)
        for u in users[n]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, (key[u], u))
    out += sorted((n for n in nodes if n not in out), key=key.__getitem__)
    return out


def model_order(schemas: dict[str, Any], writer: TypeWriter) -> list[str]:
    names = sorted(schemas)
    position = {n: i for i, n in enumerate(names)}
    strong, every = _deps(schemas, writer)
    comps = [sorted(c, key=position.__getitem__) for c in _sccs(names, every)]
    comps.sort(key=lambda c: position[c[0]])
    comp_of = {n: i for i, c in enumerate(comps) for n in c}
    comp_deps = {i: {comp_of[d] for n in c for d in every[n]} - {i} for i, c in enumerate(comps)}
    comp_key = {i: position[c[0]] for i, c in enumerate(comps)}
    out: list[str] = []
    for i in _toposort(list(range(len(comps))), comp_deps, comp_key):
        members = comps[i]
        if len(members) > 1:
            among = set(members)
            members = _toposort(members, {n: strong[n] & among for n in members}, position)
        out += members
    return out


def rebuilt_models(schemas: dict[str, Any], writer: TypeWriter, order: list[str]) -> list[str]:
    """Classes that need ``X.model_rebuild()`` at the end of the module, in module order: those
    datamodel-code-generator marks for an update (see ``_marked``) that refer to themselves or to
    a model written after them, and every class built on one of those."""
    refs = {n: {r for r in refs_of(schemas[n]) if r in schemas} for n in order}
    marked = _marked(schemas, writer, refs)
    position = {n: i for i, n in enumerate(order)}
    needed = {n for n in marked if any(r == n or position[r] > position[n] for r in refs[n])}
    strong, _ = _deps(schemas, writer)
    changed = True
    while changed:
        changed = False
        for n in order:
            if n not in needed and strong[n] & needed:
                needed.add(n)
                changed = True
    return [n for n in order if n in needed]


def _marked(schemas: dict[str, Any], writer: TypeWriter, refs: dict[str, set[str]]) -> set[str]:
    """Classes that refer to themselves, and the classes left over by the passes (on or behind
    a cycle) that, taken in turn, refer to a model not yet placed or are built on a marked one."""
    placed, stalled = writer.parse_passes()
    marked = {n for n in placed if n in refs[n] and writer.is_class(schemas[n])}
    strong, _ = _deps(schemas, writer)
    stalled = _by_bases(stalled, strong)
    done = set(placed)
    for n in stalled:
        waiting = refs[n] - {n} - done
        done.add(n)
        if (waiting or strong[n] & marked) and writer.is_class(schemas[n]):
            marked.add(n)
    return marked


def _by_bases(models: list[str], strong: dict[str, set[str]]) -> list[str]:
    """Stable sort by the position of the last base among ``models``, to a fixed point."""
    seen: set[tuple[str, ...]] = set()
    while True:
        index = {n: i for i, n in enumerate(models)}
        ranked = sorted(models, key=lambda n: max((index[b] for b in strong[n] if b in index), default=-1))
        if ranked == models or tuple(ranked) in seen:
            return models
        seen.add(tuple(ranked))
        models = ranked
