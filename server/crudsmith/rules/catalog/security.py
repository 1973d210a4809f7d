"""Security rules (CSM3xx): authentication, secrets, data exposure, uploads.

Column roles (sensitive, password hash, owner foreign key) come from
`crudsmith.generation.fields`, so the checker flags exactly what the generator
avoids.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from crudsmith.analysis.spec import ModelSpec, SourceSpan
from crudsmith.generation.fields import (
    PASSWORD_HASH_NAMES,
    SENSITIVE_NAME,
    find_user_model,
    is_sensitive,
    owner_column,
)
from crudsmith.rules.fastapi_ast import (
    Endpoint,
    FunctionNode,
    call_keyword,
    dotted_name,
    endpoint_of,
    iter_functions,
    last_name,
    routers,
)
from crudsmith.rules.gates import fragments, mentions, words
from crudsmith.rules.memo import FileFact, workspace_facts
from crudsmith.rules.model import Finding, Fix, RuleContext, Severity, TextEdit
from crudsmith.rules.readers_pydantic import (
    ClassIndex,
    all_endpoints,
    annotation_names,
    assignments_of,
    attribute_calls,
    calls_of,
    class_fields,
    class_index,
    endpoint_body_models,
    file_nodes,
    imports_module,
    insert_at_end,
    local_types,
    node_span,
    orm_model_of,
    point,
    response_models,
    source_of,
    walk,
    walk_statements,
    whole_lines_span,
    with_import,
    within,
)
from crudsmith.rules.registry import rule

MUTATING = frozenset({"post", "put", "patch", "delete"})
AUTH_NAME = re.compile(
    r"current_?user|get_current|require_|requires_|CurrentUser|AdminUser|ActiveUser|"
    r"Security|OAuth2|HTTPBearer|HTTPBasic|APIKey|api_key|verify_|authenticate|authorize|"
    r"auth_required|login_required|is_authenticated|permission|Principal|get_user_from_token|"
    r"check_token|validate_token",
    re.IGNORECASE,
)
AUTH_PROVIDER = re.compile(
    r"^(get_current_(active_)?(super)?user|current_(active_)?user|CurrentUser|CurrentActiveUser|"
    r"AdminUser|require_(admin|user|auth|login|scopes?|permissions?)|get_user_from_token|"
    r"auth_required|login_required)$"
)
# The name of a function passed to `Depends(...)` that authenticates or authorises.
AUTH_DEPENDENCY = re.compile(
    r"user|admin|auth|token|verif|permission|scope|principal|login|credential|api_?key|"
    r"bearer|oauth|jwt|secur|guard|protect|role|staff|superuser|identity|account|member",
    re.IGNORECASE,
)
PUBLIC_ENDPOINT = re.compile(
    r"login|logout|token|register|signup|sign_up|sign-up|signin|sign_in|sign-in|forgot|reset|"
    r"webhook|health|callback|verify|confirm|activate|challenge|mfa|otp|2fa|oauth|sso|saml",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- CSM301


@rule(
    "CSM301",
    "mutation-without-auth",
    "Mutating endpoint (POST/PUT/PATCH/DELETE) without an authentication dependency",
    Severity.WARNING,
    """An endpoint that creates, changes or deletes data and declares no authentication
dependency can be called by anyone. Depend on the current user (a `CurrentUser` alias,
`Depends(get_current_user)`, `Security(...)`, an `OAuth2`/`HTTPBearer` scheme) in the
signature, in the decorator's `dependencies=[...]`, or on the router. Login, token,
registration, password-reset and webhook endpoints are exempt, and so is a registration
endpoint that hashes the new user's password. When the project defines a `CurrentUser`
dependency the (unsafe) fix adds a `current_user: CurrentUser` parameter.

Bad:

```python
@router.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int, db: SessionDep) -> None: ...
```

Good:

```python
@router.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int, db: SessionDep, current_user: CurrentUser) -> None: ...
```
""",
    fixable=True,
)
def mutation_without_auth_rule(ctx: RuleContext) -> Iterator[Finding]:
    endpoints = [ep for ep in all_endpoints(ctx) if _is_mutating(ep)]
    if not endpoints or not _project_has_auth(ctx) or _auth_middleware_anywhere(ctx):
        return
    guarded = _guarded_owners(ctx)
    aliases = _auth_aliases(ctx)
    for endpoint in endpoints:
        if endpoint.owner in guarded or _is_public(endpoint) or _has_auth(endpoint, aliases):
            continue
        label = endpoint.path if endpoint.path is not None else endpoint.func.name
        yield Finding(
            "CSM301",
            f"`{_verb(endpoint)} {label}` (`{endpoint.func.name}`) changes data but"
            " requires no authentication",
            node_span(endpoint.decorator),
            Severity.WARNING,
            _auth_fix(ctx, endpoint),
        )


SECURITY_SCHEMES = frozenset(
    {
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "OAuth2",
        "HTTPBearer",
        "HTTPBasic",
        "HTTPDigest",
        "APIKeyHeader",
        "APIKeyCookie",
        "APIKeyQuery",
        "OpenIdConnect",
    }
)


def _project_has_auth(ctx: RuleContext) -> bool:
    """Some file defines or imports an authentication dependency: the app has auth, so a
    mutation without it is an omission (an app with no auth at all is not reported)."""
    return any(value for _path, value in workspace_facts(ctx, _AUTH))


AUTH_MIDDLEWARE = re.compile(r"auth|permission|login|jwt|oauth|token|acl|rbac", re.IGNORECASE)


def _auth_middleware_anywhere(ctx: RuleContext) -> bool:
    """An authentication middleware guards every route: per-endpoint dependencies are not
    how this app authenticates, so none is missing."""
    facts = workspace_facts(ctx, _AUTH_MIDDLEWARE)
    return any(value for _path, value in facts)


def _has_auth_middleware(statements: list[ast.stmt]) -> bool:
    """Module-level statements and those of module-level functions (an app factory) only:
    every workspace file is read, so this stays shallow."""
    for stmt in statements:
        inner = stmt.body if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) else []
        for node in [stmt, *inner]:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if AUTH_MIDDLEWARE.search(node.name) and any(
                    isinstance(d, ast.Call) and last_name(d.func) == "middleware"
                    for d in node.decorator_list
                ):
                    return True
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                call = node.value
                if (
                    last_name(call.func) == "add_middleware"
                    and call.args
                    and AUTH_MIDDLEWARE.search(last_name(call.args[0]))
                ):
                    return True
    return False


def _defines_auth(statements: list[ast.stmt]) -> bool:
    for stmt in statements:
        names: list[str] = []
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [stmt.name]
        elif isinstance(stmt, ast.ImportFrom):
            if (stmt.module or "").startswith(("fastapi_users", "fastapi_login", "authx")):
                return True
            names = [alias.asname or alias.name for alias in stmt.names]
            names = [n for n in names if n not in SECURITY_SCHEMES]
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            value = stmt.value
            if isinstance(value, ast.Call) and last_name(value.func) in SECURITY_SCHEMES:
                return True
        if any(AUTH_PROVIDER.search(name) for name in names):
            return True
    return False


def _is_mutating(endpoint: Endpoint) -> bool:
    if endpoint.method in MUTATING:
        return True
    if endpoint.method != "api_route":
        return False
    methods = endpoint.keyword("methods")
    return isinstance(methods, ast.List | ast.Tuple) and any(
        isinstance(m, ast.Constant) and str(m.value).lower() in MUTATING for m in methods.elts
    )


def _verb(endpoint: Endpoint) -> str:
    if endpoint.method in MUTATING:
        return endpoint.method.upper()
    methods = endpoint.keyword("methods")
    elts = methods.elts if isinstance(methods, ast.List | ast.Tuple) else []
    verbs = [str(m.value).upper() for m in elts if isinstance(m, ast.Constant)]
    return "/".join(verbs) or endpoint.method.upper()


def _auth_like(node: ast.AST | None, aliases: frozenset[str] = frozenset()) -> bool:
    """`node` names an authentication dependency: `CurrentUser`, `Security(...)`,
    `Depends(get_admin_user)`, an `HTTPBearer` scheme, an auth alias of the workspace."""
    if node is None:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and sub.args and last_name(sub.func) == "Depends":
            target = sub.args[0]
            if isinstance(target, ast.Call):
                target = target.func
            if AUTH_DEPENDENCY.search(last_name(target)):
                return True
        name = (
            sub.id
            if isinstance(sub, ast.Name)
            else sub.attr
            if isinstance(sub, ast.Attribute)
            else ""
        )
        if name and (AUTH_NAME.search(name) or name in aliases):
            return True
    return False


def _has_auth(endpoint: Endpoint, aliases: frozenset[str]) -> bool:
    args = endpoint.func.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    defaults = [*args.defaults, *args.kw_defaults]
    if any(AUTH_NAME.search(arg.arg) or _auth_like(arg.annotation, aliases) for arg in params):
        return True
    if any(_auth_like(default, aliases) for default in defaults):
        return True
    if _auth_like(endpoint.keyword("dependencies"), aliases):
        return True
    for node in walk(endpoint.func):
        if isinstance(node, ast.Call) and _auth_like(node.func):
            return True
        if isinstance(node, ast.Name) and node.id == "current_user":
            return True  # Flask-Login's proxy, or a user resolved by hand
    return any(
        last_name(d) in ("login_required", "requires", "auth_required")
        for d in endpoint.func.decorator_list
    )


def _auth_aliases(ctx: RuleContext) -> frozenset[str]:
    """`X = Annotated[User, Depends(<auth>)]` aliases of the file and the workspace."""
    found: set[str] = set()
    for _path, aliases in workspace_facts(ctx, _AUTH_ALIASES):
        found.update(aliases)
    return frozenset(found)


def _file_auth_aliases(statements: list[ast.stmt]) -> frozenset[str]:
    found: set[str] = set()
    for stmt in statements:
        target, value = _module_assignment(stmt)
        if (
            target is not None
            and isinstance(value, ast.Subscript)
            and last_name(value.value) == "Annotated"
            and _auth_like(value.slice)
        ):
            found.add(target)
    return frozenset(found)


def _is_public(endpoint: Endpoint) -> bool:
    if PUBLIC_ENDPOINT.search(endpoint.func.name) or PUBLIC_ENDPOINT.search(endpoint.path or ""):
        return True
    # Registration: creating an account hashes the new user's password.
    return endpoint.method == "post" and any(
        isinstance(node, ast.Call) and "hash" in last_name(node.func).lower()
        for node in walk(endpoint.func)
    )


def _guarded_owners(ctx: RuleContext) -> set[str]:
    """Routers / apps of this file declared (or included) with an auth dependency."""
    guarded: set[str] = set()
    for name, call in routers(ctx.statements).items():
        if _auth_like(call_keyword(call, "dependencies")):
            guarded.add(name)
    for stmt in ctx.statements:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call)
            and last_name(stmt.value.func) == "FastAPI"
            and _auth_like(call_keyword(stmt.value, "dependencies"))
        ):
            guarded.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    stem = re.sub(r"\.pyi?$", "", ctx.path.replace("\\", "/").rpartition("/")[2])
    for _path, includes in workspace_facts(ctx, _AUTH_INCLUDES):
        for included in includes:
            module, _, attr = included.rpartition(".")
            if not module or module.rpartition(".")[2] == stem:
                guarded.add(attr or included)
    return guarded


def _auth_included_routers(statements: list[ast.stmt]) -> list[str]:
    """The routers a file includes with an authentication dependency, as written."""
    found: list[str] = []
    for stmt in statements:
        body = stmt.body if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) else [stmt]
        for inner in body:
            call = inner.value if isinstance(inner, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "include_router"
                and call.args
                and _auth_like(call_keyword(call, "dependencies"))
            ):
                found.append(dotted_name(call.args[0]))
    return found


def _auth_fix(ctx: RuleContext, endpoint: Endpoint) -> Fix | None:
    imports: list[TextEdit] = []
    if not _current_user_visible(ctx):
        module = _current_user_module(ctx)
        if module is None:
            return None
        with_import(ctx, imports, module, "CurrentUser")
    args = endpoint.func.args
    if args.vararg or args.posonlyargs:
        return None
    plain = args.args[: len(args.args) - len(args.defaults)]
    text = "current_user: CurrentUser"
    if plain:
        edit = insert_at_end(plain[-1], f", {text}")
    elif args.args:
        first = args.args[0]
        edit = TextEdit(point(first.lineno, first.col_offset), f"{text}, ")
    elif args.kwonlyargs:
        first = args.kwonlyargs[0]
        edit = TextEdit(point(first.lineno, first.col_offset), f"{text}, ")
    else:
        paren = _open_paren(ctx, endpoint.func)
        if paren is None:
            return None
        edit = TextEdit(point(paren[0], paren[1]), text)
    return Fix("Require `current_user: CurrentUser`", (edit, *imports), safe=False)


def _current_user_visible(ctx: RuleContext) -> bool:
    if any((spec.alias or spec.name) == "CurrentUser" for spec in ctx.analysis.imports):
        return True
    return _defines_current_user(ctx.statements)


def _current_user_module(ctx: RuleContext) -> str | None:
    """The module to import `CurrentUser` from, when a workspace file defines it and its
    dotted name follows from this file's own imports (`from app.db import ...` and
    `.../app/deps.py` give `app.deps`)."""
    if ctx.workspace is None:
        return None
    packages = {
        spec.module.rpartition(".")[0]
        for spec in ctx.analysis.imports
        if "." in spec.module and not spec.module.startswith(".")
    }
    for path, defines in workspace_facts(ctx, _DEFINES_CURRENT_USER):
        if path == ctx.path or not defines:
            continue
        posix = "/" + path.replace("\\", "/").removesuffix(".py")
        for package in sorted(packages):
            if posix.endswith("/" + package.replace(".", "/") + "/" + posix.rpartition("/")[2]):
                return f"{package}.{posix.rpartition('/')[2]}"
    return None


def _defines_current_user(statements: list[ast.stmt]) -> bool:
    return any(_module_assignment(stmt)[0] == "CurrentUser" for stmt in statements)


def _open_paren(ctx: RuleContext, func: FunctionNode) -> tuple[int, int] | None:
    """(line, byte column) just after the `(` of `def name(`."""
    lines = ctx.source.splitlines()
    for line_no in range(func.lineno, min(func.body[0].lineno, len(lines)) + 1):
        raw = lines[line_no - 1].encode("utf-8")
        marker = f"def {func.name}".encode()
        at = raw.find(marker)
        if at >= 0:
            paren = raw.find(b"(", at + len(marker))
            if paren >= 0:
                return line_no, paren + 1
    return None


# ---------------------------------------------------------------- CSM302

RESPONSE_SUFFIX = re.compile(r"(Public|Response|Out|Read|Detail|View)$")
TOKEN_CLASS = re.compile(
    r"Token|Login|Auth|Credential|Session|Challenge|Mfa|OAuth|Refresh|Verif|Otp|Sso",
    re.IGNORECASE,
)
HARMLESS_TYPES = frozenset(
    {"bool", "int", "float", "datetime", "date", "time", "timedelta", "UUID", "None", "Optional"}
)


@rule(
    "CSM302",
    "sensitive-field-exposed",
    "Sensitive field (password, hash, secret, token, api key, salt) in a response",
    Severity.ERROR,
    """A response schema with a field named like a password, a password hash, a secret, a
token, an API key or a salt sends it to every client; so does an endpoint without a response
model that returns an ORM object with such a column (FastAPI serialises every attribute).
Leave such fields out of response schemas and always declare a response model. Token
responses (`Token`, `LoginResponse`: an `access_token` is their point), boolean flags
(`has_password`) and dates (`password_changed_at`) are not reported. The (unsafe) fix drops
the field from the schema.

Bad:

```python
class UserPublic(BaseModel):
    id: int
    email: str
    hashed_password: str
```

Good:

```python
class UserPublic(BaseModel):
    id: int
    email: str
```
""",
    fixable=True,
)
def sensitive_field_rule(ctx: RuleContext) -> Iterator[Finding]:
    index = class_index(ctx)
    endpoints = all_endpoints(ctx)
    responses = {name for ep in endpoints for name, _node in response_models(ep)}
    bodies = {name for ep in endpoints for name in endpoint_body_models(ep, index)}
    for name, cls in index.local.items():
        is_response = name in responses or (RESPONSE_SUFFIX.search(name) and name not in bodies)
        if not is_response or TOKEN_CLASS.search(name) or index.is_settings(cls):
            continue
        for field in class_fields(cls):
            assert isinstance(field.target, ast.Name)
            if not _sensitive_name(field.target.id) or _harmless(field.annotation):
                continue
            yield Finding(
                "CSM302",
                f"response schema `{name}` exposes the sensitive field `{field.target.id}`",
                node_span(field),
                Severity.ERROR,
                _drop_field_fix(ctx, cls, field),
            )
    for endpoint in endpoints:
        finding = _orm_without_response_model(ctx, endpoint, index)
        if finding is not None:
            yield finding


# Tokens a response is meant to carry: pagination cursors, CSRF tokens, challenges.
CARRIED_TOKEN = re.compile(
    r"page|next|prev|cursor|continuation|csrf|xsrf|sync|pagination|challenge|idempotency",
    re.IGNORECASE,
)


def _sensitive_name(name: str) -> bool:
    match = SENSITIVE_NAME.search(name)
    if match is None:
        return False
    if match.group(2).lower() == "token" and CARRIED_TOKEN.search(name):
        return False
    if match.group(2).lower() == "hash":
        return name in PASSWORD_HASH_NAMES
    return name.lower() not in ("token_type",)


def _harmless(annotation: ast.expr) -> bool:
    names = annotation_names(annotation)
    return bool(names) and all(name in HARMLESS_TYPES for name in names)


def _drop_field_fix(ctx: RuleContext, cls: ast.ClassDef, field: ast.AnnAssign) -> Fix:
    others = [
        stmt
        for stmt in cls.body
        if stmt is not field
        and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
    ]
    assert isinstance(field.target, ast.Name)
    title = f"Drop `{field.target.id}` from the response schema"
    if others or len(cls.body) > 1:
        return Fix(title, (TextEdit(whole_lines_span(field), ""),), safe=False)
    return Fix(title, (TextEdit(node_span(field), "pass"),), safe=False)


def _orm_without_response_model(
    ctx: RuleContext, endpoint: Endpoint, index: ClassIndex
) -> Finding | None:
    explicit = endpoint.keyword("response_model")
    declared = explicit if explicit is not None else endpoint.func.returns
    declared_names = annotation_names(declared)
    if declared is not None and (
        any(isinstance(node, ast.Attribute) for node in ast.walk(declared))
        or not declared_names
        or not all(n in index.orm_models or n in ("None", "list", "List") for n in declared_names)
    ):
        return None  # a schema (`schemas.core.Token` is one even if a model shares its name)
    model = _returned_model(endpoint.func, index, declared_names)
    if model is None or TOKEN_CLASS.search(model.name):
        return None
    exposed = [col.name for col in model.columns if is_sensitive(col) and _sensitive_name(col.name)]
    if not exposed:
        return None
    return Finding(
        "CSM302",
        f"`{endpoint.func.name}` returns `{model.name}` without a response model, exposing"
        f" `{exposed[0]}`",
        node_span(endpoint.decorator),
        Severity.ERROR,
    )


def _returned_model(func: FunctionNode, index: ClassIndex, declared: list[str]) -> ModelSpec | None:
    for name in declared:
        if name in index.orm_models:
            return index.orm_models[name]
    assigned: dict[str, ast.expr] = {}
    statements = list(walk_statements(func))  # assignments and returns are statements
    for node in statements:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                assigned[target.id] = node.value
    for node in statements:
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in assigned:
            value = assigned[value.id]
        if isinstance(value, ast.Await):
            value = value.value
        model = orm_model_of(value, index.orm_models)
        if model is not None:
            return index.orm_models[model]
    return None


def _session_lookup(call: ast.Call) -> bool:
    for sub in ast.walk(call):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in ("get", "query", "scalar", "scalars", "exec", "first", "one")
        ):
            return True
    return False


# ---------------------------------------------------------------- CSM303


@rule(
    "CSM303",
    "jwt-decode-unverified",
    "`jwt.decode` without `algorithms=` or with signature verification off",
    Severity.ERROR,
    """`jwt.decode` must be told which algorithms it accepts: without `algorithms=`, PyJWT
refuses to decode and older libraries accept whatever the token's header claims (including
`none`, or an HMAC keyed with the public RSA key). Turning verification off
(`options={"verify_signature": False}`, `verify=False`) accepts forged tokens. The fix adds
`algorithms=[...]` with the algorithm the same file encodes with, or its `ALGORITHM`
constant, when one is visible.

Bad:

```python
claims = jwt.decode(token, settings.secret_key)
```

Good:

```python
claims = jwt.decode(token, settings.secret_key, algorithms=[settings.algorithm])
```
""",
    fixable=True,
)
def jwt_decode_rule(ctx: RuleContext) -> Iterator[Finding]:
    if not (imports_module(ctx, "jwt") or imports_module(ctx, "jose")):
        return
    calls = calls_of(ctx.statements)
    for call in calls:
        if not _is_jwt_call(ctx, call, "decode"):
            continue
        if _verification_off(call):
            yield Finding(
                "CSM303",
                "`jwt.decode` with signature verification turned off accepts forged tokens",
                node_span(call),
                Severity.ERROR,
            )
        elif (
            call_keyword(call, "algorithms") is None
            and not any(kw.arg is None for kw in call.keywords)
            and len(call.args) < 3
        ):
            algorithm = _visible_algorithm(ctx, calls)
            fix = None
            if algorithm is not None and call.args:
                last = call.keywords[-1] if call.keywords else call.args[-1]
                fix = Fix(
                    f"Add `algorithms=[{algorithm}]`",
                    (insert_at_end(last, f", algorithms=[{algorithm}]"),),
                )
            yield Finding(
                "CSM303",
                "`jwt.decode` without `algorithms=` trusts the algorithm the token names",
                node_span(call),
                Severity.ERROR,
                fix,
            )


def _is_jwt_call(ctx: RuleContext, call: ast.Call, method: str) -> bool:
    name = dotted_name(call.func)
    if name in (f"jwt.{method}", f"jose.jwt.{method}", f"pyjwt.{method}"):
        return True
    return name == method and any(
        spec.name == method and spec.module.split(".")[0] in ("jwt", "jose")
        for spec in ctx.analysis.imports
    )


def _verification_off(call: ast.Call) -> bool:
    verify = call_keyword(call, "verify")
    if isinstance(verify, ast.Constant) and verify.value is False:
        return True
    options = call_keyword(call, "options")
    if isinstance(options, ast.Dict):
        for key, value in zip(options.keys, options.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value == "verify_signature"
                and isinstance(value, ast.Constant)
                and value.value is False
            ):
                return True
    return False


def _visible_algorithm(ctx: RuleContext, calls: list[ast.Call]) -> str | None:
    for call in calls:
        if _is_jwt_call(ctx, call, "encode"):
            algorithm = call_keyword(call, "algorithm")
            if algorithm is not None and not isinstance(algorithm, ast.Call):
                return source_of(ctx, algorithm)
    for stmt in ctx.statements:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id in ("ALGORITHM", "JWT_ALGORITHM"):
                return target.id
    return None


# ---------------------------------------------------------------- CSM304

SECRET_SETTING = re.compile(
    r"(^|_)(password|passwd|pwd|secret|secret_key|api_?key|private_key|signing_key|token|salt)$",
    re.IGNORECASE,
)


@rule(
    "CSM304",
    "hardcoded-secret",
    "Hard-coded secret default in settings or a JWT key constant",
    Severity.ERROR,
    """A secret written in the source (`secret_key: str = "changeme"` in a settings class, a
`SECRET_KEY = "..."` constant in a module that signs tokens, `os.getenv("SECRET_KEY",
"dev")`) ends up in version control and, when nobody sets the variable, in production: anyone
who reads the code can forge tokens. Give the setting no default (so a missing value fails at
start-up), or generate one at start-up outside production. An empty string default is not
reported. The (unsafe) fix removes the default from a settings field.

Bad:

```python
class Settings(BaseSettings):
    secret_key: str = "changeme"
```

Good:

```python
class Settings(BaseSettings):
    secret_key: str
```
""",
    fixable=True,
)
def hardcoded_secret_rule(ctx: RuleContext) -> Iterator[Finding]:
    index = class_index(ctx)
    for name, cls in index.local.items():
        if not index.is_settings(cls):
            continue
        for field in class_fields(cls):
            assert isinstance(field.target, ast.Name)
            literal = _secret_literal(field.value)
            if literal is None or not SECRET_SETTING.search(field.target.id):
                continue
            fix = None
            if isinstance(field.value, ast.Constant):
                end = node_span(field.annotation)
                default = node_span(field.value)
                removal = SourceSpan(end.end_line, end.end_col, default.end_line, default.end_col)
                fix = Fix(
                    f"Remove the default of `{field.target.id}`",
                    (TextEdit(removal, ""),),
                    safe=False,
                )
            yield Finding(
                "CSM304",
                f"settings field `{name}.{field.target.id}` has a hard-coded secret default",
                node_span(field.value) if field.value is not None else node_span(field),
                Severity.ERROR,
                fix,
            )
    if not (
        imports_module(ctx, "jwt")
        or imports_module(ctx, "jose")
        or imports_module(ctx, "itsdangerous")
    ):
        return
    for stmt in ctx.statements:
        target, value = _module_assignment(stmt)
        if target is None or value is None or not target.isupper():
            continue
        if SECRET_SETTING.search(target) and _secret_literal(value) is not None:
            yield Finding(
                "CSM304",
                f"`{target}` is a hard-coded secret; read it from the environment without a"
                " default",
                node_span(value),
                Severity.ERROR,
            )


def _module_assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            return target.id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None, None


def _secret_literal(value: ast.expr | None) -> str | None:
    """The non-empty string a default hard-codes, through `Field(...)`, `SecretStr(...)`, getenv."""
    if value is None:
        return None
    if isinstance(value, ast.Constant):
        return value.value if isinstance(value.value, str) and value.value else None
    if not isinstance(value, ast.Call):
        return None
    name = dotted_name(value.func)
    short = name.rpartition(".")[2]
    if short == "Field":
        default = call_keyword(value, "default")
        if default is None and value.args:
            default = value.args[0]
        return _secret_literal(default)
    if short in ("SecretStr", "SecretBytes") and value.args:
        return _secret_literal(value.args[0])
    if name in ("os.getenv", "os.environ.get", "getenv", "environ.get") and len(value.args) == 2:
        return _secret_literal(value.args[1])
    return None


# ---------------------------------------------------------------- CSM305


@rule(
    "CSM305",
    "cors-wildcard-credentials",
    "CORS allows any origin (`*`) together with credentials",
    Severity.ERROR,
    """`allow_origins=["*"]` with `allow_credentials=True` asks browsers to send cookies and
authorization headers to any site's scripts. Browsers refuse the literal combination, and
middlewares that "fix" it by echoing the request's origin make every site a trusted origin.
List the allowed origins explicitly (from settings) when credentials are allowed. The
(unsafe) fix turns credentials off.

Bad:

```python
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
```

Good:

```python
app.add_middleware(
    CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True
)
```
""",
    fixable=True,
)
def cors_rule(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, CORS_MIDDLEWARE):  # the call or its argument names it
        return
    for node in calls_of(ctx.statements):
        if _is_cors_call(node):
            origins = call_keyword(node, "allow_origins")
            regex = call_keyword(node, "allow_origin_regex")
            credentials = call_keyword(node, "allow_credentials")
            if not _is_true(credentials) or not (_wildcard(origins) or _any_regex(regex)):
                continue
            assert credentials is not None
            yield Finding(
                "CSM305",
                "CORS allows any origin together with `allow_credentials=True`",
                node_span(origins if origins is not None else node),
                Severity.ERROR,
                Fix(
                    "Set `allow_credentials=False`",
                    (TextEdit(node_span(credentials), "False"),),
                    safe=False,
                ),
            )


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


CORS_MIDDLEWARE = words("CORSMiddleware")


def _is_cors_call(call: ast.Call) -> bool:
    if last_name(call.func) == "CORSMiddleware":
        return True
    return bool(call.args) and last_name(call.args[0]) == "CORSMiddleware"


def _wildcard(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == "*"
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == "*" for e in node.elts)
    return False


def _any_regex(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in (
        ".*",
        ".+",
        "^.*$",
        "^.+$",
        "https?://.*",
    )


# ---------------------------------------------------------------- CSM306

RESPONSE_CALLS = frozenset(
    {
        "JSONResponse",
        "ORJSONResponse",
        "UJSONResponse",
        "PlainTextResponse",
        "HTMLResponse",
        "Response",
        "HTTPException",
    }
)

RESPONSE_CALL_NAMES = words(*sorted(RESPONSE_CALLS))


@rule(
    "CSM306",
    "exception-detail-leak",
    "Exception details (`str(exc)`, traceback) in a 500 response",
    Severity.WARNING,
    """A 500 response whose body carries the exception (`str(exc)`, `repr(exc)`,
`exc.args`, an f-string with it, `traceback.format_exc()`) shows clients internal details:
SQL, file paths, hostnames, sometimes data of other users. Log the exception and answer with
a fixed message. Handlers for specific exceptions that map to 4xx (e.g. `ValueError` -> 400)
are not reported. The (unsafe) fix replaces the detail with `"Internal server error"`.

Bad:

```python
@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=500, content={"detail": str(exc)})
```

Good:

```python
@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error")
    return JSONResponse(status_code=500, content={"detail": "Internal server error"})
```
""",
    fixable=True,
)
def exception_leak_rule(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, RESPONSE_CALL_NAMES):  # no response built here: no call to read
        return
    if not any(last_name(call.func) in RESPONSE_CALLS for call in calls_of(ctx.statements)):
        return
    catch_all = _catch_all_handlers(ctx)
    responses = [c for c in calls_of(ctx.statements) if last_name(c.func) in RESPONSE_CALLS]
    for func in iter_functions(ctx.statements):
        calls = within(func, responses)
        if not calls:
            continue
        exc_names = _exception_names(func, func.name in catch_all)
        if not exc_names:
            continue
        for node in calls:
            status = _status_of(node)
            if not (
                _is_500(status)
                or (
                    status is None
                    and func.name in catch_all
                    and last_name(node.func) != "HTTPException"
                )
            ):
                continue
            leaks = list(_leaking_parts(node, exc_names))
            if not leaks:
                continue
            yield Finding(
                "CSM306",
                f"`{func.name}` puts exception details into a 500 response",
                node_span(leaks[0]),
                Severity.WARNING,
                Fix(
                    "Answer with a fixed message",
                    tuple(TextEdit(node_span(part), '"Internal server error"') for part in leaks),
                    safe=False,
                ),
            )


def _catch_all_handlers(ctx: RuleContext) -> set[str]:
    """Functions registered as handlers of `Exception` (decorator or add_exception_handler)."""
    found: set[str] = set()
    for func in iter_functions(ctx.statements):
        for decorator in func.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and last_name(decorator.func) == "exception_handler"
                and decorator.args
                and last_name(decorator.args[0]) in ("Exception", "BaseException", "500")
            ):
                found.add(func.name)
            if (
                isinstance(decorator, ast.Call)
                and last_name(decorator.func) == "exception_handler"
                and decorator.args
                and _is_500(decorator.args[0])
            ):
                found.add(func.name)
    for node in calls_of(ctx.statements):
        if (
            last_name(node.func) == "add_exception_handler"
            and len(node.args) == 2
            and (last_name(node.args[0]) in ("Exception", "BaseException") or _is_500(node.args[0]))
        ):
            found.add(last_name(node.args[1]))
    return found


def _exception_names(func: FunctionNode, handler: bool) -> set[str]:
    names = {
        node.name
        for node in walk_statements(func)
        if isinstance(node, ast.ExceptHandler) and node.name
    }
    positional = func.args.args
    if (handler and len(positional) >= 2) or (
        any(
            isinstance(d, ast.Call) and last_name(d.func) == "exception_handler"
            for d in func.decorator_list
        )
        and len(positional) >= 2
    ):
        names.add(positional[1].arg)
    return names


def _status_of(call: ast.Call) -> ast.expr | None:
    status = call_keyword(call, "status_code")
    if status is None and last_name(call.func) == "HTTPException" and call.args:
        status = call.args[0]
    return status


def _is_500(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == 500
    return node is not None and last_name(node) == "HTTP_500_INTERNAL_SERVER_ERROR"


def _leaking_parts(call: ast.Call, exc_names: set[str]) -> Iterator[ast.expr]:
    """The argument values (or dict values) of the response that carry the exception."""
    values: list[ast.expr] = [
        kw.value for kw in call.keywords if kw.arg not in ("status_code", "headers")
    ]
    if last_name(call.func) == "HTTPException":
        values += call.args[1:2]
    else:
        values += call.args[:1]
    for value in values:
        if isinstance(value, ast.Dict):
            yield from (v for v in value.values if _mentions_exception(v, exc_names))
        elif _mentions_exception(value, exc_names):
            yield value


def _mentions_exception(node: ast.expr, exc_names: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in exc_names:
            return True
        if isinstance(sub, ast.Call) and dotted_name(sub.func).startswith("traceback."):
            return True
    return False


# ---------------------------------------------------------------- CSM307

PASSWORD_INPUT = re.compile(r"(^|_)(password|passwd|pwd)$", re.IGNORECASE)
PASSWORD_PARTS = fragments("password", "passwd", "pwd", ignore_case=True)
DUMP_METHODS = words("model_dump", "dict")


@rule(
    "CSM307",
    "password-stored-unhashed",
    "A request's password stored in a model without hashing",
    Severity.ERROR,
    """A password from a request must be hashed (Argon2 / bcrypt via pwdlib or passlib)
before it reaches the database. Building the row from the whole request
(`User(**payload.model_dump())` when the payload has a `password` field), passing
`password=payload.password` to the model, or assigning `user.hashed_password =
payload.password` stores it in clear text. Exclude it from the dump and store its hash.

Bad:

```python
@router.post("/users", status_code=201)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(**payload.model_dump())
    ...
```

Good:

```python
@router.post("/users", status_code=201)
def create_user(payload: UserCreate, db: SessionDep) -> UserPublic:
    user = User(
        **payload.model_dump(exclude={"password"}),
        hashed_password=hash_password(payload.password),
    )
    ...
```
""",
)
def password_unhashed_rule(ctx: RuleContext) -> Iterator[Finding]:
    functions = list(iter_functions(ctx.statements))
    if not functions:  # every finding is inside a function
        return
    if not _mentions_password(ctx):
        return
    index = class_index(ctx)
    if not index.orm_models:
        return
    orm = index.orm_models
    constructors = [c for c in calls_of(ctx.statements) if last_name(c.func) in orm]
    stores = [
        node
        for node in file_nodes(ctx.statements).get(ast.Assign, [])
        if isinstance(node, ast.Assign) and _stores_raw_password(node)
    ]
    for func in functions:
        calls = within(func, constructors)
        assigned = within(func, stores)
        if not calls and not assigned:
            continue
        request = _request_inputs(func, index, assignments_of(ctx.statements))
        for call in calls:
            yield from _unhashed_in_constructor(ctx, call, request, index)
        for node in assigned:
            if _raw_password(node.value, request):
                yield Finding(
                    "CSM307",
                    f"`{source_of(ctx, node.targets[0])}` is set to a plain password",
                    node_span(node),
                    Severity.ERROR,
                )


def _request_inputs(
    func: FunctionNode, index: ClassIndex, assignments: list[ast.AST]
) -> dict[str, str]:
    """Names holding request data: Pydantic-typed names (name -> class), and, in an
    endpoint, its plain parameters (name -> "")."""
    inputs = local_types(func, index, None, assignments)
    if endpoint_of(func) is not None:
        for arg in [*func.args.args, *func.args.kwonlyargs]:
            inputs.setdefault(arg.arg, "")
    return inputs


def _stores_raw_password(node: ast.Assign) -> bool:
    """`obj.hashed_password = <something named password>` (never `self.password = ...`)."""
    if len(node.targets) != 1:
        return False
    target = node.targets[0]
    value = node.value
    name = last_name(value) if isinstance(value, ast.Name | ast.Attribute) else ""
    return (
        isinstance(target, ast.Attribute)
        and last_name(target.value) != "self"
        and bool(PASSWORD_INPUT.search(target.attr.replace("hashed_", "").replace("_hash", "")))
        and bool(PASSWORD_INPUT.search(name))
    )


def _mentions_password(ctx: RuleContext) -> bool:
    if not mentions(ctx, PASSWORD_PARTS) and not mentions(ctx, DUMP_METHODS):
        return False  # neither a password-like identifier nor a dump method: skip the walk
    statements = ctx.statements
    nodes = file_nodes(statements)
    return any(
        PASSWORD_INPUT.search(node.attr if isinstance(node, ast.Attribute) else node.id)
        for kind in (ast.Attribute, ast.Name)
        for node in nodes.get(kind, [])
        if isinstance(node, ast.Attribute | ast.Name)
    ) or any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        for node in attribute_calls(statements, ("model_dump", "dict"))
    )


def _unhashed_in_constructor(
    ctx: RuleContext, call: ast.Call, types: dict[str, str], index: ClassIndex
) -> Iterator[Finding]:
    model = last_name(call.func)
    for keyword in call.keywords:
        if keyword.arg is None:
            dumped = _dumped_with_password(keyword.value, types, index)
            if dumped:
                yield Finding(
                    "CSM307",
                    f"`{model}(**{source_of(ctx, keyword.value)})` stores `{dumped}` unhashed",
                    node_span(keyword),
                    Severity.ERROR,
                )
        elif (
            PASSWORD_INPUT.search(keyword.arg) or keyword.arg in PASSWORD_HASH_NAMES
        ) and _raw_password(keyword.value, types):
            yield Finding(
                "CSM307",
                f"`{model}({keyword.arg}=...)` stores a plain password",
                node_span(keyword),
                Severity.ERROR,
            )


def _raw_password(value: ast.expr, request: dict[str, str]) -> bool:
    """`payload.password` of a request model, or an endpoint's `password` parameter, as is
    (not passed through a hash function)."""
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        return bool(request.get(value.value.id)) and bool(PASSWORD_INPUT.search(value.attr))
    if isinstance(value, ast.Name):
        return value.id in request and bool(PASSWORD_INPUT.search(value.id))
    return False


def _dumped_with_password(value: ast.expr, types: dict[str, str], index: ClassIndex) -> str:
    """The password field name when `value` dumps a request model that has one, else ""."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in ("model_dump", "dict")
        and isinstance(value.func.value, ast.Name)
    ):
        return ""
    cls_name = types.get(value.func.value.id)
    cls = index.pydantic(cls_name) if cls_name else None
    if cls is None:
        return ""
    fields = [
        f.target.id
        for known in index.bases_chain(cls)
        for f in class_fields(known)
        if isinstance(f.target, ast.Name) and PASSWORD_INPUT.search(f.target.id)
    ]
    if not fields:
        return ""
    excluded = call_keyword(value, "exclude")
    if excluded is not None:
        text = {sub.value for sub in ast.walk(excluded) if isinstance(sub, ast.Constant)}
        fields = [f for f in fields if f not in text]
        if isinstance(excluded, ast.Name):
            return ""
    return fields[0] if fields else ""


# ---------------------------------------------------------------- CSM308


@rule(
    "CSM308",
    "missing-owner-check",
    "Update/delete of an owned row that never checks the owner (BOLA)",
    Severity.WARNING,
    """When a model has an owner foreign key to the user model (`author_id`, `owner_id`,
`user_id` -> users), any authenticated user who can change or delete a row by id can change
or delete everyone's rows unless the endpoint compares the owner with the current user
(broken object-level authorisation, OWASP API1). The rule accepts a comparison or filter on
the owner column, or handing the current user to a helper (`ensure_can_change(row, user)`).
An endpoint with no authentication at all has no current user to compare with: that is
CSM301's finding, not this one.

Bad:

```python
@router.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int, db: SessionDep, current_user: CurrentUser) -> None:
    db.delete(db.get(Post, post_id))
```

Good:

```python
@router.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int, db: SessionDep, current_user: CurrentUser) -> None:
    post = db.get(Post, post_id)
    if post.author_id != current_user.id and not current_user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN)
    db.delete(post)
```
""",
)
def owner_check_rule(ctx: RuleContext) -> Iterator[Finding]:
    endpoints = [ep for ep in all_endpoints(ctx) if ep.method in ("put", "patch", "delete")]
    if not endpoints:
        return
    models = {m.name: m for m in ctx.analysis.models}
    if ctx.workspace is not None:
        for _path, spec in ctx.workspace.models():
            models.setdefault(spec.name, spec)
    user = find_user_model(tuple(models.values()))
    if user is None:
        return
    helpers = _model_returning_helpers(ctx, models)
    guarded = _guarded_owners(ctx)
    aliases = _auth_aliases(ctx)
    for endpoint in endpoints:
        if endpoint.owner not in guarded and not _has_auth(endpoint, aliases):
            continue  # no user to compare with: CSM301 covers it
        model = _endpoint_model(endpoint, models, helpers)
        if model is None:
            continue
        owner = owner_column(model, user)
        if owner is None or _checks_owner(endpoint, owner.name):
            continue
        yield Finding(
            "CSM308",
            f"`{endpoint.func.name}` changes a `{model.name}` without checking its owner"
            f" `{owner.name}` against the current user",
            node_span(endpoint.decorator),
            Severity.WARNING,
        )


def _model_returning_helpers(ctx: RuleContext, models: dict[str, ModelSpec]) -> dict[str, str]:
    found: dict[str, str] = {}
    for func in iter_functions(ctx.statements):
        names = [n for n in annotation_names(func.returns) if n in models]
        if len(names) == 1:
            found[func.name] = names[0]
    return found


LOOKUPS = frozenset({"select", "query", "get", "get_one", "delete", "update"})


def _endpoint_model(
    endpoint: Endpoint, models: dict[str, ModelSpec], helpers: dict[str, str]
) -> ModelSpec | None:
    seen: list[str] = []
    for node in walk(endpoint.func):
        if isinstance(node, ast.Call):
            helper = helpers.get(last_name(node.func))
            if helper is not None:
                seen.append(helper)
            lookup = last_name(node.func) in LOOKUPS or _session_lookup(node)
            seen += [
                arg.id
                for arg in node.args
                if lookup and isinstance(arg, ast.Name) and arg.id in models
            ]
    distinct = set(seen)
    return models[seen[0]] if len(distinct) == 1 else None


def _checks_owner(endpoint: Endpoint, owner: str) -> bool:
    user_params = {
        arg.arg
        for arg in [*endpoint.func.args.args, *endpoint.func.args.kwonlyargs]
        if AUTH_NAME.search(arg.arg) or _auth_like(arg.annotation) or arg.arg in ("user", "actor")
    }
    for node in walk(endpoint.func):
        if isinstance(node, ast.Attribute) and node.attr == owner:
            return True
        if isinstance(node, ast.keyword) and node.arg == owner:
            return True
        if isinstance(node, ast.Call) and any(
            isinstance(arg, ast.Name) and arg.id in user_params
            for arg in [*node.args, *(kw.value for kw in node.keywords)]
        ):
            return True
    return False


# ---------------------------------------------------------------- CSM309


_UPLOAD_FILE = words("UploadFile")


@rule(
    "CSM309",
    "unbounded-upload-read",
    "Upload read whole (or its size checked only after it was received) with no limit",
    Severity.WARNING,
    """`await file.read()` (or `file.file.read()`) loads the whole upload into memory, and
checking `file.size` or `len(content)` afterwards comes too late: a client can send
gigabytes first. Read in chunks and stop as soon as the running total passes the limit
(`while chunk := await file.read(64 * 1024): ...`), and cap the request size in front of the
app.

Bad:

```python
@router.post("/upload")
async def upload(file: UploadFile, current_user: CurrentUser) -> dict[str, int]:
    content = await file.read()
    if len(content) > MAX_UPLOAD:
        raise HTTPException(413)
    ...
```

Good:

```python
@router.post("/upload")
async def upload(file: UploadFile, current_user: CurrentUser) -> dict[str, int]:
    size = 0
    while chunk := await file.read(64 * 1024):
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise HTTPException(413, "File too large")
    ...
```
""",
)
def upload_read_rule(ctx: RuleContext) -> Iterator[Finding]:
    if not mentions(ctx, _UPLOAD_FILE):
        return
    for func in iter_functions(ctx.statements):
        uploads = {
            arg.arg
            for arg in [*func.args.args, *func.args.kwonlyargs]
            if "UploadFile" in annotation_names(arg.annotation)
        }
        if not uploads:
            continue
        chunked = False
        whole: list[tuple[ast.AST, str]] = []
        sized: list[tuple[ast.AST, str]] = []
        for node in walk(func):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "read":
                    upload = _upload_of(node.func.value, uploads)
                    if upload is None:
                        continue
                    if node.args and not _is_negative(node.args[0]):
                        chunked = True
                    else:
                        whole.append((node, upload))
            elif isinstance(node, ast.Compare):
                for side in [node.left, *node.comparators]:
                    if isinstance(side, ast.Attribute) and side.attr == "size":
                        upload = _upload_of(side.value, uploads)
                        if upload is not None:
                            sized.append((node, upload))
        for node, upload in whole:
            yield Finding(
                "CSM309",
                f"upload `{upload}` is read whole into memory with no size limit",
                node_span(node),
                Severity.WARNING,
            )
        if not chunked and not whole:
            for node, upload in sized:
                yield Finding(
                    "CSM309",
                    f"the size of upload `{upload}` is checked only after it was received",
                    node_span(node),
                    Severity.WARNING,
                )


def _upload_of(node: ast.expr, uploads: set[str]) -> str | None:
    if isinstance(node, ast.Name) and node.id in uploads:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr == "file" and isinstance(node.value, ast.Name):
        return node.value.id if node.value.id in uploads else None
    return None


def _is_negative(node: ast.expr) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)


# Facts every file of the workspace is asked for (see rules.memo.FileFact).
_AUTH = FileFact("auth", _defines_auth)
_AUTH_MIDDLEWARE = FileFact("auth-middleware", _has_auth_middleware)
_AUTH_ALIASES = FileFact("auth-aliases", _file_auth_aliases)
_AUTH_INCLUDES = FileFact("auth-includes", _auth_included_routers)
_DEFINES_CURRENT_USER = FileFact("defines-current-user", _defines_current_user)
