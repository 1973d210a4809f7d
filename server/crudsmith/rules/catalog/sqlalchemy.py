"""CSM4xx: SQLAlchemy sessions, queries and async in FastAPI code.

Sessions are recognised by shape and by name: a parameter typed `Session` /
`AsyncSession` or an `Annotated[Session, ...]` alias (in this file or anywhere in
the workspace), `Depends(get_db)` on a sync provider, a receiver named `db` /
`session`. The user's code is never imported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from crudsmith.rules.fastapi_ast import (
    Endpoint,
    FunctionNode,
    dotted_name,
    last_name,
)
from crudsmith.rules.gates import mentions, words
from crudsmith.rules.memo import FileFact, workspace_facts
from crudsmith.rules.model import Finding, Fix, RuleContext, Severity, TextEdit
from crudsmith.rules.readers_rest import (
    DEPENDENCY_MARKERS,
    Param,
    annotated_parts,
    awaits_anything,
    body_statements,
    bound_import,
    calls_near,
    chain_root_call,
    endpoint_label,
    endpoints,
    ensure_import,
    function_args,
    imports_fastapi,
    is_dependency,
    is_session_like,
    line_indent,
    module_matches_path,
    node_span,
    params,
    segment,
    source_lines,
    type_names,
    walk_body,
    with_newlines,
)
from crudsmith.rules.registry import rule

_NON_SQL_SESSION_MODULES = frozenset({"requests", "aiohttp", "httpx", "boto3", "botocore", "neo4j"})
_FACTORY_CALLS = frozenset({"sessionmaker", "async_sessionmaker", "scoped_session"})
_FACTORY_NAME = re.compile(r"(?i)^(async_?)?session(_?local|_?maker|_?factory)?$")


def _label(ep: Endpoint) -> str:
    return endpoint_label(ep)


# --- what the file and the workspace know about sessions ----------------------------------------


@dataclass(slots=True)
class _SessionFacts:
    """Names that denote a sync session: `Annotated[Session, ...]` aliases and sync providers."""

    aliases: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)


def _is_sync_session_type(node: ast.expr | None) -> bool:
    names = type_names(node)
    return "Session" in names and "AsyncSession" not in names


def _factories(statements: list[ast.stmt]) -> set[str]:
    """Module-level names bound to `sessionmaker(...)` and friends (one pass)."""
    found: set[str] = set()
    for stmt in statements:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call)
            and last_name(stmt.value.func) in _FACTORY_CALLS
        ):
            found.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.target, ast.Name)
            and last_name(stmt.value.func) in _FACTORY_CALLS
        ):
            found.add(stmt.target.id)
    return found


def _is_session_factory_call(node: ast.expr | None, factories: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = last_name(node.func)
    return name in factories or name == "Session" or bool(_FACTORY_NAME.match(name))


def _collect_facts(statements: list[ast.stmt], facts: _SessionFacts) -> None:
    factories = _factories(statements)
    for stmt in statements:
        value: ast.expr | None = None
        target: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if isinstance(target, ast.Name) and value is not None:
            parts = annotated_parts(value)
            if parts is not None and _is_sync_session_type(parts[0]):
                facts.aliases.add(target.id)
        if isinstance(stmt, ast.FunctionDef) and _is_sync_provider(stmt, factories):
            facts.providers.add(stmt.name)


def _is_sync_provider(func: ast.FunctionDef, factories: set[str]) -> bool:
    if func.returns is not None:
        return _is_sync_session_type(func.returns)
    for stmt in body_statements(func):
        value: ast.expr | None = None
        if isinstance(stmt, ast.Return | ast.Assign):
            value = stmt.value
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
            value = stmt.value.value
        elif isinstance(stmt, ast.With) and any(
            _is_session_factory_call(item.context_expr, factories) for item in stmt.items
        ):
            return True
        if _is_session_factory_call(value, factories):
            return True
    return False


def _new_session_facts(statements: list[ast.stmt]) -> _SessionFacts:
    facts = _SessionFacts()
    _collect_facts(statements, facts)
    return facts


# One file's facts, read once per parse (the db module is read by every router).
_SESSION_FACTS = FileFact("sqlalchemy.session_facts", _new_session_facts)


def _session_facts(ctx: RuleContext, wanted: set[str]) -> _SessionFacts:
    """Facts from this file, and from the workspace modules the missing names are imported from."""
    own = _SESSION_FACTS.of(ctx.statements)
    facts = _SessionFacts(set(own.aliases), set(own.providers))
    missing = wanted - facts.aliases - facts.providers
    if ctx.workspace is None or not missing:
        return facts
    modules = {imp.module for imp in ctx.analysis.imports if (imp.alias or imp.name) in missing}
    modules.discard("")
    if not modules:
        return facts
    for path, other in workspace_facts(ctx, _SESSION_FACTS):
        if path != ctx.path and any(module_matches_path(m, path) for m in modules):
            facts.aliases.update(other.aliases)
            facts.providers.update(other.providers)
    return facts


# --- CSM401 --------------------------------------------------------------------------------------


def _depends_target(param: Param) -> str | None:
    for marker in param.markers():
        if last_name(marker.func) in DEPENDENCY_MARKERS and marker.args:
            return last_name(marker.args[0]) or None
    return None


@dataclass(frozen=True, slots=True)
class _ParamTypes:
    """A parameter's type names, read once: the whole annotation and its `Annotated` base."""

    param: Param
    names: set[str]
    base_names: set[str]
    target: str | None

    @classmethod
    def of(cls, param: Param) -> _ParamTypes:
        names = type_names(param.annotation)
        parts = annotated_parts(param.annotation)
        base_names = type_names(parts[0]) if parts is not None else names
        return cls(param, names, base_names, _depends_target(param))


def _sync_session_param(info: _ParamTypes, facts: _SessionFacts, session_module_ok: bool) -> bool:
    if "Session" in info.base_names and session_module_ok:
        return True
    if info.names & facts.aliases:
        return True
    return info.target is not None and info.target in facts.providers


def _async_fix(ctx: RuleContext, func: FunctionNode) -> Fix | None:
    if awaits_anything(func):
        return None
    lines = source_lines(ctx)
    if func.lineno > len(lines):
        return None
    raw = lines[func.lineno - 1].encode("utf-8")[func.col_offset :]
    match = re.match(rb"async\s+def\b", raw)
    if match is None:
        return None
    start = node_span(func)
    span = type(start)(
        func.lineno, func.col_offset, func.lineno, func.col_offset + len(match.group())
    )
    return Fix(f"Make `{func.name}` a plain `def`", (TextEdit(span, "def"),))


@rule(
    "CSM401",
    "async-endpoint-sync-session",
    "An `async def` endpoint uses a sync SQLAlchemy Session and blocks the event loop.",
    Severity.WARNING,
    """FastAPI runs `async def` endpoints on the event loop and plain `def` endpoints in a
thread pool. A sync `Session` does blocking I/O: inside `async def` every query
stalls every other request. Use `def` with a sync `Session`, or `async def` with an
`AsyncSession` and `await`. The same holds for an `async def` dependency the file
passes to `Depends(...)`. The fix turns the function into a plain `def` when it
awaits nothing.

Bad:

```python
@router.get("/users/{user_id}")
async def get_user(user_id: int, db: Session = Depends(get_db)) -> UserPublic:
    return get_user_or_404(db, user_id)
```

Good:

```python
@router.get("/users/{user_id}")
def get_user(user_id: int, db: SessionDep) -> UserPublic:
    return get_user_or_404(db, user_id)
```
""",
    fixable=True,
)
def async_endpoint_sync_session(ctx: RuleContext) -> Iterator[Finding]:
    if "async" not in ctx.source or not imports_fastapi(ctx):
        return
    targets = _async_targets(ctx)
    if not targets:
        return
    typed = [(func, label, [_ParamTypes.of(p) for p in params(func)]) for func, label in targets]
    wanted: set[str] = set()
    for _, _, infos in typed:
        for info in infos:
            wanted.update(info.names - {"Annotated"})
            wanted.add(info.target or "")
    facts = _session_facts(ctx, wanted - {""})
    session_module = bound_import(ctx, "Session")
    session_module_ok = session_module is None or (
        session_module.split(".")[0] not in _NON_SQL_SESSION_MODULES
    )
    for func, label, infos in typed:
        for info in infos:
            if _sync_session_param(info, facts, session_module_ok):
                message = f"async {label} uses the sync Session `{info.param.name}`"
                fix = _async_fix(ctx, func)
                span = node_span(info.param.arg)
                yield Finding("CSM401", message, span, Severity.WARNING, fix)
                break


def _async_targets(ctx: RuleContext) -> list[tuple[FunctionNode, str]]:
    """Async endpoints, and async module-level functions this file uses as dependencies."""
    targets: list[tuple[FunctionNode, str]] = [
        (ep.func, _label(ep)) for ep in endpoints(ctx) if ep.is_async
    ]
    seen = {id(func) for func, _ in targets}
    for stmt in ctx.statements:
        if (
            isinstance(stmt, ast.AsyncFunctionDef)
            and id(stmt) not in seen
            and is_dependency(ctx, stmt.name)
        ):
            targets.append((stmt, f"dependency `{stmt.name}`"))
    return targets


# --- CSM402 --------------------------------------------------------------------------------------

_CHAIN_METHODS = {
    "filter": "where",
    "where": "where",
    "filter_by": "filter_by",
    "order_by": "order_by",
    "offset": "offset",
    "limit": "limit",
    "join": "join",
    "outerjoin": "outerjoin",
    "options": "options",
    "distinct": "distinct",
    "group_by": "group_by",
}
_TERMINALS = frozenset({"first", "all", "one", "one_or_none"})


def _session_vars(ctx: RuleContext) -> set[str]:
    return {arg.arg for arg in function_args(ctx) if _is_sync_session_type(arg.annotation)}


def _query_root(node: ast.Call, sessions: set[str]) -> ast.Call | None:
    root = chain_root_call(node)
    if (
        root is not None
        and isinstance(root.func, ast.Attribute)
        and root.func.attr == "query"
        and is_session_like(root.func.value, sessions)
    ):
        return root
    return None


def _chain(outer: ast.Call, root: ast.Call) -> list[ast.Call] | None:
    """The method calls from just after `root` to `outer`, innermost first."""
    calls: list[ast.Call] = []
    node: ast.expr = outer
    while node is not root:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        calls.append(node)
        node = node.func.value
    return list(reversed(calls))


def _query_fix(ctx: RuleContext, outer: ast.Call, root: ast.Call) -> Fix | None:
    """Edits in place, so a chain spread over lines keeps its layout."""
    chain = _chain(outer, root)
    if not chain or len(root.args) != 1 or root.keywords:
        return None
    entity = root.args[0]
    assert isinstance(root.func, ast.Attribute)
    receiver = segment(ctx, root.func.value)
    model = segment(ctx, entity)
    if not dotted_name(entity) or not receiver or not model:
        return None
    methods = [call.func.attr for call in chain if isinstance(call.func, ast.Attribute)]
    if methods == ["get"]:
        key = chain[0].args[0] if len(chain[0].args) == 1 and not chain[0].keywords else None
        key_text = segment(ctx, key) if key is not None else ""
        if not key_text:
            return None
        text = f"{receiver}.get({model}, {key_text})"
        return Fix(f"Use {text}", (TextEdit(node_span(outer), text),))
    edits = _select_edits(chain, methods, receiver, model, root)
    imports = ensure_import(ctx, "sqlalchemy", "select")
    if edits is None or imports is None:
        return None
    return Fix("Use select() with Session.scalars", (*edits, *imports))


def _select_edits(
    chain: list[ast.Call], methods: list[str], receiver: str, model: str, root: ast.Call
) -> list[TextEdit] | None:
    terminal = methods[-1]
    if terminal not in _TERMINALS or any(m not in _CHAIN_METHODS for m in methods[:-1]):
        return None
    edits = [TextEdit(node_span(root), f"{receiver}.scalars(select({model})")]
    for call, method in zip(chain[:-1], methods[:-1], strict=True):
        if _CHAIN_METHODS[method] != method:
            end = node_span(call.func)
            name_span = type(end)(
                end.end_line, end.end_col - len(method), end.end_line, end.end_col
            )
            edits.append(TextEdit(name_span, _CHAIN_METHODS[method]))
    # Query.first() limits to one row; the select does so explicitly.
    limit = ".limit(1)" if terminal == "first" and "limit" not in methods else ""
    before_terminal = chain[-2] if len(chain) > 1 else root
    end = node_span(before_terminal)
    edits.append(
        TextEdit(type(end)(end.end_line, end.end_col, end.end_line, end.end_col), limit + ")")
    )
    return edits


_QUERY_TEXT = re.compile(r"\.[\s\\]*query[\s\\]*\(")  # also `db.query (User)`


_QUERY = words("query")  # `db.query (User)` and fullwidth spellings too


@rule(
    "CSM402",
    "legacy-query",
    "Legacy `session.query(...)`: use `select()` with `Session.scalars` / `Session.get`.",
    Severity.WARNING,
    """`Session.query()` is SQLAlchemy's legacy 1.x API; 2.0 code builds statements with
`select()` and runs them with `Session.scalars()` / `Session.execute()`, which also
works with `AsyncSession` and types its results. The fix rewrites the common
chains: `.get(id)` becomes `db.get(Model, id)`; `.filter(...)...first()` / `.all()` /
`.one()` / `.one_or_none()` become `db.scalars(select(Model).where(...)...)` with the
same terminal (`first()` gets `.limit(1)`, as `Query.first()` did); `select` is
imported when missing. Other chains are reported without a fix.

Bad:

```python
user = db.query(User).filter(User.email == email).first()
users = db.query(User).order_by(User.id).all()
```

Good:

```python
user = db.scalars(select(User).where(User.email == email).limit(1)).first()
users = db.scalars(select(User).order_by(User.id)).all()
```
""",
    fixable=True,
)
def legacy_query(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, _QUERY):
        return
    sessions = _session_vars(ctx)
    async_sessions = {
        arg.arg for arg in function_args(ctx) if "AsyncSession" in type_names(arg.annotation)
    } - sessions
    seen: set[int] = set()
    for node in calls_near(ctx, _QUERY_TEXT):  # a chain's outermost call comes first
        root = _query_root(node, sessions)
        if root is None or id(root) in seen:
            continue
        seen.add(id(root))
        text = segment(ctx, root) or "query(...)"
        message = f"legacy `{_shorten(text)}`; use select() with scalars()/get()"
        # An AsyncSession has no query(): the rewrite would also need awaits; report only.
        receiver = root.func.value if isinstance(root.func, ast.Attribute) else root.func
        is_async = dotted_name(receiver) in async_sessions
        fix = _query_fix(ctx, node, root) if node is not root and not is_async else None
        yield Finding("CSM402", message, node_span(root), Severity.WARNING, fix)


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


# --- CSM403 --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Open:
    """A session bound to `var` by the statement at `index` of the function body."""

    var: str
    index: int
    stmt: ast.Assign


def _opened_session(func: FunctionNode, factories: set[str]) -> _Open | None:
    for index, stmt in enumerate(func.body):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and _is_session_factory_call(stmt.value, factories)
        ):
            return _Open(stmt.targets[0].id, index, stmt)
    return None


def _closes(stmts: list[ast.stmt], var: str) -> bool:
    for stmt in stmts:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "close"
                and dotted_name(node.func.value) == var
            ):
                return True
    return False


def _yield_guarded(stmts: list[ast.stmt], var: str, guarded: bool = False) -> bool | None:
    """None: no `yield var` here; else whether the yield sits in a with / try-finally closing."""
    for stmt in stmts:
        inner_guard = guarded
        if isinstance(stmt, ast.With | ast.AsyncWith) or (
            isinstance(stmt, ast.Try) and _closes(stmt.finalbody, var)
        ):
            inner_guard = True
        if isinstance(stmt, ast.Expr) and _yields(stmt.value, var):
            return guarded
        for block in _blocks(stmt):
            found = _yield_guarded(block, var, inner_guard)
            if found is not None:
                return found
    return None


def _yields(node: ast.expr, var: str) -> bool:
    return isinstance(node, ast.Yield) and dotted_name(node.value or ast.Constant(None)) == var


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(stmt, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    for handler in getattr(stmt, "handlers", []):
        blocks.append(handler.body)
    return blocks


def _close_fix(ctx: RuleContext, func: FunctionNode, opened: _Open) -> Fix | None:
    rest = func.body[opened.index + 1 :]
    if not rest or any(
        isinstance(n, ast.Constant | ast.JoinedStr) and n.lineno != n.end_lineno
        for stmt in rest
        for n in ast.walk(stmt)
    ):
        return None
    last = rest[-1]
    closer = f"{'await ' if isinstance(func, ast.AsyncFunctionDef) else ''}{opened.var}.close()"
    if isinstance(last, ast.Expr) and segment(ctx, last) == closer:
        rest = rest[:-1]
    if not rest:
        return None
    lines = source_lines(ctx)
    first_line, last_line = rest[0].lineno, (last.end_lineno or last.lineno)
    body_end = rest[-1].end_lineno or rest[-1].lineno
    indent = line_indent(ctx, opened.stmt.lineno)
    body = "".join(
        f"    {line}\n" if line.strip() else "\n" for line in lines[first_line - 1 : body_end]
    )
    text = f"{indent}try:\n{body}{indent}finally:\n{indent}    {closer}\n"
    end_bytes = len(lines[last_line - 1].encode("utf-8"))
    span = type(node_span(last))(first_line, 0, last_line, end_bytes)
    return Fix(
        f"Close `{opened.var}` in a finally block",
        (TextEdit(span, with_newlines(ctx, text.rstrip("\n"))),),
    )


@rule(
    "CSM403",
    "session-never-closed",
    "A session dependency opens a session and does not close it on every path.",
    Severity.WARNING,
    """A dependency that yields a new session must close it even when the endpoint
raises: FastAPI throws the exception into the generator at the `yield`, so a
`db.close()` after it never runs, and a dependency that *returns* a session leaves
closing to nobody. Leaked sessions hold connections until the pool is exhausted.
Open the session in a `with` block (or close it in `finally`). The fix wraps the
code after the session is opened in `try` / `finally: db.close()`.

Bad:

```python
def get_db() -> Iterator[Session]:
    db = SessionLocal()
    yield db
```

Good:

```python
def get_db() -> Iterator[Session]:
    with SessionLocal() as db:
        yield db
```
""",
    fixable=True,
)
def session_never_closed(ctx: RuleContext) -> Iterator[Finding]:
    factories = _factories(ctx.statements)
    for stmt in ctx.statements:
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        opened = _opened_session(stmt, factories)
        if opened is not None:
            guarded = _yield_guarded(stmt.body, opened.var)
            if guarded is False:
                message = f"`{stmt.name}` yields the session `{opened.var}` without closing it"
                fix = _close_fix(ctx, stmt, opened)
                span = node_span(opened.stmt)
                yield Finding("CSM403", message, span, Severity.WARNING, fix)
            continue
        for node in stmt.body:  # a provider returns its session at the top level
            if isinstance(node, ast.Return) and _is_session_factory_call(node.value, factories):
                if is_dependency(ctx, stmt.name) or re.match(r"get_(db|.*session)", stmt.name):
                    message = f"`{stmt.name}` returns a new session that nobody closes"
                    yield Finding("CSM403", message, node_span(node), Severity.WARNING)
                break


# --- CSM404 --------------------------------------------------------------------------------------

_NOT_BODY_MARKERS = frozenset({"Query", "Path", "Header", "Cookie", "Depends", "Security"})


def _model_names(ctx: RuleContext, used: set[str]) -> set[str]:
    """Which of the `used` names are models: defined here, or imported from the module defining
    them (only the modules of the used names are looked at)."""
    names = {model.name for model in ctx.analysis.models} & used
    if ctx.workspace is None:
        return names
    imported = {
        imp.alias or imp.name: imp.module
        for imp in ctx.analysis.imports
        if imp.name and (imp.alias or imp.name) in used and imp.module
    }
    if not imported:
        return names
    modules = set(imported.values())
    for path, analysis in ctx.workspace.file_analyses():
        if not analysis.models or path == ctx.path:
            continue
        if not any(module_matches_path(m, path) for m in modules):
            continue
        for model in analysis.models:
            module = imported.get(model.name)
            if module is not None and module_matches_path(module, path):
                names.add(model.name)
    return names


@rule(
    "CSM404",
    "orm-model-as-body",
    "An endpoint takes an ORM model class as its request body type.",
    Severity.WARNING,
    """An ORM model as a request body lets the client set every column, the primary
key and server-managed fields included (mass assignment), ties the API contract to
the table, and makes FastAPI build a Pydantic model of a mapped class. Accept a
`Create` / `Update` schema and build the row from it.

Bad:

```python
@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(user: User, db: SessionDep) -> UserPublic: ...
```

Good:

```python
@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.model_dump())
    ...
```
""",
)
def orm_model_as_body(ctx: RuleContext) -> Iterator[Finding]:
    if not imports_fastapi(ctx):
        return
    candidates: list[tuple[Endpoint, Param, set[str]]] = []
    for ep in endpoints(ctx):
        path = ep.path or ""
        for param in params(ep.func):
            if param.annotation is None or "{" + param.name in path:
                continue
            if any(last_name(m.func) in _NOT_BODY_MARKERS for m in param.markers()):
                continue
            candidates.append((ep, param, type_names(param.base_type())))
    if not candidates:
        return
    models = _model_names(ctx, set().union(*(names for _, _, names in candidates)))
    for ep, param, names in candidates:
        hit = sorted(names & models)
        if hit and param.annotation is not None:
            message = (
                f"`{param.name}` of {_label(ep)} takes the ORM model `{hit[0]}` "
                "as its request body; accept a schema"
            )
            yield Finding("CSM404", message, node_span(param.annotation), Severity.WARNING)


# --- CSM405 --------------------------------------------------------------------------------------

# AsyncSession methods that return coroutines (add, add_all, expunge, begin... do not).
_ASYNC_SESSION_METHODS = frozenset(
    {
        "commit",
        "rollback",
        "flush",
        "refresh",
        "execute",
        "scalar",
        "scalars",
        "get",
        "get_one",
        "delete",
        "merge",
        "close",
        "stream",
        "stream_scalars",
        "run_sync",
        "connection",
        "invalidate",
    }
)


def _async_session_names(func: FunctionNode, aliases: set[str]) -> set[str]:
    names: set[str] = set()
    for param in params(func):
        found = type_names(param.annotation)
        if "AsyncSession" in found or found & aliases:
            names.add(param.name)
    return names


def _async_aliases(ctx: RuleContext, functions: list[ast.AsyncFunctionDef]) -> set[str]:
    """`X = Annotated[AsyncSession, ...]` names the functions' parameters may use.

    Read from this file, and from the workspace modules those annotation names are
    imported from (only those: a tree of routers must not make every file read all).
    """
    found = set(_ASYNC_ALIASES.of(ctx.statements))
    if ctx.workspace is not None:
        used = {
            arg.annotation.id
            for func in functions
            for arg in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)
            if isinstance(arg.annotation, ast.Name)
        }
        modules = {
            imp.module for imp in ctx.analysis.imports if (imp.alias or imp.name) in used
        } - {""}
        if modules:
            for path, aliases in workspace_facts(ctx, _ASYNC_ALIASES):
                if path != ctx.path and any(module_matches_path(m, path) for m in modules):
                    found.update(aliases)
    return found


def _file_async_aliases(statements: list[ast.stmt]) -> frozenset[str]:
    found: set[str] = set()
    for stmt in statements:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else None
        if isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        parts = annotated_parts(getattr(stmt, "value", None))
        if isinstance(target, ast.Name) and parts and "AsyncSession" in type_names(parts[0]):
            found.add(target.id)
    return frozenset(found)


_ASYNC_ALIASES = FileFact("sqlalchemy.async-aliases", _file_async_aliases)


def _unawaited_calls(func: FunctionNode, sessions: set[str]) -> Iterator[tuple[ast.Call, bool]]:
    """(call, chained) for `session.<coroutine method>(...)` not awaited nor passed on."""
    nodes = walk_body(func)
    handled: set[int] = set()
    chained: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.Await):
            handled.add(id(node.value))
        elif isinstance(node, ast.Call):
            handled.update(id(a) for a in node.args)
            handled.update(id(k.value) for k in node.keywords)
        elif isinstance(node, ast.Attribute):
            chained.add(id(node.value))
    for node in nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ASYNC_SESSION_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in sessions
            and id(node) not in handled
        ):
            yield node, id(node) in chained


@rule(
    "CSM405",
    "async-session-not-awaited",
    "A coroutine method of an AsyncSession (`commit`, `execute`, `delete`...) is not awaited.",
    Severity.ERROR,
    """On an `AsyncSession`, `commit()`, `execute()`, `refresh()`, `delete()`, `get()` and
friends return coroutines: without `await` nothing happens (Python only warns "coroutine
was never awaited"), so the row is never deleted, the transaction never committed. Note
that `add()` stays synchronous while `delete()` does not. The fix adds the `await`
(in parentheses when the result is used further, as in `(await db.execute(q)).scalars()`).

Bad:

```python
@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, db: AsyncSession) -> None:
    user = await db.get(User, user_id)
    db.delete(user)
    db.commit()
```

Good:

```python
@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, db: AsyncSession) -> None:
    user = await db.get(User, user_id)
    await db.delete(user)
    await db.commit()
```
""",
    fixable=True,
)
def async_session_not_awaited(ctx: RuleContext) -> Iterator[Finding]:
    if "async" not in ctx.source:
        return
    functions = list(_all_async_functions(ctx.statements))
    if not functions:
        return
    aliases = _async_aliases(ctx, functions)
    for func in functions:
        sessions = _async_session_names(func, aliases)
        if not sessions or not _may_miss_await(ctx, func, sessions):
            continue
        for call, chained in _unawaited_calls(func, sessions):
            text = segment(ctx, call)
            new = f"(await {text})" if chained else f"await {text}"
            fix = Fix(f"Await `{_shorten(text)}`", (TextEdit(node_span(call), new),))
            message = f"`{_shorten(text)}` on an AsyncSession is never awaited in `{func.name}`"
            yield Finding("CSM405", message, node_span(call), Severity.ERROR, fix)


def _may_miss_await(ctx: RuleContext, func: FunctionNode, sessions: set[str]) -> bool:
    """A text test on the function's lines: a session method call not right after `await`."""
    lines = source_lines(ctx)[func.lineno - 1 : func.end_lineno or func.lineno]
    names = "|".join(re.escape(name) for name in sessions)
    methods = "|".join(sorted(_ASYNC_SESSION_METHODS))
    pattern = rf"(?<!await )\b(?:{names})\s*\.\s*(?:{methods})\s*\("
    return re.search(pattern, "\n".join(lines)) is not None


def _all_async_functions(statements: list[ast.stmt]) -> Iterator[ast.AsyncFunctionDef]:
    for stmt in statements:
        if isinstance(stmt, ast.AsyncFunctionDef):
            yield stmt
        elif isinstance(stmt, ast.ClassDef):
            yield from _all_async_functions(stmt.body)
