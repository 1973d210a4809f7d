"""Column extraction: `Column(...)`, `mapped_column(...)`, SQLModel `Field(...)`, annotations."""

from __future__ import annotations

import ast
from dataclasses import replace

from crudsmith.analysis.annotations import AnnInfo, annotation_key
from crudsmith.analysis.context import Context
from crudsmith.analysis.source import span_of
from crudsmith.analysis.spec import ColumnSpec, ForeignKeySpec, TypeKind
from crudsmith.analysis.types import (
    NON_TYPE_ARGS,
    UNKNOWN_TYPE,
    TypeInfo,
    is_type_argument,
    python_type_info,
    sa_type_info,
)

COLUMN_CALLS = frozenset({"Column", "mapped_column"})
_UNWRAP_CALLS = frozenset({"deferred", "deferred_column"})

Args = tuple[list[ast.expr], dict[str, ast.expr]]


def call_symbol(ctx: Context, call: ast.Call) -> str:
    """The constructor a call stands for, looking through module-level partials."""
    return ctx.names.call_symbol(call)


def unwrap_column_call(ctx: Context, value: ast.expr | None) -> ast.Call | None:
    """`Column(...)`/`mapped_column(...)`, also inside `deferred(...)`; None otherwise."""
    for _ in range(3):
        if not isinstance(value, ast.Call):
            return None
        symbol = call_symbol(ctx, value)
        if symbol in COLUMN_CALLS:
            return value
        if symbol in _UNWRAP_CALLS and value.args:
            value = value.args[0]
            continue
        return None
    return None


def call_args(ctx: Context, call: ast.Call) -> Args:
    """Positional and keyword arguments, with a partial's own arguments applied first.

    The positional list may be the call's own list: callers must not mutate it.
    `*args` entries are kept (and ignored by the readers).
    """
    args: list[ast.expr] = call.args
    kwargs: dict[str, ast.expr] = {}
    func = call.func
    partials = ctx.names.partials
    if partials and isinstance(func, ast.Name) and func.id in partials:
        partial = partials[func.id]
        args = [*partial.args, *call.args]
        kwargs.update({kw.arg: kw.value for kw in partial.keywords if kw.arg})
    for kw in call.keywords:
        if kw.arg:
            kwargs[kw.arg] = kw.value
        elif isinstance(kw.value, ast.Dict):  # **{"nullable": False}
            kwargs.update(dict_items(kw.value))
    return args, kwargs


def dict_items(node: ast.expr) -> dict[str, ast.expr]:
    """Literal `{"k": v}` or `dict(k=v)` as a mapping of argument nodes."""
    if isinstance(node, ast.Dict):
        return {
            k.value: v
            for k, v in zip(node.keys, node.values, strict=False)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {kw.arg: kw.value for kw in node.keywords if kw.arg}
    return {}


def foreign_key(ctx: Context, call: ast.Call) -> ForeignKeySpec | None:
    """`ForeignKey("users.id", ondelete=...)` or `ForeignKey(User.id)`."""
    target = call.args[0] if call.args else None
    if target is None:
        target = next((kw.value for kw in call.keywords if kw.arg == "column"), None)
    ondelete_node = next((kw.value for kw in call.keywords if kw.arg == "ondelete"), None)
    ondelete = ctx.names.constant(ondelete_node) if ondelete_node is not None else None
    ondelete_text = ondelete if isinstance(ondelete, str) else None
    if target is None:
        return None
    return fk_from_target(ctx, target, ondelete_text)


def fk_from_target(ctx: Context, target: ast.expr, ondelete: str | None) -> ForeignKeySpec | None:
    value = ctx.names.constant(target)
    if isinstance(value, str):
        table, _, column = value.rpartition(".")
        if not table:
            return None
        return ForeignKeySpec(table=table, column=column, ondelete=ondelete)
    if isinstance(target, ast.Attribute):
        owner = target.value
        # users_table.c.id
        if isinstance(owner, ast.Attribute) and owner.attr in ("c", "columns"):
            owner = owner.value
        if isinstance(owner, ast.Name):
            owner_table = ctx.class_tables.get(owner.id) or ctx.core_tables.get(owner.id)
            if owner_table is not None:
                return ForeignKeySpec(table=owner_table, column=target.attr, ondelete=ondelete)
    return None


def build_column(
    ctx: Context,
    attr: str,
    call: ast.Call | None,
    ann: AnnInfo | None,
    stmt: ast.AST,
    symbol: str | None = None,
) -> ColumnSpec:
    """A column from `Column(...)`/`mapped_column(...)` (or none) plus an optional annotation.

    `symbol` is what `call` stands for, when the caller already knows it.
    """
    names = ctx.names
    args, kwargs = call_args(ctx, call) if call is not None else ([], {})
    if ann is not None and ann.annotated_call is not None:
        base_args, base_kwargs = call_args(ctx, ann.annotated_call)
        args = [*base_args, *args]
        kwargs = {**base_kwargs, **kwargs}
    column_name: str = attr
    if args:
        first = names.constant(args[0])
        if isinstance(first, str) and isinstance(args[0], ast.Constant | ast.Name):
            column_name = first
            args = args[1:]
    if "name" in kwargs:
        name_kw = names.constant(kwargs["name"])
        if isinstance(name_kw, str):
            column_name = name_kw
    type_node = kwargs.get("type_")
    fk: ForeignKeySpec | None = None
    for arg in args:
        if isinstance(arg, ast.Call):
            arg_symbol = names.symbol(arg.func)
            if arg_symbol == "ForeignKey":
                fk = fk or foreign_key(ctx, arg)
            elif type_node is None and arg_symbol not in NON_TYPE_ARGS:
                type_node = arg
        elif type_node is None and is_type_argument(names, arg):
            type_node = arg
    # Column(...) is nullable unless told otherwise; mapped_column follows Mapped[...].
    if call is not None and symbol is None:
        symbol = call_symbol(ctx, call)
    is_mapped = call is None or symbol != "Column"
    info = _resolve_type(ctx, type_node, ann)
    # Mapped[...] decides for mapped_column; a Column is nullable unless told otherwise.
    nullable = ann.optional if ann is not None and ann.mapped and is_mapped else True
    return _column_spec(ctx, attr, column_name, info, kwargs, nullable, fk, stmt)


_BOOL_OPTIONS = frozenset({"primary_key", "nullable", "autoincrement", "unique", "index"})
_TEXT_OPTIONS = {
    "default": "default",
    "default_factory": "default",
    "insert_default": "default",
    "server_default": "server_default",
    "onupdate": "onupdate",
}


def _column_spec(
    ctx: Context,
    attr: str,
    column_name: str,
    info: TypeInfo,
    kwargs: dict[str, ast.expr],
    nullable_default: bool,
    fk: ForeignKeySpec | None,
    stmt: ast.AST,
) -> ColumnSpec:
    """The ColumnSpec; `nullable_default` applies unless `nullable=` says otherwise."""
    # One pass over the keywords: this runs for every column of every file.
    flags: dict[str, bool] = {}  # literal True/False options only
    texts: dict[str, str] = {}
    comment: str | None = None
    for key, node in kwargs.items():
        if key in _BOOL_OPTIONS:
            value = ctx.names.constant(node)
            if isinstance(value, bool):
                flags[key] = value
        elif key in _TEXT_OPTIONS:
            texts.setdefault(_TEXT_OPTIONS[key], ctx.source.segment(node))
        elif key == "comment":
            text = ctx.names.constant(node)
            comment = text if isinstance(text, str) else None
    primary_key = flags.get("primary_key", False)
    return ColumnSpec(
        name=attr,
        column_name=column_name,
        sa_type=info.sa_type,
        kind=info.kind,
        python_type=info.python_type,
        nullable=flags.get("nullable", nullable_default) and not primary_key,
        primary_key=primary_key,
        autoincrement=flags.get("autoincrement"),
        unique=flags.get("unique", False),
        index=flags.get("index", False),
        length=info.length,
        precision=info.precision,
        scale=info.scale,
        timezone=info.timezone,
        default=texts.get("default"),
        server_default=texts.get("server_default"),
        onupdate=texts.get("onupdate"),
        foreign_key=fk,
        enum_name=info.enum_name,
        enum_values=info.enum_values,
        comment=comment,
        span=span_of(stmt),
    )


def _resolve_type(ctx: Context, type_node: ast.expr | None, ann: AnnInfo | None) -> TypeInfo:
    """Explicit type first; the annotation (via type_annotation_map) fills in the rest.

    An explicit type crudsmith does not know (a TypeDecorator such as `GUID`) keeps
    its name but takes its kind from a known annotation (`Mapped[uuid.UUID]`).
    """
    if type_node is not None:
        info = sa_type_info(ctx.names, type_node, ctx.enums)
        if info.kind is not TypeKind.UNKNOWN or ann is None:
            return info
        from_ann = annotation_type(ctx, ann)
        if from_ann is not None and from_ann.kind is not TypeKind.UNKNOWN:
            return from_ann.with_sa_type(info.sa_type or from_ann.sa_type)
        return info
    from_ann = annotation_type(ctx, ann) if ann is not None else None
    return from_ann or UNKNOWN_TYPE


def annotation_type(ctx: Context, ann: AnnInfo) -> TypeInfo | None:
    """The type an annotation implies: type_annotation_map, then Python types and enums."""
    inner = ann.inner
    if inner is None:
        return None
    key = annotation_key(ctx.names, inner)
    if not key:
        return None
    mapped = ctx.type_map.get(key)
    if mapped is not None:
        info = sa_type_info(ctx.names, mapped, ctx.enums)
        if info.kind is TypeKind.UNKNOWN:
            py = python_type_info(ctx.names, key, ctx.enums)
            if py is not None and py.kind is not TypeKind.UNKNOWN:
                return py.with_sa_type(info.sa_type or py.sa_type)
        return info
    head = key.partition("[")[0]
    info_or_none = python_type_info(ctx.names, head, ctx.enums)
    if info_or_none is not None:
        return info_or_none
    return TypeInfo(sa_type=head.rpartition(".")[2], kind=TypeKind.UNKNOWN, python_type="str")


def _is_field_factory(ctx: Context, call: ast.Call) -> bool:
    return "field" in call_symbol(ctx, call).lower()


def build_sqlmodel_field(
    ctx: Context, attr: str, value: ast.expr | None, ann: AnnInfo, stmt: ast.AST
) -> ColumnSpec:
    """A SQLModel field: `x: T`, `x: T = default`, `x: T = Field(...)`."""
    kwargs: dict[str, ast.expr] = {}
    is_field = isinstance(value, ast.Call) and call_symbol(ctx, value) == "Field"
    if isinstance(value, ast.Call) and not is_field and _is_field_factory(ctx, value):
        # A project helper that returns a Field (`build_foreign_key_field(...)`): read
        # its standard keywords, but it is not a default value.
        kwargs = {k: v for k, v in call_args(ctx, value)[1].items() if k != "default"}
        value = None
    if is_field:
        assert isinstance(value, ast.Call)
        args, kwargs = call_args(ctx, value)
        if args and "default" not in kwargs:
            kwargs["default"] = args[0]
        default = kwargs.get("default")
        if isinstance(default, ast.Constant) and default.value is Ellipsis:
            del kwargs["default"]  # Field(...): required, no default
        sa_column = kwargs.get("sa_column")
        if isinstance(sa_column, ast.Call) and call_symbol(ctx, sa_column) in COLUMN_CALLS:
            column = build_column(ctx, attr, sa_column, None, stmt)
            from_ann = annotation_type(ctx, ann)
            if (
                column.kind is TypeKind.UNKNOWN
                and from_ann is not None
                and from_ann.kind is not TypeKind.UNKNOWN
            ):
                column = replace(column, kind=from_ann.kind, python_type=from_ann.python_type)
            return column
        extra = kwargs.get("sa_column_kwargs")
        if extra is not None:
            kwargs = {**dict_items(extra), **kwargs}
    elif value is not None:
        kwargs["default"] = value
    type_node = kwargs.get("sa_type")
    info = _resolve_type(ctx, type_node, ann)
    if type_node is None and info.kind is TypeKind.STR:
        info = info.with_sa_type("AutoString")
    max_length = ctx.names.constant(kwargs["max_length"]) if "max_length" in kwargs else None
    if isinstance(max_length, int) and not isinstance(max_length, bool):
        info = info.with_length(max_length)
    fk = None
    if "foreign_key" in kwargs:
        ondelete = ctx.names.constant(kwargs["ondelete"]) if "ondelete" in kwargs else None
        fk = fk_from_target(
            ctx, kwargs["foreign_key"], ondelete if isinstance(ondelete, str) else None
        )
    return _column_spec(ctx, attr, attr, info, kwargs, ann.optional, fk, stmt)
