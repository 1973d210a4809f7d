"""Source text access shared by the analysis modules.

`ast` reports columns as UTF-8 byte offsets. `ast.get_source_segment` re-splits
the whole source on every call, which is quadratic on large files, so this
module splits once and slices lines lazily.
"""

from __future__ import annotations

import ast

from crudsmith.analysis.spec import SourceSpan

# str.splitlines also breaks on these; Python's tokenizer does not. Eight `in` scans
# are about twice as fast as one regular-expression character class on a large text.
_ODD_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """Lines as the Python tokenizer counts them (\n, \r\n, \r), with their endings."""
    lines = text.splitlines(keepends=True)
    if not any(odd in text for odd in _ODD_BREAKS):
        return lines
    merged: list[str] = []
    pending = ""
    for piece in lines:
        pending += piece
        if pending.endswith(("\n", "\r")):
            merged.append(pending)
            pending = ""
    if pending:
        merged.append(pending)
    return merged


class SourceText:
    """The analysed text, split into lines once (when first needed), with byte-accurate
    slicing. Splitting is lazy: an analysis that reuses earlier results may need no slice."""

    __slots__ = ("_encoded", "_lines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._encoded: dict[int, bytes] = {}

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def _line_bytes(self, lineno: int) -> bytes:
        cached = self._encoded.get(lineno)
        if cached is None:
            if 1 <= lineno <= len(self.lines):
                cached = self.lines[lineno - 1].encode("utf-8", "surrogatepass")
            else:
                cached = b""
            self._encoded[lineno] = cached
        return cached

    def segment(self, node: ast.AST) -> str:
        """The source text of `node`; falls back to `ast.unparse` when positions are missing."""
        lineno: int | None = getattr(node, "lineno", None)
        end_lineno: int | None = getattr(node, "end_lineno", None)
        col: int | None = getattr(node, "col_offset", None)
        end_col: int | None = getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            return _unparse(node)
        lines = self.lines
        if lineno == end_lineno and 1 <= lineno <= len(lines):
            line = lines[lineno - 1]
            if line.isascii():  # O(1) check; byte columns are str columns: no encoding
                return line[col:end_col] or _unparse(node)
        if lineno == end_lineno:
            raw = self._line_bytes(lineno)[col:end_col]
        else:
            parts = [self._line_bytes(lineno)[col:]]
            parts.extend(self._line_bytes(n) for n in range(lineno + 1, end_lineno))
            parts.append(self._line_bytes(end_lineno)[:end_col])
            raw = b"".join(parts)
        if not raw:
            return _unparse(node)
        return raw.decode("utf-8", "replace")

    def byte_col(self, lineno: int, char_offset: int) -> int:
        """Convert a 0-based character offset on `lineno` to a UTF-8 byte offset."""
        if not 1 <= lineno <= len(self.lines):
            return max(char_offset, 0)
        prefix = self.lines[lineno - 1][: max(char_offset, 0)]
        return len(prefix.encode("utf-8", "surrogatepass"))


def _unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # unparse of a partial tree: never fatal
        return ""


def span_of(node: ast.AST) -> SourceSpan:
    """The span of a statement or expression node."""
    try:
        line: int = node.lineno  # type: ignore[attr-defined]
        col: int = node.col_offset  # type: ignore[attr-defined]
        end_line: int | None = node.end_lineno  # type: ignore[attr-defined]
        end_col: int | None = node.end_col_offset  # type: ignore[attr-defined]
    except AttributeError:
        return SourceSpan(1, 0, 1, 0)
    # Positional (line, col, end_line, end_col): one span per column and relationship,
    # and keyword matching is a quarter of a frozen dataclass's construction time.
    return SourceSpan(line, col, line if end_line is None else end_line, end_col or 0)


def class_span(node: ast.ClassDef) -> SourceSpan:
    """The span of a class including its decorators (which start on earlier lines)."""
    span = span_of(node)
    if node.decorator_list:
        first = node.decorator_list[0]
        # The decorator expression starts after "@"; the "@" sits at the class's column.
        return SourceSpan(
            line=min(first.lineno, span.line),
            col=span.col,
            end_line=span.end_line,
            end_col=span.end_col,
        )
    return span
