"""`enum.Enum` subclasses defined in the analysed file."""

from __future__ import annotations

import ast

from crudsmith.analysis.names import NameTable
from crudsmith.analysis.source import SourceText, class_span
from crudsmith.analysis.spec import EnumSpec

_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})
_STR_BASES = frozenset({"str", "StrEnum"})


def is_enum_class(names: NameTable, node: ast.ClassDef, local_enums: set[str]) -> bool:
    """A class deriving from the stdlib enum types (or from an enum of this file).

    `sqlalchemy.Enum` is a column type, never a base, so an `Enum` imported from
    an ORM module does not count.
    """
    for base in node.bases:
        resolved = names.resolve(base)
        if resolved in local_enums:
            return True
        if resolved.rpartition(".")[2] not in _ENUM_BASES:
            continue
        if not names.is_from(base, "sqlalchemy", "sqlmodel"):
            return True
    return False


def enum_spec(
    names: NameTable, source: SourceText, node: ast.ClassDef, parents: dict[str, EnumSpec]
) -> EnumSpec:
    members: list[tuple[str, str]] = []
    is_str = False
    for base in node.bases:
        symbol = names.symbol(base)
        if symbol in _STR_BASES:
            is_str = True
        parent = parents.get(names.resolve(base))
        if parent is not None:
            is_str = is_str or parent.is_str
    str_enum = any(names.symbol(base) == "StrEnum" for base in node.bases)
    for stmt in node.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name) or value is None:
            continue
        if target.id.startswith("_"):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            text = value.value
        elif str_enum and isinstance(value, ast.Call) and names.symbol(value.func) == "auto":
            text = target.id.lower()  # StrEnum's auto() value
        else:
            text = source.segment(value)
        members.append((target.id, text))
    return EnumSpec(name=node.name, members=tuple(members), is_str=is_str, span=class_span(node))
