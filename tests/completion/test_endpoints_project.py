"""The editor path for endpoints: in a generated project, each router file is rewritten by
typing crud-create, crud-list, crud-get, crud-update and crud-delete into a file that only
declares the router (defaults accepted, import edits applied). The project stays clean
under ruff, ruff format and mypy --strict, and its generated tests still pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from expand import REPO, ask, expand, models_file

from crudsmith.cli.main import main
from crudsmith.completion import CompletionSettings

BIN = Path(sys.executable).parent
ENDPOINTS = ("crud-create", "crud-list", "crud-get", "crud-update", "crud-delete")
CASES = [("blog", []), ("heroes", ["--async"])]


def _retype_router(path: Path, example: str, settings: CompletionSettings) -> None:
    declaration = next(
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("router")
    )
    text = f'"""Typed with completions."""\n\nfrom fastapi import APIRouter\n\n{declaration}\n'
    for label in ENDPOINTS:
        document = f"{text}\n{label}"
        answer = ask(
            document, [models_file(example)], path=f"app/routers/{path.name}", settings=settings
        )
        (item,) = answer.items
        text = expand(document, answer, item)
    path.write_text(text, encoding="utf-8")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize(("example", "flags"), CASES, ids=[f"{e}{''.join(f)}" for e, f in CASES])
def test_routers_typed_with_completions_pass_the_generated_tests(
    example: str, flags: list[str], tmp_path: Path
) -> None:
    out = tmp_path / example
    assert (
        main(["generate", str(REPO / "examples" / example / "models.py"), "-o", str(out), *flags])
        == 0
    )
    settings = CompletionSettings(async_mode=True if "--async" in flags else None)
    routers = [
        p
        for p in sorted((out / "app" / "routers").glob("*.py"))
        if p.stem not in ("__init__", "auth")
    ]
    assert routers
    for router in routers:
        _retype_router(router, example, settings)
    checks = {
        "ruff check": [str(BIN / "ruff"), "check", "."],
        "ruff format": [str(BIN / "ruff"), "format", "--check", "."],
        "mypy": [str(BIN / "mypy"), "--strict", "."],
        "pytest": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    }
    for name, args in checks.items():
        result = _run(args, out)
        assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    assert "passed" in result.stdout and "failed" not in result.stdout
