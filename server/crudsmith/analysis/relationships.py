"""Relationships: `relationship(...)`, `db.relationship(...)`, SQLModel `Relationship(...)`."""

from __future__ import annotations

import ast

from crudsmith.analysis.annotations import AnnInfo, target_name
from crudsmith.analysis.columns import call_args, dict_items
from crudsmith.analysis.context import Context
from crudsmith.analysis.source import span_of
from crudsmith.analysis.spec import ColumnSpec, RelationshipSpec

RELATIONSHIP_CALLS = frozenset({"relationship", "Relationship", "relation", "dynamic_loader"})


def _target_from_arg(ctx: Context, node: ast.expr) -> str | None:
    if isinstance(node, ast.Lambda):
        node = node.body
    value = ctx.names.constant(node)
    if isinstance(value, str):
        return value.rpartition(".")[2] or None
    symbol = ctx.names.symbol(node)
    return symbol or None


def _backref(ctx: Context, node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Call) and node.args:  # backref("name", ...)
        node = node.args[0]
    value = ctx.names.constant(node)
    return value if isinstance(value, str) else None


def _secondary(ctx: Context, node: ast.expr | None) -> str | None:
    if node is None:
        return None
    value = ctx.names.constant(node)
    if isinstance(value, str):
        return value
    if isinstance(node, ast.Lambda):
        node = node.body
    if isinstance(node, ast.Attribute) and node.attr == "__table__":
        node = node.value
    if isinstance(node, ast.Name):
        table = ctx.core_tables.get(node.id) or ctx.class_tables.get(node.id)
        if table is not None:
            return table
    return ctx.source.segment(node) or None


def build_relationship(
    ctx: Context,
    attr: str,
    call: ast.Call,
    ann: AnnInfo | None,
    stmt: ast.AST,
    owner_table: str | None,
    owner_columns: list[ColumnSpec],
) -> RelationshipSpec:
    args, kwargs = call_args(ctx, call)
    extra = kwargs.get("sa_relationship_kwargs")
    if extra is not None:
        kwargs = {**dict_items(extra), **kwargs}
    target = _target_from_arg(ctx, args[0]) if args else None
    if target is None and "argument" in kwargs:
        target = _target_from_arg(ctx, kwargs["argument"])
    if target is None and ann is not None:
        target = target_name(ctx.names, ann.item)
    secondary = _secondary(ctx, kwargs.get("secondary"))
    if secondary is None and "link_model" in kwargs:
        secondary = _secondary(ctx, kwargs["link_model"])
    back_populates = (
        ctx.names.constant(kwargs["back_populates"]) if "back_populates" in kwargs else None
    )
    uselist = _uselist(ctx, kwargs, ann, secondary, target, owner_table, owner_columns)
    return RelationshipSpec(
        name=attr,
        target=target or "",
        uselist=uselist,
        back_populates=back_populates if isinstance(back_populates, str) else None,
        backref=_backref(ctx, kwargs.get("backref")),
        secondary=secondary,
        span=span_of(stmt),
    )


def _uselist(
    ctx: Context,
    kwargs: dict[str, ast.expr],
    ann: AnnInfo | None,
    secondary: str | None,
    target: str | None,
    owner_table: str | None,
    owner_columns: list[ColumnSpec],
) -> bool:
    """Explicit `uselist=`, else the annotation, else SQLAlchemy's direction rule.

    Without an annotation: many-to-many is a list; a foreign key on this side
    pointing at the target's table makes it many-to-one (scalar); a
    self-referential relationship is many-to-one only with `remote_side`.
    """
    explicit = ctx.names.constant(kwargs["uselist"]) if "uselist" in kwargs else None
    if isinstance(explicit, bool):
        return explicit
    if ann is not None and ann.inner is not None:
        return ann.collection
    if secondary is not None:
        return True
    target_table = ctx.class_tables.get(target or "")
    if target_table is None:
        return True
    if target_table == owner_table:
        return "remote_side" not in kwargs
    return not any(
        col.foreign_key is not None and col.foreign_key.table == target_table
        for col in owner_columns
    )
