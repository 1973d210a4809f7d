"""`crudsmith generate` / `inspect`: exit codes, messages, all-or-nothing writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crudsmith.cli.main import main

REPO = Path(__file__).resolve().parents[1]
BLOG = REPO / "examples" / "blog" / "models.py"


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_generate_writes_a_project(tmp_path: Path) -> None:
    assert main(["generate", str(BLOG), "-o", str(tmp_path / "blog")]) == 0
    assert (tmp_path / "blog" / "app" / "main.py").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".crudsmith-")]


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", str(tmp_path / "nope.py"), "-o", str(tmp_path / "out")]) == 2
    assert "no such file" in error_line(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("models.txt", "class A: pass", "not a Python file"),
        ("broken.py", "class User(Base:\n", "not valid Python"),
        ("plain.py", "x = 1\n", "no SQLAlchemy or SQLModel models found"),
        ("binary.py", "\udcff", "not a UTF-8 Python file"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert main(["generate", str(path), "-o", str(tmp_path / "out")]) == 2
    assert message in error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_unknown_model_in_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", str(BLOG), "-o", str(tmp_path / "o"), "--only", "User,Nope"]) == 2
    assert "unknown model Nope" in error_line(capsys)
    assert not (tmp_path / "o").exists()


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "blog"
    (out / "app").mkdir(parents=True)
    (out / "app" / "main.py").write_text("# mine\n")
    (out / "notes.txt").write_text("keep me\n")
    assert main(["generate", str(BLOG), "-o", str(out)]) == 2
    assert "already exists" in error_line(capsys)
    assert (out / "app" / "main.py").read_text() == "# mine\n"
    assert not (out / "app" / "db.py").exists()  # nothing half-written
    assert main(["generate", str(BLOG), "-o", str(out), "--force"]) == 0
    assert "FastAPI" in (out / "app" / "main.py").read_text()
    assert (out / "notes.txt").read_text() == "keep me\n"


def test_unwritable_destination(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A destination that cannot be created (its parent is a file) fails before writing."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    assert main(["generate", str(BLOG), "-o", str(blocker / "out")]) == 2
    assert "cannot write" in error_line(capsys)
    assert blocker.read_text() == "x"


def test_output_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["generate", str(BLOG), "-o", str(target)]) == 2
    assert "not a directory" in error_line(capsys)
    assert target.read_text() == "x"


def test_only_limits_the_routers(tmp_path: Path) -> None:
    assert main(["generate", str(BLOG), "-o", str(tmp_path / "o"), "--only", "Post"]) == 0
    routers = {p.name for p in (tmp_path / "o" / "app" / "routers").glob("*.py")}
    assert routers == {"__init__.py", "auth.py", "users.py", "posts.py"}


def test_package_and_no_auth(tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["generate", str(BLOG), "-o", str(out), "--package", "svc.api", "--no-auth"]
    assert main(args) == 0
    package = out / "svc" / "api"
    assert (package / "main.py").exists() and (package / "routers" / "posts.py").exists()
    assert not (package / "security.py").exists() and not (package / "deps.py").exists()
    assert "from svc.api.db import" in (package / "routers" / "posts.py").read_text()
    assert "CurrentUser" not in (package / "routers" / "posts.py").read_text()


def test_bad_package_gives_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["generate", str(BLOG), "-o", str(tmp_path / "o"), "--package", "not-a.package"]
    assert main(args) == 2
    assert "package" in error_line(capsys)
    assert not (tmp_path / "o").exists()


def test_inspect_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(REPO / "examples" / "heroes" / "models.py"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [m["name"] for m in data["models"]]
    assert names == ["Team", "Hero"]
    hero = data["models"][1]
    assert hero["table"] == "hero"
    assert {c["name"] for c in hero["columns"]} >= {"id", "name", "secret_name", "team_id"}
    assert any(s["name"] == "HeroStats" for s in data["skipped"])


def test_inspect_text_lists_models_and_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(REPO / "examples" / "shop" / "models.py")]) == 0
    out = capsys.readouterr().out
    assert "OrderItem  table=order_items" in out
    assert "key=(order_id, product_id)" in out
    assert "product_tags" in out


def test_help_is_useful() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crudsmith.cli.main", "generate", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for flag in ("--force", "--async", "--only", "--models-module", "--output"):
        assert flag in result.stdout


def test_the_compilers_warnings_about_user_code_stay_quiet(tmp_path: Path) -> None:
    """`1if x else 2` and `"\\d"` make `ast.parse` warn; the CLI prints only its own lines."""
    source = tmp_path / "legacy.py"
    source.write_text('pattern = "\\d+"\nvalue = 1if True else 2\n', "utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "default", "-m", "crudsmith.cli.main", "check", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
