"""Readers shared by the REST (CSM1xx) and SQLAlchemy (CSM4xx) rules.

Everything is recognised by shape and by name as written: parameters and their
FastAPI markers, session-like receivers, HTTP status expressions, and the text
edits that add an import or a keyword argument. Nothing is imported from the
user's code.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

from crudsmith.analysis.names import defined_names
from crudsmith.analysis.spec import SourceSpan
from crudsmith.rules.fastapi_ast import (
    Endpoint,
    FunctionNode,
    dotted_name,
    iter_endpoints,
    last_name,
)
from crudsmith.rules.fixes import offset_of
from crudsmith.rules.lines import LINE_BREAK, line_starts
from crudsmith.rules.memo import memo
from crudsmith.rules.model import RuleContext, TextEdit
from crudsmith.rules.readers_pydantic import child_nodes, walk

# Starlette's current (non-deprecated) names for `fastapi.status`.
_STATUS_NAMES = [
    "HTTP_100_CONTINUE",
    "HTTP_101_SWITCHING_PROTOCOLS",
    "HTTP_102_PROCESSING",
    "HTTP_103_EARLY_HINTS",
    "HTTP_200_OK",
    "HTTP_201_CREATED",
    "HTTP_202_ACCEPTED",
    "HTTP_203_NON_AUTHORITATIVE_INFORMATION",
    "HTTP_204_NO_CONTENT",
    "HTTP_205_RESET_CONTENT",
    "HTTP_206_PARTIAL_CONTENT",
    "HTTP_207_MULTI_STATUS",
    "HTTP_208_ALREADY_REPORTED",
    "HTTP_226_IM_USED",
    "HTTP_300_MULTIPLE_CHOICES",
    "HTTP_301_MOVED_PERMANENTLY",
    "HTTP_302_FOUND",
    "HTTP_303_SEE_OTHER",
    "HTTP_304_NOT_MODIFIED",
    "HTTP_305_USE_PROXY",
    "HTTP_307_TEMPORARY_REDIRECT",
    "HTTP_308_PERMANENT_REDIRECT",
    "HTTP_400_BAD_REQUEST",
    "HTTP_401_UNAUTHORIZED",
    "HTTP_402_PAYMENT_REQUIRED",
    "HTTP_403_FORBIDDEN",
    "HTTP_404_NOT_FOUND",
    "HTTP_405_METHOD_NOT_ALLOWED",
    "HTTP_406_NOT_ACCEPTABLE",
    "HTTP_407_PROXY_AUTHENTICATION_REQUIRED",
    "HTTP_408_REQUEST_TIMEOUT",
    "HTTP_409_CONFLICT",
    "HTTP_410_GONE",
    "HTTP_411_LENGTH_REQUIRED",
    "HTTP_412_PRECONDITION_FAILED",
    "HTTP_413_CONTENT_TOO_LARGE",
    "HTTP_414_URI_TOO_LONG",
    "HTTP_415_UNSUPPORTED_MEDIA_TYPE",
    "HTTP_416_RANGE_NOT_SATISFIABLE",
    "HTTP_417_EXPECTATION_FAILED",
    "HTTP_418_IM_A_TEAPOT",
    "HTTP_421_MISDIRECTED_REQUEST",
    "HTTP_422_UNPROCESSABLE_CONTENT",
    "HTTP_423_LOCKED",
    "HTTP_424_FAILED_DEPENDENCY",
    "HTTP_425_TOO_EARLY",
    "HTTP_426_UPGRADE_REQUIRED",
    "HTTP_428_PRECONDITION_REQUIRED",
    "HTTP_429_TOO_MANY_REQUESTS",
    "HTTP_431_REQUEST_HEADER_FIELDS_TOO_LARGE",
    "HTTP_451_UNAVAILABLE_FOR_LEGAL_REASONS",
    "HTTP_500_INTERNAL_SERVER_ERROR",
    "HTTP_501_NOT_IMPLEMENTED",
    "HTTP_502_BAD_GATEWAY",
    "HTTP_503_SERVICE_UNAVAILABLE",
    "HTTP_504_GATEWAY_TIMEOUT",
    "HTTP_505_HTTP_VERSION_NOT_SUPPORTED",
    "HTTP_506_VARIANT_ALSO_NEGOTIATES",
    "HTTP_507_INSUFFICIENT_STORAGE",
    "HTTP_508_LOOP_DETECTED",
    "HTTP_510_NOT_EXTENDED",
    "HTTP_511_NETWORK_AUTHENTICATION_REQUIRED",
]
STATUS_NAME_BY_CODE: dict[int, str] = {int(name[5:8]): name for name in _STATUS_NAMES}

FASTAPI_MODULES = ("fastapi", "starlette")
SESSION_NAMES = frozenset({"db", "session", "sess", "dbsession", "db_session", "database_session"})
SYNC_SESSION_TYPES = frozenset({"Session", "scoped_session"})
SESSION_FACTORIES = frozenset({"SessionLocal", "Session", "sessionmaker", "scoped_session"})
DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})


def node_span(node: ast.AST) -> SourceSpan:
    """The span `ast` gives a node (expressions and statements have positions)."""
    line: int = getattr(node, "lineno", 1)
    col: int = getattr(node, "col_offset", 0)
    end_line: int = getattr(node, "end_lineno", None) or line
    end_col: int = getattr(node, "end_col_offset", None) or col
    return SourceSpan(line, col, end_line, end_col)


def point(line: int, col: int) -> SourceSpan:
    return SourceSpan(line, col, line, col)


def insert_after(node: ast.AST, text: str) -> TextEdit:
    span = node_span(node)
    return TextEdit(point(span.end_line, span.end_col), text)


def replace(node: ast.AST, text: str) -> TextEdit:
    return TextEdit(node_span(node), text)


def segment(ctx: RuleContext, node: ast.AST) -> str:
    """The source text of a node ("" without positions).

    Unlike `ast.get_source_segment`, which splits the whole source on every call,
    this reads the file's line offsets computed once.
    """
    if getattr(node, "end_lineno", None) is None:
        return ""
    span = node_span(node)
    starts = _facts(ctx).line_starts
    start = offset_of(ctx.source, span.line, span.col, starts)
    end = offset_of(ctx.source, span.end_line, span.end_col, starts)
    return ctx.source[start:end]


@dataclass(frozen=True, slots=True)
class _FileFacts:
    """Per-file facts every fix needs; computed once per parsed file, not once per finding."""

    lines: list[str]  # split like `ast` does (\n, \r\n, \r), without the line ends
    line_starts: list[int]
    imports: dict[str, str]  # bound name -> module it is imported from ("" for `import x`)
    bound: frozenset[str]  # names bound by module-level defs, classes and assignments
    from_imports: dict[str, ast.ImportFrom]  # module -> its first `from module import a, b`


def _facts(ctx: RuleContext) -> _FileFacts:
    """The file's facts, once per context (they read its text as well as its tree)."""
    cached = ctx.memo.get("rest.facts")
    if isinstance(cached, _FileFacts):
        return cached
    imports: dict[str, str] = {}
    bound: set[str] = set()
    from_imports: dict[str, ast.ImportFrom] = {}
    for stmt in ctx.statements:
        if isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                imports.setdefault(alias.asname or alias.name, module)
            if stmt.level == 0 and stmt.names and stmt.names[0].name != "*":
                from_imports.setdefault(module, stmt)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                imports.setdefault(alias.asname or alias.name.split(".")[0], "")
    bound.update(defined_names(ctx.statements))
    starts = list(line_starts(ctx.source))
    bounds = [*starts, len(ctx.source)]
    lines = [ctx.source[bounds[i] : bounds[i + 1]].rstrip("\r\n") for i in range(len(bounds) - 1)]
    if lines and lines[-1] == "" and bounds[-2] == len(ctx.source):
        lines.pop()  # the empty "line" after a final line break
    facts = _FileFacts(lines, starts, imports, frozenset(bound), from_imports)
    ctx.memo["rest.facts"] = facts
    return facts


def with_newlines(ctx: RuleContext, text: str) -> str:
    """`text` (written with \\n) using the file's own line ending (\\r\\n files stay \\r\\n)."""
    first = LINE_BREAK.search(ctx.source)
    if first is None or first.group() == "\n":
        return text
    return text.replace("\n", first.group())


def source_lines(ctx: RuleContext) -> list[str]:
    """The file's lines (computed once per file; do not modify)."""
    return _facts(ctx).lines


def line_indent(ctx: RuleContext, line: int) -> str:
    lines = source_lines(ctx)
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    return text[: len(text) - len(text.lstrip())]


# --- imports -------------------------------------------------------------------------------


def imports_fastapi(ctx: RuleContext) -> bool:
    """Whether the file imports FastAPI or Starlette (REST rules only look at such files)."""
    return any(imp.module.split(".")[0] in FASTAPI_MODULES for imp in ctx.analysis.imports) or any(
        imp.module == "" and imp.name.split(".")[0] in FASTAPI_MODULES
        for imp in ctx.analysis.imports
    )


def bound_import(ctx: RuleContext, alias: str) -> str | None:
    """The module `alias` is imported from at module level ("" for `import alias`), or None."""
    return _facts(ctx).imports.get(alias)


def module_binds(ctx: RuleContext, name: str) -> bool:
    """Whether a module-level statement other than an import binds `name`."""
    return name in _facts(ctx).bound


def ensure_import(ctx: RuleContext, module: str, *names: str) -> tuple[TextEdit, ...] | None:
    """Edits that make `names` (from `module`) usable; () when they are; None when one is taken.

    Adds the missing names to an existing `from module import ...` when there is
    one, else writes a new import line after the file's leading imports.
    """
    missing: list[str] = []
    for name in names:
        bound = bound_import(ctx, name)
        if bound is not None:
            if bound not in _equivalent_modules(module):
                return None
        elif module_binds(ctx, name):
            return None
        else:
            missing.append(name)
    if not missing:
        return ()
    existing = _facts(ctx).from_imports.get(module)
    if existing is not None:
        return (insert_after(existing.names[-1], "".join(f", {n}" for n in missing)),)
    return (_new_import_line(ctx, f"from {module} import {', '.join(missing)}\n"),)


def _equivalent_modules(module: str) -> tuple[str, ...]:
    if module == "fastapi":
        return ("fastapi", "starlette", "starlette.status")
    if module == "sqlalchemy":
        return ("sqlalchemy", "sqlmodel", "sqlalchemy.future", "sqlalchemy.sql")
    if module == "typing":
        return ("typing", "typing_extensions")
    return (module,)


def _new_import_line(ctx: RuleContext, text: str) -> TextEdit:
    anchor: ast.stmt | None = None
    for index, stmt in enumerate(ctx.statements):
        is_docstring = (
            index == 0
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        )
        if isinstance(stmt, ast.Import | ast.ImportFrom) or is_docstring:
            anchor = stmt
        else:
            break
    if anchor is None:
        return TextEdit(point(1, 0), with_newlines(ctx, text))
    end_line = node_span(anchor).end_line
    if end_line < len(source_lines(ctx)):
        return TextEdit(point(end_line + 1, 0), with_newlines(ctx, text))
    end = node_span(anchor).end_col
    return TextEdit(point(end_line, end), with_newlines(ctx, "\n" + text.rstrip("\n")))


def status_expr(ctx: RuleContext, code: int) -> tuple[str, tuple[TextEdit, ...]] | None:
    """`status.HTTP_<code>_...` and the import edits it needs; None when not expressible."""
    name = STATUS_NAME_BY_CODE.get(code)
    if name is None:
        return None
    edits = ensure_import(ctx, "fastapi", "status")
    if edits is None:
        return None
    return f"status.{name}", edits


def module_matches_path(module: str, path: str) -> bool:
    """Whether `from <module> import X` can name what `path` defines (directly or re-exported).

    By suffix: `app.models` matches `.../app/models.py`, `.../app/models/__init__.py` and
    `.../app/models/user.py`; a relative `.models` matches by its last parts only.
    """
    parts = [p for p in module.lstrip(".").split(".") if p]
    if not parts:
        return True  # `from . import X`: the package itself, nothing to compare
    stem = path.replace("\\", "/").removesuffix(".py").removesuffix("/__init__")
    pieces = stem.split("/")
    return pieces[-len(parts) :] == parts or pieces[-len(parts) - 1 : -1] == parts


# --- status codes ----------------------------------------------------------------------------


def status_code_of(node: ast.expr | None) -> int | None:
    """The status an expression denotes: `404`, `status.HTTP_404_NOT_FOUND`, `HTTPStatus.OK`."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("HTTP_") and node.attr[5:8].isdigit():
            return int(node.attr[5:8])
        if last_name(node.value) == "HTTPStatus" and node.attr in HTTPStatus.__members__:
            return int(HTTPStatus[node.attr])
    return None


def http_exception_status(call: ast.Call) -> ast.expr | None:
    """The status argument of `HTTPException(...)` (positional or keyword)."""
    if last_name(call.func) not in ("HTTPException", "StarletteHTTPException"):
        return None
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "status_code":
            return keyword.value
    return None


# --- walking a function body -------------------------------------------------------------------


_BODY_ATTR = "_crudsmith_body_nodes"


def walk_body(func: FunctionNode) -> list[ast.AST]:
    """Every node of the function's body (depth first), not entering nested functions,
    classes or lambdas; the singleton contexts and operators (`Load`, `Add`) left out.

    Several rules read the same endpoint bodies: the list is computed once per
    function object (stored on the node, so it goes with its tree).
    """
    cached: list[ast.AST] | None = getattr(func, _BODY_ATTR, None)
    if cached is not None:
        return cached
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(func.body))
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(reversed(child_nodes(node)))
    setattr(func, _BODY_ATTR, nodes)
    return nodes


def body_statements(func: FunctionNode) -> list[ast.stmt]:
    """Every statement of the body, nested blocks included, not entering nested definitions.

    Much cheaper than `walk_body` (no expressions): enough for returns, raises, assignments.
    """
    found: list[ast.stmt] = []
    stack: list[ast.stmt] = list(reversed(func.body))
    while stack:
        stmt = stack.pop()
        found.append(stmt)
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        inner: list[ast.stmt] = []
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list):
                inner.extend(b for b in block if isinstance(b, ast.stmt))
        for handler in getattr(stmt, "handlers", ()):
            inner.extend(handler.body)
        for case in getattr(stmt, "cases", ()):
            inner.extend(case.body)
        stack.extend(reversed(inner))
    return found


@dataclass(frozen=True, slots=True)
class FileNodes:
    """Every call of a file, collected in one walk (the fallback of `calls_near`)."""

    calls: list[ast.Call]  # pre-order: a call comes before the calls inside it


def function_args(ctx: RuleContext) -> list[ast.arg]:
    """The parameters of every function in the file (nested ones too), from statements only."""
    found: list[ast.arg] = []
    stack: list[ast.stmt] = list(ctx.statements)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            args = stmt.args
            found.extend((*args.posonlyargs, *args.args, *args.kwonlyargs))
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list):
                stack.extend(b for b in block if isinstance(b, ast.stmt))
        for handler in getattr(stmt, "handlers", ()):
            stack.extend(handler.body)
    return found


def file_nodes(ctx: RuleContext) -> FileNodes:
    """The file's calls, walked once per parse and shared by the rules."""
    return memo(ctx.statements, "rest.file-nodes", _file_nodes)


def _file_nodes(statements: list[ast.stmt]) -> FileNodes:
    calls: list[ast.Call] = []
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            calls.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return FileNodes(calls)


def endpoint_label(ep: Endpoint) -> str:
    """How messages name an endpoint: `create_user` (POST /users)."""
    path = "<path>" if ep.path is None else ep.path or '""'
    return f"`{ep.func.name}` ({ep.method.upper()} {path})"


# Codes whose current Starlette name is recent (older Starlette only has the old name).
RENAMED_STATUS = frozenset({413, 414, 416, 422})


def endpoints(ctx: RuleContext) -> list[Endpoint]:
    """The file's endpoints (`fastapi_ast.iter_endpoints`, read once per parse)."""
    return list(iter_endpoints(ctx.statements))


def calls_near(ctx: RuleContext, pattern: re.Pattern[str]) -> Iterator[ast.Call]:
    """Calls in the top-level statements whose lines hold a match of `pattern` (no full walk).

    Parents come before the calls inside them (as in `file_nodes`).
    """
    source = ctx.source
    if "\r" in source and source.count("\r") != source.count("\r\n"):  # lone \r ends a line
        yield from file_nodes(ctx).calls
        return
    lines: list[int] = []
    line, position = 1, 0
    for match in pattern.finditer(ctx.source):
        line += ctx.source.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    for stmt in ctx.statements:
        first = min((d.lineno for d in getattr(stmt, "decorator_list", ())), default=stmt.lineno)
        index = bisect.bisect_left(lines, first)
        if index < len(lines) and lines[index] <= (stmt.end_lineno or stmt.lineno):
            for node in walk(stmt):
                if isinstance(node, ast.Call):
                    yield node


_DEPENDS_TEXT = re.compile(r"\b(?:Depends|Security)\(\s*([\w.]+)")


def dependency_names(ctx: RuleContext) -> frozenset[str]:
    """The last names of every `Depends(x)` / `Security(x)` target in the file.

    Read from the text in one regex pass (a comment could add a name: harmless
    for the rules, which only use it to tell dependencies from other functions).
    """
    cached = ctx.memo.get("rest.dependencies")
    if isinstance(cached, frozenset):
        return cached
    names = frozenset(m.rpartition(".")[2] for m in _DEPENDS_TEXT.findall(ctx.source))
    ctx.memo["rest.dependencies"] = names
    return names


def is_dependency(ctx: RuleContext, name: str) -> bool:
    """Whether the file passes `name` to `Depends(...)` / `Security(...)` somewhere."""
    return name in dependency_names(ctx)


def returns_value(func: FunctionNode) -> list[ast.Return]:
    """The `return <value>` statements whose value is not `None`."""
    return [
        node
        for node in body_statements(func)
        if isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ]


def awaits_anything(func: FunctionNode) -> bool:
    return any(
        isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith)
        or (isinstance(node, ast.comprehension) and node.is_async)
        for node in walk_body(func)
    )


# --- parameters --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    arg: ast.arg
    default: ast.expr | None

    @property
    def name(self) -> str:
        return self.arg.arg

    @property
    def annotation(self) -> ast.expr | None:
        return self.arg.annotation

    def base_type(self) -> ast.expr | None:
        """The annotation without `Annotated[...]`."""
        annotation = self.annotation
        if _is_annotated(annotation):
            assert isinstance(annotation, ast.Subscript)
            elts = _subscript_elts(annotation)
            return elts[0] if elts else None
        return annotation

    def markers(self) -> list[ast.Call]:
        """FastAPI marker calls: the default `Query(...)` and `Annotated[...]` metadata calls."""
        found: list[ast.Call] = []
        annotation = self.annotation
        if _is_annotated(annotation):
            assert isinstance(annotation, ast.Subscript)
            found.extend(e for e in _subscript_elts(annotation)[1:] if isinstance(e, ast.Call))
        if isinstance(self.default, ast.Call):
            found.append(self.default)
        return found

    def is_dependency(self) -> bool:
        return any(last_name(m.func) in DEPENDENCY_MARKERS for m in self.markers())


def params(func: FunctionNode) -> list[Param]:
    """Positional and keyword-only parameters with their defaults."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    found = [Param(a, d) for a, d in zip(positional, defaults, strict=True)]
    found.extend(Param(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True))
    return found


def _is_annotated(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Subscript) and last_name(node.value) == "Annotated"


def _subscript_elts(node: ast.Subscript) -> list[ast.expr]:
    if isinstance(node.slice, ast.Tuple):
        return list(node.slice.elts)
    return [node.slice]


def annotated_parts(node: ast.expr | None) -> tuple[ast.expr, list[ast.expr]] | None:
    """(type, metadata) of an `Annotated[type, *metadata]` expression, or None."""
    if not _is_annotated(node):
        return None
    assert isinstance(node, ast.Subscript)
    elts = _subscript_elts(node)
    return (elts[0], elts[1:]) if elts else None


def type_names(node: ast.expr | None) -> set[str]:
    """Every Name/Attribute's last name in a type (`list[User] | None` -> list, User, None)."""
    if node is None:
        return set()
    if isinstance(node, ast.Name):  # the common case, without a walk
        return {node.id}
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
        elif isinstance(inner, ast.Constant):
            if inner.value is None:
                found.add("None")
            elif isinstance(inner.value, str):  # a string annotation: its identifiers
                found.update(_identifiers(inner.value))
    return found


def _identifiers(text: str) -> set[str]:
    return set(_IDENTIFIER.findall(text))


_IDENTIFIER = re.compile(r"[^\W\d]\w*")


# --- sessions ----------------------------------------------------------------------------------


def session_params(func: FunctionNode, session_aliases: set[str] | None = None) -> set[str]:
    """Parameter names typed as a SQLAlchemy session (sync or async) or a session alias."""
    aliases = session_aliases or set()
    found: set[str] = set()
    for param in params(func):
        names = type_names(param.base_type())
        if names & {"Session", "AsyncSession", "scoped_session"} or names & aliases:
            found.add(param.name)
    return found


def is_session_like(node: ast.expr, session_vars: set[str]) -> bool:
    """`db`, `session`, `self.db`, `db.session` (Flask-SQLAlchemy) or a session-typed parameter."""
    name = dotted_name(node)
    if not name:
        return False
    if name in session_vars:
        return True
    last = name.rpartition(".")[2].lower()
    return last in SESSION_NAMES or last.endswith("_session") or last.endswith("_db")


def chain_root_call(node: ast.expr) -> ast.Call | None:
    """The innermost call of a method chain `a.b(...).c(...).d()` (the `a.b(...)` call)."""
    root: ast.Call | None = None
    while True:
        if isinstance(node, ast.Call):
            root = node
            node = node.func
        elif isinstance(node, ast.Attribute | ast.Await):
            node = node.value
        else:
            return root
