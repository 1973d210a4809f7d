"""Minimal text edits that turn one text into another (usually pure insertions).

Merging only adds text, so a line diff followed by a character diff inside each
changed hunk yields insertions at the exact spots where text was added; the
editor receives those small edits instead of a whole-file replacement.
Positions are `ast` coordinates of the ORIGINAL text (1-based line, UTF-8 byte
column), the units every pure module of crudsmith speaks.
"""

from __future__ import annotations

import difflib
import re

from crudsmith.analysis.spec import SourceSpan
from crudsmith.rules.model import TextEdit

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their terminators (`\\n`, `\\r\\n` or `\\r`), as the tokenizer counts them."""
    return _LINES.findall(text)


def text_edits(original: str, new: str) -> tuple[TextEdit, ...]:
    """Edits (positions in `original`) that turn `original` into `new`."""
    if original == new:
        return ()
    old_lines = split_lines(original)
    new_lines = split_lines(new)
    starts = _line_starts(old_lines)
    located: list[tuple[int, int, str]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_chunk = "".join(old_lines[i1:i2])
        new_chunk = "".join(new_lines[j1:j2])
        base = starts[i1]
        located.extend(_char_edits(base, old_chunk, new_chunk))
    return tuple(_to_edit(old_lines, starts, *edit) for edit in located)


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _char_edits(base: int, old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, text) offsets into the original for one changed hunk."""
    if not old:
        return [(base, base, new)]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    edits: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append((base + i1, base + i2, new[j1:j2]))
    return edits


def _to_edit(lines: list[str], starts: list[int], start: int, end: int, text: str) -> TextEdit:
    line, col = _line_col(lines, starts, start)
    end_line, end_col = _line_col(lines, starts, end)
    return TextEdit(SourceSpan(line, col, end_line, end_col), text)


def _line_col(lines: list[str], starts: list[int], offset: int) -> tuple[int, int]:
    """(1-based line, UTF-8 byte column) of a code-point offset."""
    index = _line_of(starts, offset)
    if index >= len(lines):
        # Past the last terminator: the empty line after the text.
        if lines and not lines[-1].endswith(("\n", "\r")):
            last = len(lines) - 1
            return last + 1, len(lines[last].encode("utf-8", "surrogatepass"))
        return len(lines) + 1, 0
    prefix = lines[index][: offset - starts[index]]
    return index + 1, len(prefix.encode("utf-8", "surrogatepass"))


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low
