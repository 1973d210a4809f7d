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
lines between the two (the region) are parsed alone (`parse.parse_statements`: one
`ast.parse`, or parts of a long region), behind as many empty lines as precede it,
so its new nodes come out on their lines (blank lines at
the start of a text produce no token: the same result as `ast.increment_lineno`, which
walks every new node, at a fraction of the cost). When lines were added or removed,
the region runs to the end of the text: kept nodes are never renumbered. A region that
does not parse alone, or a previous parse with problems, goes to the chunk recovery
below (`_recover`); anything it cannot prove falls back to `parse_tolerant(new_text)`.
A one-character edit in a 5,000-line file costs under a millisecond; a line added in
its middle re-parses the second half (about half of a full parse); a keystroke that
leaves the file broken (or keeps it broken) about 8 ms instead of ~140.

A broken text (`_recover`). It is cut into the very chunks `parse_tolerant` cuts, and
`parse._parse_joined`'s steps are replayed with every parse attempt (a piece, or pieces
joined) going through `_Attempts`: an attempt on lines the edit left alone, at the same
line numbers, is a function of those lines only, so its outcome is taken from before —
from the previous recovery's record of attempts (kept in its `Statements.facts`), or,
after a valid parse, from the old statements when none of them straddles the attempt's
first or last line (whole statements of a valid text parse alone as in the whole).
Problems are capped over the file as `parse_tolerant` caps them. `parse_tolerant` only
recovers when the whole text fails to parse: the lines before the first touched chunk
hold whole statements that parse and that chunk starts at column 0 with a statement
(not a clause keyword), so the whole parses exactly when the text from that chunk on
parses alone; that parse is tried (it fails near the error: cheap) and when it
succeeds the result is the whole parse. Backslash continuations anywhere, a BOM, a
`__future__` after that chunk, a previous parse with problems but no record (one that
came from `parse_tolerant`), or no chunk reporting a problem (the whole-file error
would be needed) fall back.

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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from crudsmith.analysis.parse import (
    _MAX_PROBLEMS,
    PARSE_ERRORS,
    ParseResult,
    Statements,
    _Chunk,
    _chunks,
    _joined_lines,
    _parse_chunk,
    _parse_lines,
    _string_parts,
    parse_statements,
    parse_tolerant,
)
from crudsmith.analysis.source import split_lines
from crudsmith.analysis.spec import SyntaxProblem

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def reparse(old_text: str, old: ParseResult, new_text: str) -> ParseResult:
    """`parse_tolerant(new_text)`, reusing the untouched top-level statements of `old`
    (the parse of `old_text`) when that is safe. Never mutates `old` or its nodes."""
    if not old.problems:
        statements = _reuse(old_text, old.statements, new_text)
        if statements is not None:
            return ParseResult(statements=statements)
    recovered = _recover(old_text, old, new_text)
    return recovered if recovered is not None else parse_tolerant(new_text)


def parse_for_edits(text: str) -> ParseResult:
    """`parse_tolerant(text)`, keeping a broken text's record of recovery (as `_recover`
    does) so that the first edit after it re-parses only what it touched: without the
    record, the first keystroke in a file opened broken took a whole recovery again."""
    try:
        return ParseResult(statements=Statements(parse_statements(text)))
    except PARSE_ERRORS:
        pass
    nothing_known = _OldSide([], _Table({}, ()))
    result = _recover_chunks(_chunks(text, split_lines(text)), nothing_known, 1, -1)
    # No chunk failing while the whole text does: parse_tolerant reports the whole-text
    # error, which only it knows.
    return result if result.problems else parse_tolerant(text)


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
    try:  # on its lines, behind blank lines (cheaper than increment_lineno); in parts
        parsed = parse_statements(region, region_line)
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


# ---------------------------------------------------------------- a broken new text


_TABLE = "crudsmith.analysis.reparse.chunks"  # key of a recovered parse's chunk table


_Outcome = tuple[list[ast.stmt], tuple[SyntaxProblem, ...], bool]  # statements, problems, parsed


@dataclass(frozen=True, slots=True)
class _Table:
    """What a recovered parse did, for the next one: every parse attempt's outcome by
    (first line, last line, as a piece), and per chunk (first line, index of its first
    statement, whether it gave a problem)."""

    attempts: dict[tuple[int, int, bool], _Outcome]
    chunks: tuple[tuple[int, int, bool], ...]


def _recover(old_text: str, old: ParseResult, new_text: str) -> ParseResult | None:
    """`parse_tolerant(new_text)` re-parsing only what an edit touched, when the new
    text does not parse or the old one did not; None to fall back (see the module
    docstring)."""
    table = None
    if old.problems:
        kept = old.statements.facts.get(_TABLE) if isinstance(old.statements, Statements) else None
        if not isinstance(kept, _Table):
            return None
        table = kept
    if "\\\n" in new_text or "\\\r" in new_text or "\ufeff" in new_text:
        return None  # a backslash continuation may join lines across chunk cuts
    has_cr = "\r" in old_text or "\r" in new_text
    new_lines = _Lines(new_text, has_cr)
    changed_from, changed_to = _changed_span(old_text, new_text)
    first_changed = new_lines.line_of(changed_from)
    last_changed = -1  # no line after an edit keeps its number unless the count is the same
    if new_lines.breaks(0, len(new_text)) == _Lines(old_text, has_cr).breaks(0, len(old_text)):
        last_changed = new_lines.line_of(changed_to)
    lines = split_lines(new_text)
    chunks = _chunks(new_text, lines)
    touched = 0
    while touched < len(chunks) and _last_line(chunks[touched]) < first_changed:
        touched += 1
    if touched == len(chunks):
        return None
    old_side = _OldSide(old.statements, table)
    line = chunks[touched].start
    kept_count = old_side.valid_before(line)
    if kept_count is None:
        return None
    offset = sum(map(len, lines[: line - 1]))
    if new_text.find("__future__", offset) != -1:
        return None  # a future import may change how the rest parses
    try:
        body = parse_statements(new_text[offset:], line)
    except PARSE_ERRORS:
        pass
    else:  # the whole text parses
        return ParseResult(Statements([*old.statements[:kept_count], *body]))
    result = _recover_chunks(chunks, old_side, first_changed, last_changed)
    return result if result.problems else None


def _last_line(chunk: _Chunk) -> int:
    return chunk.start + len(chunk.lines) - 1


def _recover_chunks(
    chunks: list[_Chunk], old_side: _OldSide, first_changed: int, last_changed: int
) -> ParseResult:
    """The chunk loop of `parse_tolerant`, with `_parse_joined`'s attempts made through
    `_Attempts` (which reuses what unchanged lines gave before)."""
    result = ParseResult()
    attempts = _Attempts(old_side, first_changed, last_changed)
    summary: list[tuple[int, int, bool]] = []
    for chunk in chunks:
        first, problems = len(result.statements), len(result.problems)
        _parse_joined_reusing(chunk, attempts, result)
        summary.append((chunk.start, first, len(result.problems) > problems or attempts.failed))
        attempts.failed = False
    result.statements.facts[_TABLE] = _Table(attempts.made, tuple(summary))
    return result


def _parse_joined_reusing(chunk: _Chunk, attempts: _Attempts, result: ParseResult) -> None:
    """`parse._parse_joined`, step for step, each parse attempt made by `attempts`."""
    if len(chunk.pieces) == 1:
        _add(attempts.make(chunk.start, chunk.lines, True), result)
        return
    outcome = attempts.make(chunk.start, chunk.lines, False)
    if outcome[2]:
        _add(outcome, result)
        return
    for part in _string_parts(chunk):
        if len(part) > 1 and len(part) < len(chunk.pieces):
            outcome = attempts.make(part[0][0], _joined_lines(part), False)
            if outcome[2]:
                _add(outcome, result)
                continue
        for start, piece_lines in part:
            _add(attempts.make(start, piece_lines, True), result)


def _add(outcome: _Outcome, result: ParseResult) -> None:
    statements, problems, _ = outcome
    result.statements.extend(statements)
    room = _MAX_PROBLEMS - len(result.problems)
    if room > 0:
        result.problems.extend(problems[:room])


class _Attempts:
    """Parse attempts on lines `start`..: as a piece (`parse._parse_chunk`: a problem
    and a repair when it fails) or joined (`parse._parse_lines`: parsed or not). An
    attempt on unchanged lines (the same numbers) has the outcome it had before."""

    __slots__ = ("failed", "first_changed", "last_changed", "made", "old_side")

    def __init__(self, old_side: _OldSide, first_changed: int, last_changed: int) -> None:
        self.old_side = old_side
        self.first_changed = first_changed
        self.last_changed = last_changed
        self.made: dict[tuple[int, int, bool], _Outcome] = {}
        self.failed = False  # whether an attempt in the current chunk failed to parse

    def make(self, start: int, lines: list[str], piece: bool) -> _Outcome:
        key = (start, start + len(lines) - 1, piece)
        outcome = None
        if key[1] < self.first_changed or 0 < self.last_changed < start:
            outcome = self.old_side.outcome(key)
        if outcome is None:
            outcome = _piece_outcome(start, lines) if piece else _joined_outcome(start, lines)
        self.made[key] = outcome
        if not outcome[2]:
            self.failed = True
        return outcome


def _piece_outcome(start: int, lines: list[str]) -> _Outcome:
    part = ParseResult()
    _parse_chunk(start, lines, part)
    return part.statements, tuple(part.problems), not part.problems


def _joined_outcome(start: int, lines: list[str]) -> _Outcome:
    try:
        return _parse_lines(start, lines), (), True
    except PARSE_ERRORS:
        return [], (), False


class _OldSide:
    """The previous parse, read by line: a valid parse's statements, or a recovered
    parse's table."""

    __slots__ = ("_ends", "_starts", "statements", "table")

    def __init__(self, statements: list[ast.stmt], table: _Table | None) -> None:
        self.statements = statements
        self.table = table
        self._starts = [] if table else [_start_line(stmt) for stmt in statements]
        self._ends = [] if table else [stmt.end_lineno or 0 for stmt in statements]

    def valid_before(self, line: int) -> int | None:
        """How many old statements lie before `line` when the (unchanged) lines before
        it hold whole statements that parse; None when that is not known."""
        if self.table is None:
            count = bisect_left(self._starts, line)
            return count if not count or self._ends[count - 1] < line else None
        for start, first, failed in self.table.chunks:
            if start == line:
                return first
            if failed or start > line:
                return None
        return None

    def outcome(self, key: tuple[int, int, bool]) -> _Outcome | None:
        """The outcome of an attempt on unchanged lines; None when unknown."""
        if self.table is not None:
            return self.table.attempts.get(key)
        start, end, _ = key
        first = bisect_left(self._starts, start)
        after = bisect_right(self._starts, end)
        if first and self._ends[first - 1] >= start:
            return None  # an old statement runs into the lines
        if after > first and self._ends[after - 1] > end:
            return None  # the last statement runs out of them
        return self.statements[first:after], (), True
