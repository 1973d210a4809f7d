"""The one place where positions change units.

Three coordinate systems meet in the server:

- `SourceSpan` (analysis, rules): 1-based lines, 0-based columns in UTF-8 *bytes*, as `ast`;
- LSP `Position`: 0-based lines, columns in the negotiated encoding's code units
  (UTF-16 for VS Code, UTF-8 for Neovim, UTF-32 = code points for some others);
- `str` offsets (code points into the document text), used to slice and edit text.

Lines end at `\\n`, `\\r\\n` or `\\r` (as both LSP and Python's tokenizer count them; not
`str.splitlines`, which also splits on form feed and U+2028). Out-of-range positions are
clamped, never raised on: clients send stale positions while the user types.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from lsprotocol import types

from crudsmith.analysis.spec import ModelSpec, ModuleAnalysis, SourceSpan
from crudsmith.rules.lines import line_starts
from crudsmith.rules.model import TextEdit

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

Encoding = types.PositionEncodingKind | str


@dataclass(frozen=True, slots=True)
class LineIndex:
    """Start offsets of each line of one text (code points), to map lines <-> offsets quickly."""

    text: str
    starts: tuple[int, ...]

    def line_count(self) -> int:
        return len(self.starts)

    def line_text(self, line0: int) -> str:
        """Line `line0` (0-based) without its terminator; '' past the end."""
        if line0 < 0 or line0 >= len(self.starts):
            return ""
        start = self.starts[line0]
        end = self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_of_offset(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1


@lru_cache(maxsize=2)  # each entry holds a whole text: the current version and the last
def line_index(text: str) -> LineIndex:
    """The (cached) line index of `text`; a document version's text is indexed once."""
    return LineIndex(text, line_starts(text))


# --------------------------------------------------------------------------- columns


def units_of(chars: str, encoding: Encoding) -> int:
    """How many code units `chars` takes in `encoding`."""
    if chars.isascii():
        return len(chars)
    if encoding == UTF8:
        return len(chars.encode("utf-8", "surrogatepass"))
    if encoding == UTF32:
        return len(chars)
    return len(chars.encode("utf-16-le", "surrogatepass")) // 2


def char_col(line: str, units: int, encoding: Encoding) -> int:
    """Code-point column of the position `units` code units into `line` (clamped)."""
    if units <= 0:
        return 0
    if line.isascii() or encoding == UTF32:
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        count += _char_units(char, encoding)
        if count > units:  # the position falls inside this character: stay before it
            return index
        if count == units:
            return index + 1
    return len(line)


def _char_units(char: str, encoding: Encoding) -> int:
    point = ord(char)
    if encoding == UTF8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    return 2 if point > 0xFFFF else 1


def byte_col_to_char(line: str, byte_col: int) -> int:
    """Code-point column of an `ast` (UTF-8 byte) column in `line`."""
    return char_col(line, byte_col, UTF8)


def char_col_to_byte(line: str, col: int) -> int:
    return units_of(line[:col], UTF8)


# --------------------------------------------------------------------------- offsets


def position_to_offset(text: str, position: types.Position, encoding: Encoding) -> int:
    """`str` offset of an LSP position (clamped to the text)."""
    index = line_index(text)
    if position.line >= index.line_count():
        return len(text)
    line = index.line_text(position.line)
    return index.starts[position.line] + char_col(line, position.character, encoding)


def offset_to_position(text: str, offset: int, encoding: Encoding) -> types.Position:
    index = line_index(text)
    offset = max(0, min(offset, len(text)))
    line0 = index.line_of_offset(offset)
    start = index.starts[line0]
    column = min(offset - start, len(index.line_text(line0)))
    return types.Position(line0, units_of(text[start : start + column], encoding))


def line_col_to_offset(text: str, line: int, byte_col: int) -> int:
    """`str` offset of an `ast` position (1-based line, UTF-8 byte column)."""
    index = line_index(text)
    line0 = line - 1
    if line0 < 0:
        return 0
    if line0 >= index.line_count():
        return len(text)
    return index.starts[line0] + byte_col_to_char(index.line_text(line0), byte_col)


def offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    """`ast` position (1-based line, UTF-8 byte column) of a `str` offset."""
    index = line_index(text)
    offset = max(0, min(offset, len(text)))
    line0 = index.line_of_offset(offset)
    line = index.line_text(line0)
    return line0 + 1, char_col_to_byte(line, min(offset - index.starts[line0], len(line)))


# --------------------------------------------------------------------------- LSP <-> ast


def line_col_to_position(text: str, line: int, byte_col: int, encoding: Encoding) -> types.Position:
    """LSP position of an `ast` position."""
    index = line_index(text)
    line0 = line - 1
    if line0 < 0:
        return types.Position(0, 0)
    if line0 >= index.line_count():
        return offset_to_position(text, len(text), encoding)
    line_text = index.line_text(line0)
    column = byte_col_to_char(line_text, byte_col)
    return types.Position(line0, units_of(line_text[:column], encoding))


def position_to_line_col(
    text: str, position: types.Position, encoding: Encoding
) -> tuple[int, int]:
    """`ast` position (1-based line, UTF-8 byte column) of an LSP position."""
    return offset_to_line_col(text, position_to_offset(text, position, encoding))


def span_to_range(text: str, span: SourceSpan, encoding: Encoding) -> types.Range:
    return types.Range(
        line_col_to_position(text, span.line, span.col, encoding),
        line_col_to_position(text, span.end_line, span.end_col, encoding),
    )


def range_to_span(text: str, range_: types.Range, encoding: Encoding) -> SourceSpan:
    line, col = position_to_line_col(text, range_.start, encoding)
    end_line, end_col = position_to_line_col(text, range_.end, encoding)
    return SourceSpan(line, col, end_line, end_col)


def span_to_offsets(text: str, span: SourceSpan) -> tuple[int, int]:
    """`str` offsets [start, end) of a span."""
    return (
        line_col_to_offset(text, span.line, span.col),
        line_col_to_offset(text, span.end_line, span.end_col),
    )


def offsets_to_range(text: str, start: int, end: int, encoding: Encoding) -> types.Range:
    return types.Range(
        offset_to_position(text, start, encoding), offset_to_position(text, end, encoding)
    )


def text_edit_to_lsp(text: str, edit: TextEdit, encoding: Encoding) -> types.TextEdit:
    """A rule's TextEdit (ast span) as an LSP TextEdit in the client's encoding."""
    return types.TextEdit(span_to_range(text, edit.span, encoding), edit.new_text)


# --------------------------------------------------------------------------- lookups


def span_contains(span: SourceSpan, line: int, byte_col: int) -> bool:
    """Whether the `ast` position (line, byte column) lies within `span` (ends included)."""
    if line < span.line or line > span.end_line:
        return False
    if line == span.line and byte_col < span.col:
        return False
    return not (line == span.end_line and byte_col > span.end_col)


def model_at(
    analysis: ModuleAnalysis, text: str, position: types.Position, encoding: Encoding
) -> ModelSpec | None:
    """The model class whose source span contains the LSP `position`, if any."""
    line, col = position_to_line_col(text, position, encoding)
    for model in analysis.models:
        if model.span is not None and span_contains(model.span, line, col):
            return model
    return None


def models_in_range(
    analysis: ModuleAnalysis, text: str, range_: types.Range, encoding: Encoding
) -> list[ModelSpec]:
    """Models whose span overlaps the LSP `range_` (a cursor is an empty range)."""
    span = range_to_span(text, range_, encoding)
    found = []
    for model in analysis.models:
        if model.span is None:
            continue
        starts_before_end = (model.span.line, model.span.col) <= (span.end_line, span.end_col)
        ends_after_start = (model.span.end_line, model.span.end_col) >= (span.line, span.col)
        if starts_before_end and ends_after_start:
            found.append(model)
    return found
