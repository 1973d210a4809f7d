"""How each column of a model appears in the generated API.

This module decides, per column, whether the client may send it on create or
update, whether a response shows it, which Python type and constraints the
schema field carries, and which sample value tests use. It holds decisions
only; the code is written by the templates in `snippets/`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from crudsmith.analysis.spec import ColumnSpec, ModelSpec, TypeKind

SENSITIVE_NAME = re.compile(
    r"(^|_)(password|passwd|pwd|secret|token|api_?key|salt|otp|private_key|hash)(_|$)",
    re.IGNORECASE,
)
PASSWORD_HASH_NAMES = ("hashed_password", "password_hash", "passwd_hash", "pw_hash")
PRIVILEGE_NAMES = frozenset(
    {"is_admin", "is_superuser", "is_staff", "is_active", "is_verified", "role", "roles"}
)
ADMIN_FLAG_NAMES = ("is_admin", "is_superuser", "is_staff")
OWNER_FK_PREFERENCE = ("owner_id", "user_id", "author_id", "created_by_id", "created_by")
LOGIN_PREFERENCE = ("email", "username", "login", "user_name")
_TIMESTAMP_NAME = re.compile(r"(_at|_on|^timestamp|_time)$")

_KIND_TO_TYPE: dict[TypeKind, str] = {
    TypeKind.INT: "int",
    TypeKind.BIGINT: "int",
    TypeKind.STR: "str",
    TypeKind.TEXT: "str",
    TypeKind.BOOL: "bool",
    TypeKind.FLOAT: "float",
    TypeKind.DECIMAL: "Decimal",
    TypeKind.DATETIME: "datetime",
    TypeKind.DATE: "date",
    TypeKind.TIME: "time",
    TypeKind.INTERVAL: "timedelta",
    TypeKind.UUID: "uuid.UUID",
    TypeKind.JSON: "dict[str, Any]",
    TypeKind.BYTES: "bytes",
    TypeKind.UNKNOWN: "str",
}


def is_sensitive(column: ColumnSpec) -> bool:
    return bool(SENSITIVE_NAME.search(column.name))


def is_password_hash(column: ColumnSpec) -> bool:
    return column.name in PASSWORD_HASH_NAMES


def is_email(column: ColumnSpec) -> bool:
    return column.kind in (TypeKind.STR, TypeKind.TEXT) and "email" in column.name.lower()


def literal_default(column: ColumnSpec) -> str | None:
    """The default as a Python literal when it is one (`False`, `0`, `"draft"`), else None."""
    if column.default is None:
        return None
    try:
        value = ast.literal_eval(column.default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, bool | int | float | str) or value is None:
        return repr(value)
    return None


def enum_member_default(column: ColumnSpec) -> str | None:
    """`Status.DRAFT` when the default names a member of the column's enum."""
    if column.kind is not TypeKind.ENUM or column.default is None or not column.enum_name:
        return None
    match = re.fullmatch(
        rf"{re.escape(column.enum_name)}\.([A-Za-z_][A-Za-z0-9_]*)", column.default
    )
    return column.default if match else None


def is_server_set(column: ColumnSpec) -> bool:
    """The database or ORM fills this column: the client never sends it."""
    if column.server_set:
        return True
    if column.default is not None and literal_default(column) is None:
        return enum_member_default(column) is None  # a callable: uuid4, utcnow, ...
    return (
        column.kind is TypeKind.DATETIME
        and bool(_TIMESTAMP_NAME.search(column.name))
        and (column.default is not None)
    )


def python_type(column: ColumnSpec) -> str:
    """The schema's type for the column's values (without `| None`)."""
    if column.kind is TypeKind.ENUM and column.enum_name:
        return column.enum_name
    if column.kind is TypeKind.ENUM:
        return "str"
    if is_email(column):
        return "EmailStr"
    return _KIND_TO_TYPE[column.kind]


def schema_constraints(column: ColumnSpec) -> tuple[tuple[str, str], ...]:
    """Pydantic `Field` keyword arguments the column implies, as (name, literal) pairs."""
    pairs: list[tuple[str, str]] = []
    if column.kind in (TypeKind.STR,) and column.length and not is_email(column):
        pairs.append(("max_length", str(column.length)))
    if column.kind is TypeKind.STR and column.length and is_email(column):
        pairs.append(("max_length", str(column.length)))
    if column.kind is TypeKind.DECIMAL and column.precision is not None:
        pairs.append(("max_digits", str(column.precision)))
        if column.scale is not None:
            pairs.append(("decimal_places", str(column.scale)))
    return tuple(pairs)


def find_user_model(models: tuple[ModelSpec, ...]) -> ModelSpec | None:
    """The model that authenticates: the one with a password hash column."""
    for model in models:
        if any(is_password_hash(col) for col in model.columns) and len(model.primary_key) == 1:
            return model
    return None


def login_column(user: ModelSpec) -> ColumnSpec | None:
    """The column a user logs in with: email, then username, then any unique string."""
    by_name = {col.name: col for col in user.columns}
    for name in LOGIN_PREFERENCE:
        col = by_name.get(name)
        if col is not None and col.unique:
            return col
    for name in LOGIN_PREFERENCE:
        if name in by_name:
            return by_name[name]
    for col in user.columns:
        if col.unique and col.kind in (TypeKind.STR, TypeKind.TEXT) and not col.primary_key:
            return col
    return None


def admin_column(user: ModelSpec) -> ColumnSpec | None:
    for name in ADMIN_FLAG_NAMES:
        col = user.column(name)
        if col is not None and col.kind is TypeKind.BOOL:
            return col
    return None


def owner_column(model: ModelSpec, user: ModelSpec | None) -> ColumnSpec | None:
    """The foreign key that says which user owns a row (author_id -> users.id)."""
    if user is None or model.name == user.name:
        return None
    candidates = [
        col
        for col in model.columns
        if col.foreign_key is not None
        and col.foreign_key.table == user.table
        and not col.primary_key
    ]
    if not candidates:
        return None
    for preferred in OWNER_FK_PREFERENCE:
        for col in candidates:
            if col.name == preferred:
                return col
    required = [col for col in candidates if not col.nullable]
    return (required or candidates)[0]


@dataclass(frozen=True, slots=True)
class ColumnRole:
    """Where one column appears in the API of its model."""

    column: ColumnSpec
    in_create: bool
    in_update: bool
    in_public: bool
    privileged: bool  # only an admin may change it


def column_roles(model: ModelSpec, user: ModelSpec | None) -> tuple[ColumnRole, ...]:
    owner = owner_column(model, user)
    is_user_model = user is not None and model.name == user.name
    roles = []
    for col in model.columns:
        sensitive = is_sensitive(col)
        server = is_server_set(col)
        privileged = is_user_model and col.name in PRIVILEGE_NAMES
        owned = owner is not None and col.name == owner.name
        password = is_user_model and is_password_hash(col)
        settable = not server and not owned and not password and not privileged
        roles.append(
            ColumnRole(
                column=col,
                in_create=settable,
                in_update=(settable and not col.primary_key) or (privileged and not server),
                in_public=not sensitive,
                privileged=privileged,
            )
        )
    return tuple(roles)
