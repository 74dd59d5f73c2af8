"""``emit/black_layout.py`` lays out the statements of the models module as black does: random
annotations and alias values (unions, subscripts, ``Annotated[..., Field(...)]``, long strings),
as a field with or without a default and as a ``TypeAliasType`` assignment, against black itself."""

from __future__ import annotations

import black
import pytest
from black.mode import TargetVersion
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.emit.black_layout import Atom, Expr, Kw, Or, Sub, annotation, flat, statement
from generator.emit.format import LINE_LENGTH

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=LINE_LENGTH)
NAMES = st.integers(1, 40).map(lambda n: "N" + "x" * n)
STRINGS = st.builds(lambda n, c: "\"" + c * n + "\"", st.integers(0, 70), st.sampled_from(["s", "あ", "é"]))
ATOMS = st.one_of(NAMES.map(Atom), STRINGS.map(Atom), st.sampled_from(["str", "int", "None", "Any"]).map(Atom))
KEYWORDS = st.builds(lambda k, v: Kw(k, Atom(v)), st.sampled_from(["alias", "ge", "pattern", "max_length"]), STRINGS)


def _union(parts: list[Expr]) -> Or:
    return Or(tuple(p for x in parts for p in (x.parts if isinstance(x, Or) else (x,))))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        children.map(lambda a: Sub("list", (a,))),
        st.builds(lambda a, b: Sub("dict", (a, b)), children, children),
        st.lists(STRINGS.map(Atom), min_size=1, max_size=6).map(lambda xs: Sub("Literal", tuple(xs))),
        st.lists(children, min_size=2, max_size=5).map(_union),
        st.builds(lambda a, kws: Sub("Annotated", (a, Sub("Field", tuple(kws), "()"))), children,
                  st.lists(KEYWORDS, min_size=1, max_size=3)),
        st.builds(lambda u, table, fallback: Sub("Annotated", (u, _tag_dispatch(table, fallback))),
                  st.lists(NAMES.map(Atom), min_size=2, max_size=4).map(_union),
                  st.lists(st.tuples(STRINGS, st.lists(STRINGS, min_size=1, max_size=3)), min_size=1, max_size=5),
                  st.booleans()),
    )


def _tag_dispatch(table: list[tuple[str, list[str]]], fallback: bool) -> Sub:
    """``tag_dispatch("type", {"a": "A", "b": ("B", "C")}, fallback=True)``, as emit/pydantic_tags.py builds it."""
    entries = tuple(Kw(key, Atom(names[0]) if len(names) == 1 else Sub("", tuple(map(Atom, names)), "()"), ": ")
                    for key, names in table)
    args: tuple[Expr, ...] = (Atom('"type"'), Sub("", entries, "{}"))
    return Sub("tag_dispatch", args + ((Kw("fallback", Atom("True")),) if fallback else ()), "()")


EXPRESSIONS = st.recursive(ATOMS, _extend, max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(e=EXPRESSIONS, width=st.integers(1, 30), default=st.one_of(st.none(), st.just("None"), STRINGS))
def test_fields_as_black_lays_them_out(e: Expr, width: int, default: str | None) -> None:
    name = "f" + "y" * width
    source = f"class A:\n    {name}: {flat(e)}{'' if default is None else f' = {default}'}\n"
    ours = "class A:\n" + "\n".join(annotation(f"{name}: ", e, default, "    ")) + "\n"
    assert ours == black.format_str(source, mode=MODE)


@settings(max_examples=200, deadline=None)
@given(e=EXPRESSIONS, width=st.integers(1, 30))
def test_aliases_as_black_lays_them_out(e: Expr, width: int) -> None:
    name = "X" + "y" * width
    source = f'{name} = TypeAliasType("{name}", {flat(e)})\n'
    ours = "\n".join(statement(f"{name} = ", Sub("TypeAliasType", (Atom(f'"{name}"'), e), "()"), "", "")) + "\n"
    assert ours == black.format_str(source, mode=MODE)
