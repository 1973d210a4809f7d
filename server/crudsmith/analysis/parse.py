"""Tolerant parsing: a syntax error in one class must not hide the others.

The fast path is a single `ast.parse`. When that fails, the source is cut into
top-level chunks (statements starting at column 0) and each chunk is parsed on
its own; a failing class chunk is repaired by blanking the offending lines or,
failing that, by keeping the longest prefix that parses.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

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
        return ParseResult(statements=Statements(ast.parse(text).body))
    except PARSE_ERRORS as exc:
        error = exc
    lines = split_lines(text)
    first = _problem(error, 0, lines)
    result = ParseResult()
    for start, chunk_lines in _chunks(lines):
        _parse_chunk(start, chunk_lines, result)
    if not result.problems:
        result.problems.append(first)
    return result


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


def _chunks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Split into (first line number, lines) chunks at top-level statement starts.

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
        error = exc
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
            error = exc
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
