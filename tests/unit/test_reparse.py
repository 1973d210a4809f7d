"""analysis.reparse: an edited text re-parsed from the previous version's statements must
equal a fresh `parse_tolerant` of the new text (every position, every problem), and must
actually reuse the untouched statements."""

from __future__ import annotations

import ast
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pygls.uris import from_fs_path
from pygls.workspace import Workspace

from crudsmith.analysis.module import parse_and_analyze
from crudsmith.analysis.parse import ParseResult, parse_tolerant
from crudsmith.analysis.reparse import parse_for_edits, reparse
from crudsmith.analysis.source import split_lines
from crudsmith.lsp import documents as documents_module
from crudsmith.lsp.documents import DocumentCache
from crudsmith.workspace.index import WorkspaceIndex

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from synth import synth_models  # noqa: E402

EXAMPLES = ["blog", "shop", "heroes", "forum"]

# Corpus-like files: classic Column / Flask styles, decorators, module-level control
# flow, a semicolon line, a backslash continuation, a `__future__` import, CJK and emoji.
FLASK_LIKE = '''"""Flask-SQLAlchemy models — 数据 😀."""
from __future__ import annotations

import enum
import os; import sys

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, Integer, String, Table

db = SQLAlchemy()
DEBUG = os.environ.get("DEBUG") == "1" \\
    or "--debug" in sys.argv

if DEBUG:
    ECHO = True
else:
    ECHO = False

try:
    import ujson as json
except ImportError:
    import json

tags = Table(
    "tags",
    db.metadata,
    Column("post_id", Integer, ForeignKey("posts.id")),
)


class Status(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Author(db.Model):
    """Un auteur — 著者."""

    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)  # 名前 😀


@some.decorator("x")
@other
class Post(db.Model):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String(200))
    author_id = Column(Integer, ForeignKey("authors.id"))

    def __repr__(self) -> str:
        return f"<Post {self.title!r}>"


def helper(x: int) -> int:
    """Twice x."""
    return x * 2
x = 1; y = 2
'''

ROUTERS_LIKE = """from fastapi import APIRouter, Depends, HTTPException

from app.models import Hero

router = APIRouter(prefix="/heroes")


@router.get("/{hero_id}")
def read_hero(hero_id: int) -> Hero:
    hero = None
    if hero is None:
        raise HTTPException(status_code=404, detail="héros introuvable 🦸")
    return hero


@router.post("/", status_code=201)
async def create_hero(hero: Hero) -> Hero:
    '''Crée un héros.

    Multi-line docstring with a "quote" and a backslash \\\\ inside.
    '''
    return hero


match router:
    case APIRouter():
        pass
    case _:
        pass
"""

Edit = Callable[[list[str], str], list[str]]


class _Differ:
    """Checks reparse(old -> new) == parse_tolerant(new), dumping each node object once
    (`ast.dump` dominates the cost): a reused node's dump is its old node's. `untouched()`
    then re-dumps every parse checked so far, uncached: no reused node was mutated."""

    def __init__(self) -> None:
        self._dumps: dict[int, tuple[ast.AST, str]] = {}  # the node keeps its id alive
        self._seen: list[tuple[ParseResult, list[str]]] = []
        self._expected: dict[str, tuple[list[str], list[object]]] = {}  # text -> fresh parse

    def dump(self, result: ParseResult) -> tuple[list[str], list[object]]:
        dumps = []
        for stmt in result.statements:
            cached = self._dumps.get(id(stmt))
            if cached is None:
                cached = (stmt, ast.dump(stmt, include_attributes=True))
                self._dumps[id(stmt)] = cached
            dumps.append(cached[1])
        return dumps, list(result.problems)

    def check(self, old_text: str, new_text: str, old: ParseResult | None = None) -> ParseResult:
        old = parse_tolerant(old_text) if old is None else old
        got = reparse(old_text, old, new_text)
        expected = self._expected.get(new_text)
        if expected is None:
            expected = self._expected[new_text] = _dump(parse_tolerant(new_text))
        dumps = self.dump(got)
        assert dumps == expected, (old_text, new_text)
        assert got.statements is not old.statements
        self._seen.append((got, dumps[0]))
        return got

    def untouched(self) -> None:
        for result, dumps in self._seen:
            assert _dump(result)[0] == dumps


def _dump(result: ParseResult) -> tuple[list[str], list[object]]:
    statements = [ast.dump(s, include_attributes=True) for s in result.statements]
    return statements, list(result.problems)


def _check(old_text: str, new_text: str, old: ParseResult | None = None) -> ParseResult:
    """One checked reparse, the old tree verified unchanged afterwards."""
    differ = _Differ()
    got = differ.check(old_text, new_text, old)
    differ.untouched()
    return got


def _texts() -> dict[str, str]:
    texts = {name: (REPO / "examples" / name / "models.py").read_text("utf-8") for name in EXAMPLES}
    texts["flask-like"] = FLASK_LIKE
    texts["routers-like"] = ROUTERS_LIKE
    texts["synth30"] = synth_models(30)
    texts["blog-crlf"] = texts["blog"].replace("\n", "\r\n")
    texts["flask-cr"] = FLASK_LIKE.replace("\n", "\r")
    texts["forum-no-final-newline"] = texts["forum"].rstrip("\n")
    texts["shop-tabs-formfeed"] = (
        texts["shop"].replace("\n    ", "\n\t").replace("\n\nclass", "\n\x0c\nclass")
    )
    return texts


TEXTS = _texts()


def _eol(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\r" if "\r" in text else "\n"


def _classes(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.startswith(("class ", "def ", "async def "))]


def _middle_class(lines: list[str]) -> tuple[int, int]:
    """(first, end) line indexes of the middle top-level class or function (end: the next
    one or EOF)."""
    starts = _classes(lines)
    index = len(starts) // 2
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    return starts[index], end


def _body_line(lines: list[str]) -> int:
    first, end = _middle_class(lines)
    for i in range(first + 1, end):
        if lines[i].startswith(("    ", "\t")) and lines[i].strip():
            return i
    return first


def _type_char(lines: list[str], eol: str) -> list[str]:
    i = _body_line(lines)
    line = lines[i]
    cut = len(line.rstrip("\r\n")) // 2
    return [*lines[:i], line[:cut] + "z" + line[cut:], *lines[i + 1 :]]


def _insert_in_class(lines: list[str], eol: str) -> list[str]:
    i = _body_line(lines)
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    return [*lines[: i + 1], f"{indent}extra_field = 1{eol}", *lines[i + 1 :]]


def _delete_in_class(lines: list[str], eol: str) -> list[str]:
    i = _body_line(lines)
    return [*lines[:i], *lines[i + 1 :]]


def _between_classes(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[:first], f"BETWEEN = 'x'{eol}{eol}", *lines[first:]]


def _at_top(lines: list[str], eol: str) -> list[str]:
    return [f"# top 😀{eol}", *lines]


def _at_end(lines: list[str], eol: str) -> list[str]:
    return [*lines, f"{eol}END = 1{eol}"]


def _in_docstring(lines: list[str], eol: str) -> list[str]:
    for i, line in enumerate(lines):
        if line.lstrip().startswith(('"""', "'''")) and i > 0:
            return [*lines[: i + 1], f"    more text — 説明 🚀{eol}", *lines[i + 1 :]]
    return lines


def _indented_after_class(lines: list[str], eol: str) -> list[str]:
    _, end = _middle_class(lines)
    return [*lines[: end - 1], f"    stray: int = 3{eol}", *lines[end - 1 :]]


def _open_bracket(lines: list[str], eol: str) -> list[str]:
    i = _body_line(lines)
    return [*lines[:i], f"    broken = call({eol}", *lines[i:]]


def _open_triple_quote(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[:first], f'"""unterminated{eol}', *lines[first:]]


def _paste_class(lines: list[str], eol: str) -> list[str]:
    first, end = _middle_class(lines)
    return [*lines[:end], *lines[first:end], *lines[end:]]


def _delete_class(lines: list[str], eol: str) -> list[str]:
    first, end = _middle_class(lines)
    return [*lines[:first], *lines[end:]]


def _replace_class_line(lines: list[str], eol: str) -> list[str]:
    """Same line count: the middle class renamed (suffix reuse)."""
    first, _ = _middle_class(lines)
    renamed = re.sub(r"^(class|def|async def) ", r"\1 Renamed", lines[first], count=1)
    return [*lines[:first], renamed, *lines[first + 1 :]]


def _cjk_line(lines: list[str], eol: str) -> list[str]:
    i = _body_line(lines)
    return [*lines[: i + 1], f"    名前 = '😀🚀 ユーザー'  # 𠀋{eol}", *lines[i + 1 :]]


def _else_after_class(lines: list[str], eol: str) -> list[str]:
    _, end = _middle_class(lines)
    return [*lines[:end], f"else:{eol}    pass{eol}", *lines[end:]]


def _decorate_class(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[:first], f"@decorated{eol}", *lines[first:]]


def _dangling_decorator(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[: first - 1], f"@dangling{eol}", *lines[first - 1 :]]


def _backslash_before(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[:first], f"A = 1 + \\{eol}", f"    2{eol}", *lines[first:]]


def _future_import(lines: list[str], eol: str) -> list[str]:
    first, _ = _middle_class(lines)
    return [*lines[:first], f"from __future__ import annotations{eol}", *lines[first:]]


def _toggle_final_newline(lines: list[str], eol: str) -> list[str]:
    last = lines[-1].rstrip("\r\n")
    return [*lines[:-1], last if last != lines[-1] else last + eol]


def _mixed_line_end(lines: list[str], eol: str) -> list[str]:
    """A `\\r\\n` turned into `\\r` + `\\n` boundaries inside the middle class."""
    i = _body_line(lines)
    other = "\n" if eol != "\n" else "\r\n"
    return [*lines[:i], lines[i].rstrip("\r\n") + other, *lines[i + 1 :]]


EDITS: dict[str, Edit] = {
    "type a char in a class": _type_char,
    "insert a line in a class": _insert_in_class,
    "delete a line in a class": _delete_in_class,
    "insert between classes": _between_classes,
    "insert at the top": _at_top,
    "append at the end": _at_end,
    "insert in a docstring": _in_docstring,
    "indented line after a class": _indented_after_class,
    "unclosed bracket": _open_bracket,
    "unclosed triple quote": _open_triple_quote,
    "paste a class": _paste_class,
    "delete a class": _delete_class,
    "rename a class": _replace_class_line,
    "emoji and CJK line": _cjk_line,
    "else after a class": _else_after_class,
    "decorate a class": _decorate_class,
    "dangling decorator": _dangling_decorator,
    "backslash continuation before a class": _backslash_before,
    "misplaced __future__": _future_import,
    "drop or add the final newline": _toggle_final_newline,
    "change one line end": _mixed_line_end,
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_every_edit_reparses_like_a_fresh_parse(name: str) -> None:
    text = TEXTS[name]
    lines = split_lines(text)
    eol = _eol(text)
    differ = _Differ()
    old = parse_tolerant(text)
    for edit_name, edit in EDITS.items():
        edited = "".join(edit(lines, eol))
        assert edited != text or edit_name == "insert in a docstring", edit_name
        new = differ.check(text, edited, old)
        differ.check(edited, text, new)  # and back (from a parse that may have problems)
    differ.untouched()


def test_a_one_character_edit_reuses_every_other_statement() -> None:
    text = synth_models(30)
    old = parse_tolerant(text)
    lines = split_lines(text)
    target = _body_line(lines) + 1  # 1-based
    edited = "".join(_type_char(lines, "\n"))
    new = _check(text, edited, old)
    assert len(new.statements) == len(old.statements)
    for before, after in zip(old.statements, new.statements, strict=True):
        touched = before.lineno <= target <= (before.end_lineno or 0)
        assert (after is before) != touched, ast.dump(before)[:80]
    # A new parse, so a new place for its memoised facts.
    assert new.statements is not old.statements and not new.statements.facts


def test_a_line_inserted_keeps_the_prefix_and_reparses_the_rest() -> None:
    text = synth_models(30)
    old = parse_tolerant(text)
    lines = split_lines(text)
    first, _ = _middle_class(lines)
    new = _check(text, "".join(_insert_in_class(lines, "\n")), old)
    kept = [s for s in new.statements if any(s is o for o in old.statements)]
    assert kept and all((s.end_lineno or 0) < first + 1 for s in kept)


def test_a_previous_parse_with_problems_but_no_chunk_table_is_never_reused() -> None:
    # parse_tolerant keeps no record of its chunks: nothing can be attributed.
    broken = TEXTS["blog"].replace("class Post(Base):", "class Post(Base:", 1)
    old = parse_tolerant(broken)
    assert old.problems
    new = _check(broken, broken + "\n# more\n", old)
    assert not any(s is o for s in new.statements for o in old.statements)


_ALPHABET = [
    *"xyz_0 ()[]{}:#'\"\\@;=.,\t",
    "\n",
    "\r\n",
    "\r",
    "\x0c",
    "é",
    "😀",
    "データ",
    "    ",
    "\n    ",
    "\nclass Extra(Base):\n    pass\n",
    "\nelse:\n    pass\n",
    '"""',
]


def _random_edit(rng: random.Random, text: str) -> str:
    lines = split_lines(text)
    kind = rng.random()
    if kind < 0.35 and lines:  # typing inside a line
        i = rng.randrange(len(lines))
        line = lines[i]
        cut = rng.randrange(len(line.rstrip("\r\n")) + 1)
        piece = rng.choice("abcxyz_0") if rng.random() < 0.5 else rng.choice(_ALPHABET)
        return "".join([*lines[:i], line[:cut] + piece + line[cut:], *lines[i + 1 :]])
    if kind < 0.55 and lines:  # a whole line in or out
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            return "".join([*lines[:i], *lines[i + 1 :]])
        return "".join(
            [*lines[:i], rng.choice(["\n", "# note\n", "    a = 1\n", "B = 2\n"]), *lines[i:]]
        )
    if kind < 0.7 and len(lines) > 2:  # a block of lines copied or cut
        i = rng.randrange(len(lines) - 1)
        j = rng.randrange(i + 1, min(len(lines), i + 40) + 1)
        if rng.random() < 0.5:
            return "".join([*lines[:j], *lines[i:j], *lines[j:]])
        return "".join([*lines[:i], *lines[j:]])
    start = rng.randrange(len(text) + 1)  # raw characters, anywhere
    if rng.random() < 0.5:
        return text[:start] + text[start + rng.randrange(1, 30) :]
    return text[:start] + rng.choice(_ALPHABET) + text[start:]


def test_seeded_random_edits() -> None:
    rng = random.Random(20261124)
    differ = _Differ()
    reused_steps = 0
    steps = 0
    for name in ["blog", "flask-like", "routers-like", "blog-crlf", "synth6"]:
        text = synth_models(6) if name == "synth6" else TEXTS[name]
        parsed = parse_tolerant(text)
        for _ in range(60):
            edited = _random_edit(rng, text)
            new = differ.check(text, edited, parsed)
            steps += 1
            if any(s is o for s in new.statements for o in parsed.statements):
                reused_steps += 1
            if not new.problems:
                text, parsed = edited, new  # go on editing from the reparsed version
            else:
                differ.check(edited, text, new)  # the fix of a broken edit
    differ.untouched()
    assert steps == 300
    assert reused_steps > steps // 4, reused_steps


def test_the_document_cache_reparses_from_the_previous_version(tmp_path: Path) -> None:
    workspace = Workspace(str(from_fs_path(str(tmp_path))))
    cache = DocumentCache(lambda: workspace, WorkspaceIndex())
    uri = str(from_fs_path(str(tmp_path / "models.py")))
    text = synth_models(30)
    first = cache.build(uri, 1, text)
    edited = "".join(_type_char(split_lines(text), "\n"))
    second = cache.build(uri, 2, edited)
    shared = sum(any(s is o for o in first.statements) for s in second.statements)
    assert shared == len(first.statements) - 1  # all but the edited class
    parsed, analysis = parse_and_analyze(edited)
    assert second.analysis == analysis
    assert [ast.dump(s) for s in second.statements] == [ast.dump(s) for s in parsed.statements]
    broken = edited.replace("class ", "class (", 1)
    third = cache.build(uri, 3, broken)
    assert third.analysis.syntax_problems
    fixed = cache.build(uri, 4, edited)  # from a recovered version: its head is kept
    assert any(s is o for s in fixed.statements for o in third.statements)
    assert fixed.analysis == analysis
    assert not fixed.problems


# Small texts at the edges of the argument (statements sharing a line, decorators,
# clauses, continuations, `\r` and `\r\n` line ends, form feed, tabs, strings), edited
# at every offset: one piece inserted, or one character replaced by it.
TRICKY = [
    "a = 1; b = (\n2)\nc = 3\n",
    "@dec\nclass A:\n    x = 1\n\n\n@dec2\nclass B:\n    y = 2\n",
    "if x:\n    pass\n\nz = 1\n\ny = 2\n",
    "x = 1 + \\\n    2\ny = 3\n\nw = 4\n",
    "x = 1\ry = 2\r\rz = 3\r",
    "x = 1\r\ny = 2\r\n\r\nz = 3\r\n",
    "s = '''\nabc\n'''\nt = 1\n\nu = 2\n",
    "class A:\n    x = 1\n    # trailing comment\n\nclass B:\n\tpass\n",
    "x = 1\n\x0c\ny = 2\n\nz = 3",
]
PIECES = ["", "\n", "\r", "\r\n", "\\", "\\\n", "else:\n    pass\n", "    ", "(", "'''", "@d\n"]


@pytest.mark.parametrize("text", TRICKY)
def test_every_small_edit_of_tricky_texts(text: str) -> None:
    differ = _Differ()
    old = parse_tolerant(text)
    for offset in range(len(text) + 1):
        for cut in (offset, min(offset + 1, len(text))):
            for piece in PIECES:
                edited = text[:offset] + piece + text[cut:]
                if edited != text:
                    differ.check(text, edited, old)
    differ.untouched()


def test_a_backslash_before_a_crlf_never_joins_a_kept_statement() -> None:
    # `x = 1\` then `\r\n` parses alone; in the whole text it joins `y = 2` (an error).
    new = _check("x = 1\r\ny = 2\r\n\r\nz = 3\r\n", "x = 1\\\r\ny = 2\r\n\r\nz = 3\r\n")
    assert new.problems


def test_a_failing_reparse_falls_back_to_a_fresh_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(str(from_fs_path(str(tmp_path))))
    cache = DocumentCache(lambda: workspace, WorkspaceIndex())
    uri = str(from_fs_path(str(tmp_path / "models.py")))
    text = TEXTS["blog"]
    cache.build(uri, 1, text)

    def broken(*args: object) -> ParseResult:
        raise RuntimeError("injected")

    monkeypatch.setattr(documents_module, "reparse", broken)
    edited = text.replace("class Post(", "class Article(", 1)
    second = cache.build(uri, 2, edited)
    assert [m.name for m in second.analysis.models] == [
        m.name for m in parse_and_analyze(edited)[1].models
    ]
    assert "Article" in {m.name for m in second.analysis.models}


# ------------------------------------------------------------ edits that break the text


def _line_end(lines: list[str], i: int) -> int:
    """The offset where line index `i`'s text ends (before its line end)."""
    return sum(map(len, lines[:i])) + len(lines[i].rstrip("\r\n"))


def _tablename_end(text: str) -> int:
    """The end of the middle class's `__tablename__ = "..."` line (its body's first line)."""
    lines = split_lines(text)
    first, end = _middle_class(lines)
    named = [i for i in range(first, end) if "__tablename__" in lines[i]]
    return _line_end(lines, named[0] if named else _body_line(lines))


def _insert(text: str, offset: int, piece: str) -> str:
    return text[:offset] + piece + text[offset:]


BROKEN_NAMES = ["synth30", "blog", "flask-like", "blog-crlf", "shop-tabs-formfeed", "forum"]


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_broken_edits_reparse_like_a_fresh_parse(name: str) -> None:
    """valid -> broken -> more broken -> two broken places -> valid, each version re-parsed
    from the previous re-parse (the chunk table of a recovered parse is used)."""
    differ = _Differ()
    text = TEXTS[name]
    at = _tablename_end(text)
    steps = [
        _insert(text, at, "("),  # valid -> broken
        _insert(text, at, "(("),  # broken -> broken, the same line
        _insert(text, at, "((x"),
        _insert(_insert(text, at, "((x"), 3, ":"),  # a second broken place, near the top
        _insert(text, at, "((x"),  # one place fixed
        text,  # broken -> valid
        _insert(text, at, '"""'),  # an unterminated triple quote
        _insert(text, at, '""" and on'),
        text,
    ]
    old_text, old = text, parse_tolerant(text)
    for new_text in steps:
        old = differ.check(old_text, new_text, old)
        old_text = new_text
    differ.untouched()


def test_an_unclosed_bracket_spanning_into_the_next_class() -> None:
    text = TEXTS["synth30"]
    lines = split_lines(text)
    first, end = _middle_class(lines)
    last = max(i for i in range(first, end) if lines[i].strip())  # the class's last line
    call = _line_end(lines, last)  # an unclosed call there runs into the next class
    steps = [_insert(text, call, " + f("), _insert(text, call, " + f(a,"), text]
    differ = _Differ()
    old_text, old = text, parse_tolerant(text)
    for new_text in steps:
        old = differ.check(old_text, new_text, old)
        assert new_text == text or old.problems
        old_text = new_text
    differ.untouched()


def test_a_one_character_break_keeps_the_other_classes() -> None:
    text = synth_models(30)
    old = parse_tolerant(text)
    at = _tablename_end(text)
    broken = _check(text, _insert(text, at, "("), old)
    assert broken.problems
    kept = [s for s in broken.statements if any(s is o for o in old.statements)]
    assert len(kept) >= len(old.statements) - 2, (len(kept), len(old.statements))
    again = _check(_insert(text, at, "("), _insert(text, at, "(("), broken)  # broken -> broken
    kept_again = [s for s in again.statements if any(s is o for o in broken.statements)]
    assert len(kept_again) >= len(broken.statements) - 2
    fixed = _check(_insert(text, at, "(("), text, again)  # broken -> valid: the head is kept
    assert not fixed.problems
    assert any(s is o for s in fixed.statements for o in again.statements)


_TYPED = ["(", ")", '"', "'", ":", "\n", "\n    ", "[", "x", " ", "#", '"""', "é", "😀", "\r\n"]


def test_typing_random_characters_into_random_places() -> None:
    """Random keystrokes (mostly breaking ones), each version re-parsed from the previous
    re-parse whatever its problems, sometimes a keystroke undone."""
    rng = random.Random(4_2026)
    differ = _Differ()
    steps = 0
    for name in ["synth30", "blog", "flask-like", "routers-like", "blog-crlf", "forum"]:
        text = TEXTS[name]
        old_text, old = text, parse_tolerant(text)
        for _ in range(70):
            roll = rng.random()
            if roll < 0.1:
                new_text = text  # back to the pristine version
            elif roll < 0.25 and old_text:
                cut = rng.randrange(len(old_text))
                new_text = old_text[:cut] + old_text[cut + 1 :]
            else:
                lines = split_lines(old_text)
                i = rng.randrange(len(lines)) if rng.random() < 0.8 else len(lines) // 2
                at = sum(map(len, lines[:i])) + rng.randrange(len(lines[i].rstrip("\r\n")) + 1)
                new_text = _insert(old_text, at, rng.choice(_TYPED))
            old = differ.check(old_text, new_text, old)
            old_text = new_text
            steps += 1
    differ.untouched()
    assert steps == 420


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_a_text_opened_broken_parses_like_parse_tolerant_and_keeps_its_record(
    name: str,
) -> None:
    """`parse_for_edits` (documents, the index): the result of `parse_tolerant`, plus the
    record that lets the first edit after it reuse every untouched chunk."""
    text = TEXTS[name]
    at = _tablename_end(text)
    for broken in (_insert(text, at, "("), _insert(text, at, '"""'), _insert(text, at, "((x")):
        opened = parse_for_edits(broken)
        assert _dump(opened) == _dump(parse_tolerant(broken))
        assert opened.problems
        edited = _insert(broken, at, "x")
        again = _check(broken, edited, opened)
        kept = [s for s in again.statements if any(s is o for o in opened.statements)]
        if "\\\n" not in broken:  # a backslash continuation always re-parses whole
            assert kept, "the first edit after opening re-parsed everything"
    assert _dump(parse_for_edits(text)) == _dump(parse_tolerant(text))
