"""Answer a completion request: which entries, for which models, with which imports."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from crudsmith.analysis.spec import ModelSpec, ModelStyle
from crudsmith.completion.catalogue import CATALOGUE, Entry, Needs
from crudsmith.completion.context import Cursor, context_model, cursor_at, hosts_of
from crudsmith.completion.imports import ImportPlanner
from crudsmith.completion.model import (
    Completion,
    CompletionSettings,
    Hosts,
    ModelsFile,
    Project,
    Target,
)
from crudsmith.completion.render import render_entry
from crudsmith.generation import fields
from crudsmith.generation.views import ModelView, build_auth_view, build_model_views
from crudsmith.rules.model import TextEdit

# Items per entry when no model is in context; the list is then marked incomplete and
# typing on narrows it: `crud-get-ord` offers crud-get for OrderItem (`crud-get-order_item`).
MAX_MODELS = 12
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Request:
    path: str  # the document's path (its name tells the model of a routers/schemas file)
    text: str
    offset: int  # the cursor, a code-point offset into `text`
    statements: Sequence[ast.stmt]  # the document's top-level statements, parsed once
    own_models: tuple[ModelSpec, ...]  # the models the document itself defines
    files: Sequence[ModelsFile]  # every models file of the workspace
    settings: CompletionSettings = field(default_factory=CompletionSettings)
    lazy_imports: bool = False  # leave import edits to `import_edits_for` (completion resolve)


@dataclass(frozen=True, slots=True)
class Answer:
    items: tuple[Completion, ...]
    incomplete: bool = False
    replace_start: int = 0  # code-point offset of the typed prefix the items replace
    first_party: frozenset[str] = frozenset()  # import sections: these roots are first party


def import_edits_for(
    text: str,
    statements: Sequence[ast.stmt],
    answer: Answer,
    item: Completion,
) -> tuple[TextEdit, ...]:
    """The import edits of `item` (when the answer was computed with `lazy_imports`)."""
    planner = ImportPlanner(text, statements, answer.first_party, answer.replace_start)
    return planner.edits(item.rendered.imports, item.rendered.plain)


def complete(request: Request) -> Answer:
    """The completions at the cursor; none outside a top-level statement start."""
    cursor = cursor_at(request.text, request.offset, request.statements)
    if cursor is None:
        return Answer(())
    typed = cursor.prefix.lower()
    entries = [e for e in CATALOGUE if e.label.startswith(typed) or typed.startswith(e.label + "-")]
    if not entries:
        return Answer(())
    targets = _targets(request.files, request.settings)
    names = {alias: t.view.name for t in targets for alias in (t.view.snake, t.view.plural)}
    focus = context_model(request.path, request.own_models, cursor.line, names)
    hosts = hosts_of(request.statements)
    first_party = frozenset(
        {t.project.package.split(".")[0] for t in targets}
        | {t.project.models_module.split(".")[0] for t in targets}
        | {"app"}
    )
    planner = ImportPlanner(request.text, request.statements, first_party, cursor.prefix_start)
    project = _default_project(targets, focus, request.settings)
    builder = _Builder(cursor, hosts, planner, project, request.lazy_imports)
    builder.set_lead(request.text)
    incomplete = False
    for index, entry in enumerate(entries):
        chosen, capped = _targets_for(entry, targets, focus, typed)
        incomplete = incomplete or capped
        builder.add(index, entry, chosen, focus)
    return Answer(tuple(builder.items), incomplete, cursor.prefix_start, first_party)


class _Builder:
    def __init__(
        self, cursor: Cursor, hosts: Hosts, planner: ImportPlanner, project: Project, lazy: bool
    ):
        self.cursor = cursor
        self.hosts = hosts
        self.planner = planner
        self.project = project
        self.lazy = lazy  # import edits left to resolve
        self.items: list[Completion] = []
        self.lead = ""

    def set_lead(self, text: str) -> None:
        """Two blank lines between the code above the cursor and a top-level definition."""
        above = text[: self.cursor.prefix_start]
        code = above.rstrip("\r\n \t")
        if code:
            breaks = len(_NEWLINE.findall(above, len(code)))
            self.lead = "\n" * max(0, 3 - breaks)

    def add(self, index: int, entry: Entry, targets: list[Target], focus: str | None) -> None:
        if entry.needs is Needs.NOTHING:
            self._item(index, 0, entry, None, self.project, rank=0)
            return
        for position, target in enumerate(targets):
            rank = 0 if focus is None or target.view.name == focus else 1
            self._item(index, position, entry, target, target.project, rank)

    def _item(
        self,
        index: int,
        position: int,
        entry: Entry,
        target: Target | None,
        project: Project,
        rank: int,
    ) -> None:
        view = target.view if target is not None else None
        rendered = render_entry(entry.label, view, project, self.hosts)
        model = view.name if view is not None else None
        edits = None if self.lazy else self.planner.edits(rendered.imports, rendered.plain)
        # A first import block that reaches the cursor already ends with the right gap.
        reaches = self.planner.missing_any(rendered.imports) and (
            self.planner.first_block_reaches_protect()
        )
        self.items.append(
            Completion(
                label=entry.label,
                detail=entry.detail.format(model=model or ""),
                model=model,
                sort_text=f"{rank}{index:02d}{position:03d}",
                filter_text=entry.label if view is None else _model_filter(entry, view),
                rendered=rendered,
                import_edits=edits,
                key=f"{entry.label}:{project.models_module}:{model or ''}",
                lead="" if reaches else self.lead,
            )
        )


def _targets_for(
    entry: Entry, targets: list[Target], focus: str | None, typed: str
) -> tuple[list[Target], bool]:
    if entry.needs is Needs.NOTHING:
        return [], False
    if entry.needs is Needs.USER:
        users = {t.project.auth.user.name for t in targets if t.project.auth is not None}
        targets = [t for t in targets if t.view.name in users]
    if entry.needs_key:
        targets = [t for t in targets if t.view.keys]
    if len(typed) > len(entry.label):  # a model typed after the label narrows the list
        targets = [t for t in targets if _model_filter(entry, t.view).startswith(typed)]
    elif focus is not None:
        focused = [t for t in targets if t.view.name == focus]
        if focused:
            return focused[:1], False
    return targets[:MAX_MODELS], len(targets) > MAX_MODELS


def _model_filter(entry: Entry, view: ModelView) -> str:
    return f"{entry.label}-{view.snake}"


def _targets(files: Sequence[ModelsFile], settings: CompletionSettings) -> list[Target]:
    return [target for file in files for target in _file_targets(file, settings)]


_FileViews = tuple[tuple[ModelView, ...], Project]
_by_identity: dict[
    tuple[str, bool, CompletionSettings], tuple[tuple[ModelSpec, ...], _FileViews]
] = {}


def _file_targets(file: ModelsFile, settings: CompletionSettings) -> Iterator[Target]:
    key = (file.module, file.uses_async, settings)
    known = _by_identity.get(key)
    if known is not None and known[0] is file.models:  # same analysis object: no rehashing
        views, project = known[1]
    else:
        views, project = _views(file.module, file.models, file.uses_async, settings)
        if len(_by_identity) > 256:
            _by_identity.clear()
        _by_identity[key] = (file.models, (views, project))
    for view in views:
        yield Target(view, project)


@lru_cache(maxsize=256)
def _views(
    module: str, models: tuple[ModelSpec, ...], uses_async: bool, settings: CompletionSettings
) -> _FileViews:
    """The model views and project of one models file (cached per file version)."""
    user = fields.find_user_model(models) if settings.auth else None
    views = build_model_views(models, user, module, settings.names)
    user_view = next((v for v in views if user is not None and v.name == user.name), None)
    project = Project(
        package=_package_of(module),
        models_module=module,
        async_mode=uses_async if settings.async_mode is None else settings.async_mode,
        sqlmodel=any(m.style is ModelStyle.SQLMODEL for m in models),
        auth=build_auth_view(user_view, user),
        page_default=settings.page_default,
        page_max=settings.page_max,
    )
    return tuple(views), project


def _package_of(module: str) -> str:
    """The package generated code lives in: `app.models` -> `app`, and for a models
    package (`app.models.post`) its parent too; `app` for a top-level `models.py`."""
    parts = module.split(".")[:-1]
    if parts and parts[-1] == "models":
        parts = parts[:-1]
    return ".".join(parts) or "app"


def _default_project(
    targets: list[Target], focus: str | None, settings: CompletionSettings
) -> Project:
    """The project of entries without a model: the focused model's, else the first."""
    for target in targets:
        if focus is None or target.view.name == focus:
            return target.project
    return Project(
        package="app",
        models_module="app.models",
        async_mode=bool(settings.async_mode),
        sqlmodel=False,
        auth=None,
        page_default=settings.page_default,
        page_max=settings.page_max,
    )
