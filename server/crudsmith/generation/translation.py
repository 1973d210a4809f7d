"""Views for translating classic / Flask-SQLAlchemy models into SQLAlchemy 2.0 typed models.

Flask-SQLAlchemy models cannot run outside Flask, and classic `Column` models
defeat `mypy --strict`; the generated app gets equivalent typed models (same
tables, columns, constraints and relationships). Default expressions are
carried over when every name they use can be imported in the new module;
otherwise they are dropped and the translation says so in a comment.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from crudsmith.analysis.spec import (
    ColumnSpec,
    CoreTableSpec,
    ImportSpec,
    ModelSpec,
    ModelStyle,
    ModuleAnalysis,
    TypeKind,
)
from crudsmith.generation import fields

_SA_TYPE: dict[TypeKind, str] = {
    TypeKind.INT: "Integer",
    TypeKind.BIGINT: "BigInteger",
    TypeKind.STR: "String",
    TypeKind.TEXT: "Text",
    TypeKind.BOOL: "Boolean",
    TypeKind.FLOAT: "Float",
    TypeKind.DECIMAL: "Numeric",
    TypeKind.DATETIME: "DateTime",
    TypeKind.DATE: "Date",
    TypeKind.TIME: "Time",
    TypeKind.INTERVAL: "Interval",
    TypeKind.UUID: "Uuid",
    TypeKind.JSON: "JSON",
    TypeKind.BYTES: "LargeBinary",
    TypeKind.ENUM: "Enum",
    TypeKind.UNKNOWN: "String",
}
_SA_NAMES = {"func", "text", "literal", "null", "true", "false", "sql"}


@dataclass(frozen=True, slots=True)
class ColumnTranslation:
    name: str
    column_name: str | None  # set when the database name differs
    annotation: str  # Mapped[...] argument
    sa_type: str  # type class name
    type_args: tuple[str, ...]  # literal arguments: "100", "timezone=True", enum class
    primary_key: bool
    autoincrement: bool | None
    nullable: bool
    unique: bool
    index: bool
    foreign_key: str | None  # "users.id"
    ondelete: str | None
    default: str | None
    server_default: str | None
    onupdate: str | None
    dropped: tuple[str, ...]  # expressions that could not be carried over
    unknown_type: str | None  # the original type name when it maps to String


@dataclass(frozen=True, slots=True)
class RelationshipTranslation:
    name: str
    target: str
    uselist: bool
    back_populates: str | None
    backref: str | None
    secondary: str | None


@dataclass(frozen=True, slots=True)
class ModelTranslation:
    name: str
    table: str
    docstring: str | None
    columns: tuple[ColumnTranslation, ...]
    relationships: tuple[RelationshipTranslation, ...]
    unique_together: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class TableTranslation:
    variable: str
    table: str
    columns: tuple[ColumnTranslation, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    source_style: str
    models: tuple[ModelTranslation, ...]
    tables: tuple[TableTranslation, ...]
    enums: tuple[tuple[str, bool, tuple[tuple[str, str], ...]], ...]
    sa_names: tuple[str, ...]  # names imported from sqlalchemy
    std_imports: tuple[tuple[str, str], ...]
    orm_names: tuple[str, ...]


def needs_translation(analysis: ModuleAnalysis) -> bool:
    return any(m.style in (ModelStyle.CLASSIC, ModelStyle.FLASK) for m in analysis.models)


def translate(analysis: ModuleAnalysis, models: tuple[ModelSpec, ...]) -> Translation:
    resolver = _Resolver(analysis)
    model_views = tuple(_model(m, resolver) for m in models)
    table_views = tuple(
        TableTranslation(
            variable=_table_variable(t), table=t.table, columns=_columns(t.columns, resolver)
        )
        for t in analysis.core_tables
    )
    sa_names = {"ForeignKey"} if _any_fk(model_views, table_views) else set()
    for column in [c for m in model_views for c in m.columns] + [
        c for t in table_views for c in t.columns
    ]:
        sa_names.add(column.sa_type)
    if table_views:
        sa_names.update({"Column", "Table"})
    if any(m.unique_together for m in model_views):
        sa_names.add("UniqueConstraint")
    sa_names.update(resolver.sa_names)
    orm = {"DeclarativeBase", "Mapped", "mapped_column"}
    if any(m.relationships for m in model_views):
        orm.add("relationship")
    std = set(resolver.std_imports)
    if analysis.enums:
        std.add(("enum", ""))
    for column in [c for m in model_views for c in m.columns]:
        std.update(_annotation_imports(column.annotation))
    return Translation(
        source_style=models[0].style.value if models else "",
        models=model_views,
        tables=table_views,
        enums=tuple(
            (e.name, e.is_str, tuple((n, _member_literal(v)) for n, v in e.members))
            for e in analysis.enums
        ),
        sa_names=tuple(sorted(sa_names)),
        std_imports=tuple(sorted(std)),
        orm_names=tuple(sorted(orm)),
    )


def _member_literal(value: str) -> str:
    """An enum member's value as a literal: kept when it already is one, else quoted."""
    try:
        ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return json.dumps(value, ensure_ascii=False)
    return value


def _any_fk(models: tuple[ModelTranslation, ...], tables: tuple[TableTranslation, ...]) -> bool:
    columns = [c for m in models for c in m.columns] + [c for t in tables for c in t.columns]
    return any(c.foreign_key for c in columns)


def _table_variable(table: CoreTableSpec) -> str:
    return table.variable or table.table.replace("-", "_")


def _annotation_imports(annotation: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for token, module_name in (
        ("Decimal", ("decimal", "Decimal")),
        ("datetime", ("datetime", "datetime")),
        ("date", ("datetime", "date")),
        ("time", ("datetime", "time")),
        ("timedelta", ("datetime", "timedelta")),
        ("uuid.UUID", ("uuid", "")),
        ("Any", ("typing", "Any")),
    ):
        if token in annotation.replace("[", " ").replace("]", " ").replace(",", " ").split():
            found.add(module_name)
    return found


def _model(model: ModelSpec, resolver: _Resolver) -> ModelTranslation:
    return ModelTranslation(
        name=model.name,
        table=model.table,
        docstring=model.docstring,
        columns=_columns(model.columns, resolver),
        relationships=tuple(
            RelationshipTranslation(
                name=r.name,
                target=r.target,
                uselist=r.uselist,
                back_populates=r.back_populates,
                backref=r.backref,
                secondary=r.secondary,
            )
            for r in model.relationships
        ),
        unique_together=model.unique_together,
    )


def _columns(columns: tuple[ColumnSpec, ...], resolver: _Resolver) -> tuple[ColumnTranslation, ...]:
    return tuple(_column(c, resolver) for c in columns)


def _column(col: ColumnSpec, resolver: _Resolver) -> ColumnTranslation:
    dropped: list[str] = []

    def carry(expr: str | None) -> str | None:
        if expr is None:
            return None
        carried = resolver.carry(expr)
        if carried is None:
            dropped.append(expr)
        return carried

    python = fields.python_type(col)
    if python == "EmailStr":
        python = "str"
    nullable = col.nullable and not col.primary_key
    default = carry(col.default)
    server_default = carry(col.server_default)
    if col.kind is TypeKind.DATETIME and dropped and server_default is None and default is None:
        server_default = "func.now()"  # a local "now" helper: the database's clock does the same
        resolver.sa_names.add("func")
    onupdate = carry(col.onupdate)
    if col.kind is TypeKind.DATETIME and col.onupdate is not None and onupdate is None:
        onupdate = "func.now()"  # same for `onupdate=_utcnow`: the column stays server-set
        resolver.sa_names.add("func")
    return ColumnTranslation(
        name=col.name,
        column_name=col.column_name if col.column_name != col.name else None,
        annotation=f"{python} | None" if nullable else python,
        sa_type=_SA_TYPE[col.kind],
        type_args=_type_args(col),
        primary_key=col.primary_key,
        autoincrement=col.autoincrement,
        nullable=nullable,
        unique=col.unique,
        index=col.index,
        foreign_key=f"{col.foreign_key.table}.{col.foreign_key.column}"
        if col.foreign_key
        else None,
        ondelete=col.foreign_key.ondelete if col.foreign_key else None,
        default=default,
        server_default=server_default,
        onupdate=onupdate,
        dropped=tuple(dropped),
        unknown_type=col.sa_type if col.kind is TypeKind.UNKNOWN else None,
    )


def _type_args(col: ColumnSpec) -> tuple[str, ...]:
    if col.kind is TypeKind.STR and col.length:
        return (str(col.length),)
    if col.kind is TypeKind.DECIMAL and col.precision is not None:
        return (str(col.precision), str(col.scale if col.scale is not None else 0))
    if col.kind in (TypeKind.DATETIME, TypeKind.TIME) and col.timezone:
        return ("timezone=True",)
    if col.kind is TypeKind.ENUM and col.enum_name:
        return (col.enum_name,)
    return ()


def _bound_name(spec: ImportSpec) -> str:
    """The name an import binds: `import a.b` binds `a`, `from m import x` binds `x`."""
    return spec.alias or spec.name or spec.module.split(".")[0]


class _Resolver:
    """Decides whether a default expression from the input can live in the new module."""

    def __init__(self, analysis: ModuleAnalysis) -> None:
        self.local = {e.name for e in analysis.enums}
        self.imports: dict[str, ImportSpec] = {_bound_name(i): i for i in analysis.imports}
        self.flask_db = self._flask_db(analysis)
        self.sa_names: set[str] = set()
        self.std_imports: set[tuple[str, str]] = set()

    @staticmethod
    def _flask_db(analysis: ModuleAnalysis) -> str | None:
        base = analysis.base_name or ""
        return base.split(".")[0] if base.endswith(".Model") else None

    def carry(self, expr: str) -> str | None:
        try:
            tree = ast.parse(expr, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if self.flask_db:
            expr = self._strip_db(tree, expr)
            tree = ast.parse(expr, mode="eval")
        roots = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for root in roots:
            if not self._resolve(root):
                return None
        return expr

    def _strip_db(self, tree: ast.Expression, expr: str) -> str:
        """`db.func.now()` -> `func.now()`: Flask-SQLAlchemy re-exports SQLAlchemy's names."""
        prefix = f"{self.flask_db}."
        if any(
            isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == self.flask_db
            for n in ast.walk(tree)
        ):
            return expr.replace(prefix, "")
        return expr

    def _resolve(self, root: str) -> bool:
        if root in self.local or root in {"True", "False", "None"}:
            return True
        spec = self.imports.get(root)
        if spec is not None and spec.alias:
            return False  # an aliased import: keep the translation simple and safe
        if spec is not None and not spec.module.startswith("."):
            if spec.module.split(".")[0] == "sqlalchemy" and spec.name in _SA_NAMES:
                self.sa_names.add(spec.name)
                return True
            if spec.module.split(".")[0] in {"datetime", "uuid", "decimal", "secrets", "time"}:
                self.std_imports.add((spec.module, spec.name) if spec.name else (spec.module, ""))
                return True
            return False
        if root in _SA_NAMES:
            self.sa_names.add(root)
            return True
        return False
