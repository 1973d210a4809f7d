"""Classifying classes: model, declarative base, abstract base, mixin, enum, pydantic...

A class is a model when it derives (directly or through classes of this file)
from a declarative base and has a `__tablename__` or columns (its own or
inherited). Known bases are: a class deriving from `DeclarativeBase`
/ `DeclarativeBaseNoMeta`, a `declarative_base()` result, `<db>.Model`,
SQLModel with `table=True`, or an imported name that looks like a base
(`Base`, `Model`, `*Base`, `<db>.Model`, a `BaseModel` that is not Pydantic's;
never a `*Mixin*`).
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass, field

from crudsmith.analysis.body import ClassBody, read_body
from crudsmith.analysis.columns import COLUMN_CALLS
from crudsmith.analysis.context import Context
from crudsmith.analysis.names import ORM_ROOTS, NameTable
from crudsmith.analysis.relationships import RELATIONSHIP_CALLS
from crudsmith.analysis.spec import ModelStyle


class Kind(enum.Enum):
    MODEL = "model"
    BASE = "declarative base"
    ABSTRACT = "abstract base"
    MIXIN = "mixin"
    ENUM = "enum"
    PYDANTIC = "pydantic model"
    SQLMODEL_NONTABLE = "non-table SQLModel"
    DATACLASS = "dataclass"
    PLAIN = "not a model"


class Lineage(enum.Enum):
    """Which family of declarative base a class descends from."""

    NONE = "none"
    DECLARATIVE = "declarative"  # DeclarativeBase subclass / declarative_base() / imported base
    FLASK = "flask"
    SQLMODEL = "sqlmodel"


_BASE_CLASSES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
_MAPPING_DECORATORS = frozenset({"mapped", "mapped_as_dataclass"})
_BASE_DECORATORS = frozenset({"as_declarative", "as_declarative_base"})
_NOT_BASES = ("pydantic", "pydantic_settings", "typing", "abc", "enum", "dataclasses", "builtins")
_FLASK_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def snake_case(name: str) -> str:
    """Flask-SQLAlchemy's CamelCase -> snake_case (`UserRole` -> `user_role`)."""
    return _FLASK_CAMEL.sub(r"_\1", name).lower()


@dataclass(slots=True)
class ClassInfo:
    node: ast.ClassDef
    body: ClassBody
    kind: Kind = Kind.PLAIN
    lineage: Lineage = Lineage.NONE
    root_base: str | None = None  # the declarative base expression, as written
    root_local: bool = False  # the base is defined in this file
    parents: list[ClassInfo] = field(default_factory=list)  # same-file bases, in order
    table: str | None = None
    typed: bool = False  # Mapped[...] annotations or a DeclarativeBase root
    has_columns: bool = False  # own columns
    _ancestors: list[ClassInfo] | None = None
    reason: str = ""

    @property
    def name(self) -> str:
        return self.node.name

    def ancestors(self) -> list[ClassInfo]:
        """Same-file ancestors in (approximate) MRO order, without duplicates."""
        if self._ancestors is None:
            self._ancestors = self._compute_ancestors()
        return self._ancestors

    def _compute_ancestors(self) -> list[ClassInfo]:
        seen: dict[str, ClassInfo] = {}
        stack = list(reversed(self.parents))
        while stack:
            info = stack.pop()
            if info.name in seen:
                continue
            seen[info.name] = info
            stack.extend(reversed(info.parents))
        return list(seen.values())

    @property
    def style(self) -> ModelStyle:
        if self.lineage is Lineage.SQLMODEL:
            return ModelStyle.SQLMODEL
        if self.lineage is Lineage.FLASK:
            return ModelStyle.FLASK
        return ModelStyle.TYPED if self.typed else ModelStyle.CLASSIC


def _base_expr(node: ast.expr) -> ast.expr:
    """`Generic[ID]` -> `Generic`, `Mixin[int]` -> `Mixin`."""
    return node.value if isinstance(node, ast.Subscript) else node


def looks_like_base(names: NameTable, node: ast.expr) -> bool:
    """An imported (or unknown) name that is probably a declarative base."""
    if names.is_from(node, *_NOT_BASES):
        return False
    written = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    if not written:
        return False
    if "Mixin" in written:
        return False
    return written in ("Base", "Model", "BaseModel") or written.endswith("Base")


def _is_flask_model(names: NameTable, node: ast.expr) -> bool:
    """`db.Model` where `db` is a Flask-SQLAlchemy object (not the sqlalchemy module)."""
    if not isinstance(node, ast.Attribute) or node.attr != "Model":
        return False
    owner = node.value
    if isinstance(owner, ast.Name) and owner.id in names.flask_dbs:
        return True
    return names.root(owner) not in ORM_ROOTS


def _has_columns(body: ClassBody, sqlmodel: bool) -> bool:
    for member in body.members:
        if member.mapped or member.symbol in COLUMN_CALLS:
            return True
        if sqlmodel and member.annotation is not None:
            return True
    return False


def _has_mapped(body: ClassBody) -> bool:
    return any(m.mapped for m in body.members)


def _has_relationships(body: ClassBody) -> bool:
    return any(m.symbol in RELATIONSHIP_CALLS for m in body.members)


def _keyword_true(node: ast.ClassDef, name: str) -> bool:
    return any(
        kw.arg == name and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in node.keywords
    )


def _decorator_symbols(names: NameTable, node: ast.ClassDef) -> set[str]:
    result: set[str] = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        result.add(names.symbol(target))
    return result


def classify(
    ctx: Context, node: ast.ClassDef, known: dict[str, ClassInfo], body: ClassBody | None = None
) -> ClassInfo:
    """Classify one class; `known` holds the classes defined before it in the file.

    `body` is the class body as `read_body` reads it, when the caller already has it.
    """
    names = ctx.names
    info = ClassInfo(node=node, body=ClassBody())
    base_nodes = [_base_expr(b) for b in node.bases]
    for base in base_nodes:
        if isinstance(base, ast.Name) and base.id in known:
            info.parents.append(known[base.id])
    if node.name in ctx.enums:
        info.kind = Kind.ENUM
        return info
    info.body = body if body is not None else read_body(names, node)
    decorators = _decorator_symbols(names, node)
    _find_lineage(ctx, info, base_nodes, decorators)
    sqlmodel = info.lineage is Lineage.SQLMODEL
    own_columns = info.has_columns = _has_columns(info.body, sqlmodel)
    info.typed = (
        _has_mapped(info.body) or any(p.typed for p in info.parents) or (info.kind is Kind.BASE)
    )
    inherited = any(a.has_columns or a.kind is Kind.MODEL for a in info.ancestors())
    has_table = info.body.tablename is not None or info.body.tablename_func is not None
    if info.kind is Kind.BASE:
        return info
    if _is_pydantic(names, info, base_nodes):
        info.kind = Kind.PYDANTIC
    elif info.lineage is Lineage.SQLMODEL:
        info.kind = Kind.MODEL if _table_kw(info) else Kind.SQLMODEL_NONTABLE
    elif info.lineage is not Lineage.NONE:
        if info.body.abstract:
            info.kind = Kind.ABSTRACT
        elif own_columns or inherited or has_table or info.body.table is not None:
            info.kind = Kind.MODEL
        else:
            info.reason = "no columns or __tablename__"
    elif decorators & _MAPPING_DECORATORS:
        info.kind, info.lineage, info.typed = Kind.MODEL, Lineage.DECLARATIVE, True
    elif "dataclass" in decorators:
        info.kind = Kind.DATACLASS
    elif info.body.abstract:
        info.kind = Kind.ABSTRACT
    elif (
        own_columns
        or has_table
        or _has_relationships(info.body)
        or any(p.kind is Kind.MIXIN for p in info.parents)
    ):
        info.kind = Kind.MIXIN
    return info


def _table_kw(info: ClassInfo) -> bool:
    return _keyword_true(info.node, "table")


def _is_pydantic(names: NameTable, info: ClassInfo, base_nodes: list[ast.expr]) -> bool:
    if info.lineage is not Lineage.NONE:
        return False
    if any(p.kind is Kind.PYDANTIC for p in info.parents):
        return True
    return any(names.is_from(b, "pydantic", "pydantic_settings") for b in base_nodes)


def _find_lineage(
    ctx: Context, info: ClassInfo, base_nodes: list[ast.expr], decorators: set[str]
) -> None:
    """Set lineage/root base; marks the class itself as BASE when it is a declarative base."""
    names = ctx.names
    node = info.node
    metaclass = next((kw.value for kw in node.keywords if kw.arg == "metaclass"), None)
    if (
        any(names.symbol(b) in _BASE_CLASSES for b in base_nodes)
        or decorators & _BASE_DECORATORS
        or (metaclass is not None and names.symbol(metaclass) == "DeclarativeMeta")
    ):
        info.kind, info.lineage = Kind.BASE, Lineage.DECLARATIVE
        info.root_base, info.root_local = node.name, True
        return
    for parent in info.parents:
        if parent.lineage is not Lineage.NONE and parent.kind is not Kind.PYDANTIC:
            info.lineage, info.root_base = parent.lineage, parent.root_base
            info.root_local = parent.root_local
            return
    for base in base_nodes:
        if isinstance(base, ast.Name) and base.id in ctx.local_classes:
            continue  # a same-file class without a lineage (mixin, pydantic, ...)
        written = _written(ctx, base)
        if names.symbol(base) == "SQLModel":
            info.lineage, info.root_base = Lineage.SQLMODEL, written
            return
        if isinstance(base, ast.Name) and base.id in names.local_bases:
            info.lineage, info.root_base, info.root_local = Lineage.DECLARATIVE, written, True
            return
        if _is_flask_model(names, base):
            owner = base.value if isinstance(base, ast.Attribute) else base
            local = isinstance(owner, ast.Name) and owner.id in names.flask_dbs
            info.lineage, info.root_base, info.root_local = Lineage.FLASK, written, local
            return
    if _keyword_true(node, "table"):
        written = ctx.source.segment(base_nodes[0]) if base_nodes else "SQLModel"
        info.lineage, info.root_base = Lineage.SQLMODEL, written
        return
    for base in base_nodes:
        if isinstance(base, ast.Name) and base.id in ctx.local_classes:
            continue
        if looks_like_base(names, base):
            info.lineage, info.root_base = Lineage.DECLARATIVE, _written(ctx, base)
            return


def _written(ctx: Context, node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ctx.source.segment(node)


def _tablename_rule(ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str:
    """Apply a `@declared_attr __tablename__` statically, as far as it can be read."""
    for stmt in func.body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = ctx.names.constant(stmt.value)
            if isinstance(value, str):
                return value
            text = ctx.source.segment(stmt.value)
            if "__name__" not in text:
                break
            if "lower" in text and ("sub" in text or "snake" in text.lower()):
                return snake_case(name)
            if "lower" in text:
                return name.lower()
            return name
    return snake_case(name)


def _own_tablename(ctx: Context, info: ClassInfo, for_name: str) -> str | None:
    body = info.body
    if body.tablename is not None:
        value = ctx.names.constant(body.tablename)
        if isinstance(value, str):
            return value
    if body.tablename_func is not None:
        return _tablename_rule(ctx, body.tablename_func, for_name)
    if body.table is not None and isinstance(body.table, ast.Call) and body.table.args:
        value = ctx.names.constant(body.table.args[0])
        if isinstance(value, str):
            return value
    return None


def resolve_table_name(ctx: Context, info: ClassInfo) -> str:
    """Explicit name, then the nearest ancestor's name or naming rule, then the style default."""
    own = _own_tablename(ctx, info, info.name)
    if own is not None:
        return own
    for ancestor in info.ancestors():
        if (
            ancestor.kind is Kind.MODEL
            and ancestor.table is not None
            and ancestor.body.tablename_func is None
        ):
            return ancestor.table  # single-table inheritance
        found = _own_tablename(ctx, ancestor, info.name)
        if found is not None:
            return found
    if info.lineage is Lineage.SQLMODEL:
        return info.name.lower()
    return snake_case(info.name)
