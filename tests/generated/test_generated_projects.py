"""Each example, generated into a fresh directory, is lint-clean, type-clean and its tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crudsmith.analysis import analyze_source
from crudsmith.cli.main import main
from crudsmith.generation import GenerateOptions, SchemaNames, generate_project

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CASES = [
    ("blog", []),
    ("blog", ["--async"]),
    ("shop", []),
    ("heroes", []),
    ("forum", []),
]


def generate(example: str, flags: list[str], out: Path) -> None:
    models = REPO / "examples" / example / "models.py"
    assert main(["generate", str(models), "-o", str(out), *flags]) == 0


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize(("example", "flags"), CASES, ids=[f"{e}{''.join(f)}" for e, f in CASES])
def test_generated_project_is_clean_and_its_tests_pass(
    example: str, flags: list[str], tmp_path: Path
) -> None:
    out = tmp_path / example
    generate(example, flags, out)
    check_project(out)


def check_project(out: Path, user_files: tuple[str, ...] = ()) -> None:
    """ruff, ruff format and mypy --strict are clean and the project's own tests pass.

    `user_files` (the user's models, written beside the generated code) are type
    checked but not linted: their style is not crudsmith's.
    """
    exclude = [f"--extend-exclude={path}" for path in user_files]
    checks = {
        "ruff check": [str(BIN / "ruff"), "check", *exclude, "."],
        "ruff format": [str(BIN / "ruff"), "format", "--check", *exclude, "."],
        "mypy": [str(BIN / "mypy"), "--strict", "."],
        "pytest": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
    }
    for name, args in checks.items():
        result = run(args, out)
        assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    assert "passed" in result.stdout and "failed" not in result.stdout


OPTION_CASES = {
    # the language server writing beside a user's myproj/models.py, with a team's names
    "blog-myproj-names": (
        "blog",
        GenerateOptions(
            package="myproj",
            models_module="myproj.models",
            names=SchemaNames(
                base="{model}Fields",
                create="New{model}",
                update="{model}Patch",
                public="{model}Out",
                page="{model}List",
            ),
        ),
    ),
    # a nested package, async, and no auth although Customer has a password hash
    "shop-svc.api-noauth-async": (
        "shop",
        GenerateOptions(package="svc.api", auth=False, async_mode=True),
    ),
    # models named Status, Setting, Payload: row variables and router modules get renamed
    "name-clashes": (
        "name_clashes",
        GenerateOptions(),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_project_with_options_is_clean_and_its_tests_pass(case: str, tmp_path: Path) -> None:
    example, options = OPTION_CASES[case]
    models = REPO / "examples" / example / "models.py"
    if example == "name_clashes":
        models = Path(__file__).with_name("name_clashes_models.py")
    source = models.read_text(encoding="utf-8")
    generated = generate_project(analyze_source(source), source, options)
    user_files: tuple[str, ...] = ()
    if options.models_module is not None:
        user_files = (options.models_module.replace(".", "/") + ".py",)
        generated = {**generated, user_files[0]: source}
    for rel, text in generated.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    check_project(tmp_path, user_files)


@pytest.mark.parametrize("example", ["blog", "shop", "heroes", "forum"])
def test_generating_twice_is_byte_identical(example: str, tmp_path: Path) -> None:
    generate(example, [], tmp_path / "one" / example)
    generate(example, [], tmp_path / "two" / example)
    first = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in files(tmp_path / "one")}
    second = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in files(tmp_path / "two")}
    assert first.keys() == second.keys()
    assert first == second


def test_blog_layout_matches_the_design(tmp_path: Path) -> None:
    generate("blog", [], tmp_path / "blog")
    files = {p.relative_to(tmp_path / "blog").as_posix() for p in (tmp_path / "blog").rglob("*.py")}
    assert {
        "app/models.py",
        "app/db.py",
        "app/settings.py",
        "app/security.py",
        "app/deps.py",
        "app/errors.py",
        "app/main.py",
        "app/schemas/user.py",
        "app/schemas/post.py",
        "app/routers/users.py",
        "app/routers/posts.py",
        "app/routers/comments.py",
        "app/routers/auth.py",
        "tests/conftest.py",
        "tests/test_posts.py",
    } <= files
    assert (tmp_path / "blog" / "pyproject.toml").is_file()
