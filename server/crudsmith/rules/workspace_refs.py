"""Facts about a whole workspace that structure rules need: which names endpoints
mention, which routers are included, whether an app exists.

Each fact is computed once per parsed file and memoised with its parse (`rules.memo`), so checking
N files computes N facts, not N x N (the per-file lookups stay cheap).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from crudsmith.rules.fastapi_ast import (
    apps,
    dotted_name,
    included_routers,
    iter_endpoints,
    routers,
)
from crudsmith.rules.memo import FileFact


def _endpoint_names(statements: list[ast.stmt]) -> frozenset[str]:
    """Every identifier an endpoint of this file mentions: in its decorator, its
    signature (annotations and defaults) or its body; for `a.b.C` both `a` and `C`."""
    names: set[str] = set()
    for endpoint in iter_endpoints(statements):
        for node in (*ast.walk(endpoint.func), *ast.walk(endpoint.decorator)):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
    return frozenset(names)


def _has_app(statements: list[ast.stmt]) -> bool:
    return bool(apps(statements))


@dataclass(frozen=True, slots=True)
class IncludedRouter:
    """A router passed to `include_router`: `name` as bound in its defining module,
    `module` the dotted module it comes from ("" when it is the including file's own
    name, None when it cannot be told)."""

    name: str
    module: str | None


def _included(statements: list[ast.stmt]) -> tuple[IncludedRouter, ...]:
    return tuple(_resolve_included(statements))


def _resolve_included(statements: list[ast.stmt]) -> Iterable[IncludedRouter]:
    imported_names, imported_modules = _import_tables(statements)
    local = routers(statements)
    for expr in included_routers(statements):
        if isinstance(expr, ast.Name):
            source = imported_names.get(expr.id)
            if source is not None:
                yield IncludedRouter(source[1], source[0])
            elif expr.id in local:
                yield IncludedRouter(expr.id, "")
            else:  # a loop variable, a parameter...: cannot tell, counts as any router
                yield IncludedRouter("", None)
        elif isinstance(expr, ast.Attribute) and dotted_name(expr.value):
            prefix = dotted_name(expr.value)
            head = prefix.split(".", 1)[0]
            rest = prefix[len(head) :]
            if head in imported_modules:
                yield IncludedRouter(expr.attr, imported_modules[head] + rest)
            else:
                yield IncludedRouter(expr.attr, None)
        else:
            yield IncludedRouter("", None)  # e.g. a call: cannot tell, counts as any router


def _import_tables(
    statements: list[ast.stmt],
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(alias -> (module, name)) for `from m import name`, and (alias -> module) for modules.

    `from pkg import mod` binds a name that may be a module: it is recorded in both.
    """
    names: dict[str, tuple[str, str]] = {}
    modules: dict[str, str] = {}
    for stmt in statements:
        if isinstance(stmt, ast.ImportFrom):
            base = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                bound = alias.asname or alias.name
                names[bound] = (base, alias.name)
                modules[bound] = f"{base}.{alias.name}" if stmt.module else base + alias.name
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    modules[alias.name.split(".", 1)[0]] = alias.name.split(".", 1)[0]
    return names, modules


def module_matches(module: str | None, including_path: str, router_path: str) -> bool:
    """Whether `module` (as written in the including file) can be the file `router_path`.

    Compared by last component: `app.routers.users` matches `.../users.py` and
    `.../users/__init__.py`; "" means the including file itself; None matches anything.
    """
    if module is None:
        return True
    if module == "":
        return including_path == router_path
    last = module.rstrip(".").rpartition(".")[2]
    if not last:
        return True  # `from . import router`: the package of the including file
    path = PurePath(router_path)
    stem = path.parent.name if path.stem == "__init__" else path.stem
    return last == stem


# Asked of every file of the workspace (`rules.memo.workspace_facts`).
ENDPOINT_NAMES = FileFact("endpoint-names", _endpoint_names)
HAS_APP = FileFact("has-app", _has_app)
INCLUDED = FileFact("included", _included)
