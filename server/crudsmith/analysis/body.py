"""Reading a class body: mapped attributes and the `__dunder__` settings SQLAlchemy uses."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from crudsmith.analysis.names import NameTable

_MAPPED = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})


@dataclass(slots=True)
class Member:
    """An attribute assignment or a `@declared_attr` function in a class body."""

    name: str
    annotation: ast.expr | None
    value: ast.expr | None
    stmt: ast.stmt
    symbol: str = ""  # what the value calls: "Column", "mapped_column", "relationship"...
    mapped: bool = False  # annotation is Mapped[...] / WriteOnlyMapped[...]


@dataclass(slots=True)
class ClassBody:
    members: list[Member] = field(default_factory=list)
    tablename: ast.expr | None = None  # `__tablename__ = ...`
    tablename_func: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # @declared_attr
    abstract: bool = False
    table_args: ast.expr | None = None
    table: ast.expr | None = None  # `__table__ = Table(...)`
    registry: ast.expr | None = None  # `registry = registry(type_annotation_map=...)`
    type_annotation_map: ast.expr | None = None


def _is_type_checking(names: NameTable, test: ast.expr) -> bool:
    return names.symbol(test) == "TYPE_CHECKING"


def _is_declared_attr(names: NameTable, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if "declared_attr" in names.resolve(target):
            return True
    return False


def _returned(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    """The value of the function's first top-level `return`."""
    for stmt in func.body:
        if isinstance(stmt, ast.Return):
            return stmt.value
    return None


def read_body(names: NameTable, node: ast.ClassDef) -> ClassBody:
    """One pass over the class body (and its if/else, try blocks).

    Under `if TYPE_CHECKING:` only the `else:` branch is read: the runtime
    definitions are the mapped ones.
    """
    body = ClassBody()
    _read_block(names, body, node.body)
    return body


def _read_block(names: NameTable, body: ClassBody, statements: list[ast.stmt]) -> None:
    # Recursion into blocks is bounded: the tokenizer allows 100 indentation levels.
    for stmt in statements:
        if isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name):
                _assignment(names, body, stmt.target.id, stmt.annotation, stmt.value, stmt)
        elif isinstance(stmt, ast.Assign):
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                _assignment(names, body, stmt.targets[0].id, None, stmt.value, stmt)
        elif isinstance(stmt, ast.If):
            if _is_type_checking(names, stmt.test):
                _read_block(names, body, stmt.orelse)
            else:
                _read_block(names, body, stmt.body)
                _read_block(names, body, stmt.orelse)
        elif isinstance(stmt, ast.Try):
            _read_block(names, body, stmt.body)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and _is_declared_attr(
            names, stmt
        ):
            _declared_attr(names, body, stmt)


def _assignment(
    names: NameTable,
    body: ClassBody,
    name: str,
    annotation: ast.expr | None,
    value: ast.expr | None,
    stmt: ast.stmt,
) -> None:
    if name.startswith("__") and name.endswith("__"):
        if name == "__tablename__" and body.tablename is None:
            body.tablename = value
        elif name == "__abstract__":
            body.abstract = isinstance(value, ast.Constant) and value.value is True
        elif name == "__table_args__" and body.table_args is None:
            body.table_args = value
        elif name == "__table__" and body.table is None:
            body.table = value
        return
    if name == "registry" and value is not None:
        body.registry = value
        return
    if name == "type_annotation_map" and value is not None:
        body.type_annotation_map = value
        return
    body.members.append(_member(names, name, annotation, value, stmt))


def _member(
    names: NameTable,
    name: str,
    annotation: ast.expr | None,
    value: ast.expr | None,
    stmt: ast.stmt,
) -> Member:
    symbol = names.call_symbol(value) if isinstance(value, ast.Call) else ""
    if annotation is None:
        mapped = False
    elif isinstance(annotation, ast.Subscript):  # the usual shape, without a call
        mapped = names.symbol(annotation.value) in _MAPPED
    else:
        mapped = names.symbol(outer_annotation(annotation)) in _MAPPED
    return Member(name, annotation, value, stmt, symbol, mapped)


def outer_annotation(annotation: ast.expr) -> ast.expr:
    """`Mapped[int]` -> `Mapped`; also for a string annotation `"Mapped[int]"`."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        head = annotation.value.partition("[")[0].strip()
        return ast.Name(id=head.rpartition(".")[2] or head)
    return annotation.value if isinstance(annotation, ast.Subscript) else annotation


def _declared_attr(
    names: NameTable, body: ClassBody, func: ast.FunctionDef | ast.AsyncFunctionDef
) -> None:
    if func.name == "__tablename__":
        body.tablename_func = func
    elif func.name == "__table_args__":
        body.table_args = _returned(func)
    elif not func.name.startswith("__"):
        body.members.append(_member(names, func.name, func.returns, _returned(func), func))
