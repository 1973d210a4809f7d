"""crudsmith.lsp.positions: ast byte columns <-> LSP positions (UTF-8/16/32) <-> str offsets."""

from __future__ import annotations

import ast

import pytest
from lsprotocol.types import Position, Range

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import SourceSpan
from crudsmith.lsp import positions as p
from crudsmith.rules.model import TextEdit

ENCODINGS = [p.UTF8, p.UTF16, p.UTF32]

SOURCE = (
    '"""Modèles 🚀 — 数据模型."""\n'
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
    "\n"
    "\n"
    "class Base(DeclarativeBase):\n"
    "    pass\n"
    "\n"
    "\n"
    'label = "😀数据"; class_name = "ユーザー"\n'
    "\n"
    "\n"
    "class User(Base):  # 利用者 👤\n"
    '    """Un utilisateur — ユーザー 😀."""\n'
    '    __tablename__ = "users"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    '    名前: Mapped[str] = mapped_column(default="🚀")  # 名前 😀\n'
)


def _units(chars: str, encoding: str) -> int:
    if encoding == p.UTF8:
        return len(chars.encode("utf-8"))
    if encoding == p.UTF16:
        return len(chars.encode("utf-16-le")) // 2
    return len(chars)


def _names(source: str) -> list[ast.Name]:
    return [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_ast_name_maps_to_its_text(encoding: str) -> None:
    names = _names(SOURCE)
    assert any(not node.id.isascii() for node in names)
    for node in names:
        assert node.end_lineno is not None and node.end_col_offset is not None
        span = SourceSpan(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
        start, end = p.span_to_offsets(SOURCE, span)
        assert SOURCE[start:end] == node.id
        lsp = p.span_to_range(SOURCE, span, encoding)
        line = SOURCE.splitlines()[node.lineno - 1]
        column = len(line.encode("utf-8")[: node.col_offset].decode("utf-8"))
        assert lsp.start == Position(node.lineno - 1, _units(line[:column], encoding))
        assert p.range_to_span(SOURCE, lsp, encoding) == span


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_offsets_round_trip_through_positions(encoding: str) -> None:
    for offset in range(len(SOURCE) + 1):
        position = p.offset_to_position(SOURCE, offset, encoding)
        if offset < len(SOURCE) and SOURCE[offset] == "\n":
            assert p.position_to_offset(SOURCE, position, encoding) == offset
            continue
        assert p.position_to_offset(SOURCE, position, encoding) == offset


def test_known_columns_under_each_encoding() -> None:
    # Line 9: 'label = "😀数据"; class_name = "ユーザー"' -- `class_name` follows an emoji and CJK.
    line = SOURCE.splitlines()[8]
    column = line.index("class_name")
    byte_col = len(line[:column].encode("utf-8"))
    position = {enc: p.line_col_to_position(SOURCE, 9, byte_col, enc) for enc in ENCODINGS}
    assert position[p.UTF32].character == column == 15
    assert position[p.UTF16].character == 16  # the emoji is a surrogate pair
    assert position[p.UTF8].character == byte_col == 22  # 4 bytes + 2 x 3 bytes


def test_clamping_never_raises() -> None:
    text = "ab😀\ncd"
    assert p.position_to_offset(text, Position(0, 99), p.UTF16) == 3  # end of line 0
    assert p.position_to_offset(text, Position(99, 0), p.UTF16) == len(text)
    # Inside the surrogate pair: stays before the emoji.
    assert p.position_to_offset(text, Position(0, 3), p.UTF16) == 2
    # Inside a multi-byte UTF-8 sequence: stays before the character.
    assert p.position_to_offset(text, Position(0, 4), p.UTF8) == 2
    assert p.line_col_to_offset(text, 0, 0) == 0
    assert p.line_col_to_offset(text, 7, 0) == len(text)
    assert p.offset_to_position(text, 99, p.UTF8) == Position(1, 2)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_count_like_the_tokenizer(newline: str) -> None:
    text = newline.join(["x = 1", "y = '€'  # \x0c form feed \u2028 stays", "z = 2"]) + newline
    index = p.line_index(text)
    assert index.line_count() == 4
    z = p.line_col_to_offset(text, 3, 0)
    assert text[z] == "z"
    assert p.offset_to_position(text, z, p.UTF16) == Position(2, 0)
    assert p.offset_to_line_col(text, z) == (3, 0)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_model_at_and_models_in_range(encoding: str) -> None:
    analysis = analyze_source(SOURCE)
    [user] = analysis.models
    # Cursor on the CJK column name inside the class.
    line = SOURCE.splitlines()[15]
    inside = Position(15, _units(line[: line.index("名前") + 1], encoding))
    assert p.model_at(analysis, SOURCE, inside, encoding) == user
    assert p.model_at(analysis, SOURCE, Position(8, 3), encoding) is None
    cursor = Range(inside, inside)
    assert p.models_in_range(analysis, SOURCE, cursor, encoding) == [user]
    everything = Range(Position(0, 0), Position(99, 0))
    assert p.models_in_range(analysis, SOURCE, everything, encoding) == [user]


def test_text_edit_to_lsp_uses_the_client_encoding() -> None:
    line = SOURCE.splitlines()[11]
    col = len(line[: line.index("#")].encode("utf-8"))
    edit = TextEdit(SourceSpan(12, col, 12, len(line.encode("utf-8"))), "# fixed")
    lsp16 = p.text_edit_to_lsp(SOURCE, edit, p.UTF16)
    lsp8 = p.text_edit_to_lsp(SOURCE, edit, p.UTF8)
    assert lsp16.range.start == lsp8.range.start == Position(11, line.index("#"))
    assert lsp16.range.end.character == len(line.encode("utf-16-le")) // 2
    assert lsp8.range.end.character == len(line.encode("utf-8"))
    assert lsp16.new_text == "# fixed"
