"""Rendering schema field lines and import lines for fixes, through the snippets' macros.

The text comes from `m.field` and `m.import_from` in `snippets/_macros.j2` (the same
macros the generated schemas use), re-indented to the class being edited.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from crudsmith.analysis.names import defined_names
from crudsmith.analysis.spec import ColumnSpec
from crudsmith.generation import fields
from crudsmith.generation.render import environment
from crudsmith.generation.views import TYPE_IMPORTS_BY_ANNOTATION, SchemaField

# Where the names a rendered field may use come from: the generator's own table, keyed
# by the name the annotation uses (`uuid` for `uuid.UUID`, `Any` for `dict[str, Any]`).
TYPE_IMPORTS: Mapping[str, tuple[str, str]] = {
    name or module: (module, name) for module, name in TYPE_IMPORTS_BY_ANNOTATION.values()
}
_BUILTINS = frozenset({"int", "str", "bool", "float", "bytes", "dict", "list", "None"})


@cache
def _macros() -> Any:
    return environment().get_template("_macros.j2").make_module()


def column_field(
    column: ColumnSpec,
    *,
    optional: bool = False,
    type_text: str | None = None,
    default: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> SchemaField:
    """The schema field the generator writes for `column` (all-optional for Update).

    `type_text` keeps the user's spelling of a compatible type; `default` and `extra`
    keep a default and `Field(...)` arguments the user wrote.
    """
    literal = fields.literal_default(column) or fields.enum_member_default(column)
    if literal == "None":
        literal = None
    return SchemaField(
        name=column.name,
        type=type_text or fields.python_type(column),
        nullable=optional or (column.nullable and not column.primary_key),
        default=None if optional else (default if default is not None else literal),
        constraints=(*fields.schema_constraints(column), *extra),
        example="",
    )


def render_field(field: SchemaField, indent: str) -> str:
    """The field's declaration lines (ending with a newline), indented by `indent`."""
    text = str(_macros().field(field, example=False)).strip("\n")
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 4
        lines.append(indent * depth + stripped)
    return "\n".join(lines) + "\n"


def render_import(module: str, names: Iterable[str]) -> str:
    """`from module import a, b` (or `import module` when names is [""])."""
    listed = [n for n in names if n]
    if not listed:
        return f"import {module}\n"
    return str(_macros().import_from(module, listed)).strip("\n") + "\n"


def used_names(field: SchemaField) -> set[str]:
    """Top-level names the rendered field refers to (types, `Field`)."""
    names = {"Field"} if field.nullable or field.default is not None or field.constraints else set()
    try:
        tree = ast.parse(field.type, mode="eval")
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in _BUILTINS:
            names.add(node.id)
    return names


def bound_names(statements: list[ast.stmt]) -> set[str]:
    """Names bound at module level: imports, classes, functions, assignments."""
    bound: set[str] = set()
    for stmt in statements:
        if isinstance(stmt, ast.Import):
            bound.update((a.asname or a.name).split(".", 1)[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            bound.update(a.asname or a.name for a in stmt.names)
    bound.update(defined_names(statements))
    return bound


def field_module(statements: list[ast.stmt]) -> str:
    """Where `Field` comes from in this file: sqlmodel for SQLModel schemas, else pydantic."""
    for stmt in statements:
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == "sqlmodel"
            and any(a.name == "SQLModel" for a in stmt.names)
        ):
            return "sqlmodel"
    return "pydantic"
