"""From a models analysis to the files of a complete FastAPI project."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crudsmith.analysis.spec import ModelSpec, ModelStyle, ModuleAnalysis, TypeKind
from crudsmith.generation import fields, translation
from crudsmith.generation.formatting import format_python
from crudsmith.generation.options import (
    GenerateOptions,
    GenerationError,
    SchemaNames,
    check_dotted,
)
from crudsmith.generation.pieces import Piece, PieceKind, ProjectPaths
from crudsmith.generation.render import render
from crudsmith.generation.views import (
    AuthView,
    ModelView,
    build_auth_view,
    build_model_views,
)

__all__ = [
    "GenerateOptions",
    "GenerationError",
    "ProjectView",
    "SchemaNames",
    "generate_project",
    "project_pieces",
]

_SAMPLE_IMPORTS: dict[str, tuple[str, str]] = {
    "decimal": ("decimal", "Decimal"),
    "datetime": ("datetime", "datetime"),
    "date": ("datetime", "date"),
    "time": ("datetime", "time"),
    "interval": ("datetime", "timedelta"),
    "uuid": ("uuid", ""),
}


@dataclass(frozen=True, slots=True)
class ProjectView:
    """What every project-level template sees as `p`."""

    name: str
    title: str
    package: str  # dotted: generated modules import their siblings through it
    async_mode: bool
    sqlmodel: bool
    models_module: str
    metadata_owner: str
    auth: AuthView | None
    models: tuple[ModelView, ...]  # the models that get endpoints
    models_by_dependency: tuple[ModelView, ...]  # every model tests create, parents first
    page_default: int
    page_max: int
    default_database_url: str
    has_email: bool
    first_party: tuple[str, ...]
    test_std_imports: tuple[tuple[str, str], ...]
    test_enum_names: tuple[str, ...]
    def_: str = field(init=False)
    await_: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "def_", "async def" if self.async_mode else "def")
        object.__setattr__(self, "await_", "await " if self.async_mode else "")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One file to write: its piece, and the template and context that render it."""

    piece: Piece
    template: str | None  # None: the models source, copied as it is
    context: Mapping[str, object]


def generate_project(
    analysis: ModuleAnalysis, source: str, options: GenerateOptions | None = None
) -> dict[str, str]:
    """Every file of the project, by POSIX relative path, in a stable order."""
    options = options or GenerateOptions()
    plan = _plan(analysis, options)
    files = {path: _render(entry, source, options) for path, entry in plan.items()}
    return dict(sorted(format_python(files).items()))


def project_pieces(
    analysis: ModuleAnalysis, options: GenerateOptions | None = None
) -> dict[str, Piece]:
    """The piece of each file `generate_project` returns for the same input, by path.

    Renders nothing, so it is cheap; raises `GenerationError` exactly when
    `generate_project` does.
    """
    options = options or GenerateOptions()
    return {path: entry.piece for path, entry in sorted(_plan(analysis, options).items())}


def _plan(analysis: ModuleAnalysis, options: GenerateOptions) -> dict[str, _Entry]:
    check_dotted(options.package, "package")
    if options.package.split(".")[0] == "tests":
        raise GenerationError("package: 'tests' is where the generated tests go")
    if options.models_module is not None:
        check_dotted(options.models_module, "models_module")
    models = _selected_models(analysis, options)
    project = _project_view(analysis, models, options)
    paths = ProjectPaths(options.package_dir)
    plan = _models_entry(analysis, options, paths)
    plan.update(_app_entries(project, paths, options))
    plan.update(_test_entries(project, paths))
    return plan


def _render(entry: _Entry, source: str, options: GenerateOptions) -> str:
    if entry.template is None:
        return source if source.endswith("\n") else source + "\n"
    return render(entry.template, options.template_dir, **entry.context)


def _selected_models(analysis: ModuleAnalysis, options: GenerateOptions) -> tuple[ModelSpec, ...]:
    if not analysis.models:
        raise GenerationError("no SQLAlchemy or SQLModel models found")
    if options.only is None:
        return analysis.models
    known = {m.name for m in analysis.models}
    unknown = [name for name in options.only if name not in known]
    if unknown:
        raise GenerationError(
            f"unknown model {', '.join(unknown)} in --only (models: {', '.join(sorted(known))})"
        )
    return tuple(m for m in analysis.models if m.name in options.only)


def _project_view(
    analysis: ModuleAnalysis, selected: tuple[ModelSpec, ...], options: GenerateOptions
) -> ProjectView:
    user = fields.find_user_model(analysis.models) if options.auth else None
    module = options.resolved_models_module
    all_views = {v.name: v for v in build_model_views(analysis.models, user, module, options.names)}
    endpoint_names = [m.name for m in selected]
    if user is not None and user.name not in endpoint_names:
        endpoint_names.insert(0, user.name)  # auth needs the user's schemas
    endpoint_views = tuple(all_views[name] for name in endpoint_names)
    needed = _dependency_order(endpoint_views, all_views)
    async_mode = analysis.uses_async if options.async_mode is None else options.async_mode
    sqlmodel = any(m.style is ModelStyle.SQLMODEL for m in selected)
    auth = build_auth_view(all_views.get(user.name) if user else None, user)
    samples = [s for v in needed for s in v.samples]
    return ProjectView(
        name=options.project_name,
        title=options.project_name.replace("_", " ").replace("-", " ").title(),
        package=options.package,
        async_mode=async_mode,
        sqlmodel=sqlmodel,
        models_module=module,
        # The file's first model, whatever is selected: incremental generation from the
        # editor and `crudsmith generate` then write the same main.py.
        metadata_owner=analysis.models[0].name,
        auth=auth,
        models=endpoint_views,
        models_by_dependency=needed,
        page_default=options.page_default,
        page_max=options.page_max,
        default_database_url=(
            "sqlite+aiosqlite:///./app.db" if async_mode else "sqlite:///./app.db"
        ),
        has_email=any(fields.is_email(c) for m in analysis.models for c in m.columns),
        first_party=tuple(sorted({options.package.split(".")[0], "tests", module.split(".")[0]})),
        test_std_imports=tuple(
            sorted(
                {
                    _SAMPLE_IMPORTS[s.kind]
                    for s in samples
                    if s.kind in _SAMPLE_IMPORTS and s.parent is None
                }
                | (
                    {("datetime", "UTC")}
                    if any(
                        s.text.endswith("Z") for s in samples if s.kind == TypeKind.DATETIME.value
                    )
                    else set()
                )
            )
        ),
        test_enum_names=tuple(sorted({s.enum_name for s in samples if s.enum_name})),
    )


def _dependency_order(
    start: tuple[ModelView, ...], views: dict[str, ModelView]
) -> tuple[ModelView, ...]:
    """The models tests create, each after the models its foreign keys point to."""
    by_snake = {v.snake: v for v in views.values()}
    ordered: list[ModelView] = []
    visiting: set[str] = set()

    def visit(view: ModelView) -> None:
        if view in ordered or view.snake in visiting:
            return
        visiting.add(view.snake)
        for parent in view.parents:
            if parent in by_snake:
                visit(by_snake[parent])
        ordered.append(view)

    for view in start:
        visit(view)
    return tuple(ordered)


def _models_entry(
    analysis: ModuleAnalysis, options: GenerateOptions, paths: ProjectPaths
) -> dict[str, _Entry]:
    if options.models_module is not None:
        return {}
    piece = Piece(PieceKind.MODELS)
    if translation.needs_translation(analysis):
        view = translation.translate(analysis, analysis.models)
        context = {"translation": view, "source_name": options.source_name}
        return {paths.module("models"): _Entry(piece, "app/models_translated.py.j2", context)}
    if not analysis.base_defined_locally and not _base_from_library(analysis):
        raise GenerationError(
            f"the models import their base ({analysis.base_name or 'unknown'}) from another "
            "module; pass --models-module to import them in place"
        )
    return {paths.module("models"): _Entry(piece, None, {})}


def _base_from_library(analysis: ModuleAnalysis) -> bool:
    """SQLModel and DeclarativeBase come from libraries: a file using them is self-contained."""
    root = (analysis.base_name or "").split(".")[0]
    for spec in analysis.imports:
        if root in (spec.alias, spec.name, spec.module.split(".")[0]):
            return spec.module.split(".")[0] in {"sqlmodel", "sqlalchemy", "flask_sqlalchemy"}
    return False


def _app_entries(
    project: ProjectView, paths: ProjectPaths, options: GenerateOptions
) -> dict[str, _Entry]:
    def e(kind: PieceKind, template: str, model: ModelView | None = None) -> _Entry:
        context = {"p": project} if model is None else {"p": project, "model": model}
        return _Entry(Piece(kind, model.name if model else None), template, context)

    package = PieceKind.PACKAGE
    entries = {
        "pyproject.toml": e(PieceKind.PROJECT, "project/pyproject.toml.j2"),
        "README.md": _Entry(
            Piece(PieceKind.PROJECT),
            "project/README.md.j2",
            {"p": project, "source_name": options.source_name},
        ),
        paths.module("__init__"): e(package, "app/__init__.py.j2"),
        paths.module("db"): e(PieceKind.DB, "app/db.py.j2"),
        paths.module("settings"): e(PieceKind.SETTINGS, "app/settings.py.j2"),
        paths.module("errors"): e(PieceKind.ERRORS, "app/errors.py.j2"),
        paths.module("main"): e(PieceKind.MAIN, "app/main.py.j2"),
        paths.module("schemas/__init__"): e(package, "app/schemas/__init__.py.j2"),
        paths.module("routers/__init__"): e(package, "app/routers/__init__.py.j2"),
    }
    for parent in paths.parent_packages():
        entries[f"{parent}/__init__.py"] = e(package, "app/__init__.py.j2")
    if project.auth is not None:
        entries[paths.module("security")] = e(PieceKind.AUTH, "app/security.py.j2")
        entries[paths.module("deps")] = e(PieceKind.AUTH, "app/deps.py.j2")
        entries[paths.module("routers/auth")] = e(PieceKind.AUTH, "app/routers/auth.py.j2")
    schema_template = (
        "app/schemas/model_sqlmodel.py.j2" if project.sqlmodel else "app/schemas/model.py.j2"
    )
    for view in project.models:
        entries[paths.schemas(view.snake)] = e(PieceKind.SCHEMAS, schema_template, view)
        entries[paths.router(view.router_module)] = e(
            PieceKind.ROUTER, "app/routers/model.py.j2", view
        )
    return entries


def _test_entries(project: ProjectView, paths: ProjectPaths) -> dict[str, _Entry]:
    def e(kind: PieceKind, template: str, model: ModelView | None = None) -> _Entry:
        context = {"p": project} if model is None else {"p": project, "model": model}
        return _Entry(Piece(kind, model.name if model else None, test=True), template, context)

    fixtures = PieceKind.FIXTURES
    entries = {
        "tests/__init__.py": e(fixtures, "tests/__init__.py.j2"),
        "tests/conftest.py": e(fixtures, "tests/conftest.py.j2"),
        "tests/test_health.py": e(PieceKind.MAIN, "tests/test_health.py.j2"),
    }
    if project.auth is not None:
        entries["tests/test_auth.py"] = e(PieceKind.AUTH, "tests/test_auth.py.j2")
    for view in project.models:
        entries[paths.model_tests(view.plural)] = e(
            PieceKind.ROUTER, "tests/test_model.py.j2", view
        )
    return entries
