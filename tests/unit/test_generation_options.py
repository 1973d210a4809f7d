"""GenerateOptions for the editor: package, schema names, auth, and the pieces of a project.

Generated projects with these options are run (ruff, mypy --strict, their own
tests) in tests/generated/test_generated_projects.py (`OPTION_CASES`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModuleAnalysis
from crudsmith.generation import (
    GenerateOptions,
    GenerationError,
    Piece,
    PieceKind,
    SchemaNames,
    generate_project,
    paths_of,
    project_pieces,
)

REPO = Path(__file__).resolve().parents[2]
CUSTOM = SchemaNames(
    base="{model}Fields",
    create="New{model}",
    update="{model}Patch",
    public="{model}Out",
    page="{model}List",
)


@cache
def blog(options: GenerateOptions) -> dict[str, str]:
    source = (REPO / "examples" / "blog" / "models.py").read_text(encoding="utf-8")
    return generate_project(analyze_source(source), source, options)


def blog_analysis() -> tuple[str, ModuleAnalysis]:
    source = (REPO / "examples" / "blog" / "models.py").read_text(encoding="utf-8")
    return source, analyze_source(source)


def imported_modules(text: str) -> set[str]:
    return set(re.findall(r"^\s*from ([\w.]+) import", text, flags=re.MULTILINE))


def test_the_default_package_is_app_and_explicit_app_is_identical() -> None:
    assert blog(GenerateOptions()) == blog(GenerateOptions(package="app"))
    assert "app/schemas/user.py" in blog(GenerateOptions())


def test_package_places_files_and_every_sibling_import_goes_through_it() -> None:
    files = blog(GenerateOptions(package="myproj", models_module="myproj.models"))
    roots = {path.split("/")[0] for path in files}
    assert roots == {"myproj", "tests", "pyproject.toml", "README.md"}
    assert "myproj/models.py" not in files  # imported in place, not copied
    assert {"myproj/schemas/user.py", "myproj/routers/posts.py", "myproj/deps.py"} <= set(files)
    for path, text in files.items():
        if path.endswith(".py"):
            modules = imported_modules(text)
            assert not {m for m in modules if m == "app" or m.startswith("app.")}, path
    assert "from myproj.db import SessionDep" in files["myproj/routers/posts.py"]
    assert "from myproj.main import app" in files["tests/conftest.py"]
    assert 'known-first-party = ["myproj", "tests"]' in files["pyproject.toml"]
    assert "uvicorn myproj.main:app" in files["README.md"]


def test_a_dotted_package_nests_directories_with_their_init_files() -> None:
    files = blog(GenerateOptions(package="svc.api"))
    assert "svc/__init__.py" in files
    assert "svc/api/__init__.py" in files
    assert "svc/api/models.py" in files
    assert "from svc.api.models import Post" in files["svc/api/routers/posts.py"]


@pytest.mark.parametrize("package", ["", "my-proj", "a..b", "class", "1app", "a.def", "tests"])
def test_an_invalid_package_is_a_generation_error(package: str) -> None:
    with pytest.raises(GenerationError, match="package"):
        blog(GenerateOptions(package=package))


def test_an_invalid_models_module_is_a_generation_error() -> None:
    with pytest.raises(GenerationError, match="models_module"):
        blog(GenerateOptions(models_module="my models"))


def test_schema_names_follow_the_patterns_in_schemas_routers_and_auth() -> None:
    files = blog(GenerateOptions(names=CUSTOM))
    schemas = files["app/schemas/user.py"]
    for name in ("UserFields", "NewUser", "UserPatch", "UserOut", "UserList"):
        assert f"class {name}(" in schemas
    assert "UserBase" not in "".join(files.values())
    assert "UserPublic" not in "".join(files.values())
    assert "payload: NewPost," in files["app/routers/posts.py"]
    assert "-> PostList:" in files["app/routers/posts.py"]
    assert "-> UserOut:" in files["app/routers/auth.py"]


def test_schema_names_of_gives_each_role() -> None:
    assert CUSTOM.of("Post") == {
        "base": "PostFields",
        "create": "NewPost",
        "update": "PostPatch",
        "public": "PostOut",
        "page": "PostList",
    }
    assert SchemaNames().of("Post")["public"] == "PostPublic"


@pytest.mark.parametrize(
    ("role", "pattern", "message"),
    [
        ("create", "CreateModel", "must contain"),
        ("public", "{model}", "shadow"),
        ("page", "{model}-Page", "identifier"),
        ("base", "{model} Base", "identifier"),
        ("update", "{model}{other}", "identifier"),
        ("update", "{model}Public", "must differ"),
    ],
)
def test_bad_schema_name_patterns_are_generation_errors(
    role: str, pattern: str, message: str
) -> None:
    with pytest.raises(GenerationError, match=message):
        SchemaNames(**{role: pattern})


def test_without_auth_there_is_no_auth_at_all() -> None:
    files = blog(GenerateOptions(auth=False))
    assert not {
        "app/security.py",
        "app/deps.py",
        "app/routers/auth.py",
        "tests/test_auth.py",
    } & set(files)
    everything = "".join(files.values())
    for word in ("CurrentUser", "auth_headers", "Authorization", "hash_password", "jwt"):
        assert word not in everything, word
    assert "pyjwt" not in files["pyproject.toml"]
    assert "app/routers/users.py" in files  # the user model still gets its endpoints


def test_pieces_name_every_generated_file() -> None:
    _, analysis = blog_analysis()
    for options in (GenerateOptions(), GenerateOptions(package="a.b", auth=False)):
        pieces = project_pieces(analysis, options)
        assert list(pieces) == list(blog(options))


def test_pieces_select_the_files_of_one_feature() -> None:
    _, analysis = blog_analysis()
    pieces = project_pieces(analysis, GenerateOptions(package="myproj"))
    assert paths_of(pieces, PieceKind.SCHEMAS, "User") == ["myproj/schemas/user.py"]
    assert paths_of(pieces, PieceKind.ROUTER, "Post", tests=True) == [
        "myproj/routers/posts.py",
        "tests/test_posts.py",
    ]
    assert paths_of(pieces, PieceKind.AUTH) == [
        "myproj/deps.py",
        "myproj/routers/auth.py",
        "myproj/security.py",
    ]
    assert paths_of(pieces, PieceKind.AUTH, tests=True)[-1] == "tests/test_auth.py"
    assert paths_of(pieces, PieceKind.ERRORS) == ["myproj/errors.py"]
    assert paths_of(pieces, PieceKind.SETTINGS) == ["myproj/settings.py"]
    assert paths_of(pieces, PieceKind.DB) == ["myproj/db.py"]
    assert paths_of(pieces, PieceKind.MAIN, tests=True) == [
        "myproj/main.py",
        "tests/test_health.py",
    ]
    assert paths_of(pieces, PieceKind.MODELS) == ["myproj/models.py"]
    assert pieces["tests/conftest.py"] == Piece(PieceKind.FIXTURES, test=True)
    assert pieces["myproj/routers/__init__.py"] == Piece(PieceKind.PACKAGE)


def test_pieces_raise_like_generation() -> None:
    _, analysis = blog_analysis()
    with pytest.raises(GenerationError, match="unknown model"):
        project_pieces(analysis, GenerateOptions(only=("Nope",)))
