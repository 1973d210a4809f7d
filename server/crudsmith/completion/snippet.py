"""LSP snippet syntax: escaping, and turning sentinel tokens into tab stops.

Completion templates are rendered once with a *sentinel* (an identifier-like token
no code contains, see `sentinel`) wherever a tab stop goes. `build_snippet` then
escapes the rendered text for snippet syntax and replaces each sentinel by
`${n:default}` (or `${n|a,b|}` for a choice); later occurrences of the same tab stop
become the mirror `$n`. `plain_text` gives the same code with the defaults filled in,
for documentation, for clients without snippet support and for the ruff test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SENTINEL = "CsmTabStop{index}X"
_SENTINEL_RE = re.compile(r"CsmTabStop(\d+)X")
_TEXT_SPECIALS = re.compile(r"[\\$}]")
_CHOICE_SPECIALS = re.compile(r"[\\$}|,]")


@dataclass(frozen=True, slots=True)
class TabStop:
    """Tab stop `index` (1-based; 0 is the final cursor) with a default or a choice."""

    index: int
    default: str = ""
    choices: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        """The text the tab stop stands for when expanded with its defaults."""
        return self.choices[0] if self.choices else self.default


def sentinel(index: int) -> str:
    """The token a template renders where tab stop `index` goes."""
    return _SENTINEL.format(index=index)


def escape_text(text: str) -> str:
    """Text outside a placeholder: `\\`, `$` and `}` are escaped."""
    return _TEXT_SPECIALS.sub(lambda m: "\\" + m.group(0), text)


def escape_choice(text: str) -> str:
    """One option of a choice: also `|` and `,`."""
    return _CHOICE_SPECIALS.sub(lambda m: "\\" + m.group(0), text)


def build_snippet(rendered: str, stops: Sequence[TabStop]) -> str:
    """Snippet syntax for `rendered`, its sentinels replaced by tab stops."""
    by_index = {stop.index: stop for stop in stops}
    seen: set[int] = set()
    pieces: list[str] = []
    cursor = 0
    for match in _SENTINEL_RE.finditer(rendered):
        pieces.append(escape_text(rendered[cursor : match.start()]))
        index = int(match.group(1))
        stop = by_index.get(index, TabStop(index))
        pieces.append(_tab_stop(stop, first=index not in seen))
        seen.add(index)
        cursor = match.end()
    pieces.append(escape_text(rendered[cursor:]))
    return "".join(pieces)


def plain_text(rendered: str, stops: Sequence[TabStop]) -> str:
    """`rendered` with every sentinel replaced by its tab stop's default (or first choice)."""
    by_index = {stop.index: stop for stop in stops}

    def value(match: re.Match[str]) -> str:
        stop = by_index.get(int(match.group(1)))
        return stop.value if stop is not None else ""

    return _SENTINEL_RE.sub(value, rendered)


def has_sentinel(text: str) -> bool:
    return _SENTINEL_RE.search(text) is not None


def _tab_stop(stop: TabStop, *, first: bool) -> str:
    if not first or (not stop.default and not stop.choices):
        return f"${stop.index}"
    if stop.choices:
        options = ",".join(escape_choice(choice) for choice in stop.choices)
        return f"${{{stop.index}|{options}|}}"
    return f"${{{stop.index}:{escape_text(stop.default)}}}"
