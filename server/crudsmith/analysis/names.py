"""Module-level name resolution: imports, aliases, partials, constants.

Only module-level statements are read (descending into `if`/`try`/`with`
blocks); the first binding of a name wins, so `try: from x import a` beats the
`except ImportError:` fallback.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from crudsmith.analysis.spec import ImportSpec

_ASYNC_NAMES = frozenset(
    {"AsyncSession", "create_async_engine", "async_sessionmaker", "AsyncAttrs", "AsyncEngine"}
)
_ASYNC_MODULE_SUFFIXES = ("sqlalchemy.ext.asyncio", "sqlmodel.ext.asyncio")
# Roots of the libraries whose names we read by their last component.
ORM_ROOTS = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy"})


def defined_names(statements: Iterable[ast.stmt]) -> list[str]:
    """Names these statements define: functions, classes and plain-name assignment targets
    (imports and tuple targets excluded), in order."""
    names: list[str] = []
    for stmt in statements:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.append(stmt.target.id)
    return names


def iter_module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, descending into if/try/with blocks (both branches)."""
    stack: list[Iterator[ast.stmt]] = [iter(body)]
    while stack:
        for stmt in stack[-1]:
            if isinstance(stmt, ast.If):
                stack.append(iter([*stmt.body, *stmt.orelse]))
                break
            if isinstance(stmt, ast.Try):
                inner = [*stmt.body]
                for handler in stmt.handlers:
                    inner.extend(handler.body)
                inner.extend(stmt.orelse)
                inner.extend(stmt.finalbody)
                stack.append(iter(inner))
                break
            if isinstance(stmt, ast.With | ast.AsyncWith):
                stack.append(iter(stmt.body))
                break
            yield stmt
        else:
            stack.pop()


@dataclass(slots=True)
class Partial:
    """`functools.partial(target, *args, **keywords)` bound to a module-level name."""

    target: str
    args: list[ast.expr]
    keywords: list[ast.keyword]


@dataclass(slots=True)
class NameTable:
    """What module-level names stand for."""

    aliases: dict[str, str] = field(default_factory=dict)  # local -> dotted qualified name
    partials: dict[str, Partial] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)  # NAME = 512 / "users"
    values: dict[str, ast.expr] = field(default_factory=dict)  # other module-level values
    imports: list[ImportSpec] = field(default_factory=list)
    imported: set[str] = field(default_factory=set)  # local names bound by imports
    flask_dbs: set[str] = field(default_factory=set)  # `db = SQLAlchemy()`
    local_bases: dict[str, ast.Assign | ast.AnnAssign] = field(default_factory=dict)
    uses_async: bool = False
    _symbols: dict[str, str] = field(default_factory=dict)  # Name id -> symbol, memoised

    def resolve(self, node: ast.expr) -> str:
        """Dotted name of a Name/Attribute chain, with imports and aliases applied.

        Returns "" for anything else (calls, subscripts, literals).
        """
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return ""
        head = self.aliases.get(node.id, node.id)
        if parts:
            parts.reverse()
            return head + "." + ".".join(parts)
        return head

    def symbol(self, node: ast.expr) -> str:
        """Last component of the resolved name: `sa.Column` -> "Column"."""
        if isinstance(node, ast.Name):
            cached = self._symbols.get(node.id)
            if cached is None:
                cached = self.aliases.get(node.id, node.id).rpartition(".")[2]
                self._symbols[node.id] = cached
            return cached
        if isinstance(node, ast.Attribute):
            return node.attr
        return ""

    def call_symbol(self, call: ast.Call) -> str:
        """The constructor a call stands for, looking through module-level partials."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.partials:
            return self.partials[func.id].target.rpartition(".")[2]
        return self.symbol(func)

    def root(self, node: ast.expr) -> str:
        """First component of the resolved name: `sa.Column` -> "sqlalchemy"."""
        return self.resolve(node).partition(".")[0]

    def is_from(self, node: ast.expr, *modules: str) -> bool:
        """True when the name was imported from one of `modules` (or a submodule)."""
        resolved = self.resolve(node)
        return any(resolved == m or resolved.startswith(m + ".") for m in modules)

    def constant(self, node: ast.expr) -> object:
        """A literal value, or the literal bound to a module-level name; None otherwise."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        return None


def build_name_table(statements: list[ast.stmt]) -> NameTable:
    table = NameTable()
    for stmt in iter_module_statements(statements):
        if isinstance(stmt, ast.Import):
            _add_import(table, stmt)
        elif isinstance(stmt, ast.ImportFrom):
            _add_import_from(table, stmt)
        elif isinstance(stmt, ast.Assign):
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                _add_assignment(table, stmt.targets[0].id, stmt.value, stmt)
        elif (
            isinstance(stmt, ast.AnnAssign)
            and stmt.value is not None
            and isinstance(stmt.target, ast.Name)
        ):
            _add_assignment(table, stmt.target.id, stmt.value, stmt)
        elif isinstance(stmt, ast.ClassDef) and not table.uses_async:
            table.uses_async = any(table.symbol(b) == "AsyncAttrs" for b in stmt.bases)
    return table


def _add_import(table: NameTable, stmt: ast.Import) -> None:
    for alias in stmt.names:
        local = alias.asname or alias.name.partition(".")[0]
        qualified = alias.name if alias.asname else local
        table.imports.append(
            ImportSpec(module=alias.name, name="", alias=alias.asname or "", line=stmt.lineno)
        )
        if local not in table.aliases:
            table.aliases[local] = qualified
            table.imported.add(local)
        if alias.name.startswith(_ASYNC_MODULE_SUFFIXES):
            table.uses_async = True


def _add_import_from(table: NameTable, stmt: ast.ImportFrom) -> None:
    module = "." * stmt.level + (stmt.module or "")
    for alias in stmt.names:
        local = alias.asname or alias.name
        table.imports.append(
            ImportSpec(module=module, name=alias.name, alias=alias.asname or "", line=stmt.lineno)
        )
        if alias.name == "*":
            continue
        if local not in table.aliases:
            separator = "" if module.endswith(".") else "."
            table.aliases[local] = f"{module}{separator}{alias.name}" if module else alias.name
            table.imported.add(local)
        if alias.name in _ASYNC_NAMES or module.startswith(_ASYNC_MODULE_SUFFIXES):
            table.uses_async = True


def _add_assignment(table: NameTable, name: str, value: ast.expr, stmt: ast.stmt) -> None:
    if name in table.aliases or name in table.partials or name in table.values:
        return  # first binding wins
    if name in table.constants:
        return
    if isinstance(value, ast.Constant) and isinstance(value.value, int | str | bool):
        table.constants[name] = value.value
        return
    if isinstance(value, ast.Name | ast.Attribute):
        resolved = table.resolve(value)
        if resolved:
            table.aliases[name] = resolved
            if table.symbol(value) in _ASYNC_NAMES:
                table.uses_async = True
            return
    if isinstance(value, ast.Call):
        func = table.symbol(value.func)
        if func == "partial" and value.args:
            table.partials[name] = _partial(table, value)
            return
        if func == "SQLAlchemy":
            table.flask_dbs.add(name)
        elif func in {"declarative_base", "generate_base", "as_declarative_base"}:
            assert isinstance(stmt, ast.Assign | ast.AnnAssign)
            table.local_bases[name] = stmt
        if func in _ASYNC_NAMES:
            table.uses_async = True
    table.values[name] = value


def _partial(table: NameTable, call: ast.Call) -> Partial:
    target = call.args[0]
    args = list(call.args[1:])
    keywords = list(call.keywords)
    # partial of a partial: fold the inner one in.
    if isinstance(target, ast.Name) and target.id in table.partials:
        inner = table.partials[target.id]
        return Partial(inner.target, [*inner.args, *args], [*inner.keywords, *keywords])
    return Partial(table.resolve(target) or "", args, keywords)
