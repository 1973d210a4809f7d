"""From a models analysis to the files of a complete FastAPI project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crudsmith.analysis.spec import ModelSpec, ModelStyle, ModuleAnalysis, TypeKind
from crudsmith.generation import fields, translation
from crudsmith.generation.formatting import format_python
from crudsmith.generation.render import render
from crudsmith.generation.views import (
    AuthView,
    ModelView,
    build_auth_view,
    build_model_views,
)

_SAMPLE_IMPORTS: dict[str, tuple[str, str]] = {
    "decimal": ("decimal", "Decimal"),
    "datetime": ("datetime", "datetime"),
    "date": ("datetime", "date"),
    "time": ("datetime", "time"),
    "interval": ("datetime", "timedelta"),
    "uuid": ("uuid", ""),
}


class GenerationError(Exception):
    """The input cannot be generated from; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    async_mode: bool | None = None  # None: async when the models use AsyncAttrs / AsyncSession
    only: tuple[str, ...] | None = None  # model names; None: every model
    models_module: str | None = None  # import the models from here instead of copying them
    project_name: str = "app"
    source_name: str = "models.py"
    page_default: int = 20
    page_max: int = 100
    template_dir: Path | None = None  # a team's template overrides, searched first


@dataclass(frozen=True, slots=True)
class ProjectView:
    """What every project-level template sees as `p`."""

    name: str
    title: str
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


def generate_project(
    analysis: ModuleAnalysis, source: str, options: GenerateOptions | None = None
) -> dict[str, str]:
    """Every file of the project, by relative path, in a stable order."""
    options = options or GenerateOptions()
    models = _selected_models(analysis, options)
    project = _project_view(analysis, models, options)
    files: dict[str, str] = {}
    files.update(_models_file(analysis, source, models, options))
    files.update(_app_files(project, options))
    files.update(_test_files(project, options))
    return dict(sorted(format_python(files).items()))


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
    user = fields.find_user_model(analysis.models)
    module = options.models_module or "app.models"
    all_views = {v.name: v for v in build_model_views(analysis.models, user, module)}
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
        async_mode=async_mode,
        sqlmodel=sqlmodel,
        models_module=module,
        metadata_owner=selected[0].name,
        auth=auth,
        models=endpoint_views,
        models_by_dependency=needed,
        page_default=options.page_default,
        page_max=options.page_max,
        default_database_url=(
            "sqlite+aiosqlite:///./app.db" if async_mode else "sqlite:///./app.db"
        ),
        has_email=any(fields.is_email(c) for m in analysis.models for c in m.columns),
        first_party=tuple(sorted({"app", "tests", module.split(".")[0]})),
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


def _models_file(
    analysis: ModuleAnalysis, source: str, models: tuple[ModelSpec, ...], options: GenerateOptions
) -> dict[str, str]:
    if options.models_module is not None:
        return {}
    if translation.needs_translation(analysis):
        view = translation.translate(analysis, analysis.models)
        text = render(
            "app/models_translated.py.j2",
            options.template_dir,
            translation=view,
            source_name=options.source_name,
        )
        return {"app/models.py": text}
    if not analysis.base_defined_locally and not _base_from_library(analysis):
        raise GenerationError(
            f"the models import their base ({analysis.base_name or 'unknown'}) from another "
            "module; pass --models-module to import them in place"
        )
    return {"app/models.py": source if source.endswith("\n") else source + "\n"}


def _base_from_library(analysis: ModuleAnalysis) -> bool:
    """SQLModel and DeclarativeBase come from libraries: a file using them is self-contained."""
    root = (analysis.base_name or "").split(".")[0]
    for spec in analysis.imports:
        if root in (spec.alias, spec.name, spec.module.split(".")[0]):
            return spec.module.split(".")[0] in {"sqlmodel", "sqlalchemy", "flask_sqlalchemy"}
    return False


def _app_files(project: ProjectView, options: GenerateOptions) -> dict[str, str]:
    def r(template: str, **extra: object) -> str:
        return render(template, options.template_dir, p=project, **extra)

    files = {
        "pyproject.toml": r("project/pyproject.toml.j2"),
        "README.md": r("project/README.md.j2", source_name=options.source_name),
        "app/__init__.py": r("app/__init__.py.j2"),
        "app/db.py": r("app/db.py.j2"),
        "app/settings.py": r("app/settings.py.j2"),
        "app/errors.py": r("app/errors.py.j2"),
        "app/main.py": r("app/main.py.j2"),
        "app/schemas/__init__.py": r("app/schemas/__init__.py.j2"),
        "app/routers/__init__.py": r("app/routers/__init__.py.j2"),
    }
    if project.auth is not None:
        files["app/security.py"] = r("app/security.py.j2")
        files["app/deps.py"] = r("app/deps.py.j2")
        files["app/routers/auth.py"] = r("app/routers/auth.py.j2")
    schema_template = (
        "app/schemas/model_sqlmodel.py.j2" if project.sqlmodel else "app/schemas/model.py.j2"
    )
    for view in project.models:
        files[f"app/schemas/{view.snake}.py"] = r(schema_template, model=view)
        files[f"app/routers/{view.plural}.py"] = r("app/routers/model.py.j2", model=view)
    return files


def _test_files(project: ProjectView, options: GenerateOptions) -> dict[str, str]:
    def r(template: str, **extra: object) -> str:
        return render(template, options.template_dir, p=project, **extra)

    files = {
        "tests/__init__.py": r("tests/__init__.py.j2"),
        "tests/conftest.py": r("tests/conftest.py.j2"),
        "tests/test_health.py": r("tests/test_health.py.j2"),
    }
    if project.auth is not None:
        files["tests/test_auth.py"] = r("tests/test_auth.py.j2")
    for view in project.models:
        files[f"tests/test_{view.plural}.py"] = r("tests/test_model.py.j2", model=view)
    return files
