"""Error tolerance: syntax errors, garbage, binary input, huge input, non-ASCII text."""

from __future__ import annotations

import random
import textwrap

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModuleAnalysis, SourceSpan


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


HEADER = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()
"""


def test_syntax_error_in_one_class_keeps_the_others() -> None:
    result = analyze(
        HEADER
        + """
class Good(Base):
    __tablename__ = "good"
    id = Column(Integer, primary_key=True)


class Broken(Base):
    __tablename__ = "broken"
    id = Column(Integer, primary_key=True)
    name = Column(String(50)
    other = Column(Integer


class AlsoGood(Base):
    __tablename__ = "also_good"
    id = Column(Integer, primary_key=True)
"""
    )
    names = [m.name for m in result.models]
    assert names[0] == "Good" and names[-1] == "AlsoGood"
    assert "Broken" in names  # recovered: the part before the error
    broken = result.model("Broken")
    assert broken is not None and broken.table == "broken" and broken.column("id") is not None
    assert result.syntax_problems
    assert all(p.line >= 7 for p in result.syntax_problems)
    good = result.model("AlsoGood")
    assert good is not None and good.span is not None and good.span.line == 19


def test_bad_line_in_middle_of_class_is_skipped() -> None:
    result = analyze(
        HEADER
        + """
class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    oops = (]
    name = Column(String(20))
"""
    )
    item = result.model("Item")
    assert item is not None
    assert [c.name for c in item.columns] == ["id", "name"]
    (problem,) = result.syntax_problems
    assert problem.line == 10


def test_decorated_class_after_garbage() -> None:
    result = analyze(
        HEADER
        + """
def broken(:
    pass

@decorate
class Later(Base):
    __tablename__ = "later"
    id = Column(Integer, primary_key=True)
"""
    )
    later = result.model("Later")
    assert later is not None and later.span is not None
    assert later.span.line == 10  # the decorator line


def test_empty_and_whitespace() -> None:
    assert analyze_source("") == ModuleAnalysis()
    assert analyze_source("\n\n   \n") == ModuleAnalysis()


def test_garbage_inputs_never_raise() -> None:
    rng = random.Random(1234)
    samples = [
        "\x00",
        "class A(Base):\x00\n    id = Column(Integer)",
        "@@@@\n)))(((\n",
        "class (:\n",
        "\ufeffclass X: pass",
        "\udcff\udcfe",  # lone surrogates, as from surrogateescape decoding
        "x = " + "(" * 500 + ")" * 500,
        "x = " + "[" * 10000,
        "a" * 200_000,
        "def f(" * 2000,
        bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1"),
        bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", "replace"),
    ]
    for text in samples:
        result = analyze_source(text)
        assert isinstance(result, ModuleAnalysis)
        assert result.models == ()


def test_deeply_nested_expression_in_a_column() -> None:
    nested = "-" * 50_000 + "1"
    text = (
        HEADER
        + f"\nclass T(Base):\n    __tablename__ = 't'\n    id = Column(Integer, default={nested})\n"
    )
    result = analyze_source(text)
    assert isinstance(result, ModuleAnalysis)  # a RecursionError must not escape


def test_ten_megabytes_of_garbage_returns() -> None:
    rng = random.Random(99)
    line_chars = "abcdefghij(){}[]:=+-*/ \"'#@"
    lines = ["".join(rng.choice(line_chars) for _ in range(100)) for _ in range(1000)]
    text = "\n".join(lines) * 100  # ~10 MB
    assert len(text) > 10_000_000
    result = analyze_source(text)
    assert result.models == ()
    assert 0 < len(result.syntax_problems) <= 100


def test_ten_megabytes_of_valid_models() -> None:
    model = (
        "class M{i}(Base):\n    __tablename__ = 'm{i}'\n"
        "    id = Column(Integer, primary_key=True)\n    # " + "x" * 2000 + "\n"
    )
    text = HEADER + "".join(model.format(i=i) for i in range(5_000))
    assert len(text) > 10_000_000
    result = analyze_source(text)
    assert len(result.models) == 5_000
    assert result.models[-1].table == "m4999"


def test_non_ascii_spans_are_utf8_byte_columns() -> None:
    result = analyze(
        """
        # 模型定义 🚀 — commentaires en français
        from sqlalchemy import Column, Integer, String
        from app.db import Base

        class Café(Base):
            \"\"\"Une table de cafés ☕ — 日本語の説明。\"\"\"
            __tablename__ = "cafés"
            id = Column(Integer, primary_key=True)
            nom = Column(String(80), default="Crème brûlée 🍮")  # 名前
            ville = Column(String(80), server_default="Zürich")
        """
    )
    cafe = result.model("Café")
    assert cafe is not None
    assert cafe.table == "cafés"
    assert cafe.docstring == "Une table de cafés ☕ — 日本語の説明。"
    nom = cafe.column("nom")
    assert nom is not None and nom.default == '"Crème brûlée 🍮"'
    assert nom.span == SourceSpan(
        line=10,
        col=4,
        end_line=10,
        end_col=4 + len('nom = Column(String(80), default="Crème brûlée 🍮")'.encode()),
    )
    # byte columns differ from character columns on this line
    assert nom.span.end_col != 4 + len('nom = Column(String(80), default="Crème brûlée 🍮")')
    ville = cafe.column("ville")
    assert ville is not None and ville.server_default == '"Zürich"'
    assert cafe.span is not None and cafe.span.end_col == len(
        '    ville = Column(String(80), server_default="Zürich")'.encode()
    )


def test_syntax_problem_column_is_a_utf8_byte_offset() -> None:
    result = analyze_source("x = '日本語' )\ny = 1\n")
    (problem,) = result.syntax_problems
    assert (problem.line, problem.col) == (1, len("x = '日本語' ".encode()))
    assert "unmatched" in problem.message


def test_form_feed_and_unicode_line_separators_keep_positions() -> None:
    text = (
        "from sqlalchemy import Column, Integer, String\nfrom app.db import Base\n\x0c\n"
        "class Note(Base):\n"
        "    __tablename__ = 'notes'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    body = Column(String(10), default='a\u2028b')\n"
        "    tail = Column(String(10), default='x')\n"
    )
    note = analyze_source(text).model("Note")
    assert note is not None
    body, tail = note.column("body"), note.column("tail")
    assert body is not None and tail is not None
    assert body.default == "'a\u2028b'"
    assert tail.default == "'x'"
    assert tail.span == SourceSpan(8, 4, 8, 42)
