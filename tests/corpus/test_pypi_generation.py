"""Generation from real model files of PyPI packages (the shared corpus).

Each file with models is generated from twice, importing the models in place
(`models_module` = the file's own dotted module): once with the defaults and
once with the other sync/async mode and without auth, so that both template
branches meet real-world names. Every generated Python file must parse, and the
projects must pass `ruff check` (with the generated project's own configuration)
and `ruff format --check`. The projects are not run: their models import the
rest of their package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from corpus import corpus_entries, corpus_file

from crudsmith.analysis import analyze_source
from crudsmith.generation import GenerateOptions, GenerationError, generate_project

ENTRIES = corpus_entries()
RUFF = str(Path(sys.executable).parent / "ruff")
ROUTER_EXTRAS = {"app/routers/__init__.py", "app/routers/auth.py"}


def dotted_module(path: str) -> str:
    """`pkg/sub/models.py` -> `pkg.sub.models`; an sdist's `name-1.0/` root is dropped."""
    parts = path.removesuffix(".py").split("/")
    if not parts[0].isidentifier():
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def test_dotted_module() -> None:
    assert dotted_module("prefect/server/database/orm_models.py") == (
        "prefect.server.database.orm_models"
    )
    assert dotted_module("fastapi_users_db_sqlalchemy/__init__.py") == (
        "fastapi_users_db_sqlalchemy"
    )
    assert dotted_module("sqlmodel-0.0.50/docs_src/tutorial/t003.py") == "docs_src.tutorial.t003"


def write(files: dict[str, str], root: Path) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def ruff(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RUFF, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_generated_code_is_ruff_clean(entry: dict[str, Any], tmp_path: Path) -> None:
    source = corpus_file(entry).read_text(encoding="utf-8")
    analysis = analyze_source(source)
    module = dotted_module(entry["path"])
    if not analysis.models:
        with pytest.raises(GenerationError, match="no SQLAlchemy or SQLModel models"):
            generate_project(analysis, source, GenerateOptions(models_module=module))
        return
    variants = {
        "default": GenerateOptions(models_module=module),
        "flipped": GenerateOptions(
            models_module=module, async_mode=not analysis.uses_async, auth=False
        ),
    }
    for name, options in variants.items():
        files = generate_project(analysis, source, options)
        routers = [
            rel for rel in files if rel.startswith("app/routers/") and rel not in ROUTER_EXTRAS
        ]
        assert len(routers) == len(analysis.models), "two models share a router module"
        for rel, text in files.items():
            if rel.endswith(".py"):
                ast.parse(text, filename=rel)
        write(files, tmp_path / name)
    # each project is checked with its own pyproject.toml: ruff uses the closest one
    check = ruff(["check", "--output-format=concise", "."], tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    formatted = ruff(["format", "--check", "."], tmp_path)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
