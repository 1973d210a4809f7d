"""What the editor offers after a plan is applied: nothing left for the generated models."""

from __future__ import annotations

from pathlib import Path

from crudsmith.analysis.module import analyze
from crudsmith.analysis.parse import parse_tolerant
from crudsmith.config.settings import Settings
from crudsmith.generation.options import GenerateOptions
from crudsmith.generation.project import generate_project
from crudsmith.insertion import Goal, Layout, Request, locate, plan_insertion
from crudsmith.insertion.plan import project_name
from crudsmith.lsp.features.code_actions_offer import Existing, file_offers, model_offers
from crudsmith.workspace.index import WorkspaceIndex

# `Setting` routes live in routers/settings_routes.py: main.py already binds `settings`.
MODELS = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(200))
"""


def _apply(models: Path, request: Request) -> None:
    target = locate(models, models.parents[1], Layout.PACKAGE)

    def read(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    plan = plan_insertion(target, analyze(MODELS), MODELS, request, GenerateOptions(), read)
    for change in plan.changes:
        change.path.parent.mkdir(parents=True, exist_ok=True)
        change.path.write_text(change.text, encoding="utf-8")


def _existing(models: Path) -> Existing:
    target = locate(models, models.parents[1], Layout.PACKAGE)
    own = parse_tolerant(MODELS).statements
    return Existing(target, WorkspaceIndex(), own, Settings())


def test_nothing_offered_once_every_model_has_endpoints(tmp_path: Path) -> None:
    models = tmp_path / "app" / "models.py"
    models.parent.mkdir()
    models.write_text(MODELS, encoding="utf-8")
    analysis = analyze(MODELS)
    before = _existing(models)
    assert next(o.title for o in model_offers(before, analysis.models[0])) == (
        "Generate endpoints for Setting"
    )
    _apply(models, Request(Goal.ENDPOINTS))
    assert (tmp_path / "app/routers/settings_routes.py").exists()
    after = _existing(models)
    for model in analysis.models:
        assert model_offers(after, model) == []
    assert "Generate endpoints for all models" not in [
        o.title for o in file_offers(after, analysis.models)
    ]


def test_model_by_model_writes_the_main_generate_writes(tmp_path: Path) -> None:
    models = tmp_path / "app" / "models.py"
    models.parent.mkdir()
    models.write_text(MODELS, encoding="utf-8")
    _apply(models, Request(Goal.ENDPOINTS, "Note"))
    _apply(models, Request(Goal.ENDPOINTS, "Setting"))
    target = locate(models, tmp_path, Layout.PACKAGE)
    options = GenerateOptions(models_module="app.models", project_name=project_name(target))
    expected = generate_project(analyze(MODELS), MODELS, options)["app/main.py"]
    written = (tmp_path / "app/main.py").read_text(encoding="utf-8")
    # The metadata owner is the file's first model, whichever model came first.
    assert "metadata = Setting.metadata" in expected
    assert "metadata = Setting.metadata" in written
    # Same lines; only the order of names inside an import line may differ.
    assert sorted(_import_names_sorted(written)) == sorted(_import_names_sorted(expected))


def _import_names_sorted(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.startswith("from ") and " import " in line:
            head, names = line.split(" import ", 1)
            line = f"{head} import {', '.join(sorted(names.split(', ')))}"
        lines.append(line)
    return lines
