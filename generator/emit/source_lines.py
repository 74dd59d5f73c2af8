"""Lines of Python source numbered as `ast` numbers them.

`str.splitlines` also breaks at form feeds, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and `\\u2029`,
which spec text can put inside a docstring; the parser breaks only at `\\n`, `\\r\\n` and `\\r`.
Code that cuts source by `ast` line numbers must split the same way, or it cuts in the wrong
place and writes a module that does not parse.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def source_lines(source: str) -> list[str]:
    """The lines of ``source``, each with its line ending, as the parser counts them."""
    return _LINE.findall(source)
