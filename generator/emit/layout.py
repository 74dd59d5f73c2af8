"""Python written directly in black's style: the layout decisions of the templates, made here.

Templates write a statement as they like (over several lines, with trailing commas where a
bracket must always be exploded) inside `{% filter line(indent) %}`; `line` reads it as one
logical line and lays it out the way black (pinned, mode in `emit/format.py`) does for the
constructs the templates emit, recursively:

- the whole line fits at its indent and has no magic trailing comma: one line;
- else it is split at its last bracket (at its first for a `def`, black's left-hand split):
  the head up to the bracket, the body, the closing bracket with the rest;
- the body stays on one indented line when it fits, has no magic trailing comma and is not a
  literal (tuple, list, dict, set) of several elements; else each element goes on its own
  line with a trailing comma, each laid out the same way.

A trailing comma is magic (it keeps its bracket exploded) except in a one-element tuple or
subscript. Strings are written with black's quotes (`string`). `docstring` writes docstrings
as black normalises them. What this does not cover (a line that stays longer than the limit)
is found by `needs_black`, and only such a file still goes through black.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from .format import LINE_LENGTH

_TOKEN = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[()\[\]{},])""")
_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Group:
    """A bracketed part of a line: its elements, each a list of text and groups."""

    open: str
    atom: bool  # a literal (tuple, list, dict, set), not a call, signature or subscript
    items: list[list[str | Group]] = field(default_factory=list)
    trailing: bool = False  # written with a trailing comma

    @property
    def magic(self) -> bool:
        one = len(self.items) == 1 and self.open != "{" and (self.open == "[") != self.atom
        return self.trailing and not one

    def flat(self) -> str:
        comma = "," if self.trailing and not self.magic else ""
        return self.open + ", ".join(flat(item) for item in self.items) + comma + _OPEN[self.open]


def flat(parts: Sequence[str | Group]) -> str:
    return "".join(p if isinstance(p, str) else p.flat() for p in parts)


def _magic(parts: Sequence[str | Group]) -> bool:
    return any(isinstance(p, Group) and (p.magic or any(_magic(i) for i in p.items)) for p in parts)


def string(value: str) -> str:
    """A str literal with black's quotes: double quotes unless that needs more escapes."""
    written = repr(value)
    if written[0] == '"':
        return written
    body, out, i = written[1:-1], [], 0
    while i < len(body):
        pair = body[i:i + 2]
        if pair[0] == "\\":
            out.append("'" if pair == "\\'" else pair)
            i += 2
            continue
        out.append('\\"' if pair[0] == '"' else pair[0])
        i += 1
    new = "".join(out)
    return written if new.count("\\") > body.count("\\") else f'"{new}"'


def requote(token: str) -> str:
    """A string token (as `repr` or a template wrote it) with black's quotes."""
    if token[0] == "'":
        return string(ast.literal_eval(token))
    return token


def parse(source: str) -> list[str | Group]:
    """The parts of one logical line written over several lines (each line stripped)."""
    text = "".join(line.strip() for line in source.splitlines())
    stack: list[tuple[Group | None, list[str | Group]]] = [(None, [])]
    for piece in _TOKEN.split(text):
        if not piece:
            continue
        group, parts = stack[-1]
        if piece in _OPEN:
            before = flat(parts).rstrip()
            call = bool(before) and (before[-1].isalnum() or before[-1] in "_)]")
            stack.append((Group(piece, atom=not call or piece == "{"), []))
        elif piece in ")]}":
            _close(stack)
        elif piece == "," and group is not None:
            group.items.append(_strip(parts))
            parts.clear()
        else:
            parts.append(requote(piece) if piece[0] in "'\"" else piece)
    return stack[0][1]


def _close(stack: list[tuple[Group | None, list[str | Group]]]) -> None:
    group, parts = stack.pop()
    assert group is not None, "unbalanced brackets in a template"
    if parts and flat(parts).strip():
        group.items.append(_strip(parts))
    elif group.items:
        group.trailing = True
    stack[-1][1].append(group)


def _strip(parts: list[str | Group]) -> list[str | Group]:
    out = list(parts)
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return [p for p in out if p != ""]


def line(source: str, indent: int = 0) -> str:
    """One statement (written over several lines) laid out as black would; no final newline."""
    is_def = source.lstrip().startswith(("def ", "async def "))
    return "\n".join(lay(parse(source), indent, is_def))


def lay(parts: list[str | Group], indent: int, is_def: bool = False) -> list[str]:
    pad = " " * indent
    whole = flat(parts)
    groups = [i for i, p in enumerate(parts) if isinstance(p, Group)]
    if (indent + len(whole) <= LINE_LENGTH and not _magic(parts)) or not groups:
        return [pad + whole]
    at = groups[0] if is_def else groups[-1]
    group = parts[at]
    assert isinstance(group, Group)
    if not group.items:
        return [pad + whole]  # nothing to split here; the file goes to black (needs_black)
    head = flat(parts[:at]) + group.open
    tail = _OPEN[group.open] + flat(parts[at + 1:])
    return [pad + head, *_body(group, indent + 4, is_def), pad + tail]


def _body(group: Group, indent: int, is_def: bool) -> list[str]:
    explode = group.magic or (group.atom and len(group.items) > 1)
    if not explode:
        comma = "," if group.trailing or (is_def and len(group.items) == 1) else ""
        body = ", ".join(flat(item) for item in group.items) + comma
        if indent + len(body) <= LINE_LENGTH and not any(_magic(item) for item in group.items):
            return [" " * indent + body]
        if len(group.items) == 1:
            return lay([*group.items[0], comma] if comma else group.items[0], indent)
    out: list[str] = []
    for item in group.items:
        out.extend(lay([*item, ","], indent))
    return out


def docstring(text: str | Sequence[str], indent: int = 0) -> str:
    """A docstring (its lines, or a text) as black writes it: lines after the first re-indented
    (their common indentation removed, PEP 257), trailing spaces dropped, one line when there is
    one."""
    pad = " " * indent
    lines = text.strip("\n").splitlines() if isinstance(text, str) else list(text)
    lines = [lines[0].strip(), *lines[1:]] if lines else [""]
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    if len(lines) == 1:
        text = lines[0] or " "
        return f'"""{text}{" " if text.endswith(chr(34)) else ""}"""'
    common = min((len(l) - len(l.lstrip()) for l in lines[1:] if l.strip()), default=sys.maxsize)
    rest = [pad + l[common:].rstrip() if l.strip() else "" for l in lines[1:]]
    return '"""' + "\n".join([lines[0], *rest]) + "\n" + pad + '"""'


def needs_black(source: str) -> bool:
    """True when a rendered module has a line longer than black's limit: a construct the
    layout above does not split (black may split it, or leave it), so black formats that file."""
    return any(len(l) > LINE_LENGTH for l in source.splitlines())


FILTERS = {"line": line, "docstring": docstring, "string": string}


def blank_lines(source: str) -> str:
    """Blank lines as black keeps those the templates write: at most two before a top-level
    line, at most one before an indented one, none at the end; one final newline."""
    out: list[str] = []
    blanks = 0
    for text in source.rstrip().splitlines():
        if not text.strip():
            blanks += 1
            continue
        if out:
            out.extend([""] * min(blanks, 1 if text[0] == " " else 2))
        blanks = 0
        out.append(text)
    return "\n".join(out) + "\n"
