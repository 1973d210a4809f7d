"""Tolerant parsing: a syntax error in one class must not hide the others.

The fast path is a single `ast.parse`. When that fails, the source is cut into
top-level chunks (statements starting at column 0) and each chunk is parsed on
its own; a failing class chunk is repaired by blanking the offending lines or,
failing that, by keeping the longest prefix that parses.

A line at column 0 inside a multi-line string (a flush-left docstring or SQL text),
inside an open bracket or after a backslash continuation does not start a chunk: one
regex pass finds the strings (`_string_lines`), bracket counts are taken per piece at
C speed (`_depth_after`). That view can be wrong in a broken file (a triple quote being
typed pairs with the next docstring's opening quotes and turns the rest of the file
inside out; a bracket being typed never closes), so a chunk joined that way is kept
only when it parses: else it is parsed again joined by strings only, and a part that
still fails piece by piece, exactly as without the joining. A triple quote that never
closes ends with its piece, as before.

A long text that parses is parsed in parts (`parse_statements`): the parser's working
memory grows with its input (about 14 MB on top of the tree for a 260 KB models file),
and a language server's peak memory is mostly that.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from crudsmith.analysis.source import split_lines
from crudsmith.analysis.spec import SyntaxProblem

# Parser failures: SyntaxError, null bytes / unencodable text (ValueError),
# deeply nested input (RecursionError, MemoryError).
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    SyntaxError,
    ValueError,
    RecursionError,
    MemoryError,
    OverflowError,
)

_MAX_PROBLEMS = 100
_MAX_REPAIRS = 8
_MAX_TRIMS = 60
_CONTINUATIONS = ("else", "elif", "except", "finally", "case")
_CLOSERS = frozenset(")]}")


class Statements(list[ast.stmt]):
    """The top-level statements of one parse, with room for facts read from them.

    Readers memoise per parse in `facts` (see `rules.memo`). The facts live on the list,
    not on a node: a fact that holds nodes (most do) would otherwise form a reference
    cycle with the node it hangs on, and every edit's whole tree would wait for a full
    garbage collection instead of going when its document version goes.
    """

    __slots__ = ("facts",)

    def __init__(self, statements: Iterable[ast.stmt] = ()) -> None:
        super().__init__(statements)
        self.facts: dict[str, object] = {}


@dataclass(slots=True)
class ParseResult:
    statements: Statements = field(default_factory=Statements)
    problems: list[SyntaxProblem] = field(default_factory=list)


def parse_tolerant(text: str) -> ParseResult:
    """Parse `text`, recovering whatever top-level statements parse."""
    try:
        return ParseResult(statements=Statements(parse_statements(text)))
    except PARSE_ERRORS as exc:
        error = _detached(exc)
    lines = split_lines(text)
    first = _problem(error, 0, lines)
    result = ParseResult()
    for chunk in _chunks(text, lines):
        _parse_joined(chunk, result)
    if not result.problems:
        result.problems.append(first)
    return result


def parse_statements(text: str, first_line: int = 1) -> list[ast.stmt]:
    """`ast.parse("\\n" * (first_line - 1) + text).body`: the same statements (the same
    `ast.dump(..., include_attributes=True)`), or the same kind of error, parsed in parts
    of about `PART_CHARS` characters.

    A part ends before a line that starts a top-level statement at column 0 after a
    blank line (`_cuts`). A part that parses alone ends outside any bracket, string and
    block (an unclosed one is an error at the end of the part; a backslash continuation
    ends with the blank line in both), and a clause keyword (`else:`, `except`, ...)
    never starts a part, so the parts' statements are the whole text's: `ast.parse`
    checks nothing across top-level statements (a misplaced `__future__` import is the
    compiler's error, not the parser's). A part that fails is parsed again together
    with everything after it: the result, or the error, of the rest of the text.
    """
    statements: list[ast.stmt] = []
    start, line = 0, first_line
    has_cr = "\r" in text
    for cut in _cuts(text):
        try:
            statements.extend(_parse_at(text[start:cut], line))
        except PARSE_ERRORS:
            break
        line += _breaks(text, start, cut, has_cr)
        start = cut
    statements.extend(_parse_at(text[start:] if start else text, line))
    return statements


# Parts of a long text (see `parse_statements`); a text under two parts is parsed whole.
PART_CHARS = 16_384
# A line end, then a line starting at column 0 with code (not a comment or a closer).
_CODE_LINE = re.compile(r"(?:\r\n?|\n)(?=[^\s#)\]}])")
_BLANK = " \t\f\r\n"


def _parse_at(part: str, line: int) -> list[ast.stmt]:
    """Blank lines in front put the nodes on their lines (`ast` counts them, no token)."""
    return ast.parse("\n" * (line - 1) + part if line > 1 else part).body


def _breaks(text: str, start: int, end: int, has_cr: bool) -> int:
    """Line ends in `text[start:end]` as the tokenizer counts them (\\n, \\r\\n, \\r)."""
    count = text.count("\n", start, end)
    if has_cr:
        count += text.count("\r", start, end) - text.count("\r\n", start, end)
    return count


def _cuts(text: str) -> Iterable[int]:
    """Where parts of `text` may start: about every `PART_CHARS` characters, before a
    statement line that follows a blank line (cuts elsewhere would be as right, but
    fail more often: between a decorator and its `def`, inside a string)."""
    if len(text) < 2 * PART_CHARS:
        return
    position = PART_CHARS
    while position < len(text):
        match = _CODE_LINE.search(text, position)
        if match is None:
            return
        cut = match.end()
        if _starts_part(text, cut):
            yield cut
            position = cut + PART_CHARS
        else:
            position = cut


def _starts_part(text: str, cut: int) -> bool:
    """A statement line at `cut`, after a blank line."""
    if not _starts_statement(text[cut : cut + 16]):  # its first word is enough
        return False
    code_end = cut
    while code_end > 0 and text[code_end - 1] in _BLANK:
        code_end -= 1
    if code_end == 0:
        return False
    return _breaks(text, code_end, cut, "\r" in text[code_end:cut]) >= 2


def _detached(exc: BaseException) -> BaseException:
    """`exc` without its traceback, to keep past its `except` clause. A traceback holds
    the frame that holds the variable that holds the exception: a reference cycle
    (keeping the text and its lines) that only the cyclic collector frees, and the
    collector leaves alone what `collector_paused` froze."""
    return exc.with_traceback(None)


def _problem(exc: BaseException, line_offset: int, lines: list[str]) -> SyntaxProblem:
    """A SyntaxProblem with a 1-based line and a 0-based UTF-8 byte column, like `ast`."""
    if isinstance(exc, SyntaxError):
        lineno = exc.lineno or 1
        chars = max((exc.offset or 1) - 1, 0)  # the parser reports a 1-based character offset
        line_text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        col = len(line_text[:chars].encode("utf-8", "surrogatepass"))
        message = exc.msg or "invalid syntax"
        return SyntaxProblem(message=message, line=lineno + line_offset, col=col)
    message = str(exc) or type(exc).__name__
    return SyntaxProblem(message=message, line=line_offset + 1, col=0)


def _starts_statement(line: str) -> bool:
    """A line at column 0 that can begin a new top-level statement."""
    if not line or line[0] in " \t\r\n\f#" or line[0] in _CLOSERS:
        return False
    return not line.startswith(_CONTINUATIONS) or not _is_keyword_at(line)


def _is_keyword_at(line: str) -> bool:
    word = line.split(None, 1)[0].rstrip(":")
    return word in _CONTINUATIONS


def _pieces(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Split into (first line number, lines) pieces at top-level statement starts.

    A decorator line keeps the following `class`/`def` in its chunk.
    """
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    in_decorators = False
    for index, line in enumerate(lines, start=1):
        if _starts_statement(line) and not (in_decorators and current):
            if current:
                chunks.append((start, current))
            current = []
            start = index
        if _starts_statement(line):
            in_decorators = line.startswith("@")
        current.append(line)
    if current:
        chunks.append((start, current))
    return chunks


# Regex parts, possessive (no backtracking: the scans stay linear on any input).
# A comment; a one-line string (an unterminated one ends at its line end, as the
# tokenizer reports it); a triple-quoted string. Prefixes (r, b, u, f) are letters,
# skipped as code: they do not change where a string ends.
_COMMENT = r"\#[^\r\n]*+"
_ONE_LINE_STRING = (
    r"""(?:"(?!"")(?:[^"\\\r\n]++|\\(?:\r\n|[\s\S]))*+"?"""
    r"""|'(?!'')(?:[^'\\\r\n]++|\\(?:\r\n|[\s\S]))*+'?)"""
)
_TRIPLE_STRING = (
    r"""(?:"{3}(?:[^"\\]++|\\[\s\S]|"(?!""))*+"{3}"""
    r"""|'{3}(?:[^'\\]++|\\[\s\S]|'(?!''))*+'{3})"""
)
_LONE_OPENING = r"""(?:"{3}|'{3})"""  # a triple quote that never closes: skipped like code
# Everything up to the next triple-quoted string (or the end of the text).
_TRIPLE_STRINGS = re.compile(
    rf"""(?:[^"'#]++|{_COMMENT}|{_ONE_LINE_STRING})*+"""
    rf"""(?:(?P<string>{_TRIPLE_STRING})|{_LONE_OPENING}|\Z)"""
)
# Everything up to the next bracket outside strings and comments (or the end).
_BRACKETS = re.compile(
    rf"""(?:[^"'#()\[\]{{}}]++|{_COMMENT}|{_TRIPLE_STRING}|{_LONE_OPENING}|{_ONE_LINE_STRING})*+"""
    r"(?P<bracket>[][(){}])?"
)
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


@dataclass(slots=True)
class _Chunk:
    """Consecutive pieces (see `_pieces`) parsed as one text.

    `start` is the first line number; `pieces` keep the cuts made without string and
    bracket awareness, to fall back on when the joined text does not parse; `in_string`
    tells, per piece, whether it was joined because it starts inside a string (the
    first piece: False).
    """

    start: int
    lines: list[str]
    pieces: list[tuple[int, list[str]]]
    in_string: list[bool]


def _chunks(text: str, lines: list[str]) -> list[_Chunk]:
    """Pieces joined where a piece starts inside a multi-line string or an open bracket."""
    pieces = _pieces(lines)
    if len(pieces) < 2:
        return [
            _Chunk(start, chunk_lines, [(start, chunk_lines)], [False])
            for start, chunk_lines in pieces
        ]
    offsets = list(accumulate(map(len, lines), initial=0))  # offsets[i]: where line i+1 starts
    inside = _string_lines(text, offsets)
    chunks: list[_Chunk] = []
    depth = 0
    for start, piece_lines in pieces:
        index = start - 1
        if chunks and (depth > 0 or index in inside or _continued(chunks[-1].lines[-1])):
            last = chunks[-1]
            if len(last.pieces) == 1:
                last.lines = list(last.lines)  # the piece keeps its own list
            last.lines.extend(piece_lines)
            last.pieces.append((start, piece_lines))
            last.in_string.append(index in inside)
        else:
            chunks.append(_Chunk(start, piece_lines, [(start, piece_lines)], [False]))
            depth = 0
        after = index + len(piece_lines)
        begin = inside.get(index, offsets[index])  # code resumes after the string
        end = inside.get(after, offsets[after])  # a string left open runs to its end
        depth = _depth_after(text, begin, end, depth)
    return chunks


def _continued(line: str) -> bool:
    """A backslash continuation (in code or in a one-line string) joins the next line."""
    return line.endswith(("\\\n", "\\\r\n", "\\\r"))


def _string_lines(text: str, offsets: list[int]) -> dict[int, int]:
    """The lines that start inside a triple-quoted string: 0-based index -> the offset
    where that string ends."""
    inside: dict[int, int] = {}
    if '"""' not in text and "'''" not in text:
        return inside
    for match in _TRIPLE_STRINGS.finditer(text):
        begin, end = match.span("string")
        if begin < 0:
            continue
        first = bisect_right(offsets, begin)
        last = bisect_left(offsets, end)
        if first < last:
            inside.update(dict.fromkeys(range(first, last), end))
    return inside


def _depth_after(text: str, begin: int, end: int, depth: int) -> int:
    """The bracket depth after the code in `text[begin:end]`, entered at `depth`
    (`begin` is outside any string; `end` is not inside a triple-quoted one).

    When every pair's raw counts (C speed) balance, the depth is unchanged: brackets
    inside strings and comments rarely unbalance them, and then an exact scan decides.
    A stray closer counts from zero (the tokenizer reports it anyway).
    """
    if all(text.count(o, begin, end) == text.count(c, begin, end) for o, c in _PAIRS):
        return depth
    for match in _BRACKETS.finditer(text, begin, end):
        bracket = match.group("bracket")
        if bracket is not None:
            depth = depth + 1 if bracket in "([{" else max(depth - 1, 0)
    return depth


def _parse_joined(chunk: _Chunk, result: ParseResult) -> None:
    """Parse a chunk; a joined chunk that fails is parsed again joined by strings only
    (a bracket being typed joins the rest of the file), and a part of that which fails
    piece by piece."""
    if len(chunk.pieces) == 1:
        _parse_chunk(chunk.start, chunk.lines, result)
        return
    try:
        result.statements.extend(_parse_lines(chunk.start, chunk.lines))
        return
    except PARSE_ERRORS:
        pass
    for part in _string_parts(chunk):
        if len(part) > 1 and len(part) < len(chunk.pieces):
            try:
                result.statements.extend(_parse_lines(part[0][0], _joined_lines(part)))
                continue
            except PARSE_ERRORS:
                pass
        for start, piece_lines in part:
            _parse_chunk(start, piece_lines, result)


def _string_parts(chunk: _Chunk) -> list[list[tuple[int, list[str]]]]:
    """The chunk's pieces, grouped where a piece starts inside a string."""
    parts: list[list[tuple[int, list[str]]]] = []
    for piece, in_string in zip(chunk.pieces, chunk.in_string, strict=True):
        if in_string and parts:
            parts[-1].append(piece)
        else:
            parts.append([piece])
    return parts


def _joined_lines(pieces: list[tuple[int, list[str]]]) -> list[str]:
    return [line for _, piece_lines in pieces for line in piece_lines]


def _parse_lines(start: int, lines: list[str]) -> list[ast.stmt]:
    module = ast.parse("".join(lines))
    if start > 1:
        ast.increment_lineno(module, start - 1)
    return module.body


def _parse_chunk(start: int, lines: list[str], result: ParseResult) -> None:
    try:
        result.statements.extend(_parse_lines(start, lines))
        return
    except PARSE_ERRORS as exc:
        if len(result.problems) < _MAX_PROBLEMS:
            result.problems.append(_problem(exc, start - 1, lines))
        error = _detached(exc)
    recovered = _repair(start, lines, error)
    if recovered:
        result.statements.extend(recovered)


def _repair(start: int, lines: list[str], error: BaseException) -> list[ast.stmt]:
    """Recover a chunk: blank the reported bad lines, else keep a parsing prefix."""
    candidate = list(lines)
    for _ in range(_MAX_REPAIRS):
        if not isinstance(error, SyntaxError) or not error.lineno:
            break
        index = error.lineno - 1
        if index <= 0 or index >= len(candidate) or not candidate[index].strip():
            break
        candidate[index] = "\n"
        try:
            return _parse_lines(start, candidate)
        except PARSE_ERRORS as exc:
            error = _detached(exc)
    end = len(lines)
    if isinstance(error, SyntaxError) and error.lineno:
        end = min(end, error.lineno)
    for attempt in range(_MAX_TRIMS):
        cut = end - attempt
        if cut <= 1:
            break
        try:
            return _parse_lines(start, lines[:cut])
        except PARSE_ERRORS:
            continue
    return []
