"""SQLAlchemy type expressions and Python annotations -> TypeKind / python type."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from crudsmith.analysis.names import NameTable
from crudsmith.analysis.spec import EnumSpec, TypeKind

_SA_KINDS: dict[str, tuple[TypeKind, str]] = {}


def _register(kind: TypeKind, python_type: str, *names: str) -> None:
    for name in names:
        _SA_KINDS[name] = (kind, python_type)


_register(TypeKind.INT, "int", "Integer", "SmallInteger", "INTEGER", "SMALLINT", "INT", "TINYINT")
_register(TypeKind.BIGINT, "int", "BigInteger", "BIGINT")
_register(
    TypeKind.STR, "str", "String", "Unicode", "VARCHAR", "CHAR", "NVARCHAR", "NCHAR", "AutoString"
)
_register(
    TypeKind.TEXT,
    "str",
    "Text",
    "UnicodeText",
    "TEXT",
    "CLOB",
    "MEDIUMTEXT",
    "LONGTEXT",
    "TINYTEXT",
    "NTEXT",
)
_register(TypeKind.BOOL, "bool", "Boolean", "BOOLEAN")
_register(TypeKind.FLOAT, "float", "Float", "Double", "REAL", "FLOAT", "DOUBLE", "DOUBLE_PRECISION")
_register(TypeKind.DECIMAL, "Decimal", "Numeric", "DECIMAL", "NUMERIC")
_register(TypeKind.DATETIME, "datetime", "DateTime", "TIMESTAMP", "DATETIME")
_register(TypeKind.DATE, "date", "Date", "DATE")
_register(TypeKind.TIME, "time", "Time", "TIME")
_register(TypeKind.INTERVAL, "timedelta", "Interval", "INTERVAL")
_register(TypeKind.UUID, "uuid.UUID", "Uuid", "UUID")
_register(TypeKind.JSON, "dict[str, Any]", "JSON", "JSONB")
_register(
    TypeKind.BYTES,
    "bytes",
    "LargeBinary",
    "BLOB",
    "BINARY",
    "VARBINARY",
    "BYTEA",
    "LONGBLOB",
    "MEDIUMBLOB",
)
_register(TypeKind.ENUM, "str", "Enum", "ENUM")

# Python annotation (resolved dotted name or bare name) -> (kind, python type, SA type name)
_PY_KINDS: dict[str, tuple[TypeKind, str, str]] = {
    "int": (TypeKind.INT, "int", "Integer"),
    "str": (TypeKind.STR, "str", "String"),
    "bool": (TypeKind.BOOL, "bool", "Boolean"),
    "float": (TypeKind.FLOAT, "float", "Float"),
    "Decimal": (TypeKind.DECIMAL, "Decimal", "Numeric"),
    "decimal.Decimal": (TypeKind.DECIMAL, "Decimal", "Numeric"),
    "datetime": (TypeKind.DATETIME, "datetime", "DateTime"),
    "datetime.datetime": (TypeKind.DATETIME, "datetime", "DateTime"),
    "date": (TypeKind.DATE, "date", "Date"),
    "datetime.date": (TypeKind.DATE, "date", "Date"),
    "time": (TypeKind.TIME, "time", "Time"),
    "datetime.time": (TypeKind.TIME, "time", "Time"),
    "timedelta": (TypeKind.INTERVAL, "timedelta", "Interval"),
    "datetime.timedelta": (TypeKind.INTERVAL, "timedelta", "Interval"),
    "UUID": (TypeKind.UUID, "uuid.UUID", "Uuid"),
    "uuid.UUID": (TypeKind.UUID, "uuid.UUID", "Uuid"),
    "dict": (TypeKind.JSON, "dict[str, Any]", "JSON"),
    "Dict": (TypeKind.JSON, "dict[str, Any]", "JSON"),
    "typing.Dict": (TypeKind.JSON, "dict[str, Any]", "JSON"),
    "list": (TypeKind.JSON, "list[Any]", "JSON"),
    "List": (TypeKind.JSON, "list[Any]", "JSON"),
    "typing.List": (TypeKind.JSON, "list[Any]", "JSON"),
    "bytes": (TypeKind.BYTES, "bytes", "LargeBinary"),
}
NON_TYPE_ARGS = frozenset(
    {
        "ForeignKey",
        "Sequence",
        "Identity",
        "Computed",
        "CheckConstraint",
        "FetchedValue",
        "DefaultClause",
        "UniqueConstraint",
    }
)
_WRAPPER_METHODS = frozenset({"with_variant", "evaluates_none", "execution_options"})
_MAX_DEPTH = 8


@dataclass(slots=True)
class TypeInfo:
    """A column type as analysis understands it (treat as immutable: instances are shared)."""

    sa_type: str
    kind: TypeKind
    python_type: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool = False
    enum_name: str | None = None
    enum_values: tuple[str, ...] = ()

    # Copies with one change: `dataclasses.replace` costs several times a construction,
    # and these run per column.
    def with_sa_type(self, sa_type: str) -> TypeInfo:
        return self._copy(sa_type, self.length)

    def with_length(self, length: int) -> TypeInfo:
        return self._copy(self.sa_type, length)

    def _copy(self, sa_type: str, length: int | None) -> TypeInfo:
        return TypeInfo(
            sa_type=sa_type,
            kind=self.kind,
            python_type=self.python_type,
            length=length,
            precision=self.precision,
            scale=self.scale,
            timezone=self.timezone,
            enum_name=self.enum_name,
            enum_values=self.enum_values,
        )


UNKNOWN_TYPE = TypeInfo(sa_type="", kind=TypeKind.UNKNOWN, python_type="str")
# Shared instances (TypeInfo is frozen): building one per column is measurable on big files.
_BARE_SA = {name: TypeInfo(name, kind, py) for name, (kind, py) in _SA_KINDS.items()}
_BARE_PY = {name: TypeInfo(sa, kind, py) for name, (kind, py, sa) in _PY_KINDS.items()}


def is_type_argument(names: NameTable, node: ast.expr) -> bool:
    """True when a positional argument of Column(...) can be the column type."""
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Starred):
        return False
    target = node.func if isinstance(node, ast.Call) else node
    return names.symbol(target) not in NON_TYPE_ARGS


def sa_type_info(names: NameTable, node: ast.expr, enums: dict[str, EnumSpec]) -> TypeInfo:
    """Type info for a SQLAlchemy type expression (`String(100)`, `sa.Enum(Status)`, ...)."""
    for _ in range(_MAX_DEPTH):
        if isinstance(node, ast.Constant) and node.value is None:
            return replace(UNKNOWN_TYPE, sa_type="NullType")
        if isinstance(node, ast.Call):
            func = node.func
            # Text().with_variant(...), MutableDict.as_mutable(JSON)
            if isinstance(func, ast.Attribute) and func.attr in _WRAPPER_METHODS:
                node = func.value
                continue
            if isinstance(func, ast.Attribute) and func.attr == "as_mutable" and node.args:
                node = node.args[0]
                continue
            return _called_type(names, node, enums)
        if isinstance(node, ast.Name) and node.id in names.values and node.id not in _SA_KINDS:
            node = names.values[node.id]  # module-level `sa_JSON = JSON().with_variant(...)`
            continue
        name = names.symbol(node)
        if not name:
            break
        known = _BARE_SA.get(name)
        return known if known is not None else TypeInfo(name, TypeKind.UNKNOWN, "str")
    return UNKNOWN_TYPE


def _called_type(names: NameTable, call: ast.Call, enums: dict[str, EnumSpec]) -> TypeInfo:
    name = names.symbol(call.func)
    kind, python_type = _SA_KINDS.get(name, (TypeKind.UNKNOWN, "str"))
    if kind is TypeKind.ENUM:
        return _enum_type(names, call, enums, name)
    if not call.args and not call.keywords:
        known = _BARE_SA.get(name)
        return known if known is not None else TypeInfo(name, kind, python_type)
    kwargs = {kw.arg: kw.value for kw in call.keywords if kw.arg} if call.keywords else {}
    first = call.args[0] if call.args else None
    length = precision = scale = None
    timezone = False
    if kind in (TypeKind.STR, TypeKind.TEXT, TypeKind.BYTES):
        node = first if first is not None else kwargs.get("length")
        length = _int(names, node) if node is not None else None
    elif kind in (TypeKind.DECIMAL, TypeKind.FLOAT):
        node = first if first is not None else kwargs.get("precision")
        precision = _int(names, node) if node is not None else None
        node = call.args[1] if len(call.args) > 1 else kwargs.get("scale")
        scale = _int(names, node) if node is not None else None
    elif kind in (TypeKind.DATETIME, TypeKind.TIME, TypeKind.UNKNOWN):
        node = first if first is not None else kwargs.get("timezone")
        timezone = node is not None and names.constant(node) is True
    return TypeInfo(name, kind, python_type, length, precision, scale, timezone)


def _enum_type(names: NameTable, call: ast.Call, enums: dict[str, EnumSpec], name: str) -> TypeInfo:
    """`Enum(Status)` (a class: its values when it is local) or `Enum("a", "b", name=...)`."""
    if call.args and not isinstance(call.args[0], ast.Constant | ast.Starred):
        enum_class = names.symbol(call.args[0])
        spec = enums.get(enum_class)
        values = tuple(v for _, v in spec.members) if spec else ()
        return TypeInfo(
            name,
            TypeKind.ENUM,
            python_type=enum_class or "str",
            enum_name=enum_class,
            enum_values=values,
        )
    name_kw = next((kw.value for kw in call.keywords if kw.arg == "name"), None)
    db_name = names.constant(name_kw) if name_kw is not None else None
    literals = tuple(
        str(a.value) for a in call.args if isinstance(a, ast.Constant) and a.value is not None
    )
    return TypeInfo(
        name,
        TypeKind.ENUM,
        python_type="str",
        enum_name=db_name if isinstance(db_name, str) else None,
        enum_values=literals,
    )


def _int(names: NameTable, node: ast.expr) -> int | None:
    value = names.constant(node)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def python_type_info(
    names: NameTable, resolved: str, enums: dict[str, EnumSpec]
) -> TypeInfo | None:
    """Type info for a Python annotation's resolved name ("int", "datetime.datetime", ...)."""
    known = _BARE_PY.get(resolved)
    if known is not None:
        return known
    short = resolved.rpartition(".")[2]
    spec = enums.get(short) if short == resolved else None
    if spec is not None:
        values = tuple(v for _, v in spec.members)
        return TypeInfo(
            sa_type="Enum",
            kind=TypeKind.ENUM,
            python_type=spec.name,
            enum_name=spec.name,
            enum_values=values,
        )
    return None
