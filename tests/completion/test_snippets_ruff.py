"""Every snippet, expanded with its defaults (and first choices) into a real file together
with its import edits, parses and passes `ruff check` with the generated project's rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from expand import ROUTER_DOCUMENT, ask, expand, models_file
from snippet_grammar import expand_snippet

from crudsmith.analysis.module import analyze
from crudsmith.completion import CompletionSettings, ModelsFile
from crudsmith.completion.catalogue import CATALOGUE

RUFF_CONFIG = """\
[tool.ruff]
line-length = 100
target-version = "py311"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF", "FAST", "N"]

[tool.ruff.lint.isort]
known-first-party = ["app"]
"""

# Module-sized items also go into a file that has nothing but a docstring.
MODULE_ITEMS = {"crud-router", "crud-schemas", "crud-auth-dependency", "crud-exception-handlers"}
DOCSTRING_ONLY = '"""A new module."""\n\n'
# A document whose imports already fill all three sections: new names join them in order.
SECTIONED = '''"""Routes beside other code."""

import logging
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from app.settings import settings

logger = logging.getLogger(__name__)
app = FastAPI(title=settings.app_name)
router = APIRouter()


class Note(BaseModel):
    extra: Any = None

'''

CASES = [
    ("blog", CompletionSettings()),
    ("blog", CompletionSettings(async_mode=True)),
    ("shop", CompletionSettings(auth=False)),
    ("heroes", CompletionSettings()),
    ("heroes", CompletionSettings(async_mode=True)),
    ("forum", CompletionSettings()),
]


def _expansions(example: str, settings: CompletionSettings) -> dict[str, str]:
    files = [models_file(example)]
    out: dict[str, str] = {}
    for prefix, document in (("routes", ROUTER_DOCUMENT), ("sectioned", SECTIONED)):
        answer = ask(document, files, settings=settings)
        for item in answer.items:
            assert expand_snippet(item.rendered.snippet) == item.rendered.plain, item.label
            name = f"{item.label}_{item.model or 'none'}".replace("-", "_").lower()
            out[f"{prefix}_{name}.py"] = expand(document, answer, item)
    bare = ask(DOCSTRING_ONLY, files, settings=settings, path="app/new_module.py")
    for item in bare.items:
        if item.label in MODULE_ITEMS:
            name = f"{item.label}_{item.model or 'none'}".replace("-", "_").lower()
            out[f"module_{name}.py"] = expand(DOCSTRING_ONLY, bare, item)
    return out


@pytest.mark.parametrize(("example", "settings"), CASES, ids=lambda c: str(c))
def test_expanded_snippets_pass_ruff(
    example: str, settings: CompletionSettings, tmp_path: Path
) -> None:
    files = _expansions(example, settings)
    labels = {name.split("_", 1)[1].rsplit("_", 1)[0] for name in files}
    model_free = {e.label.replace("-", "_") for e in CATALOGUE if e.needs.value == "nothing"}
    assert model_free <= labels
    assert "crud_router" in labels and "crud_list" in labels
    (tmp_path / "pyproject.toml").write_text(RUFF_CONFIG, encoding="utf-8")
    for name, text in files.items():
        ast.parse(text, name)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Formatted like ruff format (88 columns) too, except the module-sized items that reuse
    # the app templates as they are: those rely on the generator's ruff-format pass.
    formatted = [
        name for name in files if not any(k in name for k in ("crud_router", "crud_schemas"))
    ]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--isolated", *formatted],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


CLASHES = '''
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from mylib.mixins import KeyMixin


class Base(DeclarativeBase):
    pass


class Status(Base):
    """Its row variable must not shadow `fastapi.status`."""

    __tablename__ = "statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True, index=True)


class Audit(KeyMixin, Base):
    """Its primary key comes from elsewhere: create and list only."""

    __tablename__ = "audits"

    note: Mapped[str] = mapped_column(String(40))
'''


def test_name_clashes_and_models_without_a_known_key(tmp_path: Path) -> None:
    analysis = analyze(CLASHES)
    files = [ModelsFile("app.models", analysis.models)]
    answer = ask(ROUTER_DOCUMENT + "crud", files)
    offered = {(item.label, item.model) for item in answer.items}
    assert ("crud-get", "Status") in offered and ("crud-list", "Audit") in offered
    assert not {("crud-get", "Audit"), ("crud-update", "Audit"), ("crud-delete", "Audit")} & offered
    status_get = next(i for i in answer.items if i.label == "crud-get" and i.model == "Status")
    assert "status_row = db.get(Status, status_id)" in status_get.plain
    (tmp_path / "pyproject.toml").write_text(RUFF_CONFIG, encoding="utf-8")
    for item in answer.items:
        name = f"{item.label}_{item.model}".replace("-", "_").lower()
        (tmp_path / f"{name}.py").write_text(expand(ROUTER_DOCUMENT + "crud", answer, item))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
