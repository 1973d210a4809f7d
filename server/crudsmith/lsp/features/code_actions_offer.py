"""Which generation actions to offer, decided cheaply from what already exists.

Offering must answer within a few milliseconds on a 200-model file, so nothing is
rendered here: each goal is "done" when the module it writes exists (in the
workspace index, else on disk) and defines the names that matter (the router
module has endpoints and main includes it, the schemas module defines the
Create/Public schemas, ...). The real plan is computed on resolve; when this
estimate offers an action whose plan turns out empty, the edit is empty.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from crudsmith.analysis.names import defined_names
from crudsmith.analysis.parse import parse_tolerant
from crudsmith.analysis.spec import ModelSpec
from crudsmith.config.settings import Settings
from crudsmith.generation.fields import find_user_model
from crudsmith.generation.naming import pluralize, router_module, snake_case
from crudsmith.insertion import Goal, Layout, Target
from crudsmith.rules.fastapi_ast import dotted_name, iter_endpoints
from crudsmith.workspace.index import WorkspaceIndex

_DiskCache = dict[str, tuple[float, list[ast.stmt]]]
_disk_cache: _DiskCache = {}


@dataclass(frozen=True, slots=True)
class Offer:
    title: str
    goal: Goal
    model: str | None = None


def _top_calls(statements: list[ast.stmt]) -> tuple[set[str], set[str]]:
    """(routers passed to `x.include_router(...)`, functions called) at the top level."""
    included: set[str] = set()
    called: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            called.add(dotted_name(call.func))
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "include_router" and call.args:
                included.add(dotted_name(call.args[0]))
    return included, called


class _Module:
    """What one module (maybe missing) defines; computed on first use."""

    def __init__(self, statements: list[ast.stmt] | None) -> None:
        self.statements = statements

    @property
    def exists(self) -> bool:
        return self.statements is not None

    @cached_property
    def names(self) -> set[str]:
        return set(defined_names(self.statements or []))

    @cached_property
    def calls(self) -> tuple[set[str], set[str]]:
        return _top_calls(self.statements or [])

    @cached_property
    def has_endpoints(self) -> bool:
        return any(True for _ in iter_endpoints(self.statements or []))


class Existing:
    """The state of the target's modules, read from the index (or disk) on demand."""

    def __init__(
        self, target: Target, index: WorkspaceIndex, own: list[ast.stmt], settings: Settings
    ) -> None:
        self.target = target
        self.index = index
        self.own = _Module(own)
        self.settings = settings
        self._modules: dict[Path, _Module] = {}

    def module(self, relative: str) -> _Module:
        if self.target.layout is Layout.SINGLE_FILE:
            return self.own
        path = self.target.package_dir / relative
        if path not in self._modules:
            self._modules[path] = _Module(_statements(self.index, path))
        return self._modules[path]

    def endpoints_done(self, model: ModelSpec) -> bool:
        plural = pluralize(snake_case(model.name))
        main = self.module("main.py")
        included, _ = main.calls
        if self.target.layout is Layout.SINGLE_FILE:
            return f"{plural}_router" in main.names and f"{plural}_router" in included
        module_name = router_module(plural)
        router = self.module(f"routers/{module_name}.py")
        return router.has_endpoints and f"{module_name}.router" in included

    def schemas_done(self, model: ModelSpec) -> bool:
        names = self.settings.names.of(model.name)
        module = self.module(f"schemas/{snake_case(model.name)}.py")
        wanted = {names["create"], names["public"]}
        return wanted <= module.names

    def auth_done(self) -> bool:
        return "CurrentUser" in self.module("deps.py").names

    def errors_done(self) -> bool:
        if "add_exception_handlers" not in self.module("errors.py").names:
            return False
        main = self.module("main.py")
        if not main.exists or "app" not in main.names:
            return True
        return "add_exception_handlers" in main.calls[1]

    def settings_done(self) -> bool:
        return "settings" in self.module("settings.py").names


def _statements(index: WorkspaceIndex, path: Path) -> list[ast.stmt] | None:
    entry = index.get(str(path))
    if entry is not None:
        return entry.statements
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    cached = _disk_cache.get(str(path))
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    statements = parse_tolerant(text).statements
    _disk_cache[str(path)] = (mtime, statements)
    return statements


def model_offers(existing: Existing, model: ModelSpec) -> list[Offer]:
    """The actions on one model (cursor on or in its class)."""
    offers: list[Offer] = []
    if not existing.endpoints_done(model):
        offers.append(Offer(f"Generate endpoints for {model.name}", Goal.ENDPOINTS, model.name))
    if not existing.schemas_done(model):
        offers.append(
            Offer(f"Generate Pydantic schemas for {model.name}", Goal.SCHEMAS, model.name)
        )
    return offers


def file_offers(existing: Existing, models: tuple[ModelSpec, ...]) -> list[Offer]:
    """The actions offered anywhere in a models file."""
    offers: list[Offer] = []
    if any(not existing.endpoints_done(model) for model in models):
        offers.append(Offer("Generate endpoints for all models", Goal.ENDPOINTS))
    if existing.settings.auth and find_user_model(models) and not existing.auth_done():
        offers.append(Offer("Add auth dependency", Goal.AUTH))
    if not existing.errors_done():
        offers.append(Offer("Add exception handlers", Goal.ERRORS))
    if not existing.settings_done():
        offers.append(Offer("Add settings", Goal.SETTINGS))
    return offers
