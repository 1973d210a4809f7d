"""Edits that make names importable in a module, placed the way isort (Ruff's `I`) wants.

A name whose module is already imported from (`from pydantic import BaseModel`) joins
that statement, re-rendered with the snippets' `import_from` macro; otherwise a new
statement goes at the end of its section (standard library, then third party), with
the blank line that separates sections. Only simple statements are rewritten: one
`from M import a, b` on its own lines, without aliases.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping, Sequence

from crudsmith.analysis.spec import SourceSpan
from crudsmith.rules.field_render import render_import
from crudsmith.rules.lines import line_text
from crudsmith.rules.model import TextEdit

_Import = ast.Import | ast.ImportFrom


def is_stdlib(module: str) -> bool:
    return module.split(".", 1)[0] in sys.stdlib_module_names


def _module_of(stmt: _Import) -> str:
    if isinstance(stmt, ast.ImportFrom):
        return "." * stmt.level + (stmt.module or "")
    return stmt.names[0].name


def _section(stmt: _Import) -> int:
    """0 future, 1 standard library, 2 third party, 3 first party (relative)."""
    module = _module_of(stmt)
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 3
    return 1 if is_stdlib(module) else 2


def _own_lines(source: str, stmt: ast.stmt) -> bool:
    first = line_text(source, stmt.lineno).encode("utf-8", "surrogatepass")
    last = line_text(source, stmt.end_lineno or stmt.lineno).encode("utf-8", "surrogatepass")
    tail = last[stmt.end_col_offset or 0 :].strip()
    return not first[: stmt.col_offset].strip() and (not tail or tail.startswith(b"#"))


def import_edits(
    statements: Sequence[ast.stmt], source: str, needed: Mapping[str, Sequence[str]]
) -> list[TextEdit]:
    """Edits importing `needed` (module -> names; [""] for `import module`)."""
    imports = [s for s in statements if isinstance(s, _Import)]
    edits: list[TextEdit] = []
    pending: dict[int, list[str]] = {}  # line -> texts to insert before it
    for module, names in sorted(needed.items()):
        names = [n for n in names if n]
        existing = _mergeable(imports, source, module) if names else None
        if existing is not None:
            merged = sorted({*(a.name for a in existing.names), *names})
            end = (existing.end_lineno or existing.lineno) + 1
            span = SourceSpan(existing.lineno, 0, end, 0)
            edits.append(TextEdit(span, render_import(module, merged)))
            continue
        line, text = _placement(imports, statements, module, render_import(module, names))
        pending.setdefault(line, []).append(text)
    for line, texts in pending.items():
        edits.append(TextEdit(SourceSpan(line, 0, line, 0), "".join(texts)))
    return edits


def _mergeable(imports: list[_Import], source: str, module: str) -> ast.ImportFrom | None:
    for stmt in imports:
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.level == 0
            and stmt.module == module
            and all(a.asname is None and a.name != "*" for a in stmt.names)
            and _own_lines(source, stmt)
        ):
            return stmt
    return None


def _placement(
    imports: list[_Import], statements: Sequence[ast.stmt], module: str, text: str
) -> tuple[int, str]:
    """(line to insert before, text with the blank lines its section needs)."""
    wanted = 1 if is_stdlib(module) else 2
    same = [s for s in imports if _section(s) == wanted]
    plain = text.startswith("import ")
    for stmt in same:
        # isort order in a section: `import x` lines first, then `from` imports, by module
        if (plain and isinstance(stmt, ast.ImportFrom)) or (
            isinstance(stmt, ast.ImportFrom) != plain and _module_of(stmt) > module
        ):
            return stmt.lineno, text
    if same:
        return (same[-1].end_lineno or same[-1].lineno) + 1, text
    before = [s for s in imports if _section(s) < wanted]
    after = [s for s in imports if _section(s) > wanted]
    if before:
        return (before[-1].end_lineno or before[-1].lineno) + 1, "\n" + text
    if after:
        return after[0].lineno, text + "\n"
    return _after_docstring(statements), text + "\n"


def _after_docstring(statements: Sequence[ast.stmt]) -> int:
    first = statements[0] if statements else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return (first.end_lineno or first.lineno) + 1
    return first.lineno if first is not None else 1
