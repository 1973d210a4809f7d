"""Core `Table(...)` objects and `__table_args__` constraints."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from crudsmith.analysis.columns import build_column, call_symbol, fk_from_target
from crudsmith.analysis.context import Context
from crudsmith.analysis.source import span_of
from crudsmith.analysis.spec import ColumnSpec, CoreTableSpec


@dataclass(slots=True)
class Constraints:
    """Table-level constraints, by database column name."""

    primary_key: list[str] = field(default_factory=list)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    indexed: set[str] = field(default_factory=set)
    foreign_keys: dict[str, ast.expr] = field(default_factory=dict)  # column -> target


def is_core_table_call(ctx: Context, value: ast.expr | None) -> bool:
    """`Table("name", metadata, Column(...))`, `db.Table(...)`, `sa.Table(...)`.

    Requires a name plus either a Column argument or a metadata argument, so an
    unrelated `Table` (rich, prettytable) does not count.
    """
    if not isinstance(value, ast.Call) or call_symbol(ctx, value) != "Table" or not value.args:
        return False
    if not isinstance(ctx.names.constant(value.args[0]), str):
        return False
    for arg in value.args[1:]:
        if isinstance(arg, ast.Call) and call_symbol(ctx, arg) == "Column":
            return True
    if len(value.args) > 1:
        text = ctx.source.segment(value.args[1]).lower()
        return "meta" in text
    return False


def table_name(ctx: Context, call: ast.Call) -> str:
    value = ctx.names.constant(call.args[0])
    return value if isinstance(value, str) else ctx.source.segment(call.args[0])


def core_table(ctx: Context, variable: str, call: ast.Call, stmt: ast.stmt) -> CoreTableSpec:
    columns: list[ColumnSpec] = []
    constraint_nodes: list[ast.expr] = []
    for arg in call.args[1:]:
        if isinstance(arg, ast.Call) and call_symbol(ctx, arg) == "Column":
            name = ctx.names.constant(arg.args[0]) if arg.args else None
            attr = name if isinstance(name, str) else ""
            columns.append(build_column(ctx, attr, arg, None, arg))
        else:
            constraint_nodes.append(arg)
    constraints = read_constraints(ctx, constraint_nodes)
    return CoreTableSpec(
        variable=variable,
        table=table_name(ctx, call),
        columns=tuple(apply_constraints(ctx, columns, constraints)),
        span=span_of(stmt),
    )


def table_args_items(node: ast.expr | None) -> list[ast.expr]:
    """Elements of a `__table_args__` tuple/list (a trailing kwargs dict is ignored)."""
    if isinstance(node, ast.Tuple | ast.List):
        return [e for e in node.elts if not isinstance(e, ast.Dict)]
    return []


def _column_ref(ctx: Context, node: ast.expr) -> str | None:
    """A column reference inside a constraint: "name", `name` (class attribute), `cls.name`."""
    value = ctx.names.constant(node) if isinstance(node, ast.Constant) else None
    if isinstance(value, str):
        return value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def read_constraints(ctx: Context, items: list[ast.expr]) -> Constraints:
    found = Constraints()
    for item in items:
        if not isinstance(item, ast.Call):
            continue
        symbol = call_symbol(ctx, item)
        refs = [r for r in (_column_ref(ctx, a) for a in item.args) if r is not None]
        if symbol == "PrimaryKeyConstraint":
            found.primary_key.extend(refs)
        elif symbol == "UniqueConstraint" and refs:
            found.unique.append(tuple(refs))
        elif symbol == "Index" and len(refs) == 2:  # Index("ix_name", "column")
            found.indexed.add(refs[1])
        elif symbol == "ForeignKeyConstraint" and len(item.args) >= 2:
            local, remote = item.args[0], item.args[1]
            if isinstance(local, ast.List | ast.Tuple) and isinstance(remote, ast.List | ast.Tuple):
                for src, dst in zip(local.elts, remote.elts, strict=False):
                    name = _column_ref(ctx, src)
                    if name is not None:
                        found.foreign_keys[name] = dst
    return found


def apply_constraints(
    ctx: Context, columns: list[ColumnSpec], constraints: Constraints
) -> list[ColumnSpec]:
    """Mark columns named by single-column constraints; return the updated list."""
    if not (
        constraints.primary_key
        or constraints.unique
        or constraints.indexed
        or constraints.foreign_keys
    ):
        return columns
    single_unique = {u[0] for u in constraints.unique if len(u) == 1}
    pk = set(constraints.primary_key)
    result: list[ColumnSpec] = []
    for col in columns:
        names = {col.name, col.column_name}
        changes: dict[str, object] = {}
        if names & pk:
            changes.update(primary_key=True, nullable=False)
        if names & single_unique:
            changes["unique"] = True
        if names & constraints.indexed:
            changes["index"] = True
        if col.foreign_key is None:
            for name in names:
                target = constraints.foreign_keys.get(name)
                if target is not None:
                    changes["foreign_key"] = fk_from_target(ctx, target, None)
                    break
        result.append(replace(col, **changes) if changes else col)  # type: ignore[arg-type]
    return result
