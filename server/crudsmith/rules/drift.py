"""Schema drift: how a Pydantic schema derived from a model differs from the model.

A schema is derived from model `M` when its name is the `base`, `create`, `update`
or `public` name pattern of `[tool.crudsmith.names]` (or the editor's `names`
setting; `RuleContext.names`) applied to `M`: by default `{M}Base`, `{M}Create`,
`{M}Update`, `{M}Public`. What each kind should hold comes from the generator's
own column roles (`generation.fields`), so the code crudsmith writes is drift-free
by construction:

- Create: the client-settable columns (not server-set, not the owner key, not a
  password hash: a `password` input replaces it);
- Update: the settable columns except the primary key (all optional);
- Public: every column that is not sensitive;
- Base: no expectation of its own (it holds what Create and Public share), but
  its fields are compared like theirs.

This module finds the differences; `catalog/structure.py` turns them into findings
and fixes. Fields are read from `ast` only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from crudsmith.analysis.spec import ColumnSpec, ModelSpec, TypeKind
from crudsmith.generation import fields
from crudsmith.generation.options import SchemaNames
from crudsmith.rules.fastapi_ast import call_keyword, last_name, pydantic_classes
from crudsmith.rules.model import RuleContext

KINDS = ("Base", "Create", "Update", "Public")
_MODEL = "{model}"

# Annotation names per value family; a name outside these is not compared.
_FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        ("int", "PositiveInt", "NonNegativeInt", "NegativeInt", "NonPositiveInt", "conint"),
        "int",
    ),
    "StrictInt": "int",
    **dict.fromkeys(("str", "EmailStr", "constr", "StrictStr", "NameEmail"), "str"),
    **dict.fromkeys(("bool", "StrictBool"), "bool"),
    **dict.fromkeys(("float", "PositiveFloat", "NonNegativeFloat", "confloat"), "float"),
    "StrictFloat": "float",
    **dict.fromkeys(("Decimal", "condecimal"), "decimal"),
    **dict.fromkeys(("datetime", "AwareDatetime", "NaiveDatetime"), "datetime"),
    **dict.fromkeys(("PastDatetime", "FutureDatetime"), "datetime"),
    **dict.fromkeys(("date", "PastDate", "FutureDate"), "date"),
    "time": "time",
    "timedelta": "timedelta",
    **dict.fromkeys(("UUID", "UUID1", "UUID3", "UUID4", "UUID5"), "uuid"),
    **dict.fromkeys(("bytes", "conbytes"), "bytes"),
}
_KIND_FAMILY: dict[TypeKind, str] = {
    TypeKind.INT: "int",
    TypeKind.BIGINT: "int",
    TypeKind.STR: "str",
    TypeKind.TEXT: "str",
    TypeKind.BOOL: "bool",
    TypeKind.FLOAT: "float",
    TypeKind.DECIMAL: "decimal",
    TypeKind.DATETIME: "datetime",
    TypeKind.DATE: "date",
    TypeKind.TIME: "time",
    TypeKind.INTERVAL: "timedelta",
    TypeKind.UUID: "uuid",
    TypeKind.BYTES: "bytes",
}
_SKIPPED_TARGETS = frozenset({"model_config", "Config"})


@dataclass(frozen=True, slots=True)
class SchemaField:
    """One annotated field of a schema class, as written."""

    name: str
    stmt: ast.AnnAssign
    base: ast.expr  # the annotation without `| None` / Optional / Annotated
    optional: bool  # `| None` / Optional[...] in the annotation
    max_length: int | None
    has_max_length: bool  # some max_length is given (even when not a literal int)
    field_call: ast.Call | None  # the `Field(...)` value, when it is one


@dataclass(frozen=True, slots=True)
class Schema:
    node: ast.ClassDef
    model: ModelSpec
    kind: str  # one of KINDS
    own: dict[str, SchemaField]
    effective: set[str]  # own fields and those inherited from same-file classes


@dataclass(frozen=True, slots=True)
class Mismatch:
    field: SchemaField
    column: ColumnSpec
    problem: str  # "type", "nullability", "max_length"
    detail: str  # human wording for the message


def kind_patterns(names: SchemaNames) -> tuple[tuple[str, str], ...]:
    """(kind, name pattern) of each drift-checked kind, in KINDS order."""
    return (
        ("Base", names.base),
        ("Create", names.create),
        ("Update", names.update),
        ("Public", names.public),
    )


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A pattern as a regex capturing the model name (`{model}Out` -> `(?P<model>.+)Out`);
    a repeated `{model}` must repeat the same name."""
    first, *rest = pattern.split(_MODEL)
    parts = [re.escape(first), "(?P<model>.+)", re.escape(rest[0])]
    for literal in rest[1:]:
        parts += ["(?P=model)", re.escape(literal)]
    return re.compile("".join(parts), re.DOTALL)


def model_part(name: str, pattern: str) -> str | None:
    """The model name `pattern` turns into class name `name`, if it does."""
    if _MODEL not in pattern:
        return None
    found = _pattern_regex(pattern).fullmatch(name)
    return found.group("model") if found else None


def may_be_schema(name: str, names: SchemaNames) -> bool:
    """Whether `name` fits some drift-checked kind's pattern (for any model name)."""
    return any(model_part(name, pattern) is not None for _kind, pattern in kind_patterns(names))


def derived_schemas(ctx: RuleContext, models: Iterable[ModelSpec]) -> Iterator[Schema]:
    """The schemas of this file derived from `models` (under the context's name
    patterns), with their fields read."""
    by_name = {model.name: model for model in models}
    if not by_name:
        return
    patterns = kind_patterns(ctx.names)
    classes = pydantic_classes(ctx.statements)
    own_fields = {name: read_fields(node) for name, node in classes.items()}
    for name, node in classes.items():
        for kind, pattern in patterns:
            model = by_name.get(model_part(name, pattern) or "")
            if model is not None:
                effective = set(_inherited(node, classes, own_fields, set()))
                yield Schema(node, model, kind, own_fields[name], effective)
                break


def _inherited(
    node: ast.ClassDef,
    classes: dict[str, ast.ClassDef],
    own_fields: dict[str, dict[str, SchemaField]],
    seen: set[str],
) -> Iterator[str]:
    if node.name in seen:
        return
    seen.add(node.name)
    yield from own_fields.get(node.name, {})
    for base in node.bases:
        parent = classes.get(last_name(base))
        if parent is not None:
            yield from _inherited(parent, classes, own_fields, seen)


def read_fields(node: ast.ClassDef) -> dict[str, SchemaField]:
    found: dict[str, SchemaField] = {}
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        name = stmt.target.id
        if name in _SKIPPED_TARGETS or last_name(_strip_subscript(stmt.annotation)) == "ClassVar":
            continue
        base, optional, metadata = _unwrap(stmt.annotation)
        field_call = stmt.value if isinstance(stmt.value, ast.Call) else None
        if field_call is not None and last_name(field_call.func) != "Field":
            field_call = None
        calls = [c for c in (field_call, *metadata, base) if isinstance(c, ast.Call)]
        lengths = [call_keyword(c, "max_length") for c in calls]
        given = [v for v in lengths if v is not None]
        literal = next(
            (v.value for v in given if isinstance(v, ast.Constant) and type(v.value) is int),
            None,
        )
        found[name] = SchemaField(name, stmt, base, optional, literal, bool(given), field_call)
    return found


def _strip_subscript(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


def _unwrap(annotation: ast.expr) -> tuple[ast.expr, bool, list[ast.expr]]:
    """(base type, optional?, Annotated metadata) of an annotation."""
    optional = False
    metadata: list[ast.expr] = []
    node = annotation
    for _ in range(8):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            parts = _union_parts(node)
            rest = [p for p in parts if not _is_none(p)]
            optional = optional or len(rest) < len(parts)
            if len(rest) != 1:
                return node, optional, metadata
            node = rest[0]
        elif isinstance(node, ast.Subscript) and last_name(node.value) == "Optional":
            optional = True
            node = node.slice
        elif isinstance(node, ast.Subscript) and last_name(node.value) == "Union":
            parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            rest = [p for p in parts if not _is_none(p)]
            optional = optional or len(rest) < len(parts)
            if len(rest) != 1:
                return node, optional, metadata
            node = rest[0]
        elif isinstance(node, ast.Subscript) and last_name(node.value) == "Annotated":
            if not isinstance(node.slice, ast.Tuple) or not node.slice.elts:
                return node, optional, metadata
            metadata.extend(node.slice.elts[1:])
            node = node.slice.elts[0]
        else:
            break
    return node, optional, metadata


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union_parts(node.left), *_union_parts(node.right)]
    return [node]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def family_of_annotation(base: ast.expr) -> str | None:
    target = base.func if isinstance(base, ast.Call) else base
    if isinstance(target, ast.Subscript):
        return None
    return _FAMILIES.get(last_name(target))


def column_in_kind(role: fields.ColumnRole, kind: str) -> bool:
    if kind == "Create":
        return role.in_create
    if kind == "Update":
        return role.in_update
    if kind == "Public":
        return role.in_public
    return role.in_create or role.in_public  # Base


def user_model(models: tuple[ModelSpec, ...]) -> ModelSpec | None:
    return fields.find_user_model(models)


def expected_missing(schema: Schema, roles: tuple[fields.ColumnRole, ...]) -> list[ColumnSpec]:
    """Columns the schema's kind should hold that it (with its bases) does not."""
    if schema.kind == "Base":
        return []
    return [
        role.column
        for role in roles
        if column_in_kind(role, schema.kind) and role.column.name not in schema.effective
    ]


def gone_fields(schema: Schema, known_schema_names: set[str]) -> list[SchemaField]:
    """Own fields naming no column or relationship of the model.

    `password` is expected beside a password-hash column; a field typed with
    another schema class (or a list of them) is a nested object, not a column.
    """
    model = schema.model
    columns = {col.name for col in model.columns}
    relationships = {rel.name for rel in model.relationships}
    has_hash = any(fields.is_password_hash(col) for col in model.columns)
    gone: list[SchemaField] = []
    for name, field in schema.own.items():
        if name in columns or name in relationships:
            continue
        if has_hash and name == "password":
            continue
        if _names_a_class(field.stmt.annotation, known_schema_names):
            continue
        gone.append(field)
    return gone


def _names_a_class(annotation: ast.expr, classes: set[str]) -> bool:
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name | ast.Attribute) and last_name(node) in classes:
            return True
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.strip().split("[")[0].split(".")[-1] in classes
        ):
            return True
    return False


def mismatches(schema: Schema, roles: tuple[fields.ColumnRole, ...]) -> list[Mismatch]:
    """Type, nullability and max_length differences of the schema's own fields."""
    found: list[Mismatch] = []
    by_name = {role.column.name: role for role in roles}
    for name, field in schema.own.items():
        role = by_name.get(name)
        if role is None or not column_in_kind(role, schema.kind):
            continue
        problem = _mismatch(schema.kind, field, role.column)
        if problem is not None:
            found.append(Mismatch(field, role.column, *problem))
    return found


def _mismatch(kind: str, field: SchemaField, column: ColumnSpec) -> tuple[str, str] | None:
    expected = _KIND_FAMILY.get(column.kind)
    actual = family_of_annotation(field.base)
    if expected is not None and actual is not None and expected != actual:
        return "type", f"is {actual}, the column holds {expected}"
    nullable = column.nullable and not column.primary_key
    if kind != "Update":
        if nullable and not field.optional:
            return "nullability", "requires a value, the column is nullable"
        if not nullable and field.optional and kind != "Public":
            return "nullability", "accepts None, the column is NOT NULL"
    if column.kind is TypeKind.STR and column.length and actual == "str":
        if field.max_length is not None and field.max_length != column.length:
            return (
                "max_length",
                f"has max_length={field.max_length}, the column is String({column.length})",
            )
        if not field.has_max_length and kind != "Public":
            return "max_length", f"has no max_length, the column is String({column.length})"
    return None
