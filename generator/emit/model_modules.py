"""Split the models module into one module per group of models, loaded on first use.

datamodel-code-generator writes every model into one module; importing it builds every
pydantic class of the API, so the first call of a 1,000-operation SDK would pay for all of
them. Here that module (already formatted) is cut into its top-level statements and regrouped:
one private module per strongly connected component of the graph of references between models
(models in a reference cycle stay together, with their ``model_rebuild()`` calls), named by
``naming.model_module`` after the group's first model. Each module imports exactly the modules
of the models it refers to, so importing one model imports what it needs and nothing else.

``models/__init__.py`` exposes every name through a module ``__getattr__`` (PEP 562) that
imports the right module on first access, plus a ``TYPE_CHECKING`` block of explicit imports
for type checkers and editors.

A union that a method names (a stream's events, say) whose members are models told apart by a
tag (``Field(discriminator=...)`` or ``tag_dispatch`` without fallback) is *dispatched*: each
member keeps a module of its own, and ``models/__init__.py`` lists the union's tags in
``_DISPATCH`` (union -> (JSON key, tag -> member names)), so the runtime can parse an event
into the member its tag names while importing only that member's module.

The pieces are cut from black's output and the glue is written in black's style, so the
modules need no second formatting pass.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .. import naming
from .source_lines import source_lines

LINE_LENGTH = 100
_INIT_DOC = '''"""Models of the API.

Each model lives in a private module of this package and is imported on first use:
``models.Name`` or ``from {package}.models import Name`` loads that model and the models it
refers to, nothing else.
"""'''
_MODULE_DOC = '"""Models of the API; import them from ``{package}.models``."""'


@dataclass
class _Unit:
    """One top-level definition: its source text, the names it defines and uses."""

    names: list[str]
    text: str
    uses: set[str] = field(default_factory=set)
    after: list[str] = field(default_factory=list)  # statements that must follow the group
    fields: set[str] = field(default_factory=set)  # a class's field names


def split_models(source: str, package: str, header: str, roots: frozenset[str] = frozenset()) -> dict[str, str]:
    """Files of the ``models`` package (paths relative to the package folder) from the source
    of one formatted models module. ``header`` is the generated-file comment; ``roots`` are the
    models the SDK's methods name (results, events, errors, arguments): each keeps a module of
    its own."""
    tree = ast.parse(source)
    lines = source_lines(source)
    imports = _imports(tree)
    units = _units(tree, lines)
    dispatch = _dispatched(tree, roots - _nested(units, roots))
    members = frozenset(n for _, table in dispatch.values() for names in table.values() for n in names)
    plan = _Plan.of(units, roots | members)
    files = {f"models/{plan.name_of[h]}.py": _module(package, header, [plan.units[i] for i in plan.own(h)], imports,
                                                       plan.local_imports(h), _eager(plan.groups, group, plan.units))
             for h, group in sorted(plan.modules.items())}
    files["models/__init__.py"] = _init(package, header, plan.exported(), dispatch)
    return files


# --- dispatched unions ------------------------------------------------------------------------

_Dispatch = dict[str, tuple[str, dict[object, tuple[str, ...]]]]  # union -> (JSON key, tag -> members)


def _nested(units: list[_Unit], roots: frozenset[str]) -> set[str]:
    """Names that models the methods name contain (at any depth): pydantic validates these
    inside their container, so the runtime never dispatches them by their tag."""
    uses = {name: unit.uses for unit in units for name in unit.names}
    seen: set[str] = set()
    stack = [n for root in roots for n in uses.get(root, ())]
    while stack:
        name = stack.pop()
        if name not in seen and name in uses:
            seen.add(name)
            stack.extend(uses[name])
    return seen


def _dispatched(tree: ast.Module, roots: frozenset[str]) -> _Dispatch:
    """The unions (among ``roots``: named by methods, and parsed at the top level only) whose
    members are all models told apart by a tag."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    out: _Dispatch = {}
    for node in tree.body:
        union = _alias_union(node)
        if union is None or union[0] not in roots:
            continue
        name, members, meta = union
        found = _tag_table(members, meta, classes)
        if found is not None:
            out[name] = found
    return out


def _alias_union(node: ast.stmt) -> tuple[str, list[str], ast.expr] | None:
    """(name, member names, metadata) of ``X = TypeAliasType("X", Annotated[A | B, meta])``."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
        return None
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "TypeAliasType"
            and len(call.args) == 2):
        return None
    value = call.args[1]
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id == "Annotated"
            and isinstance(value.slice, ast.Tuple) and len(value.slice.elts) == 2):
        return None
    members = _union_names(value.slice.elts[0])
    if members is None:
        return None
    return node.targets[0].id, members, value.slice.elts[1]


def _union_names(expr: ast.expr) -> list[str] | None:
    """``A | B | C`` as names; None when a member is not a plain name."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        left, right = _union_names(expr.left), _union_names(expr.right)
        return None if left is None or right is None else left + right
    return [expr.id] if isinstance(expr, ast.Name) else None


def _tag_table(members: list[str], meta: ast.expr, classes: dict[str, ast.ClassDef]
               ) -> tuple[str, dict[object, tuple[str, ...]]] | None:
    """(JSON key, tag -> members) of a union whose metadata is ``Field(discriminator=...)`` or a
    ``tag_dispatch`` without fallback, when every member is a class with a literal tag."""
    if not (isinstance(meta, ast.Call) and isinstance(meta.func, ast.Name)):
        return None
    keywords = {k.arg: k.value for k in meta.keywords}
    if meta.func.id == "Field" and isinstance(keywords.get("discriminator"), ast.Constant):
        attr = keywords["discriminator"].value  # type: ignore[union-attr]
    elif meta.func.id == "tag_dispatch" and "fallback" not in keywords and meta.args:
        attr = ast.literal_eval(keywords.get("attr", meta.args[0]))
    else:
        return None
    key = attr
    table: dict[object, tuple[str, ...]] = {}
    for member in members:
        found = _member_tags(classes.get(member), attr)
        if not found:
            return None
        alias, tags = found
        key = alias or attr
        for tag in tags:
            table[tag] = (*table.get(tag, ()), member)
    return str(key), table


def _member_tags(node: ast.ClassDef | None, attr: str) -> tuple[str | None, list[object]] | None:
    """(alias, literal values) of the field ``attr`` of a model class."""
    for stmt in node.body if node is not None else []:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
            parts = [n for n in ast.walk(stmt) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                     and n.value.id == "Literal"]
            values: list[object] = [c.value for p in parts for c in ast.walk(p.slice) if isinstance(c, ast.Constant)]
            aliases = [str(k.value.value) for n in ast.walk(stmt) if isinstance(n, ast.Call) for k in n.keywords
                       if k.arg == "alias" and isinstance(k.value, ast.Constant)]
            return (aliases[0] if aliases else None), values
    return None


@dataclass
class _Plan:
    """Which module holds each statement: statements grouped by the strongly connected
    components of their references, groups hosted by the module of their only user."""

    units: list[_Unit]
    groups: list[list[int]]  # statement indexes of each group
    group_of: dict[int, int]
    deps: list[list[int]]  # groups each group refers to
    host: list[int]  # the group whose module holds each group
    modules: dict[int, list[int]]  # host group -> its groups, dependencies first
    name_of: dict[int, str]  # host group -> module name

    @classmethod
    def of(cls, units: list[_Unit], roots: frozenset[str]) -> _Plan:
        defined = {name: i for i, unit in enumerate(units) for name in unit.names}
        edges = [sorted({defined[n] for n in unit.uses if n in defined and defined[n] != i}) for i, unit in enumerate(units)]
        groups = _components(edges)
        group_of = {i: g for g, members in enumerate(groups) for i in members}
        deps = [sorted({group_of[j] for i in members for j in edges[i]} - {g}) for g, members in enumerate(groups)]
        host = _hosts(groups, deps, [any(n in roots for i in members for n in units[i].names) for members in groups])
        # A module holds its host group and the groups merged into it, dependencies first.
        modules: dict[int, list[int]] = {}
        for g in _topological(deps):
            modules.setdefault(host[g], []).append(g)
        scope = naming.Scope({"__init__"})
        name_of = {h: scope.claim(naming.model_module(units[groups[h][0]].names[0])) for h in sorted(modules)}
        return cls(units, groups, group_of, deps, host, modules, name_of)

    def own(self, h: int) -> list[int]:
        return [i for g in self.modules[h] for i in self.groups[g]]

    def local_imports(self, h: int) -> list[tuple[str, list[str]]]:
        """(module, names) the module of host group ``h`` imports from its siblings."""
        uses = {n for i in self.own(h) for n in self.units[i].uses}
        needed = sorted({self.host[d] for g in self.modules[h] for d in self.deps[g]} - {h}, key=lambda m: self.name_of[m])
        return [(self.name_of[m], [n for i in self.own(m) for n in self.units[i].names if n in uses]) for m in needed]

    def exported(self) -> list[tuple[str, str]]:
        """(model, module) of every name, in statement order."""
        return [(name, self.name_of[self.host[self.group_of[i]]]) for i, unit in enumerate(self.units) for name in unit.names]


def _eager(groups: list[list[int]], members: list[int], units: list[_Unit]) -> bool:
    """Whether a module can do without ``from __future__ import annotations``: annotations
    evaluated when the class is made spare pydantic evaluating them from strings (a large
    part of the cost of making a model class). Not when a model refers to itself or to one
    defined after it (a cycle), nor when a field's name is also a name the annotations use:
    in a class body the field's default would shadow it."""
    own = [units[i] for g in members for i in groups[g]]
    if any(len(groups[g]) > 1 or units[groups[g][0]].names[0] in units[groups[g][0]].uses for g in members):
        return False
    uses = {n for u in own for n in u.uses}
    return not any(u.fields & uses for u in own)


def _hosts(groups: list[list[int]], deps: list[list[int]], is_root: list[bool]) -> list[int]:
    """The group whose module holds each group. A group that exactly one other group refers to,
    and no method names, goes into that group's module (repeatedly, so a model's private
    sub-models travel with it): importing it separately would load the same code in more
    modules, and each module costs about as much to import as a small model."""
    users: list[list[int]] = [[] for _ in groups]
    for g, ds in enumerate(deps):
        for d in ds:
            users[d].append(g)
    parent = [users[g][0] if len(users[g]) == 1 and not is_root[g] else g for g in range(len(groups))]
    host = []
    for g in range(len(groups)):
        while parent[g] != g:  # users sit above in an acyclic graph: this ends
            g = parent[g]
        host.append(g)
    return host


def _topological(deps: list[list[int]]) -> list[int]:
    """Groups with every group they depend on before them (depth first, in group order)."""
    done: set[int] = set()
    out: list[int] = []
    for root in range(len(deps)):
        stack = [(root, 0)]
        while stack:
            g, i = stack.pop()
            if g in done:
                continue
            if i < len(deps[g]):
                stack.append((g, i + 1))
                if deps[g][i] not in done:
                    stack.append((deps[g][i], 0))
                continue
            done.add(g)
            out.append(g)
    return out


# --- reading the module -----------------------------------------------------------------------


def _imports(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """Names the header imports: bound name -> (module, imported name)."""
    out: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__" and node.level == 0:
            for alias in node.names:
                out[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            raise RuntimeError("the models module has a plain import; the splitter does not expect one")
    return out


def _units(tree: ast.Module, lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    by_name: dict[str, _Unit] = {}
    body = tree.body
    start = 1 if body and _is_docstring(body[0]) else 0
    for node in body[start:]:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        text = "".join(lines[_first_line(node) - 1 : node.end_lineno])
        names = _defined(node)
        if names:
            unit = _Unit(names, text, _used(node), fields=_fields(node))
            units.append(unit)
            by_name.update((n, unit) for n in names)
        elif _is_docstring(node) and units:
            units[-1].text += text  # the docstring of the definition above it
        elif isinstance(node, ast.Expr) and _call_on(node) in by_name:
            owner = by_name[_call_on(node)]  # type: ignore[index]
            owner.after.append(text)  # X.model_rebuild()
            owner.uses |= _used(node)
        else:
            raise RuntimeError(f"unexpected statement in the models module at line {node.lineno}")
    return units


def _fields(node: ast.stmt) -> set[str]:
    if not isinstance(node, ast.ClassDef):
        return set()
    return {s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if type(node).__name__ == "TypeAlias":
        return [node.name.id]  # type: ignore[attr-defined]
    return []


def _call_on(node: ast.Expr) -> str | None:
    """``X`` of a statement ``X.method(...)``."""
    call = node.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        return call.func.value.id
    return None


def _used(node: ast.stmt) -> set[str]:
    """Names a statement reads, including quoted forward references (``"Node"``) where a type
    is expected; literal values, call arguments and docstrings are text, not names."""
    out = {
        sub.id
        for part in _code_parts(node)
        for sub in ast.walk(part)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)
    }
    for root in _type_positions(node):
        skip: set[int] = set()
        for sub in ast.walk(root):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id == "Literal":
                skip.update(id(c) for c in ast.walk(sub.slice))
            elif isinstance(sub, ast.Call):  # Field(...), tag_dispatch(...): values, not types
                skip.update(id(c) for c in ast.walk(sub))
            elif isinstance(sub, ast.Constant) and id(sub) not in skip and isinstance(sub.value, str):
                out |= _names_in(sub.value)
    return out


def _names_in(quoted: str) -> set[str]:
    """Names in a quoted annotation (``"Node"``, ``"dict[str, Optional[Node]]"``)."""
    try:
        expr = ast.parse(quoted.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {sub.id for sub in ast.walk(expr) if isinstance(sub, ast.Name)}


def _code_parts(node: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that can name something: a class without its docstrings."""
    if not isinstance(node, ast.ClassDef):
        return [node]
    parts: list[ast.AST] = [*node.bases, *node.keywords, *node.decorator_list]
    parts += [stmt for stmt in node.body if not _is_docstring(stmt)]
    return parts


def _type_positions(node: ast.stmt) -> list[ast.expr]:
    """The parts of a definition that are types: annotations, bases, an alias's value."""
    if isinstance(node, ast.ClassDef):
        found = list(node.bases)
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign):
                found.append(stmt.annotation)
        return found
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        call = node.value
        if isinstance(call.func, ast.Name) and call.func.id == "TypeAliasType":
            return list(call.args[1:])
    return []


# --- grouping ---------------------------------------------------------------------------------


def _components(edges: list[list[int]]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative), each sorted, in order of their first
    member: the source order of the models module, which keeps the output deterministic."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(len(edges)):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(out, key=lambda c: c[0])


# --- writing ----------------------------------------------------------------------------------


def _module(
    package: str,
    header: str,
    units: list[_Unit],
    imports: dict[str, tuple[str, str]],
    local: list[tuple[str, list[str]]],
    eager: bool = False,
) -> str:
    used = set().union(*(u.uses for u in units))
    by_module: dict[str, list[str]] = {}
    for name, (module, imported) in imports.items():
        if name in used:
            by_module.setdefault(module, []).append(imported if imported == name else f"{imported} as {name}")
    lines = [_MODULE_DOC.format(package=package), ""]
    if not eager:
        lines += ["from __future__ import annotations", ""]
    lines += [header, ""]
    for module in sorted(by_module, key=lambda m: (m.startswith(package + "."), m)):
        lines.append(_from_import(module, sorted(by_module[module])))
    if local:
        lines.append("")
        for module, names in local:
            lines.append(_from_import(f".{module}", sorted(names)))
    body = "\n\n\n".join(u.text.rstrip("\n") for u in units)
    after = "\n".join(text.rstrip("\n") for u in units for text in u.after)
    # black keeps two blank lines after the imports before a class, one before anything else
    gap = "\n\n\n" if units[0].text.lstrip().startswith(("class ", "@")) else "\n\n"
    return "\n".join(lines) + gap + body + ("\n\n\n" + after if after else "") + "\n"


def _from_import(module: str, names: list[str], indent: str = "") -> str:
    """One import statement as black writes it."""
    line = f"{indent}from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"{indent}from {module} import (\n" + "".join(f"{indent}    {n},\n" for n in names) + f"{indent})"


def _dispatch_table(dispatch: _Dispatch) -> list[str]:
    """``_DISPATCH``: the tags of each dispatched union, and the members each tag names."""
    if not dispatch:
        return []
    parts = ["", "# Unions parsed by their tag, each member imported on first sight of its tag:",
             "# union -> (JSON key, tag -> member names, tried in turn)", "_DISPATCH = {"]
    for union, (key, table) in dispatch.items():
        parts.append(f'    "{union}": (')
        parts.append(f"        {key!r},".replace("'", '"'))
        parts.append("        {")
        parts += [f"            {_literal(tag)}: {_literal(names)}," for tag, names in table.items()]
        parts += ["        },", "    ),"]
    parts.append("}")
    return parts


def _literal(value: object) -> str:
    """A literal as black writes it (double quotes)."""
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    if isinstance(value, str) and '"' not in value and "\\" not in text:
        text = '"' + text[1:-1] + '"'
    return text


def _init(package: str, header: str, exported: list[tuple[str, str]], dispatch: _Dispatch | None = None) -> str:
    parts = [
        _INIT_DOC.format(package=package),
        "",
        "from __future__ import annotations",
        "",
        header,
        "",
        "from importlib import import_module as _import_module",
        "from typing import TYPE_CHECKING, Any",
        "",
    ]
    if exported:
        parts.append("if TYPE_CHECKING:")
        parts += [_from_import(f".{module}", [f"{name} as {name}"], "    ") for name, module in exported]
        parts += ["", "__all__ = ["]
        parts += [f'    "{name}",' for name, _ in exported]
        parts += ["]", "", "_MODULES = {"]
        parts += [f'    "{name}": "{module}",' for name, module in exported]
        parts += ["}"]
        parts += _dispatch_table(dispatch or {})
    else:
        parts += ["__all__: list[str] = []", "", "_MODULES: dict[str, str] = {}"]
    parts += [
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _MODULES.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        '    value = getattr(_import_module(f"{__name__}.{module}"), name)',
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return sorted({*globals(), *__all__})",
    ]
    return "\n".join(parts) + "\n"
