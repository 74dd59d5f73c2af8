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
            stack.append((Group(piece, atom=not _trailer(parts) or piece == "{"), []))
        elif piece in ")]}":
            _close(stack)
        elif piece == "," and group is not None:
            group.items.append(_strip(parts))
            parts.clear()
        else:
            parts.append(Str(requote(piece)) if piece[0] in "'\"" else piece)
    return stack[0][1]


def _trailer(parts: list[str | Group]) -> bool:
    """Whether a bracket after these parts is a call or subscript (after a name or a bracket)."""
    last = parts[-1] if parts else ""
    if isinstance(last, Group):
        return True
    before = last.rstrip()
    if not before and len(parts) > 1:
        return False  # whitespace before the bracket: an atom
    return bool(before) and (before[-1].isalnum() or before[-1] in "_)]")


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


def lay(parts: list[str | Group], indent: int, is_def: bool = False, param: bool = False) -> list[str]:
    """The lines of `parts` at `indent`. `param`: a parameter of a signature (`name: T = x`),
    whose annotation black puts in parentheses when it has a `|` at its top level."""
    pad = " " * indent
    whole = flat(parts)
    if indent + len(whole) <= LINE_LENGTH and not _magic(parts):
        return [pad + whole]
    if param and _union(_annotation(parts)):
        return _parenthesized(parts, indent)
    if not is_def and _union(parts):
        return _operands(parts, indent)
    groups = [i for i, p in enumerate(parts) if isinstance(p, Group)]
    at = (groups[0] if is_def else groups[-1]) if groups else -1
    group = parts[at]
    if not isinstance(group, Group) or not group.items:
        return [pad + whole]  # nothing to split here; the file goes to black (needs_black)
    head = flat(parts[:at]) + group.open
    tail = lay(_tail(group, parts[at + 1:]), indent)
    return [pad + head, *_body(group, indent + 4, is_def), *tail]


def _tail(group: Group, rest: list[str | Group]) -> list[str | Group]:
    first = rest[0] if rest and not isinstance(rest[0], Group) else ""
    return [_OPEN[group.open] + first, *rest[1 if first else 0:]]


def _body(group: Group, indent: int, is_def: bool) -> list[str]:
    explode = group.magic or (group.atom and len(group.items) > 1)
    if not explode:
        comma = "," if group.trailing or (is_def and len(group.items) == 1) else ""
        body = ", ".join(flat(item) for item in group.items) + comma
        if indent + len(body) <= LINE_LENGTH and not any(_magic(item) for item in group.items):
            return [" " * indent + body]
        if len(group.items) == 1:
            return lay([*group.items[0], comma] if comma else group.items[0], indent, param=is_def)
    out: list[str] = []
    for item in group.items:
        out.extend(lay([*item, ","], indent, param=is_def))
    return out


class Str(str):
    """A string literal among the parts (never split, never read as an operator)."""


# Operators black splits a line before (delimiter_split), highest priority first: a
# conditional expression, then `|`.
_DELIMITERS = (re.compile(r"\s(if|else)\s"), re.compile(r"\s(\|)\s"))


def _delimiter(parts: Sequence[str | Group]) -> re.Pattern[str] | None:
    for pattern in _DELIMITERS:
        if any(type(p) is str and pattern.search(p) for p in parts):
            return pattern
    return None


def _union(parts: Sequence[str | Group]) -> bool:
    return _delimiter(parts) is not None


def _annotation(parts: list[str | Group]) -> list[str | Group]:
    """The annotation of a parameter `name: T = default` (empty if it has none)."""
    out: list[str | Group] = []
    for i, p in enumerate(parts):
        if type(p) is str and ":" in p and not out:
            out = [p.split(":", 1)[1].lstrip(), *parts[i + 1:]]
            break
    for i, p in enumerate(out):
        if type(p) is str and " = " in p:
            return [*out[:i], p.split(" = ", 1)[0]]
    return out[:-1] if out and out[-1] == "," else out


def _parenthesized(parts: list[str | Group], indent: int) -> list[str]:
    """`name: (` the annotation `) = default,`: black's parentheses around a long union hint."""
    whole = flat(parts)
    name, _, rest = whole.partition(": ")
    annotation = flat(_annotation(parts))
    after = rest[len(annotation):]
    inner = parse(annotation)
    pad = " " * indent
    return [f"{pad}{name}: (", *lay(inner, indent + 4), f"{pad}){after}"]


def _operands(parts: list[str | Group], indent: int) -> list[str]:
    """A line split before each top-level operator of the highest priority it has (black's
    delimiter split), the operands laid out in turn."""
    pattern = _delimiter(parts)
    assert pattern is not None
    operands: list[list[str | Group]] = [[]]
    for p in parts:
        if type(p) is not str or not pattern.search(p):
            operands[-1].append(p)
            continue
        pieces = pattern.split(p)  # text, operator, text, operator, ...
        operands[-1].append(pieces[0])
        operands.extend([f"{op} {text}"] for op, text in zip(pieces[1::2], pieces[2::2]))
    out: list[str] = []
    for operand in operands:
        out.extend(lay(_strip([x for x in operand if x != ""]), indent))
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
    """True when a rendered module has a line over black's limit that black could split: the
    layout left it (a construct it does not cover), so black formats that file. Lines black
    leaves long too are fine: docstring lines, and lines without a bracket or `|` to split at
    (a long string or name)."""
    in_docstring = False
    for text in source.splitlines():
        quotes = text.count('"""') % 2 == 1
        if len(text) > LINE_LENGTH and not in_docstring and not quotes and _splittable(text):
            return True
        in_docstring ^= quotes
    return False


def _splittable(text: str) -> bool:
    code = _STRING.sub('""', text)
    return bool(re.search(r"[(\[{][^)\]}]|\s\|\s", code))


_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")


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
