"""Merge generated modules into an existing module, adding only what is missing.

The rules, in the words of a reviewer who dislikes surprises:

- a generated definition (class, function, `name = ...` assignment) is added only
  when no top-level binding of that name exists (user code wins, always);
- any other generated statement (`app.include_router(users.router)`) is added only
  when an identical statement (same `ast.dump`) is not there;
- the imports an added statement needs are added once, through libcst's
  `AddImportsVisitor` (which merges into an existing `from x import ...`); a name
  the module already binds is never imported again;
- an added statement goes after the last existing statement binding a name it
  uses (never above the imports), after the last `x.method(...)` call on the same
  object (so `include_router` lines stay together), and never before an earlier
  added statement (generated order is kept);
- the existing text is never rewritten: the result is the original plus
  insertions, returned both as the whole new text and as minimal edits.

Reads the existing module with `ast` (positions, names); libcst parses only the
generated modules (to keep their comments) and runs the import merge.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from crudsmith.analysis.spec import SourceSpan
from crudsmith.insertion.diff import split_lines, text_edits
from crudsmith.rules.model import TextEdit

StatementFilter = Callable[[ast.stmt], bool]


class MergeError(Exception):
    """The existing module cannot be merged into (it does not parse); one line."""


@dataclass(frozen=True, slots=True)
class MergeResult:
    text: str  # the whole merged text
    edits: tuple[TextEdit, ...]  # positions in the ORIGINAL text, in application order

    @property
    def changed(self) -> bool:
        return bool(self.edits)


@dataclass(frozen=True, slots=True)
class _Import:
    module: str  # "" for `import x`
    name: str  # the imported object (or the module, for `import x`)
    alias: str | None


@dataclass(slots=True)
class _Added:
    code: str  # without leading blank lines, ending with a newline
    kind: str
    blank_before: int  # blank lines before it in the generated module
    follows: int | None  # serial of the generated statement just before it
    serial: int
    anchor: int  # index of the existing statement it goes after (-1: top of file)
    uses: frozenset[str]


@dataclass(frozen=True, slots=True)
class Source:
    """A generated module to merge; `keep` selects which of its statements may be added."""

    text: str
    keep: StatementFilter | None = None


def merge_module(existing: str, generated: Sequence[Source | str]) -> MergeResult:
    """`existing` plus what `generated` (modules, in order) defines and it lacks."""
    try:
        tree = ast.parse(existing)
    except (SyntaxError, ValueError) as exc:
        raise MergeError(
            f"the file does not parse ({exc.__class__.__name__}); fix it first"
        ) from exc
    statements = tree.body
    facts = _ExistingFacts(statements)
    imports: dict[str, _Import] = {}
    added: list[_Added] = []
    serial = 0
    for item in generated:
        source = item if isinstance(item, Source) else Source(item)
        keep = source.keep
        previous: int | None = None
        for node, code, blank in _generated_statements(source.text):
            serial += 1
            if isinstance(node, ast.Import | ast.ImportFrom):
                imports.update(_imports_of(node))
                previous = serial
                continue
            if keep is not None and not keep(node):
                previous = None
                continue
            if not facts.wants(node):
                previous = None
                continue
            uses = frozenset(_used_names(node))
            anchor = facts.anchor_for(node, uses)
            facts.record(node, anchor)
            added.append(_Added(code, _kind(node), blank, previous, serial, anchor, uses))
            previous = serial
    if not added:
        return MergeResult(existing, ())
    import_edits = _import_edits(existing, added, imports, facts)
    body_edits = _body_edits(existing, statements, added, bool(import_edits))
    newline = _newline_of(existing)
    if newline != "\n":  # added lines end like the file's own lines
        body_edits = tuple(TextEdit(e.span, e.new_text.replace("\n", newline)) for e in body_edits)
    edits = (*import_edits, *body_edits)
    return MergeResult(apply_in_order(existing, edits), edits)


def _newline_of(text: str) -> str:
    first = split_lines(text)[:1]
    if first and first[0].endswith("\r\n"):
        return "\r\n"
    if first and first[0].endswith("\r"):
        return "\r"
    return "\n"


def apply_in_order(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply edits whose positions refer to `text`; same-position inserts keep their order."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(lines):
            return len(text)
        raw = lines[line - 1].encode("utf-8", "surrogatepass")[:col]
        return starts[line - 1] + len(raw.decode("utf-8", "surrogatepass"))

    located = [
        (offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e.new_text)
        for e in edits
    ]
    located.sort(key=lambda item: item[0])  # stable: equal starts keep their order
    out: list[str] = []
    cursor = 0
    for start, end, new_text in located:
        out.append(text[cursor:start])
        out.append(new_text)
        cursor = max(cursor, end)
    out.append(text[cursor:])
    return "".join(out)


# --------------------------------------------------------------------------- existing module


class _ExistingFacts:
    """What the existing module binds and contains, plus what merging has added so far."""

    def __init__(self, statements: list[ast.stmt]) -> None:
        self.statements = statements
        self.bound: set[str] = set()
        self.dumps: set[str] = set()
        self.binder: dict[str, int] = {}
        self.calls_on: dict[str, int] = {}
        self.floor = -1
        for index, node in enumerate(statements):
            names = _bound_names(node)
            self.bound.update(names)
            for name in names:
                self.binder[name] = index
            if not _is_definition(node):
                self.dumps.add(ast.dump(node))
            receiver = _call_receiver(node)
            if receiver is not None:
                self.calls_on[receiver] = index
            if isinstance(node, ast.Import | ast.ImportFrom) or (
                index == 0 and _is_docstring(node)
            ):
                self.floor = index
        self.existing_bound = frozenset(self.bound)
        self.added_at: dict[str, int] = {}  # name -> anchor of the added statement binding it
        last = len(statements) - 1
        if last >= 0 and _is_main_guard(statements[last]):
            last -= 1  # additions go above `if __name__ == "__main__":`
        self.default = last

    def wants(self, node: ast.stmt) -> bool:
        if _is_definition(node):
            return not (_bound_names(node) & self.bound)
        return ast.dump(node) not in self.dumps

    def record(self, node: ast.stmt, anchor: int) -> None:
        for name in _bound_names(node):
            self.bound.add(name)
            self.added_at[name] = anchor
        if not _is_definition(node):
            self.dumps.add(ast.dump(node))

    def anchor_for(self, node: ast.stmt, uses: frozenset[str]) -> int:
        """Below the user's code; a call on an object the module already calls methods on
        (`app.include_router(...)`) right after the last such call; always after the added
        statements it uses."""
        receiver = _call_receiver(node)
        if receiver is not None and receiver in self.calls_on:
            anchor = self.calls_on[receiver]
            anchor = max([anchor, *(self.binder.get(name, -1) for name in uses)])
        else:
            anchor = self.default
        anchor = max([anchor, self.floor, *(self.added_at.get(name, -1) for name in uses)])
        return anchor


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {
            n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)
        }
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return set(_imports_of(node))
    return set()


def _is_definition(node: ast.stmt) -> bool:
    return isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Assign | ast.AnnAssign
    ) and bool(_bound_names(node))


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__main__" in ast.dump(node.test)


def _call_receiver(node: ast.stmt) -> str | None:
    """`app` for a statement `app.something(...)`."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and isinstance(node.value.func.value, ast.Name)
    ):
        return node.value.func.value.id
    return None


def _kind(node: ast.stmt) -> str:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return "def"
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "import"
    if isinstance(node, ast.Expr):
        return "expr"
    return "other"


def _used_names(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


# --------------------------------------------------------------------------- generated modules


def _generated_statements(source: str) -> Iterable[tuple[ast.stmt, str, int]]:
    """(ast node, code without leading blank lines, blank lines before) per top-level statement.

    A statement's code starts with the comment lines above it (as libcst's `leading_lines`
    would); the module docstring and `from __future__` imports are skipped. Generated code
    is small and formatted, so `ast` line numbers are all it takes (libcst is 50x slower).
    """
    tree = ast.parse(source)
    lines = split_lines(source)
    consumed = 0  # lines already attributed to earlier statements
    for index, node in enumerate(tree.body):
        first = min([node.lineno, *(d.lineno for d in _decorators(node))]) - 1
        end = node.end_lineno or node.lineno
        if first < consumed:  # `a; b` on one line: rare, rebuilt from the tree
            code, blank = ast.unparse(node) + "\n", 0
        else:
            gap = lines[consumed:first]
            blank = 0
            while blank < len(gap) and not gap[blank].strip():
                blank += 1
            code = "".join(gap[blank:] + lines[first:end])
            if not code.endswith(("\n", "\r")):
                code += "\n"
        consumed = max(consumed, end)
        if index == 0 and _is_docstring(node):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        yield node, code, blank


def _decorators(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.decorator_list
    return []


def _imports_of(node: ast.Import | ast.ImportFrom) -> dict[str, _Import]:
    found: dict[str, _Import] = {}
    for alias in node.names:
        if isinstance(node, ast.Import):
            bound = alias.asname or alias.name.split(".")[0]
            found[bound] = _Import("", alias.name, alias.asname)
        elif alias.name != "*":
            module = "." * node.level + (node.module or "")
            found[alias.asname or alias.name] = _Import(module, alias.name, alias.asname)
    return found


# --------------------------------------------------------------------------- edits


def _import_edits(
    existing: str, added: list[_Added], imports: dict[str, _Import], facts: _ExistingFacts
) -> tuple[TextEdit, ...]:
    needed: list[_Import] = []
    defined_by_added = facts.bound - facts.existing_bound
    for item in added:
        for name in sorted(item.uses):
            if name in facts.existing_bound or name in defined_by_added:
                continue
            spec = imports.get(name)
            if spec is not None and spec not in needed:
                needed.append(spec)
    if not needed:
        return ()
    # libcst (~12 MB) loads here, where an import must join an existing import block,
    # not with the module: new files and additions without imports never need it.
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for spec in needed:
        if spec.module:
            AddImportsVisitor.add_needed_import(context, spec.module, spec.name, spec.alias)
        else:
            AddImportsVisitor.add_needed_import(context, spec.name, None, spec.alias)
    # Only the leading import block is handed to libcst: parsing a 5,000-line module
    # costs seconds, and new imports go right there anyway (positions are unchanged).
    lines = split_lines(existing)
    end = _header_end(facts.statements)
    header = "".join(lines[:end])
    merged = AddImportsVisitor(context).transform_module(cst.parse_module(header)).code
    if merged != header:
        if not merged.endswith(("\n", "\r")):
            merged += _newline_of(existing)
        following = lines[end] if end < len(lines) else ""
        if following.strip() and not header.strip():  # the imports start the module
            merged += _newline_of(existing)
    return text_edits(header, merged)


def _header_end(statements: list[ast.stmt]) -> int:
    """The last line (1-based) of the module's leading docstring and imports; 0 if none."""
    end = 0
    for index, node in enumerate(statements):
        if isinstance(node, ast.Import | ast.ImportFrom) or (index == 0 and _is_docstring(node)):
            end = node.end_lineno or node.lineno
        else:
            break
    return end


def _body_edits(
    existing: str, statements: list[ast.stmt], added: list[_Added], imports_added: bool
) -> tuple[TextEdit, ...]:
    lines = split_lines(existing)
    groups: dict[int, list[_Added]] = {}
    for item in added:
        groups.setdefault(item.anchor, []).append(item)
    edits: list[TextEdit] = []
    for anchor, items in groups.items():
        line = (statements[anchor].end_lineno or 0) if anchor >= 0 else 0
        before = _kind(statements[anchor]) if anchor >= 0 else ("import" if imports_added else None)
        text = _group_text(items, before)
        blanks = _blank_lines_from(lines, line)
        if line + blanks < len(lines):
            following = _following_kind(statements, anchor, line + blanks + 1)
            text += "\n" * max(0, _separation(items[-1].kind, following) - blanks)
        if line >= len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            text = "\n" + text
        position = (line + 1, 0) if line < len(lines) or not lines else _end_position(lines)
        edits.append(TextEdit(SourceSpan(*position, *position), text))
    return tuple(edits)


def _blank_lines_from(lines: list[str], index: int) -> int:
    count = 0
    while index + count < len(lines) and not lines[index + count].strip():
        count += 1
    return count


def _end_position(lines: list[str]) -> tuple[int, int]:
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return len(lines) + 1, 0
    return len(lines), len(last.encode("utf-8", "surrogatepass"))


def _group_text(items: list[_Added], before: str | None) -> str:
    parts: list[str] = []
    previous: _Added | None = None
    for item in items:
        if previous is not None and item.follows == previous.serial:
            blank = item.blank_before
        else:
            blank = _separation(previous.kind if previous else before, item.kind)
        parts.append("\n" * blank + item.code)
        previous = item
    return "".join(parts)


def _following_kind(statements: list[ast.stmt], anchor: int, line: int) -> str:
    following = statements[anchor + 1] if anchor + 1 < len(statements) else None
    if following is None:
        return "other"
    first = min([following.lineno] + [d.lineno for d in getattr(following, "decorator_list", [])])
    return _kind(following) if first == line else "comment"


def _separation(before: str | None, after: str) -> int:
    """Blank lines between two top-level statements, as ruff format would leave them."""
    if before is None:
        return 0
    if "def" in (before, after):
        return 2
    if before == "import" and after != "import":
        return 1
    if before == after == "expr":
        return 0
    return 1
