"""Incremental re-parsing: parse only the top-level statements an edit touched.

`reparse(old_text, old, new_text)` returns exactly what `parse_tolerant(new_text)`
returns (every statement's `ast.dump(..., include_attributes=True)`, and `problems`),
in a new `Statements` list, but reuses the previous version's top-level statement
nodes where that is provably safe. Reused nodes are never mutated: the previous
version's tree is still read by other threads.

How it works. The common prefix and suffix of the two texts (compared in blocks, at C
speed) bound the changed characters; counting line ends up to them gives the first and
last changed lines, the same in both texts (an offset never splits a `\\r\\n`). Old
statements that end before the first changed line are kept (the prefix); when the line
count did not change, old statements that start (first decorator line) after the last
changed line are kept too (the suffix: their line numbers are still right). The new
lines between the two (the region) are parsed alone with `ast.parse`, behind as many
empty lines as precede it, so its new nodes come out on their lines (blank lines at
the start of a text produce no token: the same result as `ast.increment_lineno`, which
walks every new node, at a fraction of the cost). When lines were added or removed,
the region runs to the end of the text: kept nodes are never renumbered. Anything else
(a previous parse with problems, a region that does not parse alone, doubt) falls back
to `parse_tolerant(new_text)`, which also reports the right problems. A one-character
edit in a 5,000-line file costs under a millisecond; a line added in its middle
re-parses the second half (about half of a full parse).

Why a region that parses alone parses the same inside the whole text. Cuts are made
only between lines, after a statement's last line and before the next statement's
first line (never between two statements sharing a line: `a = 1; b = 2`). The old
text parsed without errors, so after a kept prefix statement the tokenizer holds no
open bracket, string or indentation block: its state equals the state at the start
of a text, and the prefix lines are unchanged. Then, case by case:

- The region's first logical line joining the previous statement: by indentation
  (a line indented under the kept class is "unexpected indent" alone, comment and
  blank lines are ignored in both), by a clause keyword (`else:`, `elif`, `except`,
  `finally`, `case` are syntax errors alone), or by a backslash continuation on the
  line before the region (checked: falls back).
- The region's last statement absorbing the suffix: an unclosed bracket, an
  unterminated (triple-quoted) string or a dangling decorator are errors at the end
  of the region parsed alone. A trailing backslash is NOT always one (`x = 1\\` then
  `\\r\\n`, or then a blank line, parses alone), so any backslash right before a line
  end inside the region falls back. The kept suffix statement starts at column 0 on
  a line of its own, so it cannot continue an indented block either.
- Line ends: only `\\r\\n`, `\\r` and `\\n` are counted (form feed, vertical tab,
  U+2028 and friends are not line breaks for the tokenizer, unlike `str.splitlines`),
  so line numbers agree with `ast`'s; a region is a run of whole lines with their own
  endings, and ends at the end of the text exactly when the text does (a text
  without a final newline parses its tail as it is).
- Columns are UTF-8 byte offsets within a line: whole lines keep them (tabs,
  non-ASCII, form feeds in indentation are per line).
- A BOM or a coding cookie: `ast.parse` of a `str` ignores coding cookies, and a
  BOM is an error anywhere (so a text with one never takes the fast path).
- `__future__`: a region that does not start the text and mentions `__future__`
  falls back (a future import may be misplaced in the whole text, or change parsing).
- Null bytes, deep nesting, invalid characters fail the region alone (fall back).
- Whatever `ast.parse` checks beyond one statement (`return` outside a function,
  `await` at module level, misplaced `__future__`) it does not check at all: those
  are compiler errors, which `parse_tolerant` does not see either.

Facts memoised about a parse live on its `Statements` list (`facts`), never on a
node, so kept nodes carry nothing from the old version into the new one.
"""

from __future__ import annotations

import ast

from crudsmith.analysis.parse import PARSE_ERRORS, ParseResult, Statements, parse_tolerant

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def reparse(old_text: str, old: ParseResult, new_text: str) -> ParseResult:
    """`parse_tolerant(new_text)`, reusing the untouched top-level statements of `old`
    (the parse of `old_text`) when that is safe. Never mutates `old` or its nodes."""
    if old.problems:
        return parse_tolerant(new_text)
    statements = _reuse(old_text, old.statements, new_text)
    if statements is None:
        return parse_tolerant(new_text)
    return ParseResult(statements=statements)


def _reuse(old_text: str, old: list[ast.stmt], new_text: str) -> Statements | None:
    """The new statements built from kept old ones and a parsed region; None to fall back."""
    if old_text == new_text:
        return Statements(old)
    lines = _Lines(new_text, "\r" in old_text or "\r" in new_text)
    changed_from, changed_to = _changed_span(old_text, new_text)
    first_changed = lines.line_of(changed_from)  # 1-based, the same line in both texts
    head = _kept_prefix(old, first_changed)
    tail = len(old)
    if lines.breaks(0, len(new_text)) == _Lines(old_text, lines.has_cr).breaks(0, len(old_text)):
        last_changed = lines.line_of(changed_to)  # 1-based, the same line in both texts
        tail = _kept_suffix(old, last_changed, head)
    region_line = (old[head - 1].end_lineno or 0) + 1 if head else 1
    start = lines.walk(lines.start_of(changed_from), first_changed, region_line)
    end = len(new_text)
    if tail < len(old):
        end = lines.walk(
            lines.start_of(changed_to), lines.line_of(changed_to), _start_line(old[tail])
        )
    if start > 0 and _continues(new_text, start):
        return None
    region = new_text[start:end]
    if "\\\n" in region or "\\\r" in region:  # a backslash continuation: may join a kept line
        return None
    if start > 0 and "__future__" in region:
        return None
    try:  # blank lines in front put the nodes on their lines (cheaper than increment_lineno)
        parsed = ast.parse("\n" * (region_line - 1) + region).body
    except PARSE_ERRORS:
        return None
    return Statements([*old[:head], *parsed, *old[tail:]])


def _changed_span(old_text: str, new_text: str) -> tuple[int, int]:
    """(first, end) str offsets in `new_text` around every changed character: before
    `first` and from `end` on, both texts agree, and neither offset splits a `\\r\\n`
    (in either text), so the lines before `first` and after `end`'s line are shared."""
    shortest = min(len(old_text), len(new_text))
    first = _common_prefix_length(old_text, new_text, shortest)
    same_end = _common_suffix_length(old_text, new_text, shortest - first)
    if first > 0 and new_text[first - 1] == "\r":
        first -= 1  # the old or new text may go on with "\n": same line end or not
    end = len(new_text) - same_end
    old_end = len(old_text) - same_end
    if (
        same_end
        and new_text[end] == "\n"
        and "\r" in (new_text[end - 1 : end], old_text[old_end - 1 : old_end])
    ):
        end += 1
    return first, end


_STEPS = (4096, 512, 64, 8, 1)  # block sizes compared at C speed, coarse to fine


def _common_prefix_length(a: str, b: str, limit: int) -> int:
    """How many leading characters `a` and `b` share (at most `limit`)."""
    done = 0
    for step in _STEPS:
        while done + step <= limit and a[done : done + step] == b[done : done + step]:
            done += step
    return done


def _common_suffix_length(a: str, b: str, limit: int) -> int:
    """How many trailing characters `a` and `b` share (at most `limit`)."""
    done = 0
    end_a, end_b = len(a), len(b)
    for step in _STEPS:
        while (
            done + step <= limit
            and a[end_a - done - step : end_a - done] == b[end_b - done - step : end_b - done]
        ):
            done += step
    return done


class _Lines:
    """Line arithmetic on one text, counting line ends as `ast` does (`\\r\\n`, `\\r`,
    `\\n`; not form feed, vertical tab or U+2028), without splitting the text."""

    __slots__ = ("has_cr", "text")

    def __init__(self, text: str, has_cr: bool) -> None:
        self.text = text
        self.has_cr = has_cr

    def breaks(self, start: int, end: int) -> int:
        """Line ends inside text[start:end] (a `\\r\\n` counts once)."""
        count = self.text.count("\n", start, end)
        if self.has_cr:
            count += self.text.count("\r", start, end) - self.text.count("\r\n", start, end)
        return count

    def line_of(self, offset: int) -> int:
        """The 1-based line holding `offset` (which must not split a `\\r\\n`)."""
        return 1 + self.breaks(0, offset)

    def start_of(self, offset: int) -> int:
        """The offset where the line holding `offset` starts."""
        start = self.text.rfind("\n", 0, offset) + 1
        if self.has_cr:
            start = max(start, self.text.rfind("\r", 0, offset) + 1)
        return start

    def next_line(self, offset: int) -> int:
        """The start of the line after the one starting at `offset` (len(text) at the end)."""
        text = self.text
        end = text.find("\n", offset)
        if self.has_cr:
            cr = text.find("\r", offset)
            if cr != -1 and (end == -1 or cr < end):
                return cr + 2 if text.startswith("\n", cr + 1) else cr + 1
        return len(text) if end == -1 else end + 1

    def walk(self, offset: int, line: int, target: int) -> int:
        """The start of line `target`, from `offset`, the start of line `line`."""
        while line < target:
            offset = self.next_line(offset)
            line += 1
        while line > target:  # step back over the previous line's end, then to its start
            back = 2 if offset >= 2 and self.text.startswith("\r\n", offset - 2) else 1
            offset = self.start_of(offset - back)
            line -= 1
        return offset


def _start_line(stmt: ast.stmt) -> int:
    """The first line of a statement: its first decorator's for a decorated definition."""
    if isinstance(stmt, _DEFINITIONS) and stmt.decorator_list:
        return min(stmt.lineno, *(d.lineno for d in stmt.decorator_list))
    return stmt.lineno


def _kept_prefix(old: list[ast.stmt], first_changed: int) -> int:
    """How many leading old statements end before `first_changed`, cut between lines."""
    count = 0
    while count < len(old) and (old[count].end_lineno or first_changed) < first_changed:
        count += 1
    # Never cut between two statements sharing a line (`a = 1; b = 2`).
    while 0 < count < len(old) and _start_line(old[count]) <= (old[count - 1].end_lineno or 0):
        count -= 1
    return count


def _kept_suffix(old: list[ast.stmt], last_changed: int, head: int) -> int:
    """The index of the first of the trailing old statements starting after `last_changed`
    (len(old) when none), never cutting between statements sharing a line."""
    index = len(old)
    while index > head and _start_line(old[index - 1]) > last_changed:
        index -= 1
    while head < index < len(old) and _start_line(old[index]) <= (old[index - 1].end_lineno or 0):
        index += 1
    return index


def _continues(text: str, start: int) -> bool:
    """Whether the line before offset `start` (a line start) ends with a backslash: it
    would join the region's first line (conservative: a `\\r` before a `\\r` counts)."""
    end = start
    if end and text[end - 1] == "\n":
        end -= 1
    if end and text[end - 1] == "\r":
        end -= 1
    return end > 0 and text[end - 1] == "\\"
