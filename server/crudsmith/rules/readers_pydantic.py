"""Readers shared by the Pydantic (CSM2xx) and security (CSM3xx) rules.

Everything is read from `ast` by shape and by name as written; nothing is
imported. Helpers here answer "which classes are Pydantic models here or in
the workspace", "what type does this name have inside this function", and
build the small text edits the fixes share (an added import, a node's text).
"""

from __future__ import annotations

import ast
import bisect
import operator
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from crudsmith.analysis.names import defined_names
from crudsmith.analysis.spec import ModelSpec, SourceSpan
from crudsmith.rules.fastapi_ast import (
    PYDANTIC_CLASSES,
    Endpoint,
    FunctionNode,
    dotted_name,
    iter_endpoints,
    last_name,
    pydantic_classes,
)
from crudsmith.rules.fixes import offset_of
from crudsmith.rules.lines import line_starts
from crudsmith.rules.memo import memo, workspace_facts
from crudsmith.rules.model import RuleContext, TextEdit

SETTINGS_ROOTS = frozenset({"BaseSettings"})
PYDANTIC_BASES = frozenset({"BaseModel", "BaseSettings", "SQLModel", "RootModel", "Generic"})
SESSION_NAMES = frozenset({"db", "session", "db_session", "sess", "s"})
NONE_TYPES = frozenset({"None", "NoneType"})


def node_span(node: ast.AST) -> SourceSpan:
    """The `ast` span of a node (statement, expression, keyword, alias, arg)."""
    return SourceSpan(
        node.lineno,  # type: ignore[attr-defined]
        node.col_offset,  # type: ignore[attr-defined]
        node.end_lineno or node.lineno,  # type: ignore[attr-defined]
        node.end_col_offset or 0,  # type: ignore[attr-defined]
    )


def point(line: int, col: int) -> SourceSpan:
    return SourceSpan(line, col, line, col)


def insert_at_end(node: ast.AST, text: str) -> TextEdit:
    span = node_span(node)
    return TextEdit(point(span.end_line, span.end_col), text)


def source_of(ctx: RuleContext, node: ast.AST) -> str:
    """The source text of `node` (line starts computed once per text)."""
    starts = line_starts(ctx.source)
    span = node_span(node)
    start = offset_of(ctx.source, span.line, span.col, starts)
    end = offset_of(ctx.source, span.end_line, span.end_col, starts)
    return ctx.source[start:end]


def line_indent(ctx: RuleContext, line: int) -> str:
    text = _line(ctx.source, line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def _line(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def newline_of(ctx: RuleContext) -> str:
    """The file's line break (`\\r\\n` for Windows files), for text a fix adds."""
    first = ctx.source.find("\n")
    return "\r\n" if first > 0 and ctx.source[first - 1] == "\r" else "\n"


def whole_lines_span(node: ast.stmt) -> SourceSpan:
    """From the start of the node's first line to the start of the line after it."""
    end = node.end_lineno or node.lineno
    return SourceSpan(node.lineno, 0, end + 1, 0)


# ---------------------------------------------------------------- classes


@dataclass(frozen=True, slots=True)
class ClassIndex:
    """Pydantic classes of the file and of the workspace, and the ORM model names."""

    local: dict[str, ast.ClassDef]  # this file's Pydantic classes
    workspace: dict[str, ast.ClassDef]  # other files' Pydantic classes (first seen wins)
    orm_models: dict[str, ModelSpec]  # file + workspace models by class name

    def pydantic(self, name: str) -> ast.ClassDef | None:
        if name in self.orm_models and name not in self.local:
            return None
        return self.local.get(name) or self.workspace.get(name)

    def is_pydantic(self, name: str) -> bool:
        return self.pydantic(name) is not None

    def bases_chain(self, cls: ast.ClassDef) -> Iterator[ast.ClassDef]:
        """The class and its Pydantic ancestors that are known here (no cycles)."""
        seen: set[str] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            if current.name in seen:
                continue
            seen.add(current.name)
            yield current
            for base in current.bases:
                parent = self.pydantic(last_name(base))
                if parent is not None:
                    todo.append(parent)

    def root_names(self, cls: ast.ClassDef) -> set[str]:
        """The last names of every base in the known chain (BaseModel, BaseSettings, ...)."""
        return {last_name(base) for known in self.bases_chain(cls) for base in known.bases}

    def is_settings(self, cls: ast.ClassDef) -> bool:
        return bool(self.root_names(cls) & SETTINGS_ROOTS)

    def chain_fully_known(self, cls: ast.ClassDef) -> bool:
        """Every base of the chain is a Pydantic root or a known Pydantic class."""
        for known in self.bases_chain(cls):
            for base in known.bases:
                name = last_name(base)
                if name not in PYDANTIC_BASES and not self.is_pydantic(name):
                    return False
        return True


def file_nodes(statements: list[ast.stmt]) -> dict[type, list[ast.AST]]:
    """Every node of the file grouped by type, from one walk shared by all rules."""
    return memo(statements, "nodes", _group_nodes)


def _group_nodes(statements: list[ast.stmt]) -> dict[type, list[ast.AST]]:
    """Depth-first over the fields that can hold nodes (faster than `ast.walk`, which builds
    child iterators), each type's nodes then sorted by line.

    Expression contexts and operators (`Load`, `Add`, `Eq`, ...) are shared singletons
    that carry no position: they are not collected. `child_nodes`'s loop is written out
    here and in `walk`: calling it per node made them 45-65 % slower (200 models: 10.4
    -> 17.2 ms), and this walk runs on every edit.
    """
    grouped: dict[type, list[ast.AST]] = {}
    stack: list[ast.AST] = list(reversed(statements))
    pop, push, ast_type = stack.pop, stack.append, ast.AST
    fields_of = _CHILD_FIELDS
    while stack:
        node = pop()
        kind = type(node)
        bucket = grouped.get(kind)
        if bucket is None:
            grouped[kind] = bucket = []
        bucket.append(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                stack.extend([item for item in reversed(value) if isinstance(item, ast_type)])
            elif isinstance(value, ast_type):
                push(value)
    for kind, nodes in grouped.items():
        if "lineno" in kind._attributes:
            nodes.sort(key=_line_of)
    return grouped


# Fields that never hold a collected node: identifiers, flags, and the singleton contexts
# and operators (`Constant.value` / `MatchSingleton.value` are plain values too). `name`
# is walked: it is a node in `TypeAlias` (Python 3.12).
_LEAF_FIELDS = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "arg",
        "asname",
        "module",
        "level",
        "kind",
        "type_comment",
        "is_async",
        "conversion",
        "simple",
        "tag",
        "rest",
        "kwd_attrs",
    }
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`list(ast.iter_child_nodes(node))` without the singleton contexts and operators."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _child_fields(kind)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend([item for item in value if isinstance(item, ast.AST)])
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes (computed once per type)."""
    plain_value = kind in (ast.Constant, ast.MatchSingleton)
    fields = tuple(
        name
        for name in getattr(kind, "_fields", ())
        if name not in _LEAF_FIELDS and not (plain_value and name == "value")
    )
    _CHILD_FIELDS[kind] = fields
    return fields


_line_of = operator.attrgetter("lineno")


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk(node)` (breadth first, same order) without the singleton contexts and
    operators (`Load`, `Add`, ...), two to three times faster: for readers that look for
    other nodes."""
    todo = deque([node])
    popleft, extend, ast_type = todo.popleft, todo.extend, ast.AST
    fields_of = _CHILD_FIELDS
    while todo:
        node = popleft()
        kind = type(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend([item for item in value if isinstance(item, ast_type)])
            elif isinstance(value, ast_type):
                todo.append(value)
        yield node


_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


def walk_statements(node: ast.AST) -> Iterator[ast.AST]:
    """The statements under `node` (nested definitions included), with the `except`
    handlers and `case` clauses holding them, in the order `ast.walk` meets them.

    Statements sit only in these blocks, at the same depth as in the whole tree, and
    breadth-first order restricted to them is the order of the whole walk; a tenth of
    the nodes to visit.
    """
    todo = deque([node])
    popleft, extend = todo.popleft, todo.extend
    while todo:
        node = popleft()
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if block.__class__ is list:
                extend(block)
        yield node


def assignments_of(statements: list[ast.stmt]) -> list[ast.AST]:
    """Every `Assign` / `AnnAssign` of the file, in line order."""
    return memo(statements, "assignments", _sorted_assignments)


def _sorted_assignments(statements: list[ast.stmt]) -> list[ast.AST]:
    nodes = file_nodes(statements)
    return sorted([*nodes.get(ast.Assign, []), *nodes.get(ast.AnnAssign, [])], key=_line_of)


T = TypeVar("T")


def within(scope: ast.AST, nodes: list[T]) -> list[T]:
    """The nodes (sorted by line, as `file_nodes` keeps them) starting inside `scope`'s lines."""
    first = scope.lineno  # type: ignore[attr-defined]
    last = scope.end_lineno or first  # type: ignore[attr-defined]
    low = bisect.bisect_left(nodes, first, key=_line_of)
    high = bisect.bisect_right(nodes, last, key=_line_of)
    return nodes[low:high]


def calls_of(statements: list[ast.stmt]) -> list[ast.Call]:
    return file_nodes(statements).get(ast.Call, [])  # type: ignore[return-value]


def attribute_calls(statements: list[ast.stmt], names: Iterable[str]) -> list[ast.Call]:
    """Calls `<x>.<name>(...)` in the file for one of `names`."""
    wanted = set(names)
    return [
        call
        for call in calls_of(statements)
        if isinstance(call.func, ast.Attribute) and call.func.attr in wanted
    ]


def class_index(ctx: RuleContext) -> ClassIndex:
    """The classes this file's rules reason about; built once per context."""
    cached = ctx.memo.get("pydantic.class_index")
    if isinstance(cached, ClassIndex):
        return cached
    built = _build_class_index(ctx)
    ctx.memo["pydantic.class_index"] = built
    return built


def _build_class_index(ctx: RuleContext) -> ClassIndex:
    local = pydantic_classes(ctx.statements)
    workspace: dict[str, ast.ClassDef] = {}
    orm = {model.name: model for model in ctx.analysis.models}
    if ctx.workspace is not None:
        for path, classes in workspace_facts(ctx, PYDANTIC_CLASSES):
            if path == ctx.path:
                continue
            for name, cls in classes.items():
                workspace.setdefault(name, cls)
        for _path, model in ctx.workspace.models():
            orm.setdefault(model.name, model)
    # A workspace class counts where this file does not bind its name to something else
    # (imported, or used free as in a snippet).
    bound = memo(ctx.statements, "bound", _defined_name_set)
    visible = {name: cls for name, cls in workspace.items() if name not in bound}
    return ClassIndex(local, visible, orm)


def _defined_name_set(statements: list[ast.stmt]) -> frozenset[str]:
    return frozenset(defined_names(statements))


def is_imported_from(ctx: RuleContext, name: str, modules: Iterable[str]) -> bool:
    """`name` is bound here by `from <module> import name` for one of `modules`."""
    wanted = set(modules)
    return any(
        (spec.alias or spec.name) == name and spec.name == name and spec.module in wanted
        for spec in ctx.analysis.imports
    )


def imports_module(ctx: RuleContext, prefix: str) -> bool:
    return any(
        spec.module == prefix
        or spec.module.startswith(prefix + ".")
        or (not spec.module and spec.name.split(".")[0] == prefix)
        for spec in ctx.analysis.imports
    )


# ---------------------------------------------------------------- annotations


def annotation_names(node: ast.expr | None, bare: bool = False) -> list[str]:
    """The class names an annotation mentions (`Annotated[X, ...]` keeps X only);
    with `bare`, dotted names (`requests.Response`) are left out."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return []
        return annotation_names(parsed, bare)
    if isinstance(node, ast.Subscript) and last_name(node.value) == "Annotated":
        inner = node.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return annotation_names(first, bare)
    if isinstance(node, ast.Subscript):
        return annotation_names(node.value, bare) + annotation_names(node.slice, bare)
    if isinstance(node, ast.Tuple):
        return [name for elt in node.elts for name in annotation_names(elt, bare)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return annotation_names(node.left, bare) + annotation_names(node.right, bare)
    if isinstance(node, ast.Constant) and node.value is None:
        return ["None"]
    if bare and not isinstance(node, ast.Name):
        return []
    name = last_name(node)
    return [name] if name else []


def is_optional(node: ast.expr) -> bool:
    """`Optional[X]`, `X | None`, `Union[X, None]` (also inside `Annotated[...]`)."""
    if isinstance(node, ast.Subscript):
        head = last_name(node.value)
        if head == "Optional":
            return True
        if head == "Annotated":
            inner = node.slice
            first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
            return is_optional(first)
        if head == "Union":
            return any(_is_none(elt) for elt in _elts(node.slice))
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return any(_is_none(part) or is_optional(part) for part in (node.left, node.right))
    return False


def _elts(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or last_name(node) in NONE_TYPES


def class_fields(cls: ast.ClassDef) -> Iterator[ast.AnnAssign]:
    """The annotated fields of a class body (ClassVar excluded)."""
    for stmt in cls.body:
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and "ClassVar" not in annotation_names(stmt.annotation)
            and not stmt.target.id.startswith("_")
            and stmt.target.id != "model_config"
        ):
            yield stmt


def model_config_call(cls: ast.ClassDef) -> ast.Call | None:
    """The `ConfigDict(...)` / `SettingsConfigDict(...)` / `dict(...)` of `model_config = ...`."""
    for stmt in cls.body:
        target: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        if isinstance(target, ast.Name) and target.id == "model_config":
            value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Call):
                return value
    return None


def has_model_config(cls: ast.ClassDef) -> bool:
    for stmt in cls.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            return True
    return False


def config_class(cls: ast.ClassDef) -> ast.ClassDef | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            return stmt
    return None


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


# ---------------------------------------------------------------- local types


def local_types(
    func: FunctionNode,
    index: ClassIndex,
    owner: str | None = None,
    assignments: list[ast.AST] | None = None,
) -> dict[str, str]:
    """Names inside `func` whose Pydantic class is known: annotated parameters,
    variables assigned from a model's constructor or `model_validate`, `self`/`cls`.

    A name assigned more than once with different types is dropped (unknown).
    """
    types: dict[str, str] = {}
    args = func.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        # Bare names only: `requests.Response` is not the project's `Response` schema.
        known = [
            name for name in annotation_names(arg.annotation, bare=True) if index.is_pydantic(name)
        ]
        if len(known) == 1:
            types[arg.arg] = known[0]
    if owner is not None and args.args:
        first = args.args[0].arg
        if first in ("self", "cls"):
            types[first] = owner
    nodes = walk_statements(func) if assignments is None else within(func, assignments)
    return _with_assignments(nodes, types, _param_names(func), index)


def module_types(statements: list[ast.stmt], index: ClassIndex) -> dict[str, str]:
    """Like `local_types`, for the module's own top-level code (functions and classes excluded)."""
    nodes = (
        node
        for stmt in statements
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in walk_statements(stmt)
    )
    return _with_assignments(nodes, {}, set(), index)


def _with_assignments(
    nodes: Iterable[ast.AST], types: dict[str, str], params: set[str], index: ClassIndex
) -> dict[str, str]:
    conflicts: set[str] = set()
    for node in nodes:
        target, value = _simple_assignment(node)
        if target is None or value is None:
            continue
        produced = constructed_class(value, index)
        if produced is None:
            if target in types and target not in params:
                conflicts.add(target)
            continue
        if types.get(target, produced) != produced:
            conflicts.add(target)
        types[target] = produced
    for name in conflicts:
        types.pop(name, None)
    return types


def _param_names(func: FunctionNode) -> set[str]:
    args = func.args
    return {arg.arg for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]}


def _simple_assignment(node: ast.AST) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return target.id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


CONSTRUCTORS = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "model_construct",
        "parse_obj",
        "parse_raw",
        "from_orm",
        "construct",
        "model_copy",
    }
)


def constructed_class(value: ast.expr, index: ClassIndex) -> str | None:
    """`X(...)`, `X.model_validate(...)`, `X.parse_obj(...)` -> "X" for a known Pydantic X."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    if isinstance(func, ast.Name) and index.is_pydantic(func.id):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and func.attr in CONSTRUCTORS
        and isinstance(func.value, ast.Name)
        and index.is_pydantic(func.value.id)
    ):
        return func.value.id
    return None


# ---------------------------------------------------------------- ORM lookups

QUERY_METHODS = frozenset(
    {
        "get",
        "get_one",
        "scalar",
        "scalars",
        "execute",
        "exec",
        "query",
        "first",
        "one",
        "one_or_none",
        "all",
        "filter",
        "filter_by",
        "where",
        "order_by",
        "limit",
        "offset",
        "unique",
        "options",
        "join",
    }
)


def orm_model_of(node: ast.expr, orm_models: Iterable[str] | dict[str, ModelSpec]) -> str | None:
    """The ORM model an expression yields rows of: `Model(...)`, `db.get(Model, id)`,
    `db.scalars(select(Model)...).first()`, `Model.query.get(id)` (Flask-SQLAlchemy).

    A call *on* the model class (`Config.get("key")`, a classmethod) is not a lookup,
    and neither is `select(Model.column)`: the model must be an argument of the query.
    """
    names = orm_models if isinstance(orm_models, dict) else set(orm_models)
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name) and node.func.id in names:
        return node.func.id
    chain: ast.expr = node
    while isinstance(chain, ast.Call | ast.Await):
        if isinstance(chain, ast.Await):
            chain = chain.value
            continue
        if not isinstance(chain.func, ast.Attribute) or chain.func.attr not in QUERY_METHODS:
            return None
        chain = chain.func.value
    if (
        isinstance(chain, ast.Attribute)
        and chain.attr == "query"
        and isinstance(chain.value, ast.Name)
        and chain.value.id in names
    ):
        return chain.value.id
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            for arg in sub.args:
                if isinstance(arg, ast.Name) and arg.id in names:
                    return arg.id
    return None


# ---------------------------------------------------------------- endpoints


def endpoint_body_models(endpoint: Endpoint, index: ClassIndex) -> list[str]:
    """Pydantic classes that are request bodies of the endpoint (annotated parameters)."""
    found: list[str] = []
    args = endpoint.func.args
    for arg in [*args.args, *args.kwonlyargs]:
        for name in annotation_names(arg.annotation):
            if index.is_pydantic(name) and name not in found:
                found.append(name)
    return found


def response_models(endpoint: Endpoint) -> list[tuple[str, ast.expr]]:
    """The class names of `response_model=` or, without it, of the return annotation."""
    explicit = endpoint.keyword("response_model")
    node = explicit if explicit is not None else endpoint.func.returns
    if node is None:
        return []
    return [(name, node) for name in annotation_names(node) if name not in NONE_TYPES]


def all_endpoints(ctx: RuleContext) -> list[Endpoint]:
    return list(iter_endpoints(ctx.statements))


def names_in(node: ast.AST) -> Iterator[str]:
    """Every Name id and dotted attribute chain under `node`."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, ast.Attribute):
            dotted = dotted_name(sub)
            if dotted:
                yield dotted
            yield sub.attr


# ---------------------------------------------------------------- imports


def import_edit(ctx: RuleContext, module: str, name: str) -> TextEdit | None:
    """An edit that makes `from module import name` available, or None when it is.

    Extends a `from module import a, b` when there is one; otherwise adds
    a line after the last module-level import (or the docstring).
    """
    last_import: ast.stmt | None = None
    docstring: ast.stmt | None = None
    for index, stmt in enumerate(ctx.statements):
        if (
            index == 0
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            docstring = stmt
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            last_import = stmt
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == module
            and stmt.level == 0
            and any(alias.name == name and alias.asname is None for alias in stmt.names)
        ):
            return None
    for stmt in ctx.statements:
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == module
            and stmt.level == 0
            and not any(alias.name == "*" for alias in stmt.names)
        ):
            return _extend_import(stmt, name)
    anchor = last_import or docstring
    line = (anchor.end_lineno or anchor.lineno) + 1 if anchor is not None else 1
    return TextEdit(point(line, 0), f"from {module} import {name}{newline_of(ctx)}")


def pydantic_import_alias(ctx: RuleContext, name: str) -> tuple[ast.ImportFrom, ast.alias] | None:
    """The module-level `from pydantic import name` (without `as`), with its statement."""
    for stmt in ctx.statements:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "pydantic" and stmt.level == 0:
            for alias in stmt.names:
                if alias.name == name and alias.asname is None:
                    return stmt, alias
    return None


def remove_alias_edit(statement: ast.ImportFrom, alias: ast.alias) -> TextEdit:
    """Delete one name from a `from x import ...` (the whole statement when it is the only one)."""
    names = statement.names
    if len(names) == 1:
        return TextEdit(whole_lines_span(statement), "")
    at = names.index(alias)
    here = node_span(alias)
    if at + 1 < len(names):
        after = node_span(names[at + 1])
        return TextEdit(SourceSpan(here.line, here.col, after.line, after.col), "")
    before = node_span(names[at - 1])
    return TextEdit(SourceSpan(before.end_line, before.end_col, here.end_line, here.end_col), "")


def _import_order(name: str) -> tuple[int, str]:
    """Ruff/isort's order-by-type: CONSTANTS, Classes, functions."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def _extend_import(stmt: ast.ImportFrom, name: str) -> TextEdit:
    """Add `name` at its sorted place by rewriting a neighbouring alias.

    The edit replaces an existing alias (never a bare insertion at the statement's end),
    so that it overlaps, and is serialised by the engine with, any other fix that
    rewrites the same import statement.
    """
    for alias in stmt.names:
        if _import_order(name) < _import_order(alias.name):
            return TextEdit(node_span(alias), f"{name}, {_alias_source(alias)}")
    last = stmt.names[-1]
    return TextEdit(node_span(last), f"{_alias_source(last)}, {name}")


def _alias_source(alias: ast.alias) -> str:
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def ensure_trailing_newline(ctx: RuleContext, edit: TextEdit) -> TextEdit:
    """An import added after the last line of a file without a final newline needs one."""
    lines = ctx.source.splitlines()
    if edit.span.line > len(lines) and ctx.source and not ctx.source.endswith(("\n", "\r")):
        return TextEdit(edit.span, newline_of(ctx) + edit.new_text)
    return edit


def with_import(ctx: RuleContext, edits: list[TextEdit], module: str, name: str) -> list[TextEdit]:
    edit = import_edit(ctx, module, name)
    if edit is not None:
        edits.append(ensure_trailing_newline(ctx, edit))
    return edits
