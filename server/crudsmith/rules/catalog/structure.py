"""5xx structure rules: models without endpoints, schema drift, routers never included."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from crudsmith.analysis.spec import ColumnSpec, ModelSpec, SourceSpan
from crudsmith.generation import fields
from crudsmith.rules import drift, field_render, workspace_refs
from crudsmith.rules.fastapi_ast import pydantic_classes, routers
from crudsmith.rules.import_edits import import_edits
from crudsmith.rules.lines import line_count, line_text
from crudsmith.rules.memo import workspace_facts
from crudsmith.rules.model import Finding, Fix, RuleContext, Severity, TextEdit
from crudsmith.rules.registry import rule


def _name_span(node: ast.ClassDef, source_line: str) -> SourceSpan:
    """The span of a class's name: after `class ` on its line (UTF-8 byte columns)."""
    encoded = source_line.encode("utf-8", "surrogatepass")
    start = encoded.find(b"class", node.col_offset) + len(b"class")
    while start < len(encoded) and encoded[start : start + 1] in (b" ", b"\t"):
        start += 1
    return SourceSpan(node.lineno, start, node.lineno, start + len(node.name.encode()))


def _line(ctx: RuleContext, lineno: int) -> str:
    return line_text(ctx.source, lineno)


def _class_nodes(statements: list[ast.stmt]) -> dict[str, ast.ClassDef]:
    return {s.name: s for s in statements if isinstance(s, ast.ClassDef)}


# --- CSM501 ---------------------------------------------------------------------------


@rule(
    "CSM501",
    "model-without-endpoints",
    "A model that no endpoint of the workspace uses",
    Severity.HINT,
    """\
A model class that no endpoint in the workspace refers to: it is stored but not served.
A model *has endpoints* when some endpoint function of the workspace (a function
decorated with `@<router or app>.<get|post|put|patch|delete|head|options|api_route>(...)`)
mentions the model's name, or one of its schema names, anywhere in its decorator, its
signature (annotations, defaults) or its body, as a name or as the last part of a
dotted name. The schema names are those of the `[tool.crudsmith.names]` patterns (or
the editor's `names` setting): by default `{Model}Base`, `{Model}Create`,
`{Model}Update`, `{Model}Public` and `{Model}Page`; with `public = "{model}Out"` an
endpoint answering `TagOut` serves `Tag`. The finding is reported on the class name
in the file that defines the model; in the editor it carries the "Generate endpoints"
quick fix (the `model` data).

Bad (no endpoint mentions `Tag`):

```python
class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
```

Good: `crudsmith generate` (or the quick fix) writes the router:

```python
@router.get("/{tag_id}", response_model=TagPublic)
def read_tag(tag_id: int, db: SessionDep) -> Tag: ...
```
""",
)
def model_without_endpoints(ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.analysis.models:
        return
    mentioned: set[str] = set()
    for _path, used in workspace_facts(ctx, workspace_refs.ENDPOINT_NAMES):
        mentioned |= used
    classes = _class_nodes(ctx.statements)
    for model in ctx.analysis.models:
        names = {model.name, *ctx.names.of(model.name).values()}
        node = classes.get(model.name)
        if node is None or names & mentioned:
            continue
        yield Finding(
            "CSM501",
            f"model '{model.name}' has no endpoints",
            _name_span(node, _line(ctx, node.lineno)),
            Severity.HINT,
            data={"model": model.name},
        )


# --- CSM502 ---------------------------------------------------------------------------


@rule(
    "CSM502",
    "schema-drift",
    "A schema derived from a model no longer matches the model's columns",
    Severity.WARNING,
    """\
A Pydantic schema derived from a model — named `{Model}Base`, `{Model}Create`,
`{Model}Update` or `{Model}Public`, anywhere in the workspace — that no longer matches
the model's columns. The names follow the `base`, `create`, `update` and `public`
patterns of `[tool.crudsmith.names]` (or the editor's `names` setting): with
`create = "{model}In"` and `public = "{model}Out"`, `UserIn` and `UserOut` are checked
as User's Create and Public schemas.

- a column the schema's kind should carry is missing (Create: the client-settable
  columns; Update: the same without the primary key; Public: every non-sensitive
  column; server-set columns — autoincrement keys, `server_default`, callable
  defaults, `onupdate`, timestamps — are never expected in Create/Update, sensitive
  ones never in Public, a password hash is replaced by a `password` input);
- a field names no column or relationship of the model (a `password` input beside a
  password hash, and fields typed with another schema, are not columns);
- a field's type family differs from the column's (int, str, float, Decimal,
  datetime, …), its nullability differs (a nullable column needs `X | None` in
  Create/Base/Public; a NOT NULL column must not accept `None` in Create/Base), or its
  `max_length` differs from `String(n)` (input schemas must bound it).

Missing columns are added (safe fix, the field rendered as `crudsmith generate` renders
it, imports added when needed); mismatched fields are rewritten keeping your other
`Field(...)` arguments (safe); a field whose column is gone is removed (unsafe: the
API changes shape).

Bad (the model gained `bio: Mapped[str | None] = mapped_column(String(500))`):

```python
class UserCreate(UserBase):
    email: EmailStr = Field(max_length=255)
```

Good:

```python
class UserCreate(UserBase):
    email: EmailStr = Field(max_length=255)
    bio: str | None = Field(default=None, max_length=500)
```
""",
    fixable=True,
)
def schema_drift(ctx: RuleContext) -> Iterator[Finding]:
    classes = pydantic_classes(ctx.statements)
    if not any(drift.may_be_schema(name, ctx.names) for name in classes):
        return
    models = _workspace_models(ctx)
    if not models:
        return
    user = drift.user_model(tuple(models.values()))
    schema_names = _workspace_schema_names(ctx, classes)
    bound = field_render.bound_names(ctx.statements)
    for schema in drift.derived_schemas(ctx, models.values()):
        roles = fields.column_roles(schema.model, user)
        missing = drift.expected_missing(schema, roles)
        if missing:
            yield _missing_finding(ctx, schema, missing, bound)
        for mismatch in drift.mismatches(schema, roles):
            yield _mismatch_finding(ctx, schema, mismatch, bound)
        for field in drift.gone_fields(schema, schema_names):
            yield _gone_finding(ctx, schema, field)


def _workspace_models(ctx: RuleContext) -> dict[str, ModelSpec]:
    """Models by name: this file's first, then a name defined once elsewhere."""
    found: dict[str, ModelSpec] = {m.name: m for m in ctx.analysis.models}
    if ctx.workspace is None:
        return found
    counts: dict[str, int] = {}
    others: dict[str, ModelSpec] = {}
    for path, model in ctx.workspace.models():
        if path == ctx.path:
            continue
        counts[model.name] = counts.get(model.name, 0) + 1
        others[model.name] = model
    for name, model in others.items():
        if name not in found and counts[name] == 1:
            found[name] = model
    return found


def _workspace_schema_names(ctx: RuleContext, classes: dict[str, ast.ClassDef]) -> set[str]:
    """Class names that nested-object fields may use: this file's classes and the models."""
    names = set(_class_nodes(ctx.statements)) | set(classes)
    names |= {model.name for model in ctx.analysis.models}
    if ctx.workspace is not None:
        names |= {model.name for _path, model in ctx.workspace.models()}
    return names


def _body_indent(ctx: RuleContext, node: ast.ClassDef) -> str:
    first = node.body[0]
    line = _line(ctx, first.lineno)
    return line[: len(line) - len(line.lstrip(" \t"))] or "    "


def _import_edits(
    ctx: RuleContext, needed: set[str], bound: set[str]
) -> tuple[list[TextEdit], bool]:
    """Edits adding imports for `needed` names not bound in the file; False when a name
    cannot be imported (e.g. an enum defined elsewhere)."""
    missing = sorted(needed - bound)
    by_module: dict[str, list[str]] = {}
    complete = True
    for name in missing:
        if name == "Field":
            by_module.setdefault(field_render.field_module(ctx.statements), []).append(name)
        elif name in field_render.TYPE_IMPORTS:
            module, imported = field_render.TYPE_IMPORTS[name]
            by_module.setdefault(module, []).append(imported)
        else:
            complete = False
    return import_edits(ctx.statements, ctx.source, by_module), complete


def _missing_finding(
    ctx: RuleContext, schema: drift.Schema, missing: list[ColumnSpec], bound: set[str]
) -> Finding:
    node = schema.node
    names = ", ".join(f"'{col.name}'" for col in missing)
    message = f"'{node.name}' lacks column(s) {names} of model '{schema.model.name}'"
    indent = _body_indent(ctx, node)
    optional = schema.kind == "Update"
    rendered = [field_render.column_field(col, optional=optional) for col in missing]
    text = "".join(field_render.render_field(f, indent) for f in rendered)
    edits = [_class_append_edit(ctx, node, text)]
    needed = set().union(*(field_render.used_names(f) for f in rendered))
    imports, complete = _import_edits(ctx, needed, bound)
    fix = Fix(f"Add {names} to '{node.name}'", (*imports, *edits), safe=complete)
    return Finding(
        "CSM502",
        message,
        _name_span(node, _line(ctx, node.lineno)),
        Severity.WARNING,
        fix,
        data={"model": schema.model.name, "schema": node.name},
    )


def _class_append_edit(ctx: RuleContext, node: ast.ClassDef, text: str) -> TextEdit:
    """Add `text` (whole lines) at the end of the class body, replacing a lone
    `pass` / `...` placeholder."""
    last = node.body[-1]
    placeholder = isinstance(last, ast.Pass) or (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Constant)
        and last.value.value is Ellipsis
    )
    end = last.end_lineno or last.lineno
    if placeholder and _own_lines(ctx, last):
        return TextEdit(SourceSpan(last.lineno, 0, end + 1, 0), text)
    if len(node.body) == 1 and _is_docstring(last):
        text = "\n" + text  # a blank line after the class docstring, as ruff format wants
    end = node.end_lineno or node.lineno
    at_end = end >= line_count(ctx.source) and not ctx.source.endswith(("\n", "\r"))
    return TextEdit(SourceSpan(end + 1, 0, end + 1, 0), ("\n" if at_end else "") + text)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


_REPLACED_ARGS = frozenset({"default", "max_length", "max_digits", "decimal_places"})


def _mismatch_finding(
    ctx: RuleContext, schema: drift.Schema, mismatch: drift.Mismatch, bound: set[str]
) -> Finding:
    field = mismatch.field
    stmt = field.stmt
    message = f"'{schema.node.name}.{field.name}' {mismatch.detail} (model '{schema.model.name}')"
    target = stmt.target
    span = SourceSpan(
        target.lineno,
        target.col_offset,
        target.end_lineno or target.lineno,
        target.end_col_offset or target.col_offset,
    )
    fix = _rewrite_field_fix(ctx, schema, mismatch, bound)
    return Finding(
        "CSM502",
        message,
        span,
        Severity.WARNING,
        fix,
        data={"model": schema.model.name, "schema": schema.node.name, "field": field.name},
    )


def _rewrite_field_fix(
    ctx: RuleContext, schema: drift.Schema, mismatch: drift.Mismatch, bound: set[str]
) -> Fix | None:
    """Re-render the field from the column, keeping the user's other Field arguments."""
    field = mismatch.field
    stmt = field.stmt
    if not _own_lines(ctx, stmt) or (isinstance(stmt.value, ast.Call) and not field.field_call):
        return None
    if field.base is not stmt.annotation and not _simple_optional(stmt.annotation, field.base):
        return None  # Annotated[...] and friends: not rewritten mechanically
    extra: list[tuple[str, str]] = []
    default: str | None = None
    if stmt.value is not None and field.field_call is None:
        default = ast.get_source_segment(ctx.source, stmt.value)
    call = field.field_call
    if call is not None:
        if call.args:
            first = ast.get_source_segment(ctx.source, call.args[0])
            if first not in (None, "...") and len(call.args) == 1:
                default = first
            elif len(call.args) > 1:
                return None
        for keyword in call.keywords:
            if keyword.arg is None:
                return None  # **kwargs: cannot tell what it sets
            value = ast.get_source_segment(ctx.source, keyword.value)
            if value is None:
                return None
            if keyword.arg == "default":
                default = value
            elif keyword.arg not in _REPLACED_ARGS:
                extra.append((keyword.arg, value))
    if default == "None":
        default = None
    keep_type = mismatch.problem != "type" and not isinstance(field.base, ast.Call)
    type_text = ast.get_source_segment(ctx.source, field.base) if keep_type else None
    new = field_render.column_field(
        mismatch.column,
        optional=schema.kind == "Update",
        type_text=type_text,
        default=default,
        extra=tuple(extra),
    )
    indent = _body_indent(ctx, schema.node)
    text = field_render.render_field(new, indent)
    end = (stmt.end_lineno or stmt.lineno) + 1
    imports, complete = _import_edits(ctx, field_render.used_names(new), bound)
    edit = TextEdit(SourceSpan(stmt.lineno, 0, end, 0), text)
    return Fix(
        f"Match '{field.name}' to column '{mismatch.column.name}'", (*imports, edit), complete
    )


def _simple_optional(annotation: ast.expr, base: ast.expr) -> bool:
    """`X | None`, `None | X` or `Optional[X]` around `base` (nothing else)."""
    if isinstance(annotation, ast.BinOp):
        return base in (annotation.left, annotation.right)
    if isinstance(annotation, ast.Subscript):
        return annotation.slice is base
    return False


def _own_lines(ctx: RuleContext, stmt: ast.stmt) -> bool:
    """The statement alone on its lines (no `;` neighbours), so whole lines can be replaced."""
    first = _line(ctx, stmt.lineno)
    last = _line(ctx, stmt.end_lineno or stmt.lineno)
    head = first.encode("utf-8", "surrogatepass")[: stmt.col_offset]
    tail = last.encode("utf-8", "surrogatepass")[stmt.end_col_offset or 0 :]
    return not head.strip() and (not tail.strip() or tail.strip().startswith(b"#"))


def _gone_finding(ctx: RuleContext, schema: drift.Schema, field: drift.SchemaField) -> Finding:
    stmt = field.stmt
    target = stmt.target
    message = f"'{schema.node.name}.{field.name}' matches no column of model '{schema.model.name}'"
    span = SourceSpan(
        target.lineno,
        target.col_offset,
        target.end_lineno or target.lineno,
        target.end_col_offset or target.col_offset,
    )
    fix = None
    others = [s for s in schema.node.body if s is not stmt]
    if others and _own_lines(ctx, stmt):
        end = (stmt.end_lineno or stmt.lineno) + 1
        fix = Fix(
            f"Remove '{field.name}' from '{schema.node.name}'",
            (TextEdit(SourceSpan(stmt.lineno, 0, end, 0), ""),),
            safe=False,
        )
    return Finding(
        "CSM502",
        message,
        span,
        Severity.WARNING,
        fix,
        data={"model": schema.model.name, "schema": schema.node.name, "field": field.name},
    )


# --- CSM503 ---------------------------------------------------------------------------


@rule(
    "CSM503",
    "router-not-included",
    "An APIRouter that no include_router call of the workspace includes",
    Severity.WARNING,
    """\
An `APIRouter` assigned at module level (`router = APIRouter(...)`) that is never
passed to `include_router(...)` (of an app or of another router) anywhere in the
workspace: its endpoints are unreachable. An included expression is resolved through
the including file's imports (`from app.routers import users` … `users.router`,
`from .users import router as users_router`); a module that cannot be resolved counts
for any router of that name, an argument that cannot be resolved (a loop variable, a
call) for any router at all. The rule only speaks when the workspace creates a
`FastAPI()` app somewhere (a library of routers is included by its users).

Bad:

```python
# app/routers/tags.py
router = APIRouter(prefix="/tags", tags=["tags"])
# app/main.py never mentions tags.router
```

Good:

```python
# app/main.py
from app.routers import tags

app.include_router(tags.router)
```
""",
)
def router_not_included(ctx: RuleContext) -> Iterator[Finding]:
    defined = routers(ctx.statements)
    if not defined:
        return
    if not any(has for _path, has in workspace_facts(ctx, workspace_refs.HAS_APP)):
        return
    includes = [
        (path, entry)
        for path, entries in workspace_facts(ctx, workspace_refs.INCLUDED)
        for entry in entries
    ]
    for name in defined:
        if any(
            (entry.name in (name, ""))
            and workspace_refs.module_matches(entry.module, path, ctx.path)
            for path, entry in includes
        ):
            continue
        yield Finding(
            "CSM503",
            f"router '{name}' is never included in an app",
            _assignment_target_span(ctx.statements, name),
            Severity.WARNING,
        )


def _assignment_target_span(statements: list[ast.stmt], name: str) -> SourceSpan:
    for stmt in statements:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                return SourceSpan(
                    target.lineno,
                    target.col_offset,
                    target.end_lineno or target.lineno,
                    target.end_col_offset or 0,
                )
    return SourceSpan(1, 0, 1, 0)
