"""CSM1xx: REST conventions and status codes of FastAPI endpoints.

Only files that import FastAPI or Starlette are looked at. Endpoints are read
with `fastapi_ast.iter_endpoints`; nothing of the user's code is imported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from http import HTTPStatus

from crudsmith.rules.fastapi_ast import (
    Endpoint,
    apps,
    call_keyword,
    dotted_name,
    last_name,
    routers,
)
from crudsmith.rules.gates import mentions, words
from crudsmith.rules.model import Finding, Fix, RuleContext, Severity, TextEdit
from crudsmith.rules.readers_rest import (
    RENAMED_STATUS,
    Param,
    annotated_parts,
    body_statements,
    bound_import,
    calls_near,
    chain_root_call,
    endpoint_label,
    endpoints,
    ensure_import,
    http_exception_status,
    imports_fastapi,
    insert_after,
    is_session_like,
    line_indent,
    module_binds,
    node_span,
    params,
    point,
    replace,
    returns_value,
    segment,
    session_params,
    source_lines,
    status_code_of,
    status_expr,
    type_names,
    walk_body,
    with_newlines,
)
from crudsmith.rules.registry import rule

# --- shared helpers ----------------------------------------------------------------------------


def _label(ep: Endpoint) -> str:
    return endpoint_label(ep)


def _endpoints(ctx: RuleContext) -> Iterator[Endpoint]:
    if imports_fastapi(ctx):
        yield from endpoints(ctx)


def _add_decorator_keyword(ep: Endpoint, text: str) -> TextEdit:
    """Insert `text` (a `name=value` keyword) right after the path argument of the decorator."""
    call = ep.decorator
    if call.args:
        return insert_after(call.args[0], f", {text}")
    if call.keywords:
        first = node_span(call.keywords[0])
        return TextEdit(point(first.line, first.col), f"{text}, ")
    end = node_span(call)
    return TextEdit(point(end.end_line, end.end_col - 1), text)


def _status_fix(ctx: RuleContext, ep: Endpoint, code: int, title: str, safe: bool) -> Fix | None:
    expr = status_expr(ctx, code)
    if expr is None:
        return None
    text, imports = expr
    current = ep.keyword("status_code")
    edit = (
        replace(current, text)
        if current is not None
        else _add_decorator_keyword(ep, f"status_code={text}")
    )
    return Fix(title, (edit, *imports), safe=safe)


def _answers_itself(ep: Endpoint) -> bool:
    """The endpoint builds its own Response or sets `response.status_code`: leave it alone."""
    for param in params(ep.func):
        if type_names(param.base_type()) & {"Response"}:
            return True
    for node in body_statements(ep.func):
        if (
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Call)
            and last_name(node.value.func).endswith("Response")
        ):
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "status_code" for t in node.targets
        ):
            return True
    return False


def _last_segment(path: str | None) -> str:
    return (path or "").rstrip("/").rpartition("/")[2]


# --- CSM101 --------------------------------------------------------------------------------------

_ACTION_SEGMENTS = frozenset(
    {"login", "logout", "token", "refresh", "verify", "reset", "search", "query", "batch", "bulk"}
)


# Identifiers, so spaced (`db.add (user)`) and fullwidth spellings pass too.
_SESSION_ADDS = words("add", "add_all")


def _creates(ep: Endpoint) -> bool:
    sessions = session_params(ep.func)
    for node in walk_body(ep.func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("add", "add_all")
            and is_session_like(node.func.value, sessions)
        ):
            return True
    return False


@rule(
    "CSM101",
    "create-without-201",
    "A POST endpoint that creates a resource answers 200 instead of 201 Created.",
    Severity.WARNING,
    """A POST endpoint that adds a row to the session creates a resource, and HTTP says
so with `201 Created`. FastAPI answers `200 OK` unless the decorator declares
`status_code`. The fix adds `status_code=status.HTTP_201_CREATED` (and the `status`
import); it changes what clients receive, so it is offered but not applied by fix-all.

Bad:

```python
@router.post("/users")
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.model_dump())
    db.add(user)
    db.commit()
    return UserPublic.model_validate(user)
```

Good:

```python
@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.model_dump())
    db.add(user)
    db.commit()
    return UserPublic.model_validate(user)
```
""",
    fixable=True,
)
def create_without_201(ctx: RuleContext) -> Iterator[Finding]:
    found = list(_endpoints(ctx))  # first: a models file has none, and the text is long
    if not found or not mentions(ctx, _SESSION_ADDS):
        return
    for ep in found:
        if ep.method != "post" or ep.keyword("status_code") is not None:
            continue
        segment = _last_segment(ep.path)
        if segment.startswith("{") or segment.lower() in _ACTION_SEGMENTS:
            continue
        if not _creates(ep) or not returns_value(ep.func) or _answers_itself(ep):
            continue
        yield Finding(
            "CSM101",
            f"{_label(ep)} creates a resource but answers 200; declare status_code=201",
            node_span(ep.decorator.func),
            Severity.WARNING,
            _status_fix(ctx, ep, 201, "Answer 201 Created", safe=False),
        )


# --- CSM102 --------------------------------------------------------------------------------------


@rule(
    "CSM102",
    "delete-not-204",
    "A DELETE endpoint answers with a body or without 204 No Content.",
    Severity.WARNING,
    """A successful DELETE has nothing to say: answer `204 No Content` and no body.
Without `status_code`, FastAPI answers `200 OK` with `null`; a DELETE that returns
the deleted object keeps a representation alive that clients should not use. When
the function returns nothing, the fix declares `status_code=status.HTTP_204_NO_CONTENT`
(offered, not applied by fix-all: clients see another status).

Bad:

```python
@router.delete("/users/{user_id}")
def delete_user(user_id: int, db: SessionDep) -> None:
    db.delete(get_user_or_404(db, user_id))
    db.commit()
```

Good:

```python
@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, db: SessionDep) -> None:
    db.delete(get_user_or_404(db, user_id))
    db.commit()
```
""",
    fixable=True,
)
def delete_not_204(ctx: RuleContext) -> Iterator[Finding]:
    for ep in _endpoints(ctx):
        if ep.method != "delete" or _answers_itself(ep):
            continue
        declared = ep.keyword("status_code")
        code = status_code_of(declared)
        if declared is not None and code not in (200, 204):
            continue  # 202 Accepted and friends are deliberate; unknown expressions too
        span = node_span(ep.decorator.func)
        has_body = bool(returns_value(ep.func))
        if code == 204:
            if has_body:
                message = f"{_label(ep)} declares 204 No Content but returns a body"
                yield Finding("CSM102", message, span, Severity.WARNING)
            continue
        if has_body:
            message = f"{_label(ep)} returns a body; a DELETE answers 204 No Content"
            yield Finding("CSM102", message, span, Severity.WARNING)
            continue
        fix = _status_fix(ctx, ep, 204, "Answer 204 No Content", safe=False)
        message = f"{_label(ep)} answers 200 with no content; declare status_code=204"
        yield Finding("CSM102", message, span, Severity.WARNING, fix)


# --- CSM103 --------------------------------------------------------------------------------------

_VERBS = frozenset(
    {
        "get",
        "fetch",
        "retrieve",
        "list",
        "create",
        "add",
        "insert",
        "update",
        "edit",
        "modify",
        "delete",
        "remove",
        "destroy",
    }
)
_VERB_PREFIXES = tuple(_VERBS)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _path_verb(path: str) -> tuple[str, str] | None:
    """(segment, verb) of the first path segment that starts with a CRUD verb."""
    for part in path.split("/"):
        if not part or part.startswith("{") or not part.lower().startswith(_VERB_PREFIXES):
            continue
        words = [w.lower() for w in _WORD.findall(part)]
        if not words or words[0] not in _VERBS:
            continue
        if words[:2] == ["add", "ons"]:
            continue  # `/add-ons` is a noun
        return part, words[0]
    return None


@rule(
    "CSM103",
    "verb-in-path",
    "A route path names an action (`/getUsers`, `/users/create`) instead of a resource.",
    Severity.WARNING,
    """REST paths name resources; the HTTP method is the verb. `GET /getUsers`,
`POST /users/create` or `DELETE /delete_user/{id}` repeat the method in the path and
make the API harder to guess. Use the collection and the item: `/users`,
`/users/{user_id}`. No automatic fix: renaming a path breaks clients.

Bad:

```python
@router.post("/users/create")
def create_user(payload: UserCreate) -> UserPublic: ...
```

Good:

```python
@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(payload: UserCreate) -> UserPublic: ...
```
""",
)
def verb_in_path(ctx: RuleContext) -> Iterator[Finding]:
    for ep in _endpoints(ctx):
        if ep.path is None:
            continue
        found = _path_verb(ep.path)
        if found is None:
            continue
        part, verb = found
        node = ep.decorator.args[0] if ep.decorator.args else ep.keyword("path")
        assert node is not None
        message = f"path {ep.path!r} of `{ep.func.name}` names the action {verb!r} in {part!r}"
        yield Finding("CSM103", message, node_span(node), Severity.WARNING)


# --- CSM104 --------------------------------------------------------------------------------------

_LIMIT_NAMES = frozenset({"limit", "page_size", "per_page", "pagesize", "page_limit"})
_BOUND_KEYWORDS = ("le", "lt")
PAGE_MAX = 100


def _has_upper_bound(param: Param) -> bool:
    for marker in param.markers():
        name = last_name(marker.func)
        if name in ("Le", "Lt", "Interval") or any(
            k.arg in _BOUND_KEYWORDS for k in marker.keywords
        ):
            return True
    parts = annotated_parts(param.annotation)
    return parts is not None and any(
        isinstance(m, ast.Call) and last_name(m.func) in ("Le", "Lt", "Interval") for m in parts[1]
    )


def _limit_fix(ctx: RuleContext, param: Param) -> Fix | None:
    markers = [m for m in param.markers() if last_name(m.func) == "Query"]
    bound = PAGE_MAX
    default = param.default
    if markers:
        query = markers[0]
        default = query.args[0] if query.args else call_keyword(query, "default")
    if isinstance(default, ast.Constant) and type(default.value) is int:
        bound = max(PAGE_MAX, default.value)
    if markers:
        last = [*query.args, *query.keywords]
        edit = (
            insert_after(last[-1], f", le={bound}")
            if last
            else TextEdit(
                point(node_span(query).end_line, node_span(query).end_col - 1), f"le={bound}"
            )
        )
        return Fix(f"Bound `{param.name}` with le={bound}", (edit,))
    if param.markers() or annotated_parts(param.annotation) is not None:
        return None  # another marker (Body, Field, ...) we do not rewrite
    base = param.annotation
    annotated = ensure_import(ctx, "typing", "Annotated")
    query_import = ensure_import(ctx, "fastapi", "Query")
    if base is None or annotated is None or query_import is None:
        return None
    text = f"Annotated[{segment(ctx, base)}, Query(ge=1, le={bound})]"
    edits = (replace(base, text), *annotated, *query_import)
    return Fix(f"Bound `{param.name}` with Query(ge=1, le={bound})", edits)


@rule(
    "CSM104",
    "unbounded-limit",
    "A list endpoint's `limit` parameter has no upper bound.",
    Severity.WARNING,
    """A list endpoint whose `limit` (or `page_size`, `per_page`) has no maximum lets one
request read the whole table: `?limit=10000000`. Declare `le=` on the query
parameter. The fix adds `le=100` to an existing `Query(...)`, or turns a plain
default into `Annotated[int, Query(ge=1, le=100)]`.

Bad:

```python
@router.get("/users")
def list_users(db: SessionDep, skip: int = 0, limit: int = 20) -> UserPage: ...
```

Good:

```python
@router.get("/users")
def list_users(
    db: SessionDep,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UserPage: ...
```
""",
    fixable=True,
)
def unbounded_limit(ctx: RuleContext) -> Iterator[Finding]:
    for ep in _endpoints(ctx):
        if ep.method != "get":
            continue
        path_params = set(re.findall(r"{(\w+)", ep.path or ""))
        for param in params(ep.func):
            if param.name.lower() not in _LIMIT_NAMES or param.name in path_params:
                continue
            if "int" not in type_names(param.base_type()) or param.is_dependency():
                continue
            if _has_upper_bound(param):
                continue
            message = f"`{param.name}` of {_label(ep)} has no upper bound (add le=)"
            yield Finding(
                "CSM104", message, node_span(param.arg), Severity.WARNING, _limit_fix(ctx, param)
            )


# --- CSM105 --------------------------------------------------------------------------------------


# A cheap text test first: most files never write a status as a number. Parentheses,
# white space and line continuations may stand before the digits: `status_code=(200)`.
_BARE_STATUS_TEXT = re.compile(r"status_code[\s\\]*=[\s(\\]*\d|HTTPException[\s\\]*\([\s(\\]*\d")


def _bare_status_nodes(ctx: RuleContext) -> Iterator[tuple[ast.Constant, int]]:
    """Int literals used as a status: decorator/response `status_code=`, `HTTPException(404)`."""
    for node in calls_near(ctx, _BARE_STATUS_TEXT):
        callee = last_name(node.func)
        candidates: list[ast.expr] = []
        if callee in ("HTTPException", "StarletteHTTPException"):
            status = http_exception_status(node)
            if status is not None:
                candidates.append(status)
        elif callee.endswith("Response") or (
            isinstance(node.func, ast.Attribute)
            and (node.func.attr in ("get", "post", "put", "patch", "delete", "api_route"))
        ):
            for keyword in node.keywords:
                if keyword.arg == "status_code":
                    candidates.append(keyword.value)
        for candidate in candidates:
            if isinstance(candidate, ast.Constant) and type(candidate.value) is int:
                yield candidate, candidate.value


@rule(
    "CSM105",
    "bare-status-code",
    "An HTTP status written as a bare int instead of `status.HTTP_...`.",
    Severity.INFO,
    """`status_code=404` and `HTTPException(404, ...)` make the reader remember what the
number means; `status.HTTP_404_NOT_FOUND` says it, and a typo becomes an error
instead of a wrong answer. The fix replaces the number with the `fastapi.status`
constant of the same value and adds the import (for 413, 414, 416 and 422 it
writes Starlette's current names, e.g. `HTTP_422_UNPROCESSABLE_CONTENT`, which
need Starlette 0.48 or later, so that fix is not part of fix-all).

Bad:

```python
@router.post("/users", status_code=201)
def create_user(payload: UserCreate) -> UserPublic:
    raise HTTPException(409, "Email taken")
```

Good:

```python
@router.post("/users", status_code=status.HTTP_201_CREATED, responses={409: {}})
def create_user(payload: UserCreate) -> UserPublic:
    raise HTTPException(status.HTTP_409_CONFLICT, "Email taken")
```
""",
    fixable=True,
)
def bare_status_code(ctx: RuleContext) -> Iterator[Finding]:
    if not imports_fastapi(ctx) or not _BARE_STATUS_TEXT.search(ctx.source):
        return
    for node, code in _bare_status_nodes(ctx):
        expr = status_expr(ctx, code)
        fix = None
        if expr is not None:
            text, imports = expr
            # A renamed constant needs Starlette >= 0.48: offered, not applied by fix-all.
            safe = code not in RENAMED_STATUS
            fix = Fix(f"Use {text}", (replace(node, text), *imports), safe=safe)
        message = f"status {code} written as a bare int; use status.HTTP_{code}_..."
        if expr is not None:
            message = f"status {code} written as a bare int; use {expr[0]}"
        yield Finding("CSM105", message, node_span(node), Severity.INFO, fix)


# --- CSM106 --------------------------------------------------------------------------------------


def _raised_statuses(ep: Endpoint) -> list[int]:
    found: list[int] = []
    for node in body_statements(ep.func):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            code = status_code_of(http_exception_status(node.exc))
            # 500 is the catch-all every endpoint may answer; documenting it says nothing.
            if code is not None and 400 <= code != 500 and code not in found:
                found.append(code)
    return found


def _declared_statuses(responses: ast.Dict) -> set[int] | None:
    """The status keys of a literal `responses=` dict; None when a key is not readable."""
    declared: set[int] = set()
    for key in responses.keys:
        if key is None:
            return None  # `**other`
        code = status_code_of(key)
        if code is None and isinstance(key, ast.Constant) and isinstance(key.value, str):
            code = int(key.value) if key.value.isdigit() else None
        if code is None:
            if isinstance(key, ast.Constant) and key.value in ("default", "4XX", "5XX"):
                continue
            return None
        declared.add(code)
    return declared


def _response_entry(ctx: RuleContext, code: int) -> str:
    """`404: {...}`, with the file's `ErrorResponse` model when it has one (as crudsmith writes)."""
    phrase = HTTPStatus(code).phrase
    if bound_import(ctx, "ErrorResponse") is not None or module_binds(ctx, "ErrorResponse"):
        return f'{code}: {{"model": ErrorResponse, "description": "{phrase}"}}'
    return f'{code}: {{"description": "{phrase}"}}'


def _responses_fix(
    ctx: RuleContext, ep: Endpoint, responses: ast.Dict | None, missing: list[int]
) -> Fix:
    entries = ", ".join(_response_entry(ctx, code) for code in missing)
    if responses is None:
        edit = _add_decorator_keyword(ep, f"responses={{{entries}}}")
    elif responses.values and responses.lineno != responses.end_lineno:
        last_key = responses.keys[-1]
        assert last_key is not None  # _declared_statuses refused `**spread`
        indent = line_indent(ctx, last_key.lineno)
        lines = "".join(f",\n{indent}{_response_entry(ctx, code)}" for code in missing)
        edit = insert_after(responses.values[-1], with_newlines(ctx, lines))
    elif responses.values:
        edit = insert_after(responses.values[-1], f", {entries}")
    else:
        end = node_span(responses)
        edit = TextEdit(point(end.end_line, end.end_col - 1), entries)
    return Fix("Declare the raised statuses in responses=", (edit,))


@rule(
    "CSM106",
    "undeclared-error-response",
    "An endpoint raises an HTTP status its `responses=` does not document.",
    Severity.INFO,
    """FastAPI documents only the success response and 422 by itself; a status the
endpoint raises (`raise HTTPException(status_code=404)`) is invisible in the OpenAPI
schema unless `responses=` declares it, so generated clients do not expect it. The
fix adds the missing codes to a literal `responses=` dict (or adds one); a
`responses=` built by a call or a variable is left alone.

Bad:

```python
@router.get("/users/{user_id}")
def get_user(user_id: int, db: SessionDep) -> UserPublic:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return user
```

Good:

```python
@router.get("/users/{user_id}", responses={404: {"model": ErrorResponse}})
def get_user(user_id: int, db: SessionDep) -> UserPublic:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return user
```
""",
    fixable=True,
)
def undeclared_error_response(ctx: RuleContext) -> Iterator[Finding]:
    owners: dict[str, set[int] | None] | None = None
    for ep in _endpoints(ctx):
        hidden = ep.keyword("include_in_schema")
        if isinstance(hidden, ast.Constant) and hidden.value is False:
            continue
        raised = _raised_statuses(ep)
        if not raised:
            continue
        responses = ep.keyword("responses")
        if responses is not None and not isinstance(responses, ast.Dict):
            continue
        declared = _declared_statuses(responses) if responses is not None else set()
        if owners is None:
            owners = _owner_responses(ctx)
        inherited = owners.get(ep.owner, set())
        if declared is None or inherited is None:
            continue  # something we cannot read may declare them
        missing = [code for code in raised if code not in declared | inherited]
        if not missing:
            continue
        codes = ", ".join(str(code) for code in missing)
        message = f"{_label(ep)} raises {codes} but does not declare it in responses="
        fix = _responses_fix(ctx, ep, responses, missing)
        yield Finding("CSM106", message, node_span(ep.decorator.func), Severity.INFO, fix)


def _owner_responses(ctx: RuleContext) -> dict[str, set[int] | None]:
    """`responses=` of the file's `APIRouter(...)` / `FastAPI(...)`, which every route inherits.

    None for an owner whose `responses=` is not a literal dict we can read.
    """
    found: dict[str, set[int] | None] = {}
    for name, call in {**routers(ctx.statements), **apps(ctx.statements)}.items():
        value = call_keyword(call, "responses")
        if value is None:
            continue
        found[name] = _declared_statuses(value) if isinstance(value, ast.Dict) else None
    return found


# --- CSM107 --------------------------------------------------------------------------------------


def _partial_dump(ep: Endpoint) -> ast.Call | None:
    for node in walk_body(ep.func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("model_dump", "dict")
        ):
            for keyword in node.keywords:
                if (
                    keyword.arg == "exclude_unset"
                    and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value is True
                ):
                    return node
    return None


_EXCLUDE_UNSET = words("exclude_unset")


@rule(
    "CSM107",
    "put-partial-update",
    "A PUT endpoint applies a partial update (`exclude_unset=True`); that is PATCH.",
    Severity.WARNING,
    """PUT replaces the whole resource: fields the client leaves out are reset. An
endpoint that dumps its payload with `exclude_unset=True` and changes only the
fields sent implements PATCH semantics under the PUT method, which surprises
clients and caches. The fix changes the decorator to `.patch` (not applied by
fix-all: clients calling PUT would get 405).

Bad:

```python
@router.put("/users/{user_id}")
def update_user(user_id: int, payload: UserUpdate, db: SessionDep) -> UserPublic:
    user = get_user_or_404(db, user_id)
    for name, value in payload.model_dump(exclude_unset=True).items():
        setattr(user, name, value)
    db.commit()
    return UserPublic.model_validate(user)
```

Good:

```python
@router.patch("/users/{user_id}")
def update_user(user_id: int, payload: UserUpdate, db: SessionDep) -> UserPublic:
    user = get_user_or_404(db, user_id)
    for name, value in payload.model_dump(exclude_unset=True).items():
        setattr(user, name, value)
    db.commit()
    return UserPublic.model_validate(user)
```
""",
    fixable=True,
)
def put_partial_update(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, _EXCLUDE_UNSET):
        return
    for ep in _endpoints(ctx):
        if ep.method != "put" or _partial_dump(ep) is None:
            continue
        attr = ep.decorator.func
        assert isinstance(attr, ast.Attribute)
        end = node_span(attr)
        method_span = type(end)(end.end_line, end.end_col - len("put"), end.end_line, end.end_col)
        fix = Fix("Declare the endpoint as PATCH", (TextEdit(method_span, "patch"),), safe=False)
        message = f"{_label(ep)} updates only the fields sent (exclude_unset=True); use PATCH"
        yield Finding("CSM107", message, end, Severity.WARNING, fix)


# --- CSM108 --------------------------------------------------------------------------------------

_MAYBE_NONE = frozenset({"first", "scalar_one_or_none", "one_or_none"})


def _lookup_model(call: ast.Call, sessions: set[str]) -> tuple[bool, str | None]:
    """(is a possibly-None lookup, the model name when readable)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False, None
    if func.attr == "get":
        if is_session_like(func.value, sessions) and len(call.args) >= 2:
            return True, dotted_name(call.args[0]) or None
        return False, None
    if func.attr not in _MAYBE_NONE:
        return False, None
    model: str | None = None
    session_seen = False
    for node in ast.walk(call):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = last_name(node.func)
            if isinstance(node.func, ast.Attribute) and is_session_like(node.func.value, sessions):
                session_seen = True
            if name in ("select", "query") and node.args and model is None:
                model = dotted_name(node.args[0]) or None
    return session_seen, model


def _unwrap_await(node: ast.expr | None) -> ast.expr | None:
    return node.value if isinstance(node, ast.Await) else node


def _checked(func_body: list[ast.stmt], start: int, name: str) -> bool:
    """Whether a statement after `start` tests `name` (if / assert / while / a boolean use)."""
    for stmt in func_body[start + 1 :]:
        for node in ast.walk(stmt):
            test: ast.expr | None = None
            if isinstance(node, ast.If | ast.While | ast.Assert | ast.IfExp):
                test = node.test
            elif isinstance(node, ast.BoolOp | ast.Compare):
                test = node
            if test is not None and any(
                isinstance(n, ast.Name) and n.id == name for n in ast.walk(test)
            ):
                return True
    return False


def _returned_names(func_body: list[ast.stmt], start: int) -> set[str]:
    found: set[str] = set()
    for stmt in func_body[start + 1 :]:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Return) and node.value is not None:
                found.update(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name))
    return found


def _not_found_fix(ctx: RuleContext, stmt: ast.stmt, var: str, model: str | None) -> Fix | None:
    imports = ensure_import(ctx, "fastapi", "HTTPException", "status")
    if imports is None:
        return None
    indent = line_indent(ctx, stmt.lineno)
    detail = f"{model} not found" if model else "Not found"
    lines = (
        f"{indent}if {var} is None:\n"
        f"{indent}    raise HTTPException(\n"
        f"{indent}        status_code=status.HTTP_404_NOT_FOUND,\n"
        f'{indent}        detail="{detail}",\n'
        f"{indent}    )\n"
    )
    end = node_span(stmt).end_line
    edit = (
        TextEdit(point(end + 1, 0), with_newlines(ctx, lines))
        if end < len(source_lines(ctx))
        else insert_after(stmt, with_newlines(ctx, "\n" + lines.rstrip("\n")))
    )
    return Fix(f"Answer 404 when `{var}` is None", (edit, *imports), safe=False)


@rule(
    "CSM108",
    "missing-404",
    "A get-by-id endpoint returns a lookup that may be None without answering 404.",
    Severity.WARNING,
    """`db.get(User, user_id)`, `.first()` and `.scalar_one_or_none()` give `None` when no
row matches. Returned as is, that becomes `200 null` (or a 500 from response
validation) instead of `404 Not Found`. Check the result and raise. The fix inserts
the check after the lookup; review the detail message it writes.

Bad:

```python
@router.get("/users/{user_id}")
def get_user(user_id: int, db: SessionDep) -> UserPublic:
    user = db.get(User, user_id)
    return UserPublic.model_validate(user)
```

Good:

```python
@router.get("/users/{user_id}", responses={404: {"model": ErrorResponse}})
def get_user(user_id: int, db: SessionDep) -> UserPublic:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="User not found")
    return UserPublic.model_validate(user)
```
""",
    fixable=True,
)
def missing_404(ctx: RuleContext) -> Iterator[Finding]:
    for ep in _endpoints(ctx):
        if ep.method != "get" or "{" not in (ep.path or ""):
            continue
        if "None" in type_names(ep.func.returns) or "Optional" in type_names(ep.func.returns):
            continue
        sessions = session_params(ep.func)
        body = ep.func.body
        for index, stmt in enumerate(body):
            yield from _check_lookup(ctx, ep, body, index, stmt, sessions)


def _check_lookup(
    ctx: RuleContext,
    ep: Endpoint,
    body: list[ast.stmt],
    index: int,
    stmt: ast.stmt,
    sessions: set[str],
) -> Iterator[Finding]:
    if isinstance(stmt, ast.Return):
        value = _unwrap_await(stmt.value)
        if isinstance(value, ast.Call) and _lookup_model(value, sessions)[0]:
            message = f"{_label(ep)} returns a lookup that may be None; answer 404 instead"
            yield Finding("CSM108", message, node_span(value), Severity.WARNING)
        return
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return
    value = _unwrap_await(stmt.value)
    if not isinstance(value, ast.Call) or chain_root_call(value) is None:
        return
    is_lookup, model = _lookup_model(value, sessions)
    var = stmt.targets[0].id
    if not is_lookup or _checked(body, index, var) or var not in _returned_names(body, index):
        return
    message = f"`{var}` in {_label(ep)} may be None and is returned without a 404"
    yield Finding(
        "CSM108",
        message,
        node_span(stmt.targets[0]),
        Severity.WARNING,
        _not_found_fix(ctx, stmt, var, model),
    )
