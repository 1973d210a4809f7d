"""Template views: the data each template in `snippets/` renders.

A view is built from specs once and holds names and decisions, never code;
templates turn it into code.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from crudsmith.analysis.spec import ColumnSpec, EnumSpec, ModelSpec, ModelStyle, TypeKind
from crudsmith.generation import fields
from crudsmith.generation.naming import kebab_case, pluralize, router_module, snake_case
from crudsmith.generation.options import SchemaNames

_FILTERABLE = frozenset(
    {TypeKind.INT, TypeKind.BIGINT, TypeKind.STR, TypeKind.BOOL, TypeKind.UUID, TypeKind.ENUM}
)
# Names router functions use besides the row variable: a model called `Status`
# must not make `status = ...` shadow `fastapi.status` in the same function.
_ROUTER_NAMES = frozenset(
    {
        "and_", "changes", "col", "commit_or_conflict", "count", "current_user", "db",
        "ensure_can_change", "error_responses", "func", "get_current_user", "hash_password",
        "is_admin", "items", "name", "nulls", "password", "payload", "privileged", "query",
        "router", "select", "status", "taken", "total", "value",
    }
)  # fmt: skip
TYPE_IMPORTS_BY_ANNOTATION: dict[str, tuple[str, str]] = {
    "uuid.UUID": ("uuid", ""),
    "dict[str, Any]": ("typing", "Any"),
    "Decimal": ("decimal", "Decimal"),
    "datetime": ("datetime", "datetime"),
    "date": ("datetime", "date"),
    "time": ("datetime", "time"),
    "timedelta": ("datetime", "timedelta"),
    "EmailStr": ("pydantic", "EmailStr"),
}


@dataclass(frozen=True, slots=True)
class SchemaField:
    name: str
    type: str  # without "| None"
    nullable: bool
    default: str | None  # Python literal source; None: required unless nullable
    constraints: tuple[tuple[str, str], ...]
    example: str  # Python literal source of an example value


@dataclass(frozen=True, slots=True)
class KeyParam:
    attr: str  # attribute on the model ("id")
    param: str  # path parameter ("user_id")
    type: str  # "int", "uuid.UUID", ...


@dataclass(frozen=True, slots=True)
class SampleView:
    """A value tests put into one column: `text` is a literal's content, `kind` says how."""

    attr: str
    kind: str  # TypeKind value
    text: str  # the value for non-string kinds
    prefix: str  # string kinds: the value is prefix + counter + suffix
    suffix: str
    unique: bool  # tests make it unique per row with a counter
    max_length: int | None
    enum_name: str | None
    parent: str | None  # snake name of the model a foreign key points to
    parent_key: str | None  # that model's key attribute
    in_payload: bool  # part of the create request body (not only of the ORM row)
    public: bool  # responses show it


@dataclass(frozen=True, slots=True)
class ForeignKeyCheck:
    """A foreign key the router verifies before writing: 422 when the parent is missing."""

    attr: str
    parent: str  # parent model class name
    type: str  # the key's Python type


@dataclass(frozen=True, slots=True)
class ModelView:
    name: str
    snake: str
    plural: str
    var: str  # the row's local variable in router functions ("user", "status_row")
    router_module: str  # "users"; "settings_routes" where main.py has a `settings` already
    table: str
    prefix: str  # "/users"
    tag: str
    style: str
    base: str  # schema names
    create: str
    update: str
    public: str
    page: str
    keys: tuple[KeyParam, ...]
    base_fields: tuple[SchemaField, ...]
    create_fields: tuple[SchemaField, ...]  # only in Create (write-only)
    public_fields: tuple[SchemaField, ...]  # only in Public (server-set, keys, owner)
    update_fields: tuple[SchemaField, ...]
    unique_checks: tuple[str, ...]
    unique_groups: tuple[tuple[str, ...], ...]
    filters: tuple[SchemaField, ...]
    filter_imports: tuple[tuple[str, str], ...]  # enums the list endpoint's filters use
    owner: str | None  # owner foreign key attribute
    is_user: bool
    password_hash: str | None  # hash column when this is the user model
    privileged: tuple[str, ...]  # update fields only admins may send
    samples: tuple[SampleView, ...]
    std_imports: tuple[tuple[str, str], ...]  # (module, name) the schema types need
    third_imports: tuple[tuple[str, str], ...]
    model_imports: tuple[tuple[str, str], ...]  # enums from the models module
    enum_names: tuple[str, ...]
    parents: tuple[str, ...]  # snake names of models a factory must create first
    label: str  # "order item"
    label_plural: str
    fk_checks: tuple[ForeignKeyCheck, ...]
    parent_imports: tuple[tuple[str, str], ...]  # parent models the router checks
    nullable_uniques: tuple[str, ...]
    not_null_updates: tuple[str, ...]  # update fields whose column is NOT NULL
    update_names: tuple[str, ...]
    router_std_imports: tuple[tuple[str, str], ...]  # for key and foreign-key types
    patch_field: str | None  # a field tests change with PATCH
    patch_value: str  # its new value, a Python literal of the JSON value
    server_updated: tuple[str, ...]  # response fields the database changes on update

    @property
    def path(self) -> str:
        return "/" + "/".join("{" + key.param + "}" for key in self.keys)


@dataclass(frozen=True, slots=True)
class AuthView:
    user: ModelView
    login: str  # attribute the token endpoint looks users up by
    login_type: str
    admin: str | None  # boolean admin flag attribute
    key_type: str  # type of the user's primary key


@dataclass(frozen=True, slots=True)
class EnumView:
    name: str
    is_str: bool
    members: tuple[tuple[str, str], ...]


def build_model_views(
    models: Iterable[ModelSpec],
    user: ModelSpec | None,
    models_module: str,
    names: SchemaNames | None = None,
) -> list[ModelView]:
    model_list = list(models)
    by_table = {model.table: model for model in model_list}
    names = names or SchemaNames()
    return [_model_view(model, user, by_table, models_module, names) for model in model_list]


def build_auth_view(user_view: ModelView | None, user: ModelSpec | None) -> AuthView | None:
    if user_view is None or user is None:
        return None
    login = fields.login_column(user)
    if login is None:
        return None
    admin = fields.admin_column(user)
    key = user.column(user.primary_key[0])
    return AuthView(
        user=user_view,
        login=login.name,
        login_type=fields.python_type(login),
        admin=admin.name if admin else None,
        key_type=fields.python_type(key) if key else "int",
    )


def build_enum_views(enums: Iterable[EnumSpec]) -> list[EnumView]:
    return [EnumView(name=e.name, is_str=e.is_str, members=e.members) for e in enums]


def _model_view(
    model: ModelSpec,
    user: ModelSpec | None,
    by_table: dict[str, ModelSpec],
    models_module: str,
    names: SchemaNames,
) -> ModelView:
    snake = snake_case(model.name)
    plural = pluralize(snake)
    roles = fields.column_roles(model, user)
    is_user = user is not None and model.name == user.name
    owner = fields.owner_column(model, user)
    base = [r for r in roles if r.in_create and r.in_public]
    create_only = [r for r in roles if r.in_create and not r.in_public]
    public_only = [r for r in roles if r.in_public and not r.in_create]
    update = [r for r in roles if r.in_update]
    schema_fields = [_schema_field(r.column) for r in roles if r.in_create or r.in_public]
    types = {f.type for f in schema_fields}
    password_hash = next((c.name for c in model.columns if fields.is_password_hash(c)), None)
    sample_cols = [
        r.column
        for r in roles
        if r.in_create
        or (owner is not None and r.column.name == owner.name)
        or (is_user and r.column.name == password_hash)
    ]
    imports = {TYPE_IMPORTS_BY_ANNOTATION[t] for t in types if t in TYPE_IMPORTS_BY_ANNOTATION}
    keys = _keys(model, snake)
    patch = _patch_sample(roles)
    fk_checks = _fk_checks(roles, model, by_table)
    schema_names = names.of(model.name)
    filter_roles = [r for r in roles if _filterable(r, model)]
    enum_names = tuple(
        sorted({c.enum_name for c in model.columns if c.kind is TypeKind.ENUM and c.enum_name})
    )
    return ModelView(
        name=model.name,
        snake=snake,
        plural=plural,
        var=_local_name(snake, keys),
        router_module=router_module(plural),
        table=model.table,
        prefix="/" + kebab_case(plural),
        tag=plural.replace("_", " "),
        style=model.style.value,
        base=schema_names["base"],
        create=schema_names["create"],
        update=schema_names["update"],
        public=schema_names["public"],
        page=schema_names["page"],
        keys=keys,
        base_fields=tuple(_schema_field(r.column) for r in base),
        create_fields=tuple(_schema_field(r.column) for r in create_only),
        public_fields=tuple(_schema_field(r.column) for r in public_only),
        update_fields=tuple(_optional(_schema_field(r.column)) for r in update),
        unique_checks=tuple(
            r.column.name
            for r in roles
            if r.column.unique and r.in_create and not r.column.primary_key
        ),
        unique_groups=tuple(
            group
            for group in model.unique_together
            if all(any(r.column.name == n and r.in_create for r in roles) for n in group)
        ),
        filters=tuple(_optional(_schema_field(r.column)) for r in filter_roles),
        filter_imports=tuple(
            sorted(
                {
                    (models_module, r.column.enum_name)
                    for r in filter_roles
                    if r.column.kind is TypeKind.ENUM and r.column.enum_name
                }
            )
        ),
        owner=owner.name if owner else None,
        is_user=is_user,
        password_hash=password_hash if is_user else None,
        privileged=tuple(r.column.name for r in roles if r.privileged and r.in_update),
        samples=tuple(_sample(c, model, by_table, owner, is_user) for c in sample_cols),
        std_imports=tuple(sorted(i for i in imports if i[0] != "pydantic")),
        third_imports=tuple(sorted(i for i in imports if i[0] == "pydantic")),
        model_imports=tuple((models_module, name) for name in enum_names),
        enum_names=enum_names,
        parents=_parents(sample_cols, model, by_table),
        label=snake.replace("_", " "),
        label_plural=plural.replace("_", " "),
        fk_checks=fk_checks,
        parent_imports=tuple(sorted({(models_module, fk.parent) for fk in fk_checks})),
        nullable_uniques=tuple(
            r.column.name for r in roles if r.column.unique and r.column.nullable
        ),
        not_null_updates=tuple(
            r.column.name for r in roles if r.in_update and not r.column.nullable
        ),
        update_names=tuple(r.column.name for r in roles if r.in_update),
        patch_field=patch[0] if patch else None,
        patch_value=patch[1] if patch else "None",
        server_updated=tuple(r.column.name for r in roles if r.in_public and r.column.onupdate),
        router_std_imports=_type_imports([k.type for k in keys] + [f.type for f in fk_checks]),
    )


def _local_name(snake: str, keys: tuple[KeyParam, ...]) -> str:
    """`snake`, unless a router function also uses that name for something else."""
    if snake in _ROUTER_NAMES or snake in {key.param for key in keys}:
        return f"{snake}_row"
    return snake


def _keys(model: ModelSpec, snake: str) -> tuple[KeyParam, ...]:
    keys = []
    for attr in model.primary_key:
        col = model.column(attr)
        type_ = fields.python_type(col) if col else "int"
        if type_ == "EmailStr":
            type_ = "str"
        if len(model.primary_key) == 1:
            param = f"{snake}_{attr}" if attr == "id" else attr
        else:
            param = attr if attr.endswith("_id") else f"{snake}_{attr}"
        keys.append(KeyParam(attr=attr, param=param, type=type_))
    return tuple(keys)


def _schema_field(col: ColumnSpec) -> SchemaField:
    default = fields.literal_default(col) or fields.enum_member_default(col)
    if default == "None":
        default = None
    return SchemaField(
        name=col.name,
        type=fields.python_type(col),
        nullable=col.nullable and not col.primary_key,
        default=default,
        constraints=fields.schema_constraints(col),
        example=_example(col),
    )


def _optional(field: SchemaField) -> SchemaField:
    return SchemaField(
        name=field.name,
        type=field.type,
        nullable=True,
        default=None,
        constraints=field.constraints,
        example=field.example,
    )


def _filterable(role: fields.ColumnRole, model: ModelSpec) -> bool:
    col = role.column
    return (
        (col.index or col.unique)
        and role.in_public
        and col.name not in model.primary_key
        and col.kind in _FILTERABLE
    )


def _example(col: ColumnSpec) -> str:
    """An example value for the OpenAPI schema, as a Python literal of the JSON value."""
    return repr(_sample_text(col, 1))


def _sample_text(col: ColumnSpec, n: int) -> str | int | float | bool:
    kind = col.kind
    if kind is TypeKind.ENUM:
        return col.enum_values[0] if col.enum_values else "value"
    if kind in (TypeKind.INT, TypeKind.BIGINT):
        return n
    if kind is TypeKind.BOOL:
        return True
    if kind is TypeKind.FLOAT:
        return 1.5
    if kind is TypeKind.DECIMAL:
        return _decimal_sample(col)
    if kind is TypeKind.DATETIME:
        return "2026-01-15T09:30:00Z" if col.timezone else "2026-01-15T09:30:00"
    if kind is TypeKind.DATE:
        return "2026-01-15"
    if kind is TypeKind.TIME:
        return "09:30:00"
    if kind is TypeKind.INTERVAL:
        return 3600
    if kind is TypeKind.UUID:
        return str(uuid.UUID(int=n))
    if kind is TypeKind.BYTES:
        return "data"
    if kind is TypeKind.JSON:
        return "{}"
    prefix, suffix = _string_parts(col)
    return f"{prefix}{n}{suffix}"


def _decimal_sample(col: ColumnSpec) -> str:
    scale = col.scale if col.scale is not None else 2
    whole = 9 if col.precision is None or col.precision - scale >= 1 else 0
    return f"{whole}.{'9' * scale}" if scale else str(whole)


def _string_parts(col: ColumnSpec) -> tuple[str, str]:
    """A sample string as the text before and after a row counter, within max_length."""
    name = col.name.lower()
    if fields.is_email(col):
        prefix, suffix = "user", "@example.com"
    elif "slug" in name:
        prefix, suffix = f"{kebab_case(col.name)}-", ""
    elif "url" in name or "link" in name:
        prefix, suffix = "https://example.com/", ""
    elif "phone" in name:
        prefix, suffix = "+1555", ""
    else:
        prefix, suffix = f"{col.name.replace('_', ' ')} ", ""
    if col.length is not None:
        room = max(col.length - len(suffix) - 6, 0)  # six digits for the counter
        prefix = prefix[:room]
        if len(suffix) > col.length - 6:
            suffix = ""
    return prefix, suffix


def _sample(
    col: ColumnSpec,
    model: ModelSpec,
    by_table: dict[str, ModelSpec],
    owner: ColumnSpec | None,
    is_user: bool,
) -> SampleView:
    parent = by_table.get(col.foreign_key.table) if col.foreign_key else None
    usable_parent = parent if parent is not None and parent.name != model.name else None
    text = _sample_text(col, 1)
    prefix, suffix = _string_parts(col)
    return SampleView(
        attr=col.name,
        kind="password" if is_user and fields.is_password_hash(col) else col.kind.value,
        text=str(text),
        prefix=prefix,
        suffix=suffix,
        unique=col.unique or col.primary_key or _in_unique_group(col, model),
        max_length=col.length,
        enum_name=col.enum_name,
        parent=snake_case(usable_parent.name) if usable_parent else None,
        parent_key=col.foreign_key.column if col.foreign_key and usable_parent else None,
        in_payload=not (owner is not None and col.name == owner.name),
        public=not fields.is_sensitive(col),
    )


def _in_unique_group(col: ColumnSpec, model: ModelSpec) -> bool:
    return any(col.name in group for group in model.unique_together)


def _parents(
    cols: list[ColumnSpec], model: ModelSpec, by_table: dict[str, ModelSpec]
) -> tuple[str, ...]:
    names: list[str] = []
    for col in cols:
        if col.foreign_key is None:
            continue
        parent = by_table.get(col.foreign_key.table)
        if parent is not None and parent.name != model.name:
            snake = snake_case(parent.name)
            if snake not in names:
                names.append(snake)
    return tuple(names)


def is_sqlmodel(models: Iterable[ModelSpec]) -> bool:
    return any(model.style is ModelStyle.SQLMODEL for model in models)


def _type_imports(types: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted({TYPE_IMPORTS_BY_ANNOTATION[t] for t in types if t in TYPE_IMPORTS_BY_ANNOTATION})
    )


def _fk_checks(
    roles: tuple[fields.ColumnRole, ...], model: ModelSpec, by_table: dict[str, ModelSpec]
) -> tuple[ForeignKeyCheck, ...]:
    checks = []
    for role in roles:
        fk = role.column.foreign_key
        if fk is None or not (role.in_create or role.in_update):
            continue
        parent = by_table.get(fk.table)
        if parent is None or parent.primary_key != (fk.column,):
            continue
        key = parent.column(fk.column)
        checks.append(
            ForeignKeyCheck(
                attr=role.column.name,
                parent=parent.name,
                type=fields.python_type(key) if key else "int",
            )
        )
    return tuple(checks)


def _patch_sample(roles: tuple[fields.ColumnRole, ...]) -> tuple[str, str] | None:
    """A plain field a test can change with PATCH, and the new value to send."""
    for role in roles:
        col = role.column
        if not role.in_update or role.privileged or col.unique or col.foreign_key:
            continue
        if col.kind in (TypeKind.STR, TypeKind.TEXT) and not fields.is_email(col):
            return col.name, '"changed"' if (col.length or 99) >= 7 else '"x"'
        if col.kind is TypeKind.BOOL:
            return col.name, "False"
        if col.kind in (TypeKind.INT, TypeKind.BIGINT):
            return col.name, "42"
    return None
