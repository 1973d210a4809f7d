"""plan_insertion: what each goal writes, same code as `crudsmith generate`, idempotent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from crudsmith.analysis.module import analyze
from crudsmith.generation.options import GenerateOptions
from crudsmith.generation.project import generate_project
from crudsmith.insertion import FileChange, Goal, Layout, Plan, Request, locate, plan_insertion
from crudsmith.insertion.plan import project_name

REPO = Path(__file__).resolve().parents[2]
BLOG = (REPO / "examples" / "blog" / "models.py").read_text(encoding="utf-8")


class Disk:
    """An in-memory workspace: path -> text."""

    def __init__(self, files: dict[Path, str]) -> None:
        self.files = dict(files)

    def read(self, path: Path) -> str | None:
        return self.files.get(path)

    def apply(self, plan: Plan) -> None:
        for change in plan.changes:
            self.files[change.path] = change.text


def plan(disk: Disk, models: Path, request: Request, layout: Layout = Layout.PACKAGE) -> Plan:
    root = models.parents[1] if layout is Layout.PACKAGE else models.parent
    source = disk.files[models]
    target = locate(models, root, layout)
    return plan_insertion(target, analyze(source), source, request, GenerateOptions(), disk.read)


def relative(changes: tuple[FileChange, ...], root: Path) -> set[str]:
    return {c.path.relative_to(root).as_posix() for c in changes}


def test_all_models_writes_what_generate_writes_then_nothing(tmp_path: Path) -> None:
    models = tmp_path / "app" / "models.py"
    disk = Disk({models: BLOG})
    first = plan(disk, models, Request(Goal.ENDPOINTS))
    assert all(c.created for c in first.changes)
    target = locate(models, tmp_path, Layout.PACKAGE)
    options = GenerateOptions(models_module="app.models", project_name=project_name(target))
    expected = generate_project(analyze(BLOG), BLOG, options)
    expected = {p: t for p, t in expected.items() if p not in ("pyproject.toml", "README.md")}
    assert {c.path.relative_to(tmp_path).as_posix(): c.text for c in first.changes} == expected
    disk.apply(first)
    assert plan(disk, models, Request(Goal.ENDPOINTS)).empty


def test_one_model_then_another_merges_main(tmp_path: Path) -> None:
    models = tmp_path / "app" / "models.py"
    disk = Disk({models: BLOG})
    disk.apply(plan(disk, models, Request(Goal.ENDPOINTS, "Post")))
    assert tmp_path / "app/routers/comments.py" not in disk.files
    second = plan(disk, models, Request(Goal.ENDPOINTS, "Comment"))
    changed = {c.path.relative_to(tmp_path).as_posix(): c for c in second.changes}
    assert changed["app/routers/comments.py"].created
    main = changed["app/main.py"]
    assert not main.created and main.edits
    assert "app.include_router(comments.router)" in main.text
    imports = next(line for line in main.text.splitlines() if line.startswith("from app.routers"))
    assert sorted(imports.removeprefix("from app.routers import ").split(", ")) == [
        "auth",
        "comments",
        "posts",
        "users",
    ]
    assert not changed["tests/conftest.py"].created or "tests/conftest.py" not in changed
    disk.apply(second)
    assert plan(disk, models, Request(Goal.ENDPOINTS)).empty


def test_schemas_auth_errors_settings_write_their_modules(tmp_path: Path) -> None:
    models = tmp_path / "app" / "models.py"
    disk = Disk({models: BLOG})
    schemas = plan(disk, models, Request(Goal.SCHEMAS, "Post"))
    assert relative(schemas.changes, tmp_path) == {
        "app/__init__.py",
        "app/schemas/__init__.py",
        "app/schemas/post.py",
    }
    auth = plan(disk, models, Request(Goal.AUTH))
    assert relative(auth.changes, tmp_path) == {
        "app/security.py",
        "app/deps.py",
        "app/settings.py",
        "app/db.py",
        "app/__init__.py",
    }
    assert relative(plan(disk, models, Request(Goal.SETTINGS)).changes, tmp_path) >= {
        "app/settings.py"
    }
    disk.files[tmp_path / "app/main.py"] = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    errors = {c.path.name: c for c in plan(disk, models, Request(Goal.ERRORS)).changes}
    assert errors["errors.py"].created
    assert errors["main.py"].text == (
        "from fastapi import FastAPI\n"
        "from app.errors import add_exception_handlers\n\n"
        "app = FastAPI()\n\n"
        "add_exception_handlers(app)\n"
    )


def test_single_file_merges_below_the_models_and_is_idempotent(tmp_path: Path) -> None:
    models = tmp_path / "main.py"
    disk = Disk({models: BLOG})
    first = plan(disk, models, Request(Goal.ENDPOINTS), Layout.SINGLE_FILE)
    (change,) = first.changes
    assert change.path == models and not change.created
    text = change.text
    compile(text, "main.py", "exec")
    assert "from app." not in text and "from main import" not in text
    for name in ("users", "posts", "comments", "auth"):
        assert f"{name}_router = APIRouter(" in text
        assert f"app.include_router({name}_router)" in text
    assert "POSTS_NOT_NULL = " in text and "def posts_taken(" in text
    assert text.index("class Comment(") < text.index("class CommentCreate(")
    disk.apply(first)
    assert plan(disk, models, Request(Goal.ENDPOINTS), Layout.SINGLE_FILE).empty


def test_single_file_one_router_now_another_later(tmp_path: Path) -> None:
    models = tmp_path / "main.py"
    disk = Disk({models: BLOG})
    disk.apply(plan(disk, models, Request(Goal.ENDPOINTS, "Post"), Layout.SINGLE_FILE))
    disk.apply(plan(disk, models, Request(Goal.ENDPOINTS, "Comment"), Layout.SINGLE_FILE))
    text = disk.files[models]
    compile(text, "main.py", "exec")
    assert "COMMENTS_NOT_NULL" in text and "POSTS_NOT_NULL" in text
    assert text.count("app = FastAPI(") == 1


def test_options_are_kept_but_the_target_decides_package(tmp_path: Path) -> None:
    models = tmp_path / "shop" / "models.py"
    disk = Disk({models: BLOG})
    target = locate(models, tmp_path, Layout.PACKAGE)
    options = dataclasses.replace(GenerateOptions(), auth=False)
    result = plan_insertion(
        target, analyze(BLOG), BLOG, Request(Goal.ENDPOINTS, "Post"), options, disk.read
    )
    paths = relative(result.changes, tmp_path)
    assert "shop/routers/posts.py" in paths and "shop/deps.py" not in paths
    router = next(c.text for c in result.changes if c.path.name == "posts.py")
    assert "from shop.models import Post" in router


def test_single_file_errors_wire_into_an_existing_app(tmp_path: Path) -> None:
    models = tmp_path / "main.py"
    source = BLOG + "\n\napp = FastAPI()\n"
    source = source.replace(
        "from sqlalchemy import", "from fastapi import FastAPI\nfrom sqlalchemy import", 1
    )
    disk = Disk({models: source})
    (change,) = plan(disk, models, Request(Goal.ERRORS), Layout.SINGLE_FILE).changes
    text = change.text
    assert text.count("app = FastAPI()") == 1
    assert text.index("app = FastAPI()") < text.index("def add_exception_handlers(app: FastAPI)")
    assert text.rstrip().endswith("\n\n\nadd_exception_handlers(app)")
    lines = iter(text.splitlines())
    assert all(line in lines for line in source.splitlines() if not line.startswith("from "))
    compile(change.text, "main.py", "exec")


def test_models_at_the_workspace_root(tmp_path: Path) -> None:
    models = tmp_path / "models.py"
    disk = Disk({models: BLOG})
    target = locate(models, tmp_path, Layout.PACKAGE)
    result = plan_insertion(
        target, analyze(BLOG), BLOG, Request(Goal.ENDPOINTS), GenerateOptions(), disk.read
    )
    paths = relative(result.changes, tmp_path)
    assert {"app/main.py", "app/routers/posts.py", "tests/conftest.py"} <= paths
    router = next(c.text for c in result.changes if c.path.name == "posts.py")
    assert "from models import Post, User" in router and "from app.db import" in router
