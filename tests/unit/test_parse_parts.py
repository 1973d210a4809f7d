"""analysis.parse.parse_statements: a long text parsed in parts must give exactly what one
`ast.parse` gives (every statement with its positions), or fail as it fails; and
`parse_tolerant` / `reparse` built on it must not change.

Parts are forced small here (`PART_CHARS = 1`: a cut before every statement that follows
a blank line), so every place a cut could go wrong is a cut.
"""

from __future__ import annotations

import ast
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crudsmith.analysis import parse as parse_module
from crudsmith.analysis.parse import PARSE_ERRORS, parse_statements, parse_tolerant
from crudsmith.analysis.reparse import reparse

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from synth import synth_models  # noqa: E402

# Each piece is a top-level stretch of code; joined with blank lines, every piece boundary
# is a cut, and the pieces that straddle one are the cases a cut must not break.
PIECES = [
    "x = 1\n",
    "class A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer)\n",
    # A flush-left string with a blank line and a statement-looking line inside.
    'SQL = """\nselect 1\n\nclass NotCode:\n    pass\n"""\n',
    "DOC = '''\n\ndef f():\n'''\n",
    # A decorator, then a blank line, then the function: valid, and a cut between fails.
    "@decorator\n\ndef decorated() -> None:\n    pass\n",
    # An open bracket across a blank line with a column-0 line inside.
    "items = [\n    1,\n\n2,\n]\n",
    # `else:` after a blank line belongs to the `if` above.
    "if DEBUG:\n    y = 1\n\nelse:\n    y = 2\n",
    "try:\n    import ujson as json\n\nexcept ImportError:\n    import json\n",
    # A backslash, then a blank line: that parses, joining the next line.
    "total = 1 + \\\n\n2\n",
    "a = 1; b = 2\n",
    "def g():\n    return 'データ 😀 é'\n",
    "\x0c\nz = 3\n",
    "\tpass_ = 4\n",
    "# a comment at column 0\n",
    "match command:\n    case 'go':\n        pass\n\n    case _:\n        pass\n",
    "async def h():\n    await thing()\n",
    "lambda_ = (lambda: 0)\n",
    # Broken pieces: the whole text fails, and must fail the same way.
    "class Broken(Base:\n    pass\n",
    "def half(:\n",
    ")\n",
    "    indented = 1\n",
    'open_string = """\n',
]


def _dump(statements: list[ast.stmt]) -> list[str]:
    return [ast.dump(s, include_attributes=True) for s in statements]


def _outcome(parse: object, text: str, first_line: int = 1) -> object:
    try:
        if parse is ast.parse:
            return _dump(ast.parse("\n" * (first_line - 1) + text).body)
        return _dump(parse_statements(text, first_line))
    except PARSE_ERRORS as exc:
        line = exc.lineno if isinstance(exc, SyntaxError) else None
        return type(exc).__name__, line


@pytest.fixture(autouse=True)
def tiny_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "PART_CHARS", 1)


def _texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    separators = ["\n", "\n\n", "\n\n\n", "\n   \n", "\n\x0c\n"]
    for _ in range(count):
        pieces = rng.choices(PIECES, k=rng.randint(2, 7))
        text = "".join(piece + rng.choice(separators) for piece in pieces)
        eol = rng.choice(["\n", "\r\n", "\r"])
        text = text.replace("\n", eol)
        if rng.random() < 0.2:
            text = text.rstrip("\r\n")
        yield text


def test_random_texts_parse_in_parts_as_one_parse() -> None:
    cut = 0
    for text in _texts(seed=7, count=1500):
        assert _outcome(parse_statements, text) == _outcome(ast.parse, text), repr(text)
        cut += len(list(parse_module._cuts(text))) > 0
    assert cut > 1000  # the texts were really cut


@pytest.mark.parametrize("first_line", [1, 2, 40])
def test_a_text_parsed_from_a_later_line(first_line: int) -> None:
    for text in _texts(seed=first_line, count=200):
        got = _outcome(parse_statements, text, first_line)
        assert got == _outcome(ast.parse, text, first_line), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        # A future import after the first part: never cut (it could be misplaced).
        "x = 1\n\nfrom __future__ import annotations\n\ny = 2\n",
        # barry_as_FLUFL changes how `<>` parses: never cut.
        "from __future__ import barry_as_FLUFL\n\nx = 1 <> 2\n\ny = 3\n",
        # A BOM: an error after the first character.
        "x = 1\n\n\ufeffy = 2\n",
        "\ufeffx = 1\n\ny = 2\n",
        # A null byte in a later part.
        "x = 1\n\ny = '\x00'\n",
        # A backslash and a lone CR before the blank line.
        "x = 1 + \\\r\r2\n\ny = 3\n",
        # A comment ending in a backslash.
        "x = 1  # C:\\\n\ny = 2\n",
    ],
)
def test_texts_a_cut_could_get_wrong(text: str) -> None:
    assert _outcome(parse_statements, text) == _outcome(ast.parse, text)


def test_the_models_files_of_the_repository_and_a_big_synthetic_one() -> None:
    paths = sorted((REPO / "examples").glob("*/models.py"))
    texts = [p.read_text("utf-8") for p in paths] + [synth_models(200)]
    for text in texts:
        assert _outcome(parse_statements, text) == _outcome(ast.parse, text)


def test_the_default_parts_cut_a_big_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real part size
    text = synth_models(200)
    cuts = list(parse_module._cuts(text))
    assert len(cuts) >= len(text) // parse_module.PART_CHARS - 2
    assert _dump(parse_statements(text)) == _dump(ast.parse(text).body)


def test_tolerant_parsing_and_reparsing_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = list(_texts(seed=11, count=300))

    def both() -> list[object]:
        results = [parse_tolerant(text) for text in texts]
        edited = [
            reparse(old_text, old, old_text + "\nw = 0\n")
            for old_text, old in zip(texts, results, strict=True)
        ]
        return [(_dump(r.statements), r.problems) for r in (*results, *edited)]

    in_parts = both()
    monkeypatch.setattr(parse_module, "PART_CHARS", 10**9)
    assert in_parts == both()
