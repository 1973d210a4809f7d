"""The imports a completion needs: read from its rendered code, merged into a document.

A completion template renders a whole module (imports first, like every template in
`snippets/`). `split_module` separates the imports from the code that goes at the
cursor; `import_edits` turns the imports the document lacks into text edits that keep
the document's imports in ruff's isort order: a name joins an existing one-line
`from module import ...`, a new statement goes into its section (stdlib, third party,
first party) at its sorted place, a missing section gets its own block.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from crudsmith.analysis.spec import SourceSpan
from crudsmith.generation.render import render
from crudsmith.rules.model import TextEdit

_FUTURE, _STD, _THIRD, _FIRST = range(4)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_DEFINITION = re.compile(r"(@|def |async def |class )")


@dataclass(frozen=True, slots=True)
class ImportNeed:
    """`from module import name [as alias]`, or `import module` when `name` is empty."""

    module: str
    name: str = ""
    alias: str | None = None

    @property
    def bound(self) -> str:
        """The name the statement binds in the importing module."""
        if not self.name:
            return self.alias or self.module.split(".")[0]
        return self.alias or self.name

    @property
    def spelled(self) -> str:
        return f"{self.name} as {self.alias}" if self.alias else self.name


@dataclass(frozen=True, slots=True)
class SplitModule:
    imports: tuple[ImportNeed, ...]
    body: str  # the code after the module docstring and the imports


def split_module(rendered: str) -> SplitModule:
    """Cut a rendered module into its leading imports and the rest (docstring dropped)."""
    statements = ast.parse(rendered).body
    index = 0
    if statements and _is_docstring(statements[0]):
        index = 1
    needs: list[ImportNeed] = []
    last_line = statements[index - 1].end_lineno or 0 if index else 0
    while index < len(statements):
        stmt = statements[index]
        if not isinstance(stmt, ast.Import | ast.ImportFrom):
            break
        needs.extend(_needs_of(stmt))
        last_line = stmt.end_lineno or last_line
        index += 1
    lines = rendered.splitlines(keepends=True)
    body = "".join(lines[last_line:]).strip("\n") + "\n"
    return SplitModule(tuple(needs), body)


class ImportPlanner:
    """Plans the import edits of one document version (read once, used for every item)."""

    def __init__(
        self,
        document: str,
        statements: Sequence[ast.stmt],
        first_party: frozenset[str],
        protect: int | None = None,
    ):
        """`protect`: the start of the text the completion replaces; edits stay before it."""
        self._existing = _existing_imports(document, statements)
        limit = len(document) if protect is None else protect
        self._planner = _Planner(document, self._existing, first_party, limit)

    def missing_any(self, needs: Iterable[ImportNeed]) -> bool:
        """Whether some of `needs` are not imported yet (cheap: no edit is planned)."""
        return any(need.bound not in self._existing.bound for need in needs)

    def first_block_reaches_protect(self) -> bool:
        """A first import block would take the blank lines up to `protect` (the cursor)."""
        return not self._existing.statements and self._planner.blank_up_to_protect()

    def edits(self, needs: Iterable[ImportNeed], inserted: str = "") -> tuple[TextEdit, ...]:
        """Edits adding the imports of `needs` the document does not have yet.

        `inserted` is the code the completion puts at `protect`: a first import block
        is followed by two blank lines before a def or class, else one (ruff's isort).
        """
        missing = [need for need in dict.fromkeys(needs) if need.bound not in self._existing.bound]
        return self._planner.plan(missing, inserted) if missing else ()


_last_read: list[tuple[str, Sequence[ast.stmt], _ExistingImports]] = []


def _existing_imports(document: str, statements: Sequence[ast.stmt]) -> _ExistingImports:
    """The document's imports, read once per document version (the cache's statements)."""
    for text, stmts, existing in _last_read:
        if text is document and stmts is statements:
            return existing
    existing = _ExistingImports.read(document, statements)
    _last_read[:] = [(document, statements, existing)]
    return existing


def import_edits(
    document: str,
    statements: Sequence[ast.stmt],
    needs: Iterable[ImportNeed],
    first_party: frozenset[str],
) -> tuple[TextEdit, ...]:
    """Edits adding to `document` the imports of `needs` it does not have yet.

    `statements` are the document's top-level statements (as the document cache
    parsed them). Positions are `SourceSpan`s (UTF-8 byte columns, like `ast`).
    """
    return ImportPlanner(document, statements, first_party).edits(needs)


# --------------------------------------------------------------------------- reading


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _needs_of(stmt: ast.Import | ast.ImportFrom) -> list[ImportNeed]:
    if isinstance(stmt, ast.Import):
        return [ImportNeed(alias.name, "", alias.asname) for alias in stmt.names]
    module = "." * stmt.level + (stmt.module or "")
    return [ImportNeed(module, alias.name, alias.asname) for alias in stmt.names]


@dataclass(frozen=True, slots=True)
class _Statement:
    """A top-level import of the document, with its place and sort key."""

    node: ast.Import | ast.ImportFrom
    start: int  # code-point offsets of the statement text
    end: int
    line_end: int  # the end of its last line, after a trailing comment (before the break)
    module: str
    is_from: bool


@dataclass(frozen=True, slots=True)
class _ExistingImports:
    statements: tuple[_Statement, ...]  # the document's leading import block, in order
    bound: frozenset[str]  # every name bound at module level (imports, defs, assignments)
    anchor: int  # where a first import block goes when there is none (after the docstring)

    @classmethod
    def read(cls, text: str, statements: Sequence[ast.stmt]) -> _ExistingImports:
        starts = LineStarts(text)
        found: list[_Statement] = []
        bound: set[str] = set()
        anchor = _header_end(text, starts)
        for position, stmt in enumerate(statements):
            if position == 0 and _is_docstring(stmt):
                anchor = _offset(text, starts, stmt.end_lineno or 1, stmt.end_col_offset or 0)
                continue
            bound.update(_bound_names(stmt))
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                start = _offset(text, starts, stmt.lineno, stmt.col_offset)
                end = _offset(
                    text, starts, stmt.end_lineno or stmt.lineno, stmt.end_col_offset or 0
                )
                last0 = (stmt.end_lineno or stmt.lineno) - 1
                line_start = starts.start(last0) or 0
                line = text[line_start : starts.end(last0)]
                line_end = line_start + len(line.rstrip("\r\n"))
                module = stmt.names[0].name if isinstance(stmt, ast.Import) else _from_module(stmt)
                is_from = isinstance(stmt, ast.ImportFrom)
                found.append(_Statement(stmt, start, end, max(end, line_end), module, is_from))
        return cls(tuple(found), frozenset(bound), anchor)


def _from_module(stmt: ast.ImportFrom) -> str:
    return "." * stmt.level + (stmt.module or "")


def _bound_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {need.bound for need in _needs_of(stmt)}
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    return {
        node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)
    }


class LineStarts:
    """Line starts of a text, found only as far as asked: imports sit at the top of a file,
    so a completion in a 5,000-line file does not scan all of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        self._complete = False

    def _grow(self, until_line0: int | None = None, until_offset: int | None = None) -> None:
        while not self._complete:
            if until_line0 is not None and len(self.starts) > until_line0 + 1:
                return
            if until_offset is not None and self.starts[-1] > until_offset:
                return
            match = _NEWLINE.search(self.text, self.starts[-1])
            if match is None:
                self._complete = True
            else:
                self.starts.append(match.end())

    def start(self, line0: int) -> int | None:
        """Offset of 0-based line `line0`, None past the end."""
        self._grow(until_line0=line0)
        return self.starts[line0] if line0 < len(self.starts) else None

    def end(self, line0: int) -> int:
        """Offset where line `line0` ends (its line break included)."""
        following = self.start(line0 + 1)
        return len(self.text) if following is None else following

    def line_of(self, offset: int) -> int:
        """0-based line holding `offset`."""
        self._grow(until_offset=offset)
        return bisect.bisect_right(self.starts, offset) - 1


def _offset(text: str, starts: LineStarts, line: int, byte_col: int) -> int:
    start = starts.start(line - 1)
    if start is None:
        return len(text)
    end = starts.end(line - 1)
    return start + len(text[start:end].encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


def _header_end(text: str, starts: LineStarts) -> int:
    """After a shebang / encoding comment block at the very top, else 0."""
    offset = 0
    line0 = 0
    while (start := starts.start(line0)) is not None:
        line = text[start : starts.end(line0)].rstrip("\r\n")
        if not line.startswith(("#!", "# -*-", "# vim:")):
            break
        offset = start + len(line)
        line0 += 1
    return offset


# --------------------------------------------------------------------------- planning


def section_of(module: str, first_party: frozenset[str]) -> int:
    root = module.split(".")[0]
    if module == "__future__":
        return _FUTURE
    if module.startswith(".") or root in first_party:
        return _FIRST
    if root in sys.stdlib_module_names:
        return _STD
    return _THIRD


class _Planner:
    def __init__(
        self, text: str, existing: _ExistingImports, first_party: frozenset[str], protect: int
    ):
        self.protect = protect  # edits never reach past this offset (the cursor's line)
        self.text = text
        self.existing = existing
        self.first_party = first_party
        self.starts = LineStarts(text)

    def plan(self, missing: list[ImportNeed], inserted: str) -> tuple[TextEdit, ...]:
        if not self.existing.statements:
            return (self._first_block(missing, inserted),)
        edits: list[TextEdit] = []
        remaining: dict[tuple[str, bool], list[ImportNeed]] = {}
        for need in missing:
            remaining.setdefault((need.module, bool(need.name)), []).append(need)
        inserts: dict[int, list[tuple[int, tuple[int, int, str], str]]] = {}
        for (module, is_from), group in remaining.items():
            merged = self._merge(module, group) if is_from else None
            if merged is not None:
                edits.append(merged)
                continue
            text = self._statement_text(module, [n.spelled for n in group] if is_from else [])
            key = (section_of(module, self.first_party), int(is_from), module.lower())
            offset, mode = self._place(key)
            inserts.setdefault(offset, []).append((mode, key, text))
        edits.extend(self._insert_edit(offset, items) for offset, items in inserts.items())
        return tuple(edits)

    # A name joins an existing one-line `from module import a, b` without comments.
    def _merge(self, module: str, group: list[ImportNeed]) -> TextEdit | None:
        for stmt in self.existing.statements:
            node = stmt.node
            if not isinstance(node, ast.ImportFrom) or stmt.module != module:
                continue
            segment = self.text[stmt.start : stmt.end]
            if "#" in segment or "\n" in segment or any(a.name == "*" for a in node.names):
                continue
            names = [need.spelled for need in _needs_of(node)] + [n.spelled for n in group]
            return self._edit(stmt.start, stmt.end, self._statement_text(module, names))
        return None

    # Modes order the texts inserted at one offset: an earlier section before a statement,
    # then statements of its own section; after a statement, its section then a later one.
    _BEFORE, _AFTER, _NEW_BEFORE, _NEW_AFTER = range(4)

    def _place(self, key: tuple[int, int, str]) -> tuple[int, int]:
        statements = self.existing.statements
        keys = [
            (section_of(s.module, self.first_party), int(s.is_from), s.module.lower())
            for s in statements
        ]
        same = [i for i, k in enumerate(keys) if k[0] == key[0]]
        if same:
            later = [i for i in same if keys[i] > key]
            if later:
                return statements[later[0]].start, self._BEFORE
            return statements[same[-1]].line_end, self._AFTER
        later_sections = [i for i, k in enumerate(keys) if k[0] > key[0]]
        if later_sections:
            return statements[later_sections[0]].start, self._NEW_BEFORE
        return statements[-1].line_end, self._NEW_AFTER

    def _insert_edit(
        self, offset: int, items: list[tuple[int, tuple[int, int, str], str]]
    ) -> TextEdit:
        parts: list[str] = []
        for mode in (self._NEW_BEFORE, self._BEFORE, self._AFTER, self._NEW_AFTER):
            chosen = sorted((key, text) for m, key, text in items if m == mode)
            if not chosen:
                continue
            texts = [text for _, text in chosen]
            if mode == self._BEFORE:
                parts.append("".join(t + "\n" for t in texts))
            elif mode == self._AFTER:
                parts.append("".join("\n" + t for t in texts))
            else:
                block = _sectioned([(key[0], text) for key, text in chosen])
                parts.append(block + "\n\n" if mode == self._NEW_BEFORE else "\n\n" + block)
        return self._edit(offset, offset, "".join(parts))

    def _first_block(self, missing: list[ImportNeed], inserted: str) -> TextEdit:
        sections: dict[int, list[tuple[str, str]]] = {_STD: [], _THIRD: [], _FIRST: []}
        for need in missing:
            section = max(section_of(need.module, self.first_party), _STD)
            sections[section].append((need.module, need.spelled))
        block = render(
            "completions/import_block.py.j2",
            std=sections[_STD],
            third=sections[_THIRD],
            first=sections[_FIRST],
        ).strip("\n")
        anchor = self.existing.anchor
        end = self._blank_run_end(anchor)
        lead = "" if anchor == 0 else "\n\n"
        following = inserted if end >= self.protect else self.text[end:]
        gap = "\n\n\n" if _DEFINITION.match(following) else "\n\n"
        return self._edit(anchor, end, lead + block + gap)

    def blank_up_to_protect(self) -> bool:
        return self._blank_run_end(self.existing.anchor) >= self.protect

    def _blank_run_end(self, start: int) -> int:
        """The end of the line break and blank lines at `start`, never past `protect`."""
        index = start
        while index < min(len(self.text), self.protect) and self.text[index] in "\r\n \t":
            index += 1
        while index > start and self.text[index - 1] in " \t":
            index -= 1  # keep the indentation of the line the cursor may be on
        return index

    def _statement_text(self, module: str, names: list[str]) -> str:
        return _statement_text(module, tuple(names))

    def _edit(self, start: int, end: int, new_text: str) -> TextEdit:
        return TextEdit(span=_span(self.text, self.starts, start, end), new_text=new_text)


@lru_cache(maxsize=1024)
def _statement_text(module: str, names: tuple[str, ...]) -> str:
    return render("completions/import_from.py.j2", module=module, names=list(names)).strip("\n")


def _sectioned(items: list[tuple[int, str]]) -> str:
    sections: dict[int, list[str]] = {}
    for section, text in items:
        sections.setdefault(section, []).append(text)
    return "\n\n".join("\n".join(texts) for _, texts in sorted(sections.items()))


def span_of(text: str, start: int, end: int) -> SourceSpan:
    """The `SourceSpan` of the code-point range [start, end) of `text`."""
    return _span(text, LineStarts(text), start, end)


def _span(text: str, starts: LineStarts, start: int, end: int) -> SourceSpan:
    line, col = _line_col(text, starts, start)
    end_line, end_col = _line_col(text, starts, end)
    return SourceSpan(line, col, end_line, end_col)


def _line_col(text: str, starts: LineStarts, offset: int) -> tuple[int, int]:
    """1-based line and UTF-8 byte column of a code-point offset (as `ast`)."""
    index = starts.line_of(offset)
    line_start = starts.start(index) or 0
    return index + 1, len(text[line_start:offset].encode("utf-8", "surrogatepass"))
