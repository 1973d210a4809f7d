"""CSM501 model-without-endpoints, CSM502 schema-drift, CSM503 router-not-included."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from harness import apply_fix, assert_fix, findings, fixture, lines_of

from crudsmith.config.lint import LintSettings
from crudsmith.rules.engine import fix_source
from crudsmith.workspace.index import WorkspaceIndex

REPO = Path(__file__).resolve().parents[2]
MODELS = fixture("structure", "models.py")
MODELS_PATH = "app/models.py"
WORKSPACE = {MODELS_PATH: MODELS}


# --- CSM501 ---------------------------------------------------------------------------


def test_501_fires_on_every_model_without_endpoints() -> None:
    found = findings(MODELS, "CSM501", MODELS_PATH)
    assert [f.message for f in found] == [
        "model 'User' has no endpoints",
        "model 'Article' has no endpoints",
    ]
    user = found[0]
    assert user.data == {"model": "User"}
    line = MODELS.splitlines()[user.span.line - 1]
    assert line.encode()[user.span.col : user.span.end_col] == b"User"
    assert user.fix is None and user.severity.value == "hint"


def test_501_schema_name_in_an_endpoint_counts_and_helpers_do_not() -> None:
    routers = {"app/routers/users.py": fixture("structure", "csm501_router_uses_schema.py")}
    found = findings(MODELS, "CSM501", MODELS_PATH, routers)
    assert [f.data["model"] for f in found] == ["Article"]


def test_501_only_in_the_defining_file() -> None:
    other = "from fastapi import APIRouter\nrouter = APIRouter()\n"
    assert findings(other, "CSM501", "app/routers/x.py", WORKSPACE) == []


def test_501_non_ascii_name_span() -> None:
    source = MODELS.replace("class Article(Base):", "class Artículo(Base):  # ü")
    found = [f for f in findings(source, "CSM501", MODELS_PATH) if f.data["model"] == "Artículo"]
    (finding,) = found
    line = source.splitlines()[finding.span.line - 1].encode()
    assert line[finding.span.col : finding.span.end_col].decode() == "Artículo"


# --- CSM502 ---------------------------------------------------------------------------


def test_502_missing_columns_added() -> None:
    before = fixture("structure", "csm502_missing_before.py")
    found = findings(before, "CSM502", "app/schemas.py", WORKSPACE)
    assert [f.message for f in found] == [
        "'ArticleCreate' lacks column(s) 'subtitle', 'views' of model 'Article'"
    ]
    after = fixture("structure", "csm502_missing_after.py")
    assert_fix(before, after, "CSM502", "app/schemas.py", WORKSPACE)


def test_502_mismatches() -> None:
    before = fixture("structure", "csm502_mismatch_before.py")
    found = findings(before, "CSM502", "app/schemas.py", WORKSPACE)
    assert [(f.span.line, f.message) for f in found] == [
        (5, "'ArticleBase.title' has max_length=100, the column is String(200) (model 'Article')"),
        (6, "'ArticleBase.subtitle' requires a value, the column is nullable (model 'Article')"),
        (8, "'ArticleBase.views' is str, the column holds int (model 'Article')"),
    ]
    assert all(f.fix is not None and f.fix.safe for f in found)
    after = fixture("structure", "csm502_mismatch_after.py")
    assert_fix(before, after, "CSM502", "app/schemas.py", WORKSPACE)
    assert apply_fix(before, found[1]).splitlines()[5] == (
        "    subtitle: str | None = Field(default=None, max_length=120)"
    )
    assert apply_fix(before, found[2]).splitlines()[7] == '    views: int = Field(default="0")'


def test_502_gone_field_removed_by_an_unsafe_fix() -> None:
    before = fixture("structure", "csm502_gone_before.py")
    found = findings(before, "CSM502", "app/schemas.py", WORKSPACE)
    assert [f.message for f in found] == [
        "'ArticleUpdate.teaser' matches no column of model 'Article'"
    ]
    assert found[0].fix is not None and not found[0].fix.safe
    assert_fix(
        before, fixture("structure", "csm502_gone_after.py"), "CSM502", "app/s.py", WORKSPACE
    )


def test_502_near_misses() -> None:
    source = fixture("structure", "csm502_near_miss.py")
    assert findings(source, "CSM502", "app/schemas.py", WORKSPACE) == []


def test_502_same_file_models_and_update_kind() -> None:
    source = MODELS + (
        "\n\nclass ArticleUpdate(BaseModel):\n"
        "    title: str | None = Field(default=None, max_length=200)\n"
    )
    (finding,) = findings(source, "CSM502", MODELS_PATH)
    assert "lacks column(s) 'subtitle', 'body', 'views'" in finding.message
    fixed = apply_fix(source, finding)
    tail = fixed.splitlines()[-3:]
    assert tail == [
        "    subtitle: str | None = Field(default=None, max_length=120)",
        "    body: str | None = Field(default=None)",
        "    views: int | None = Field(default=None)",
    ]
    # Field is not imported in the models file: the import goes into its isort place
    assert "from pydantic import Field\nfrom sqlalchemy import ForeignKey" in fixed
    assert finding.fix is not None and finding.fix.safe
    ast.parse(fixed)


def test_502_fix_source_converges_and_runs() -> None:
    before = fixture("structure", "csm502_mismatch_before.py")
    index = WorkspaceIndex()
    index.update(MODELS_PATH, MODELS)
    result = fix_source("app/schemas.py", before, LintSettings(select=("CSM502",)), index)
    assert [f.code for f in result.applied] == ["CSM502"] * 3
    assert result.remaining == []
    # the fixed module still defines working Pydantic v2 models
    code = result.source + "\nArticleBase(title='t', subtitle=None, body='b')\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_502_email_and_imports_for_new_types() -> None:
    schemas = "from pydantic import BaseModel\n\n\nclass UserPublic(BaseModel):\n    id: int\n"
    (finding,) = findings(schemas, "CSM502", "app/schemas/user.py", WORKSPACE)
    fixed = apply_fix(schemas, finding)
    # imports join the existing statement or their isort section
    assert fixed.startswith(
        "from datetime import datetime\n\nfrom pydantic import BaseModel, EmailStr, Field\n\n\n"
    )
    assert "    email: EmailStr = Field(max_length=255)\n" in fixed
    assert "hashed_password" not in fixed  # sensitive: never in a response
    assert findings(fixed, "CSM502", "app/schemas/user.py", WORKSPACE) == []


def test_502_noqa_silences() -> None:
    before = fixture("structure", "csm502_gone_before.py").replace(
        "max_length=80)", "max_length=80)  # noqa: CSM502"
    )
    assert findings(before, "CSM502", "app/s.py", WORKSPACE) == []


# --- CSM503 ---------------------------------------------------------------------------


def test_503_included_through_module_and_alias() -> None:
    routers = fixture("structure", "csm503_routers.py")
    main = {"app/main.py": fixture("structure", "csm503_main_included.py")}
    assert findings(routers, "CSM503", "app/routers/users.py", main) == []


def test_503_fires_for_the_router_never_included() -> None:
    routers = fixture("structure", "csm503_routers.py")
    main = {"app/main.py": fixture("structure", "csm503_main_partial.py")}
    found = findings(routers, "CSM503", "app/routers/users.py", main)
    assert [f.message for f in found] == ["router 'admin_router' is never included in an app"]
    assert lines_of(found) == [4]


def test_503_silent_without_an_app_and_for_same_file_include() -> None:
    routers = fixture("structure", "csm503_routers.py")
    assert findings(routers, "CSM503", "app/routers/users.py") == []
    single = (
        "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\nrouter = APIRouter()\n"
        "app.include_router(router)\n"
    )
    assert findings(single, "CSM503", "main.py") == []
    other = single.replace(
        "app.include_router(router)", "other = APIRouter()\napp.include_router(other)"
    )
    assert lines_of(findings(other, "CSM503", "main.py")) == [4]


def test_502_fix_on_a_generated_project_is_ruff_clean(tmp_path: Path) -> None:
    """The blog app crudsmith generates, after its Post model gains and changes columns:
    fixing the drift gives a schema module that ruff checks and formats clean."""
    from crudsmith.analysis import analyze_source
    from crudsmith.generation import GenerateOptions, generate_project

    source = (REPO / "examples" / "blog" / "models.py").read_text(encoding="utf-8")
    files = generate_project(analyze_source(source), source, GenerateOptions())
    models = files["app/models.py"]
    models = models.replace(
        "    body: Mapped[str] = mapped_column(Text)\n",
        "    body: Mapped[str] = mapped_column(Text)\n"
        "    summary: Mapped[str | None] = mapped_column(String(280))\n"
        "    rating: Mapped[Decimal] = mapped_column(Numeric(3, 1))\n",
        1,
    ).replace("String(200))\n", "String(250))\n", 1)
    models = "from decimal import Decimal\n\nfrom sqlalchemy import Numeric\n" + models
    index = WorkspaceIndex()
    for path, text in files.items():
        if path.endswith(".py"):
            index.update(path, text)
    index.update("app/models.py", models)
    schemas = files["app/schemas/post.py"]
    result = fix_source("app/schemas/post.py", schemas, LintSettings(select=("CSM502",)), index)
    assert len(result.applied) >= 4 and result.remaining == []
    assert "summary: str | None = Field(default=None, max_length=280)" in result.source
    target = tmp_path / "post.py"
    target.write_text(result.source, encoding="utf-8")
    ruff = str(Path(sys.executable).parent / "ruff")
    lint = [ruff, "check", "--no-cache", "--isolated", "--select", "E,F,W,I", str(target)]
    subprocess.run(lint, check=True, capture_output=True)
    fmt = [ruff, "format", "--isolated", "--check", str(target)]
    subprocess.run(fmt, check=True, capture_output=True)


def test_503_include_through_a_loop_counts_for_any_router() -> None:
    routers = fixture("structure", "csm503_routers.py")
    main = (
        "from fastapi import FastAPI\n\nfrom app.routers import users\n\napp = FastAPI()\n"
        "for r in (users.router, users.admin_router):\n    app.include_router(r)\n"
    )
    assert findings(routers, "CSM503", "app/routers/users.py", {"app/main.py": main}) == []
