"""Tolerant parsing of a broken file never cuts a multi-line string (or an open bracket):
a line at column 0 inside one is not a statement start, so it invents no syntax error."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from crudsmith.analysis.module import analyze_parsed
from crudsmith.analysis.parse import parse_tolerant

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from synth import synth_models  # noqa: E402

BROKEN_CLASS = """
class Broken(Base:
    id = 1
"""

TAIL = """

class After:
    pass
"""


def _problem_lines(text: str) -> list[int]:
    return [problem.line for problem in parse_tolerant(text).problems]


def _names(text: str) -> set[str]:
    """Names bound by the recovered top-level statements."""
    names: set[str] = set()
    for node in parse_tolerant(text).statements:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _broken_synth(models: int, victim: int) -> tuple[str, int, list[str]]:
    """A synth models file whose `victim`-th model class line lost its `)`."""
    lines = synth_models(models).splitlines(keepends=True)
    class_lines = [
        i for i, line in enumerate(lines) if line.startswith("class ") and "(Base)" in line
    ]
    index = class_lines[victim]
    names = [lines[i].split()[1].split("(")[0] for i in class_lines]
    lines[index] = lines[index].replace("(Base):", "(Base:")
    return "".join(lines), index + 1, names


def test_module_docstring_and_one_broken_class_give_exactly_one_problem() -> None:
    text = (
        '''"""Models of the shop — généré.

Lines at column 0 inside the docstring
are not statements.
"""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
'''
        + BROKEN_CLASS
        + TAIL
    )
    result = parse_tolerant(text)
    assert [(p.line, p.message) for p in result.problems] == [
        (_line_of(text, "class Broken"), "invalid syntax")
    ]
    assert isinstance(result.statements[0], ast.Expr)  # the docstring itself is recovered
    assert {"Base", "After"} <= _names(text)


def test_flush_left_sql_in_a_function_and_a_broken_statement_elsewhere() -> None:
    text = (
        '''import sqlalchemy


def report(session):
    query = """
SELECT id, name
FROM users
WHERE name = 'x'
"""
    return session.execute(sqlalchemy.text(query))

'''
        + BROKEN_CLASS
        + TAIL
    )
    assert _problem_lines(text) == [_line_of(text, "class Broken")]
    functions = [n for n in parse_tolerant(text).statements if isinstance(n, ast.FunctionDef)]
    assert [f.name for f in functions] == ["report"]
    assert functions[0].end_lineno == _line_of(text, "    return session")


def test_flush_left_class_docstring() -> None:
    text = (
        '''from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    """A user.

Written flush-left: these lines are in the docstring.
id: the primary key
"""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)

'''
        + BROKEN_CLASS
        + TAIL
    )
    parsed = parse_tolerant(text)
    assert [p.line for p in parsed.problems] == [_line_of(text, "class Broken")]
    analysis = analyze_parsed(text, parsed)
    user = next(m for m in analysis.models if m.name == "User")
    assert user.table == "users"
    assert user.column("id") is not None


TRICKY = {
    "single quotes inside double": (
        "NOTE = \"\"\"Text with ''' inside,\nflush-left line\n'''still inside\n\"\"\"\n"
    ),
    "double quotes inside single": (
        "NOTE = '''Text with \"\"\" inside,\nflush-left line\n\"\"\"still inside\n'''\n"
    ),
    "escaped quotes in a triple string": (
        'NOTE = """She said \\"""hi\\""" once,\nflush-left \\\\"\n"""\n'
    ),
    "escaped quotes in a one-line string": (
        'ONE = "a \\" \\"\\"\\" b"\nNOTE = """\nflush-left\n"""\n'
    ),
    "hash inside a string": 'ONE = "#"; NOTE = """start\nflush-left\n"""\n',
    "triple quote inside a comment": '# a """ in a comment\nNOTE = """\nflush-left\n"""\n',
    "raw bytes prefix": 'SQL = rb"""\nSELECT \\d+ FROM t\n"""\n',
    "f-string prefix": 'VALUE = 1\nF = f"""\n{VALUE} and {{braces}}\n"""\n',
    "raw f-string and unicode prefixes": (
        "VALUE = 1\nF = Rf\"\"\"\n{VALUE}\\d\n\"\"\"\nU = u'''\nflush\n'''\n"
    ),
    "bytes with single quotes": "B = b'''\nflush bytes\n'''\n",
    "empty triple strings": 'E = """""" + \'\'\'\'\'\'\nNOTE = """\nflush-left\n"""\n',
    "escaped quote before the closing quotes": 'NOTE = """\nsays "hi\\""""\nflush = 1\n',
    "backslash continuation in a one-line string": 'ONE = "a \\\nb"\nNOTE = """\nflush-left\n"""\n',
}


@pytest.mark.parametrize("body", list(TRICKY.values()), ids=list(TRICKY))
def test_tricky_strings_are_read_like_the_tokenizer(body: str) -> None:
    text = body + BROKEN_CLASS + TAIL
    ast.parse(body)  # the case itself is valid Python
    assert _problem_lines(text) == [_line_of(text, "class Broken")]
    expected = {
        n.id
        for s in ast.parse(body).body
        if isinstance(s, ast.Assign)
        for n in s.targets
        if isinstance(n, ast.Name)
    }
    assert expected | {"After"} <= _names(text)


@pytest.mark.parametrize(
    "body", [TRICKY["triple quote inside a comment"], TRICKY["raw bytes prefix"]]
)
def test_crlf_line_ends(body: str) -> None:
    text = (body + BROKEN_CLASS + TAIL).replace("\n", "\r\n")
    assert _problem_lines(text) == [_line_of(text, "class Broken")]
    assert "After" in _names(text)


def test_non_ascii_docstring_and_byte_column() -> None:
    text = '"""Données — 参照データ.\n\nÉtat « cœur » 🚀\n"""\n\né = (]\n' + TAIL
    (problem,) = parse_tolerant(text).problems
    assert problem.line == 6
    assert problem.col == len("é = (".encode())  # UTF-8 bytes, like ast


def test_flush_left_items_in_an_open_bracket() -> None:
    text = '__all__ = [\n"User",\n"Post",\n]\nTABLES = {\n"users": 1,\n}\n' + BROKEN_CLASS + TAIL
    assert _problem_lines(text) == [_line_of(text, "class Broken")]
    assert {"__all__", "TABLES", "After"} <= _names(text)


def test_every_model_but_the_broken_one_is_still_found() -> None:
    text, broken_line, names = _broken_synth(30, 14)
    parsed = parse_tolerant(text)
    assert [p.line for p in parsed.problems] == [broken_line]
    found = {model.name for model in analyze_parsed(text, parsed).models}
    victim = names[14]
    assert set(names) - {victim} <= found


def _typed_in_the_eleventh_class(typed: str) -> tuple[str, int, list[str]]:
    """A 30-model file with `typed` (a line) typed inside its eleventh class: the text, the 0-based
    index of the typed line, and the names of the models after that class."""
    lines = synth_models(30).splitlines(keepends=True)
    class_lines = [
        i for i, line in enumerate(lines) if line.startswith("class ") and "(Base)" in line
    ]
    after = [lines[i].split()[1].split("(")[0] for i in class_lines[11:]]
    typed_at = class_lines[10] + 8
    lines.insert(typed_at, typed)
    return "".join(lines), typed_at, after


def test_an_unterminated_triple_quote_typed_mid_file_does_not_swallow_the_rest() -> None:
    """The new quote pairs with the next docstring's opening one and turns the rest of
    the file inside out; the joined chunk does not parse, so the pieces are parsed as
    they are cut without string awareness: the models after it are all still found."""
    text, typed_at, after = _typed_in_the_eleventh_class('    note = """\n')
    parsed = parse_tolerant(text)
    assert parsed.problems
    assert parsed.problems[0].line == typed_at + 1
    assert "unterminated triple-quoted string" in parsed.problems[0].message
    found = {model.name for model in analyze_parsed(text, parsed).models}
    assert set(after) <= found


def test_an_unterminated_triple_quote_at_the_end() -> None:
    """A triple quote that never closes ends with its piece, as before: the lines after
    it are cut as statements again (here one more problem) rather than swallowed."""
    text = '"""Doc.\n\nflush\n"""\n\nX = 1\n\nY = """\nstill typing\n\nZ = 2\n'
    result = parse_tolerant(text)
    assert [p.line for p in result.problems] == [8, 9]
    assert "unterminated triple-quoted string" in result.problems[0].message
    assert {"X", "Z"} <= _names(text)


def test_an_unclosed_bracket_typed_mid_file_does_not_swallow_the_rest() -> None:
    text, typed_at, after = _typed_in_the_eleventh_class("    note = mapped_column(\n")
    parsed = parse_tolerant(text)
    assert [p.line for p in parsed.problems] == [typed_at + 1]
    found = {model.name for model in analyze_parsed(text, parsed).models}
    assert set(after) <= found


def test_a_valid_file_takes_the_fast_path() -> None:
    text = synth_models(5)
    result = parse_tolerant(text)
    assert not result.problems
    assert [ast.dump(n) for n in result.statements] == [ast.dump(n) for n in ast.parse(text).body]


def test_an_unclosed_bracket_before_a_flush_left_string() -> None:
    """The bracket joins the rest of the file, which does not parse; the strings after
    it still keep their lines together."""
    text = (
        "x = call(\n\nclass A:\n    pass\n\n"
        'SQL = """\nSELECT 1\nFROM t\n"""\n\nclass B:\n    pass\n'
    )
    result = parse_tolerant(text)
    assert [p.line for p in result.problems] == [1]
    assert {"A", "SQL", "B"} <= _names(text)


def test_recovering_a_broken_file_leaves_no_cyclic_garbage() -> None:
    """Parse errors kept past their `except` clause lose their traceback: a frame holding
    its own exception is a cycle that keeps the text alive, and what `collector_paused`
    froze is never collected while the user keeps typing (measured: +2 MB per keystroke
    on a broken 200-model file)."""
    import gc

    broken = "class A:\n    x = 1\n\nclass B(:\n    y = 2\n\nclass C:\n    z = (\n"
    parse_tolerant(broken)  # warm: first-use allocations
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = parse_tolerant(broken)
        assert result.problems
        del result
        leftovers = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert leftovers == 0
