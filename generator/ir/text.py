"""Spec text made safe for each place it lands in generated code.

Spec strings are untrusted: they only ever reach generated code as Python literals built with
`repr()` (for values) or through `doc_lines` (for docstrings), never as code.
"""

from __future__ import annotations

import textwrap

MAX_DOC_CHARS = 4000


def literal(value: object) -> str:
    """A Python literal for a JSON scalar or a tuple of them (repr escapes every character)."""
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    raise TypeError(f"not a literal: {type(value).__name__}")


def doc_lines(text: object, width: int = 88) -> tuple[str, ...]:
    """Docstring lines for free text from the spec.

    Backslashes and quotes are neutralised so the text cannot close the docstring or form an
    escape sequence (``\\N{...}``), control characters are dropped, and very long text is cut.
    """
    if not isinstance(text, str) or not text.strip():
        return ()
    text = text[:MAX_DOC_CHARS]
    cleaned = "".join(ch if (ch >= " " or ch == "\n") and ch != "\x7f" else " " for ch in text.replace("\t", "    "))
    cleaned = cleaned.replace("\\", "\\\\").replace('"', "'")
    out: list[str] = []
    for para in cleaned.strip().split("\n"):
        para = para.rstrip()
        if not para:
            if out and out[-1] != "":
                out.append("")
            continue
        out.extend(textwrap.wrap(para, width=width, break_long_words=True, break_on_hyphens=False) or [""])
    while out and out[-1] == "":
        out.pop()
    return tuple(out)


def comment(text: str) -> str:
    """One-line text for a `#` comment."""
    return " ".join(text.replace("\r", " ").replace("\n", " ").split())[:200]


def markdown(value: object, limit: int = 300) -> str:
    """Inline Markdown text (a table cell or heading): one line, no HTML, pipes escaped."""
    if not isinstance(value, str):
        return ""
    one = " ".join(value.split())[:limit]
    return one.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def code_span(value: str) -> str:
    return value.replace("`", "'").replace("\n", " ")


def toml_string(value: str) -> str:
    """A TOML basic string (JSON escaping is a subset TOML accepts)."""
    import json

    return json.dumps(" ".join(value.split())[:200], ensure_ascii=True)
