"""Per-module state shared by the extraction functions."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from crudsmith.analysis.names import NameTable
from crudsmith.analysis.source import SourceText
from crudsmith.analysis.spec import EnumSpec


@dataclass(slots=True)
class Context:
    names: NameTable
    source: SourceText
    enums: dict[str, EnumSpec] = field(default_factory=dict)
    # registry(type_annotation_map={...}) entries: annotation key -> SQLAlchemy type expression
    type_map: dict[str, ast.expr] = field(default_factory=dict)
    class_tables: dict[str, str] = field(default_factory=dict)  # mapped class -> table name
    core_tables: dict[str, str] = field(default_factory=dict)  # Table variable -> table name
    local_classes: set[str] = field(default_factory=set)  # every class defined in the file
