"""Applying a rule's text edits to a source text (used by `--fix`, tests and the editor)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crudsmith.analysis.spec import SourceSpan
from crudsmith.rules.lines import line_starts
from crudsmith.rules.model import TextEdit


class OverlappingEditsError(ValueError):
    """Two edits touch the same text; the caller applies them in separate passes."""


def offset_of(source: str, line: int, byte_col: int, starts: Sequence[int] | None = None) -> int:
    """The str index of (1-based line, UTF-8 byte column) in `source`."""
    if starts is None:
        starts = line_starts(source)
    if line - 1 >= len(starts):
        return len(source)
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(source)
    prefix = source[start:end].encode("utf-8", "surrogatepass")[:byte_col]
    return start + len(prefix.decode("utf-8", "surrogatepass"))


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits (positions refer to the original `source`)."""
    starts = line_starts(source)
    resolved = sorted(
        (
            offset_of(source, e.span.line, e.span.col, starts),
            offset_of(source, e.span.end_line, e.span.end_col, starts),
            e.new_text,
        )
        for e in edits
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, text in resolved:
        if start < cursor:
            raise OverlappingEditsError(f"edit at offset {start} overlaps the previous one")
        pieces.append(source[cursor:start])
        pieces.append(text)
        cursor = end
    pieces.append(source[cursor:])
    return "".join(pieces)


def span(line: int, col: int, end_line: int, end_col: int) -> SourceSpan:
    """Shorthand for building edit spans in rules."""
    return SourceSpan(line, col, end_line, end_col)
