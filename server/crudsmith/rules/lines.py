"""Line starts of a source text, as `ast` counts lines (`\\n`, `\\r\\n`, `\\r`), computed
with one regular-expression scan and cached per text.

Same result as `rules.fixes.line_start_offsets` (a per-character loop, about 20x slower on
a 1 MB file); the engine, noqa and the report call this one on every checked file.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NEWLINE = re.compile(r"\r\n|\r|\n")


@lru_cache(maxsize=8)
def line_starts(source: str) -> tuple[int, ...]:
    """The str index where each line starts (the first is 0)."""
    return (0, *(match.end() for match in _NEWLINE.finditer(source)))


def line_text(source: str, line: int) -> str:
    """1-based `line` of `source` without its line end ('' when out of range)."""
    starts = line_starts(source)
    if not 0 < line <= len(starts):
        return ""
    end = starts[line] if line < len(starts) else len(source)
    return source[starts[line - 1] : end].rstrip("\r\n")


def line_count(source: str) -> int:
    return len(line_starts(source))
