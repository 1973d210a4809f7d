"""Orchestration: one source text -> ModuleAnalysis."""

from __future__ import annotations

import ast
import contextlib
import inspect
from dataclasses import dataclass, field, replace

from crudsmith.analysis.annotations import AnnInfo, annotation_key, read_annotation
from crudsmith.analysis.body import Member
from crudsmith.analysis.classes import ClassInfo, Kind, Lineage, classify, resolve_table_name
from crudsmith.analysis.collector import collector_paused
from crudsmith.analysis.columns import (
    COLUMN_CALLS,
    build_column,
    build_sqlmodel_field,
    unwrap_column_call,
)
from crudsmith.analysis.context import Context
from crudsmith.analysis.enums import enum_spec, is_enum_class
from crudsmith.analysis.names import NameTable, build_name_table, iter_module_statements
from crudsmith.analysis.parse import ParseResult, Statements, parse_tolerant
from crudsmith.analysis.relationships import RELATIONSHIP_CALLS, build_relationship
from crudsmith.analysis.reparse import parse_for_edits
from crudsmith.analysis.reuse import RECORDS, Recorder, Reused, class_facts, records_of
from crudsmith.analysis.source import SourceText, class_span
from crudsmith.analysis.spec import (
    ColumnSpec,
    CoreTableSpec,
    EnumSpec,
    ModelSpec,
    ModelStyle,
    ModuleAnalysis,
    RelationshipSpec,
    SkippedClass,
    SyntaxProblem,
)
from crudsmith.analysis.tables import (
    apply_constraints,
    core_table,
    is_core_table_call,
    read_constraints,
    table_args_items,
    table_name,
)

_IGNORED_CALLS = frozenset(
    {
        "synonym",
        "column_property",
        "association_proxy",
        "query_expression",
        "composite",
        "backref",
        "hybrid_property",
    }
)
# Kinds whose columns a subclass inherits.
_COLUMN_PROVIDERS = frozenset(
    {Kind.MODEL, Kind.BASE, Kind.ABSTRACT, Kind.MIXIN, Kind.SQLMODEL_NONTABLE}
)


@dataclass(slots=True)
class _OwnMembers:
    """A class's own columns, and its relationships still to be built (they need the owner)."""

    columns: list[ColumnSpec] = field(default_factory=list)
    relationships: list[tuple[Member, ast.Call, AnnInfo | None]] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    """What has been found so far; turned into a ModuleAnalysis even after a failure."""

    models: list[ModelSpec] = field(default_factory=list)
    enums: list[EnumSpec] = field(default_factory=list)
    skipped: list[SkippedClass] = field(default_factory=list)
    core_tables: list[CoreTableSpec] = field(default_factory=list)
    names: NameTable | None = None
    base_name: str | None = None
    base_local: bool = False
    problems: list[SyntaxProblem] = field(default_factory=list)

    def result(self) -> ModuleAnalysis:
        styles: list[ModelStyle] = []
        for model in self.models:
            if model.style not in styles:
                styles.append(model.style)
        return ModuleAnalysis(
            models=tuple(self.models),
            enums=tuple(self.enums),
            skipped=tuple(self.skipped),
            core_tables=tuple(self.core_tables),
            imports=tuple(self.names.imports) if self.names else (),
            base_name=self.base_name,
            base_defined_locally=self.base_local,
            uses_async=self.names.uses_async if self.names else False,
            syntax_problems=tuple(self.problems),
            styles=tuple(styles),
        )


def analyze(text: str) -> ModuleAnalysis:
    """Analyse `text`; never raises (a failure returns what was found before it)."""
    found = _Found()
    # Last resort: analysis must never break the editor or the CLI.
    with collector_paused(), contextlib.suppress(Exception):
        _analyze_into(text, found)
    return found.result()


def parse_and_analyze(text: str) -> tuple[ParseResult, ModuleAnalysis]:
    """Parse `text` once (tolerantly) and analyse it: for callers that keep the statements
    too (the rule engine, the editor's documents, the workspace index). Never raises."""
    with collector_paused():
        parsed = parse_for_edits(text)
    return parsed, analyze_parsed(text, parsed)


def analyze_parsed(
    text: str, parsed: ParseResult, previous: list[ast.stmt] | None = None
) -> ModuleAnalysis:
    """Like `analyze`, over statements already parsed by `parse_tolerant(text)`.

    For callers that keep the statements too (the rule engine, the workspace
    index), so the text is parsed once. `previous`: the statements of the version
    `parsed` was re-parsed from (`analysis.reparse`), whose class results are reused
    where re-parsing kept the class. Never raises.
    """
    found = _Found()
    with collector_paused(), contextlib.suppress(Exception):
        _analyze_into(text, found, parsed, previous)
    return found.result()


def _analyze_into(
    text: str,
    found: _Found,
    parsed: ParseResult | None = None,
    previous: list[ast.stmt] | None = None,
) -> None:
    if parsed is None:
        parsed = parse_tolerant(text)
    found.problems = parsed.problems
    names = build_name_table(parsed.statements)
    found.names = names
    source = SourceText(text)
    ctx = Context(names=names, source=source)

    class_nodes, table_stmts = _module_objects(ctx, parsed.statements)
    ctx.local_classes = set(class_nodes)
    # Results of an earlier version of this text, for the class nodes re-parsing kept.
    recorder = Recorder(names, records_of(previous))
    if isinstance(parsed.statements, Statements):
        parsed.statements.facts[RECORDS] = recorder.records  # for the next version
    _collect_enums(ctx, class_nodes, found)
    for variable, call, _stmt in table_stmts:
        ctx.core_tables.setdefault(variable, table_name(ctx, call))

    infos: dict[str, ClassInfo] = {}
    for node in class_nodes.values():
        infos[node.name] = classify(ctx, node, infos, recorder.body(node))
    _collect_type_map(ctx, infos)
    for info in infos.values():
        if info.kind is Kind.MODEL:
            info.table = resolve_table_name(ctx, info)
            ctx.class_tables[info.name] = info.table

    for variable, call, stmt in table_stmts:
        found.core_tables.append(core_table(ctx, variable, call, stmt))

    recorder.set_environment(ctx)
    own: dict[str, _OwnMembers] = {}
    for info in infos.values():
        facts = class_facts(info)
        earlier = recorder.previous(info, facts)
        members: _OwnMembers | None = None
        model: ModelSpec | None = None
        if info.kind in _COLUMN_PROVIDERS:
            members = _previous_own(earlier) or _own_members(ctx, info)
            own[info.name] = members
        if info.kind is Kind.MODEL:
            model = earlier.model if earlier is not None else None
            model = model or _build_model(ctx, info, own)
            found.models.append(model)
        elif info.kind is not Kind.ENUM:
            reason = info.reason or info.kind.value
            found.skipped.append(SkippedClass(info.name, reason, class_span(info.node)))
        else:
            found.skipped.append(SkippedClass(info.name, "enum", class_span(info.node)))
        recorder.record(info, facts, members, model)
    _set_base(found, infos, names)


def _previous_own(previous: Reused | None) -> _OwnMembers | None:
    own = previous.own if previous is not None else None
    return own if isinstance(own, _OwnMembers) else None


def _module_objects(
    ctx: Context, statements: list[ast.stmt]
) -> tuple[dict[str, ast.ClassDef], list[tuple[str, ast.Call, ast.stmt]]]:
    """Module-level classes (first definition wins) and Core `Table(...)` statements."""
    classes: dict[str, ast.ClassDef] = {}
    tables: list[tuple[str, ast.Call, ast.stmt]] = []
    for stmt in iter_module_statements(statements):
        if isinstance(stmt, ast.ClassDef):
            classes.setdefault(stmt.name, stmt)
            continue
        variable = ""
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            target = stmt.targets[0]
            variable = target.id if isinstance(target, ast.Name) else ""
            value = stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            variable = stmt.target.id if isinstance(stmt.target, ast.Name) else ""
            value = stmt.value
        elif isinstance(stmt, ast.Expr):
            value = stmt.value
        if isinstance(value, ast.Call) and is_core_table_call(ctx, value):
            tables.append((variable, value, stmt))
    return classes, tables


def _collect_enums(ctx: Context, class_nodes: dict[str, ast.ClassDef], found: _Found) -> None:
    local: set[str] = set()
    for node in class_nodes.values():
        if is_enum_class(ctx.names, node, local):
            local.add(node.name)
            spec = enum_spec(ctx.names, ctx.source, node, ctx.enums)
            ctx.enums[node.name] = spec
            found.enums.append(spec)


def _collect_type_map(ctx: Context, infos: dict[str, ClassInfo]) -> None:
    """`registry(type_annotation_map={...})` / `type_annotation_map = {...}` of local bases."""
    for info in infos.values():
        if info.kind is not Kind.BASE:
            continue
        mapping = info.body.type_annotation_map
        registry = info.body.registry
        if isinstance(registry, ast.Name):
            registry = ctx.names.values.get(registry.id)
        if mapping is None and isinstance(registry, ast.Call):
            mapping = next(
                (kw.value for kw in registry.keywords if kw.arg == "type_annotation_map"), None
            )
        if isinstance(mapping, ast.Dict):
            for key, value in zip(mapping.keys, mapping.values, strict=False):
                if key is not None:
                    ctx.type_map.setdefault(annotation_key(ctx.names, key), value)


def _relationship_like(ctx: Context, ann: AnnInfo) -> bool:
    """`Mapped["User"]` / `Mapped[list[Post]]`: a relationship annotation, not a column."""
    item = ann.item if ann.collection else ann.inner
    if isinstance(item, ast.Constant) and isinstance(item.value, str):
        return True
    if isinstance(item, ast.Name) and item.id in ctx.local_classes:
        return item.id not in ctx.enums
    return False


def _own_members(ctx: Context, info: ClassInfo) -> _OwnMembers:
    result = _OwnMembers()
    sqlmodel = info.lineage is Lineage.SQLMODEL
    for member in info.body.members:
        ann = read_annotation(ctx.names, member.annotation) if member.annotation else None
        if ann is not None and ann.classvar:
            continue
        value = member.value
        symbol = member.symbol
        if isinstance(value, ast.Call) and symbol in RELATIONSHIP_CALLS:
            result.relationships.append((member, value, ann))
            continue
        if symbol in _IGNORED_CALLS:
            continue
        if symbol in COLUMN_CALLS and isinstance(value, ast.Call):
            column = build_column(ctx, member.name, value, ann, member.stmt, symbol)
            result.columns.append(column)
            continue
        column_call = unwrap_column_call(ctx, value) if symbol else None  # deferred(Column())
        if column_call is not None:
            result.columns.append(build_column(ctx, member.name, column_call, ann, member.stmt))
        elif ann is None or isinstance(member.stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif sqlmodel and not _relationship_like(ctx, ann):
            result.columns.append(build_sqlmodel_field(ctx, member.name, value, ann, member.stmt))
        elif ann.mapped and not _relationship_like(ctx, ann):
            result.columns.append(build_column(ctx, member.name, None, ann, member.stmt))
    return result


def _table_args(info: ClassInfo) -> ast.expr | None:
    if info.body.table_args is not None:
        return info.body.table_args
    for ancestor in info.ancestors():
        if ancestor.body.table_args is not None:
            return ancestor.body.table_args
    return None


def _build_model(ctx: Context, info: ClassInfo, own: dict[str, _OwnMembers]) -> ModelSpec:
    columns: dict[str, ColumnSpec] = {}
    relationships: dict[str, tuple[Member, ast.Call, AnnInfo | None]] = {}
    for ancestor in reversed(info.ancestors()):
        members = own.get(ancestor.name)
        if members is None:
            continue
        for col in members.columns:
            columns[col.name] = replace(col, inherited_from=col.inherited_from or ancestor.name)
        for rel in members.relationships:
            relationships[rel[0].name] = rel
    mine = own.get(info.name)
    if mine is not None:
        for col in mine.columns:
            columns[col.name] = col
        for rel in mine.relationships:
            relationships[rel[0].name] = rel
    table_call = info.body.table
    if isinstance(table_call, ast.Call) and is_core_table_call(ctx, table_call):
        for col in core_table(ctx, "", table_call, info.node).columns:
            columns.setdefault(col.name, col)

    constraints = read_constraints(ctx, table_args_items(_table_args(info)))
    column_list = apply_constraints(ctx, list(columns.values()), constraints)
    primary_key: tuple[str, ...] = ()
    unique_together: tuple[tuple[str, ...], ...] = ()
    if constraints.primary_key or constraints.unique:  # they name database columns
        by_db_name = {c.column_name: c.name for c in column_list}
        by_db_name.update({c.name: c.name for c in column_list})
        primary_key = tuple(by_db_name.get(n, n) for n in constraints.primary_key)
        unique_together = tuple(
            tuple(by_db_name.get(n, n) for n in group)
            for group in constraints.unique
            if len(group) > 1
        )
    if not primary_key:
        primary_key = tuple(c.name for c in column_list if c.primary_key)
    rel_specs: list[RelationshipSpec] = [
        build_relationship(ctx, member.name, call, ann, member.stmt, info.table, column_list)
        for member, call, ann in relationships.values()
    ]
    return ModelSpec(
        name=info.name,
        table=info.table or info.name.lower(),
        style=info.style,
        columns=tuple(column_list),
        relationships=tuple(rel_specs),
        primary_key=primary_key,
        unique_together=unique_together,
        bases=tuple(ctx.source.segment(b) for b in info.node.bases),
        docstring=_docstring(info.node),
        span=class_span(info.node),
    )


def _docstring(node: ast.ClassDef) -> str | None:
    """`ast.get_docstring(node)`, without its check against the deprecated `ast.Str`
    (a Python-level `isinstance` hook in 3.11, a measurable part of building a model)."""
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr):
        value = first.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return inspect.cleandoc(value.value)
    return None


def _set_base(found: _Found, infos: dict[str, ClassInfo], names: NameTable) -> None:
    """The declarative base the models use, and whether this file defines it."""
    for info in infos.values():
        if info.kind is Kind.MODEL and info.root_base:
            found.base_name, found.base_local = info.root_base, info.root_local
            return
    for info in infos.values():
        if info.kind is Kind.BASE:
            found.base_name, found.base_local = info.name, True
            return
    if names.local_bases:
        found.base_name, found.base_local = next(iter(names.local_bases)), True
    elif names.flask_dbs:
        found.base_name, found.base_local = f"{next(iter(names.flask_dbs))}.Model", True
