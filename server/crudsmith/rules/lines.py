"""Line starts of a source text, as `ast` counts lines (`\\n`, `\\r\\n`, `\\r`), computed
with one regular-expression scan and cached per text.

The one place rules, fixes, noqa, the report and the editor's positions find line starts.
"""

from __future__ import annotations

import re
from functools import lru_cache

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends `ast` counts


# Few entries: each holds a whole text (a 200-model file with one non-Latin-1 character
# is 1 MB as a str), and only the versions being worked on now are asked about.
@lru_cache(maxsize=2)
def line_starts(source: str) -> tuple[int, ...]:
    """The str index where each line starts (the first is 0)."""
    return (0, *(match.end() for match in LINE_BREAK.finditer(source)))


def line_text(source: str, line: int) -> str:
    """1-based `line` of `source` without its line end ('' when out of range)."""
    starts = line_starts(source)
    if not 0 < line <= len(starts):
        return ""
    end = starts[line] if line < len(starts) else len(source)
    return source[starts[line - 1] : end].rstrip("\r\n")


def line_count(source: str) -> int:
    return len(line_starts(source))
