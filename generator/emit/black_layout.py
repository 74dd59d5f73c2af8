"""Python expressions laid out the way black lays them out (line length 100), by construction.

A small expression tree (`Atom`, `Sub`, `Or`, `Kw`, `Pair`) and the rules black applies to the
statements the models module holds: a line that fits stays; a statement splits at its last
bracket (the body on one line if it fits, else one element per line with a trailing comma,
each element split again the same way); a union that does not fit inside brackets goes one
operand per line (``| B``); a long annotation that is a union is wrapped in parentheses.
Strings are never split.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LINE_LENGTH = 100
INDENT = "    "


@dataclass(frozen=True)
class Atom:
    text: str


@dataclass(frozen=True)
class Sub:
    """``head[args]`` or ``head(args)`` (``brackets`` "[]", "()", "{}"); ``magic``: a trailing
    comma written in the source (black keeps such a body exploded)."""

    head: str
    args: tuple[Expr, ...]
    brackets: str = "[]"
    magic: bool = False


@dataclass(frozen=True)
class Or:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Kw:
    """``name=value`` (or ``key: value`` with ``sep=": "``)."""

    name: str
    value: Expr
    sep: str = "="


Expr = Atom | Sub | Or | Kw


def flat(e: Expr) -> str:
    if isinstance(e, Atom):
        return e.text
    if isinstance(e, Or):
        return " | ".join(flat(p) for p in e.parts)
    if isinstance(e, Kw):
        return f"{e.name}{e.sep}{flat(e.value)}"
    body = ", ".join(flat(a) for a in e.args)
    if e.magic:
        body += ","
    return f"{e.head}{e.brackets[0]}{body}{e.brackets[1]}"


def width(text: str) -> int:
    """Columns as black counts them (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def fits(line: str) -> bool:
    return width(line) <= LINE_LENGTH and "\n" not in line


def statement(head: str, e: Expr, tail: str, indent: str) -> list[str]:
    """``head + e + tail`` as a statement (not inside brackets): split at ``e``'s last bracket."""
    one = f"{indent}{head}{flat(e)}{tail}"
    if fits(one) and not _has_magic(e):
        return [one]
    if isinstance(e, Sub) and e.args:
        return _bracket_split(head, e, tail, indent)
    return [one]


def annotation(head: str, e: Expr, default: str | None, indent: str) -> list[str]:
    """An annotated field ``name: e = default``: the default goes in parentheses when the rest
    then fits; else a union that does not fit is parenthesised, or the annotation split."""
    tail = "" if default is None else f" = {default}"
    one = f"{indent}{head}{flat(e)}{tail}"
    if fits(one) and not _has_magic(e):
        return [one]
    if default is not None and fits(f"{indent}{head}{flat(e)} = (") and not _has_magic(e):
        return [f"{indent}{head}{flat(e)} = (", f"{indent}{INDENT}{default}", f"{indent})"]
    if isinstance(e, Or):
        return [f"{indent}{head}(", *element(e, "", indent + INDENT), f"{indent}){tail}"]
    return statement(head, e, tail, indent)


def element(e: Expr, tail: str, indent: str, head: str = "") -> list[str]:
    """A line inside brackets: split at its delimiters first (``|``), else at its last bracket."""
    one = f"{indent}{head}{flat(e)}{tail}"
    if fits(one) and not _has_magic(e):
        return [one]
    if isinstance(e, Kw):
        return element(e.value, tail, indent, head + e.name + e.sep)
    if isinstance(e, Or):
        out: list[str] = []
        for i, part in enumerate(e.parts):
            prefix = head if i == 0 else "| "
            out += element(part, tail if i == len(e.parts) - 1 else "", indent, prefix)
        return out
    if isinstance(e, Sub) and e.args:
        return _bracket_split(head, e, tail, indent)
    return [one]


def _bracket_split(head: str, e: Sub, tail: str, indent: str) -> list[str]:
    inner = indent + INDENT
    opening = f"{indent}{head}{e.head}{e.brackets[0]}"
    closing = f"{indent}{e.brackets[1]}{tail}"
    body = ", ".join(flat(a) for a in e.args)
    display = not e.head and len(e.args) > 1  # a tuple, list or dict display: black explodes it
    if not e.magic and not display and fits(inner + body) and not any(_has_magic(a) for a in e.args):
        return [opening, inner + body, closing]
    if len(e.args) == 1 and not e.magic:  # no comma to split at: no trailing comma added
        return [opening, *element(e.args[0], "", inner), closing]
    lines: list[str] = []
    for a in e.args:
        lines += element(a, ",", inner)
    return [opening, *lines, closing]


def _has_magic(e: Expr) -> bool:
    if isinstance(e, Sub):
        return e.magic or any(_has_magic(a) for a in e.args)
    if isinstance(e, Or):
        return any(_has_magic(p) for p in e.parts)
    if isinstance(e, Kw):
        return _has_magic(e.value)
    return False
