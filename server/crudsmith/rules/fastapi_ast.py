"""Reading FastAPI / Pydantic constructs from `ast` statements, shared by the rules.

Recognition is by shape and by name as written, since nothing is imported:
`@<name>.get("/path", ...)` on a function is an endpoint, `<name> = APIRouter(...)`
a router, a class whose bases (transitively, within the file) include
`BaseModel` / `BaseSettings` / a non-table `SQLModel` a Pydantic model.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from crudsmith.rules.memo import FileFact, memo

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
PYDANTIC_ROOTS = frozenset({"BaseModel", "BaseSettings", "SQLModel", "RootModel"})

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class Endpoint:
    func: FunctionNode
    decorator: ast.Call
    owner: str  # "router", "app", ... the object the decorator is called on
    method: str  # "get", "post", ... ("api_route" when declared that way)
    path: str | None  # the path literal, None when not a literal

    @property
    def is_async(self) -> bool:
        return isinstance(self.func, ast.AsyncFunctionDef)

    def keyword(self, name: str) -> ast.expr | None:
        return call_keyword(self.decorator, name)


def dotted_name(node: ast.expr) -> str:
    """`a.b.c` for Name/Attribute chains, "" otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def last_name(node: ast.expr) -> str:
    """The last component of a dotted name (`pydantic.BaseModel` -> `BaseModel`)."""
    return dotted_name(node).rpartition(".")[2]


def call_keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument `name` in `call`, or None."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def iter_functions(statements: list[ast.stmt]) -> Iterator[FunctionNode]:
    """Module-level functions and methods of module-level classes (listed once per parse:
    most rules ask, and a models file has hundreds of class bodies to look through)."""
    return iter(memo(statements, "functions", _functions))


def _functions(statements: list[ast.stmt]) -> list[FunctionNode]:
    return [func for func, _owner in functions_with_owner(statements)]


def functions_with_owner(
    statements: list[ast.stmt],
) -> Iterator[tuple[FunctionNode, ast.ClassDef | None]]:
    """`iter_functions` with the class of each method (None for a module-level function)."""
    return iter(memo(statements, "functions-with-owner", _functions_with_owner))


_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


def _functions_with_owner(
    statements: list[ast.stmt],
) -> list[tuple[FunctionNode, ast.ClassDef | None]]:
    found: list[tuple[FunctionNode, ast.ClassDef | None]] = []
    add, function_types, class_type = found.append, _FUNCTION_TYPES, ast.ClassDef
    for stmt in statements:
        if isinstance(stmt, function_types):
            add((stmt, None))
        elif isinstance(stmt, class_type):
            for inner in stmt.body:
                if isinstance(inner, function_types):
                    add((inner, stmt))
    return found


def endpoint_of(func: FunctionNode) -> Endpoint | None:
    """The route this function declares, or None when it is not an endpoint."""
    for decorator in func.decorator_list:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        method = decorator.func.attr
        if method not in HTTP_METHODS and method != "api_route":
            continue
        owner = dotted_name(decorator.func.value)
        if not owner:
            continue
        path = None
        first = decorator.args[0] if decorator.args else call_keyword(decorator, "path")
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            path = first.value
        return Endpoint(func, decorator, owner, method, path)
    return None


def iter_endpoints(statements: list[ast.stmt]) -> Iterator[Endpoint]:
    """The endpoints among `iter_functions` (read once per parse)."""
    return iter(memo(statements, "endpoints", _endpoints))


def _endpoints(statements: list[ast.stmt]) -> list[Endpoint]:
    return [
        endpoint
        for endpoint in map(endpoint_of, iter_functions(statements))
        if endpoint is not None
    ]


def pydantic_classes(statements: list[ast.stmt]) -> dict[str, ast.ClassDef]:
    """Module-level Pydantic model classes by name (SQLModel `table=True` classes excluded);
    read once per parse, a fresh dict for each caller."""
    return dict(PYDANTIC_CLASSES.of(statements))


def _pydantic_classes(statements: list[ast.stmt]) -> dict[str, ast.ClassDef]:
    found: dict[str, ast.ClassDef] = {}
    for stmt in statements:
        if not isinstance(stmt, ast.ClassDef) or _is_sqlmodel_table(stmt):
            continue
        for base in stmt.bases:
            name = last_name(base)
            if name in PYDANTIC_ROOTS or name in found:
                found[stmt.name] = stmt
                break
    return found


# Asked of every workspace file too (a schema may inherit from another file's).
PYDANTIC_CLASSES = FileFact("pydantic-classes", _pydantic_classes)


def _is_sqlmodel_table(node: ast.ClassDef) -> bool:
    for keyword in node.keywords:
        if keyword.arg == "table":
            return isinstance(keyword.value, ast.Constant) and keyword.value.value is True
    return False


def assigned_calls(statements: list[ast.stmt], callee: str) -> dict[str, ast.Call]:
    """Module-level `name = <callee>(...)` (callee's last name matched), by variable name."""
    found: dict[str, ast.Call] = {}
    for stmt in statements:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Call)
            and last_name(value.func) == callee
        ):
            found[target.id] = value
    return found


def routers(statements: list[ast.stmt]) -> dict[str, ast.Call]:
    return assigned_calls(statements, "APIRouter")


def apps(statements: list[ast.stmt]) -> dict[str, ast.Call]:
    return assigned_calls(statements, "FastAPI")


def included_routers(statements: list[ast.stmt]) -> list[ast.expr]:
    """The router expressions passed to any `<x>.include_router(...)` call in the file."""
    found: list[ast.expr] = []
    for stmt in statements:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "include_router"
                and node.args
            ):
                found.append(node.args[0])
    return found
