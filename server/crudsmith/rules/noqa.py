"""`# noqa` comments: a bare `# noqa` silences every finding on its line,
`# noqa: CSM201, CSM202` only the listed codes (Ruff's syntax, other tools'
codes may be listed too). Only the first line of a finding's span counts.

Lines are read with a regular expression rather than the tokenizer: it runs
only on lines that carry a finding, and a `# noqa` inside a string literal on
such a line is rare enough not to pay a tokenizer pass for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crudsmith.rules.lines import line_text

_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass(frozen=True, slots=True)
class Noqa:
    codes: frozenset[str] | None  # None: the bare directive, silences every code

    def silences(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def noqa_of(line: str) -> Noqa | None:
    """The `# noqa` directive on `line`, or None."""
    if "noqa" not in line.lower():
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return Noqa(None)
    return Noqa(frozenset(code.upper() for code in _CODE.findall(codes)))


class NoqaLines:
    """The noqa directive of each line of a source, computed on demand."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._cache: dict[int, Noqa | None] = {}

    def silenced(self, line: int, code: str) -> bool:
        """Whether a finding `code` starting on 1-based `line` is silenced."""
        if line not in self._cache:
            self._cache[line] = noqa_of(line_text(self._source, line))
        directive = self._cache[line]
        return directive is not None and directive.silences(code)
