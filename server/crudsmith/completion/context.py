"""Where the cursor is: may a top-level statement start here, what was typed, which model.

Reads the document's cached top-level statements (never re-parses), so it is cheap on
large files. Completions are offered only at the start of a top-level line that is not
inside a statement (a string, a comment, a bracketed expression, a class body).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from crudsmith.analysis.spec import ModelSpec
from crudsmith.completion.model import Hosts

_PREFIX = re.compile(r"[A-Za-z_][\w-]*\Z|\Z")
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Cursor:
    prefix: str  # what was typed of a label ("crud-cr"), possibly ""
    prefix_start: int  # code-point offset where the prefix starts
    line: int  # 1-based line of the cursor, as `ast` counts


def cursor_at(text: str, offset: int, statements: Sequence[ast.stmt]) -> Cursor | None:
    """The cursor, when a top-level statement may start at it; None elsewhere."""
    offset = max(0, min(offset, len(text)))
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    before = text[line_start:offset]
    match = _PREFIX.match(before)
    if match is None:
        return None
    line = _line_number(text, line_start)
    if _continues(text, line_start) or not _statement_may_start(line, statements):
        return None
    return Cursor(before, line_start, line)


def _continues(text: str, line_start: int) -> bool:
    """The previous non-blank line opens a bracket or block, or continues with `\\`.

    Covers what the tolerant parse drops while the user types (an unclosed bracket).
    """
    previous = text[:line_start].rstrip()
    last = previous.rsplit("\n", 1)[-1].rstrip()
    return bool(last) and last[-1] in "([{,\\:=" and not last.lstrip().startswith("#")


def _line_number(text: str, line_start: int) -> int:
    if "\r" not in text:
        return text.count("\n", 0, line_start) + 1
    return sum(1 for _ in _NEWLINE.finditer(text, 0, line_start)) + 1


def _statement_may_start(line: int, statements: Sequence[ast.stmt]) -> bool:
    """The line is not inside a statement, except the one being typed (a bare name)."""
    index = bisect.bisect_right([s.lineno for s in statements], line) - 1
    if index < 0:
        return True
    stmt = statements[index]
    end = stmt.end_lineno or stmt.lineno
    if stmt.lineno < line <= end:
        return False
    if stmt.lineno == line:
        return end == line and isinstance(stmt, ast.Expr) and _only_names(stmt.value)
    return True


def _only_names(node: ast.expr) -> bool:
    """`crud`, `crud-router`: what typing a label looks like to the parser."""
    return all(
        isinstance(n, ast.Name | ast.BinOp | ast.Sub | ast.Load | ast.UnaryOp | ast.USub)
        for n in ast.walk(node)
    )


def hosts_of(statements: Sequence[ast.stmt]) -> Hosts:
    """The top-level `X = FastAPI(...)` and `Y = APIRouter(...)` variables."""
    apps: list[str] = []
    routers: list[str] = []
    prefixed = False
    for stmt in statements:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
            continue
        called = _called_name(value.func)
        if called == "FastAPI" and target.id not in apps:
            apps.append(target.id)
        elif called == "APIRouter" and target.id not in routers:
            if not routers:
                prefixed = any(
                    k.arg == "prefix" and not _empty_string(k.value) for k in value.keywords
                )
            routers.append(target.id)
    return Hosts(apps=tuple(apps), routers=tuple(routers), router_prefixed=prefixed)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _empty_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == ""


def context_model(
    path: str, own_models: Sequence[ModelSpec], line: int, names: dict[str, str]
) -> str | None:
    """The model the cursor's file is about, by name, if there is one.

    In a file that defines models: the model above the cursor (or the first). Else
    the file's name: `routers/posts.py` and `schemas/post.py` are about `Post`.
    `names` maps snake and plural names of workspace models to class names.
    """
    if own_models:
        above = [m for m in own_models if m.span is not None and m.span.line <= line]
        return (above[-1] if above else own_models[0]).name
    return names.get(PurePath(path).stem)
