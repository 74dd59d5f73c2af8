"""black one top-level statement at a time (generator/emit/format.py) gives exactly what black
gives for the whole module, or the module is formatted whole."""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.emit import format as fmt
from generator.emit.models import generate_models
from generator.ir import build
from generator.loading.load import load

from ...helpers import CORPUS, ROOT


def _whole(source: str) -> str:
    return black.format_str(source, mode=fmt._mode())


def _pieces(source: str) -> str:
    """The Formatter's text, cutting even a small module into pieces."""
    saved, fmt.SPLIT_MIN_BYTES = fmt.SPLIT_MIN_BYTES, 0
    try:
        formatter = fmt.Formatter(None, jobs=1)
        formatter.add("m.py", source)
        formatter.start()
        return formatter.finish()["m.py"]
    finally:
        fmt.SPLIT_MIN_BYTES = saved


SPECS = [ROOT / "spec" / "mka1.yaml", *sorted((ROOT / "tests" / "golden").glob("*/spec.yaml"))]
SPECS += [CORPUS / name for name in ("keycloak-admin.json", "spotify-web-api.yaml", "typesense.yaml", "tgi.json")]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_models_modules_are_formatted_in_pieces_exactly_as_whole(spec: Path) -> None:
    ir, _ = build(load(spec), package="pkg")
    source = generate_models(ir.models_doc, "pkg", ir.page_models)
    pieces = fmt.split_module(source)
    if len(source) >= 2000:  # what datamodel-code-generator writes is always cut into pieces
        assert pieces is not None and len(pieces) > 1
    assert _pieces(source) == _whole(source)


OPENING = '"""Doc."""\nfrom __future__ import annotations\n# a comment\nimport os\nfrom typing import Any\n'
STATEMENTS = [
    "X = 1",
    "Y: int = 2",
    "Z = {'a':1,\n  'b': [1,2,3]}",
    "A = TypeAliasType('A', Annotated[int | str, Field(discriminator='type')])\n\"\"\"\nAlias doc.\n\"\"\"",
    "class M(BaseModel):\n    x: int\n    y: str | None = None",
    "class N(BaseModel):\n    '''Only a docstring.'''",
    "class P:\n    def f(self) -> int: ...",
    "@decorator\nclass Q(Base):\n    z: list[int] = []\n    '''Field doc.'''",
    "def f(a,b):\n    return a+b",
    "M.model_rebuild()",
    "long_name_value = some_function(argument_number_one, argument_number_two, argument_three, argument_four)",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(STATEMENTS), st.integers(0, 3)), min_size=1, max_size=8),
       st.integers(0, 3))
def test_any_sequence_of_statements_formats_as_whole(body: list[tuple[str, int]], after_imports: int) -> None:
    source = OPENING + "\n" * after_imports
    for i, (statement, blanks) in enumerate(body):
        source += ("\n" * blanks if i else "") + statement + "\n"
    if "class P" not in source and after_imports and all(b for _, b in body[1:]):
        assert fmt.split_module(source) is not None  # (else it is formatted whole, as it must be)
    assert _pieces(source) == _whole(source)


@pytest.mark.parametrize("source", [
    "import os\nif os.name:\n    X = 1\nY = 2\n",            # a compound statement
    "import os\nX = 1\n# about Y\nY = 2\n",                     # a comment between statements
    "import os\nclass A: ...\nclass B: ...\n",                   # one-line bodies
    "import os\n# fmt: off\nX = [1,\n  2]\n# fmt: on\n",         # black directives
    "X = 1\nY = 2\n",                                            # no opening
])
def test_modules_that_could_depend_on_neighbours_are_formatted_whole(source: str) -> None:
    assert fmt.split_module(source) is None
    assert _pieces(source) == _whole(source)
