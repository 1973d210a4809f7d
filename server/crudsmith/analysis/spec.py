"""Typed specs: what static analysis finds in a models file.

These frozen dataclasses are the contract between analysis (which builds them)
and generation, the CLI and the language server (which read them). They hold
plain data only, so they can be cached, compared and serialised to JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ModelStyle(enum.StrEnum):
    """The four declaration styles crudsmith understands."""

    TYPED = "sqlalchemy-typed"  # DeclarativeBase + Mapped[...] / mapped_column
    CLASSIC = "sqlalchemy-classic"  # declarative_base() + Column(...)
    FLASK = "flask-sqlalchemy"  # db.Model + db.Column
    SQLMODEL = "sqlmodel"  # SQLModel, table=True


class TypeKind(enum.StrEnum):
    """A column's value kind, independent of the SQLAlchemy type's spelling."""

    INT = "int"
    BIGINT = "bigint"
    STR = "str"
    TEXT = "text"
    BOOL = "bool"
    FLOAT = "float"
    DECIMAL = "decimal"
    DATETIME = "datetime"
    DATE = "date"
    TIME = "time"
    INTERVAL = "interval"
    UUID = "uuid"
    JSON = "json"
    BYTES = "bytes"
    ENUM = "enum"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """1-based first/last line; 0-based column offsets in UTF-8 bytes, as `ast` gives them."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class ForeignKeySpec:
    table: str  # target table name ("users")
    column: str  # target column name ("id")
    ondelete: str | None = None


@dataclass(frozen=True, slots=True)
class EnumSpec:
    """A `enum.Enum` subclass defined in the analysed file."""

    name: str
    members: tuple[tuple[str, str], ...]  # (member name, value as source text or str value)
    is_str: bool  # subclasses str / StrEnum: values are strings
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One mapped column of a model.

    `sa_type` is the SQLAlchemy type name as written, without module prefix
    ("String", "Numeric", "Uuid", "JSON", or the user's own type name). When the
    type is not one crudsmith knows, `kind` is UNKNOWN and `python_type` is "str",
    a safe choice for schemas.
    """

    name: str  # attribute name on the class
    column_name: str  # name in the database (differs when Column("db_name", ...))
    sa_type: str
    kind: TypeKind
    python_type: str  # "int", "str", "Decimal", "datetime", "uuid.UUID", enum class name, ...
    nullable: bool
    primary_key: bool = False
    autoincrement: bool | None = None  # None: SQLAlchemy's "auto"
    unique: bool = False
    index: bool = False
    length: int | None = None  # String(100)
    precision: int | None = None  # Numeric(10, 2)
    scale: int | None = None
    timezone: bool = False  # DateTime(timezone=True)
    default: str | None = None  # source text of default= / default_factory=
    server_default: str | None = None  # source text
    onupdate: str | None = None  # source text
    foreign_key: ForeignKeySpec | None = None
    enum_name: str | None = None  # enum class name when kind is ENUM
    enum_values: tuple[str, ...] = ()  # member values when known
    comment: str | None = None
    inherited_from: str | None = None  # mixin / abstract base that declared it
    span: SourceSpan | None = None

    @property
    def server_set(self) -> bool:
        """True when the client never sends this value: the database or ORM sets it."""
        if self.primary_key and self.kind in (TypeKind.INT, TypeKind.BIGINT):
            return self.autoincrement is not False
        return (
            self.server_default is not None
            or self.onupdate is not None
            or (self.primary_key and self.default is not None)
        )


@dataclass(frozen=True, slots=True)
class RelationshipSpec:
    name: str
    target: str  # target class name
    uselist: bool  # True for one-to-many / many-to-many collections
    back_populates: str | None = None
    backref: str | None = None
    secondary: str | None = None  # association table name for many-to-many
    span: SourceSpan | None = None


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A mapped class: a table crudsmith can generate endpoints for."""

    name: str
    table: str
    style: ModelStyle
    columns: tuple[ColumnSpec, ...]
    relationships: tuple[RelationshipSpec, ...] = ()
    primary_key: tuple[str, ...] = ()  # attribute names, in key order
    unique_together: tuple[tuple[str, ...], ...] = ()  # multi-column UniqueConstraints
    bases: tuple[str, ...] = ()  # base class expressions as written
    docstring: str | None = None
    span: SourceSpan | None = None

    def column(self, name: str) -> ColumnSpec | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True, slots=True)
class SkippedClass:
    """A class (or Core table) that analysis saw and did not treat as a model."""

    name: str
    reason: str  # "mixin", "abstract base", "declarative base", "non-table SQLModel", ...
    span: SourceSpan | None = None


@dataclass(frozen=True, slots=True)
class CoreTableSpec:
    """A Core `Table(...)` object: an association table, or a table without a class."""

    variable: str  # the Python name it is bound to ("" when unbound)
    table: str
    columns: tuple[ColumnSpec, ...]
    span: SourceSpan | None = None


@dataclass(frozen=True, slots=True)
class ImportSpec:
    """`from module import name as alias` (or `import module as alias`: name is "")."""

    module: str  # with leading dots for relative imports
    name: str
    alias: str
    line: int


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class ModuleAnalysis:
    """Everything analysis found in one source text."""

    models: tuple[ModelSpec, ...] = ()
    enums: tuple[EnumSpec, ...] = ()
    skipped: tuple[SkippedClass, ...] = ()
    core_tables: tuple[CoreTableSpec, ...] = ()
    imports: tuple[ImportSpec, ...] = ()
    base_name: str | None = None  # the declarative base's name as used by the models
    base_defined_locally: bool = False  # False when the base is imported from elsewhere
    uses_async: bool = False  # AsyncAttrs / AsyncSession / create_async_engine seen
    syntax_problems: tuple[SyntaxProblem, ...] = ()
    styles: tuple[ModelStyle, ...] = field(default=())  # styles of the models, in order seen

    def model(self, name: str) -> ModelSpec | None:
        for model in self.models:
            if model.name == name:
                return model
        return None
