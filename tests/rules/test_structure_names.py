"""CSM501 and CSM502 under configured schema names (`[tool.crudsmith.names]`)."""

from __future__ import annotations

from collections.abc import Mapping

from harness import apply_fix, fixture, workspace_of

from crudsmith.config.lint import LintSettings
from crudsmith.generation.options import SchemaNames
from crudsmith.rules import drift
from crudsmith.rules.engine import build_context, check, fix_source
from crudsmith.rules.model import Finding
from crudsmith.rules.registry import rule_by_code

MODELS = fixture("structure", "models.py")
MODELS_PATH = "app/models.py"
SCHEMAS_PATH = "app/schemas.py"
IN_OUT = SchemaNames(create="{model}In", public="{model}Out")
SCHEMAS = fixture("structure", "names_schemas.py")  # ArticleIn, ArticleOut, ArticlePublic
ROUTER = fixture("structure", "names_router.py")


def run(
    code: str,
    source: str,
    path: str,
    others: Mapping[str, str],
    names: SchemaNames | None = None,
) -> list[Finding]:
    rule = rule_by_code(code)
    assert rule is not None
    ctx = build_context(path, source, workspace_of(others), names)
    return [f for f in check(ctx, LintSettings(), [rule]) if f.code == code]


def messages(found: list[Finding]) -> list[str]:
    return [f.message for f in found]


# --- CSM502 ---------------------------------------------------------------------------


def test_502_checks_the_schemas_the_patterns_name() -> None:
    found = run("CSM502", SCHEMAS, SCHEMAS_PATH, {MODELS_PATH: MODELS}, IN_OUT)
    assert messages(found) == [
        "'ArticleIn' lacks column(s) 'subtitle', 'views' of model 'Article'",
        "'ArticleOut' lacks column(s) 'subtitle' of model 'Article'",
        "'ArticleOut.views' is str, the column holds int (model 'Article')",
    ]
    assert {f.data["schema"] for f in found} == {"ArticleIn", "ArticleOut"}


def test_502_default_names_check_public_and_not_out() -> None:
    found = run("CSM502", SCHEMAS, SCHEMAS_PATH, {MODELS_PATH: MODELS})
    assert messages(found) == [
        "'ArticlePublic' lacks column(s) 'title', 'subtitle', 'body', 'views', 'author_id' "
        "of model 'Article'"
    ]


def test_502_fixes_render_like_the_generator_and_converge() -> None:
    found = run("CSM502", SCHEMAS, SCHEMAS_PATH, {MODELS_PATH: MODELS}, IN_OUT)
    added = apply_fix(SCHEMAS, found[1])
    assert added == SCHEMAS.replace(
        "    author_id: int\n",
        "    author_id: int\n    subtitle: str | None = Field(default=None, max_length=120)\n",
    )
    retyped = apply_fix(SCHEMAS, found[2]).splitlines()
    assert "    views: int = Field(default=0)" in retyped and "    views: str" not in retyped
    result = fix_source(
        SCHEMAS_PATH, SCHEMAS, LintSettings(), workspace_of({MODELS_PATH: MODELS}), IN_OUT
    )
    assert [f.code for f in result.applied].count("CSM502") == 3
    assert not [f for f in result.remaining if f.code == "CSM502"]
    assert "class ArticlePublic(BaseModel):\n    id: int\n" in result.source  # not a schema here


def test_502_prefix_pattern_update_kind_and_non_ascii_name() -> None:
    models = MODELS.replace("Article", "Artículo")
    schemas = (
        "from pydantic import BaseModel, Field\n\n\n"
        "class PatchArtículo(BaseModel):  # ü\n"
        "    title: str | None = Field(default=None, max_length=200)\n"
    )
    names = SchemaNames(update="Patch{model}")
    (finding,) = run("CSM502", schemas, SCHEMAS_PATH, {MODELS_PATH: models}, names)
    assert finding.message == (
        "'PatchArtículo' lacks column(s) 'subtitle', 'body', 'views' of model 'Artículo'"
    )
    line = schemas.splitlines()[finding.span.line - 1].encode()
    assert line[finding.span.col : finding.span.end_col].decode() == "PatchArtículo"
    assert apply_fix(schemas, finding).splitlines()[-3:] == [
        "    subtitle: str | None = Field(default=None, max_length=120)",
        "    body: str | None = Field(default=None)",
        "    views: int | None = Field(default=None)",
    ]
    assert run("CSM502", schemas, SCHEMAS_PATH, {MODELS_PATH: models}) == []


def test_model_part_reads_prefixes_suffixes_and_repeats() -> None:
    assert drift.model_part("ApiArticleOut", "Api{model}Out") == "Article"
    assert drift.model_part("ArticleOut", "Api{model}Out") is None
    assert drift.model_part("ArticleToArticle", "{model}To{model}") == "Article"
    assert drift.model_part("ArticleToUser", "{model}To{model}") is None
    assert drift.model_part("Out", "{model}Out") is None
    assert drift.may_be_schema("UserOut", IN_OUT)
    assert not drift.may_be_schema("UserPublic", IN_OUT)


# --- CSM501 ---------------------------------------------------------------------------


def test_501_quiet_when_an_endpoint_uses_the_custom_named_schemas() -> None:
    routers = {"app/routers.py": ROUTER}
    assert run("CSM501", MODELS, MODELS_PATH, routers, IN_OUT) == []
    found = run("CSM501", MODELS, MODELS_PATH, routers)
    assert [f.data["model"] for f in found] == ["User", "Article"]


def test_501_page_pattern_counts() -> None:
    router = ROUTER.replace("ArticleIn", "ArticleList").replace("UserOut", "UserList")
    names = SchemaNames(page="{model}List")
    assert run("CSM501", MODELS, MODELS_PATH, {"app/routers.py": router}, names) == []
    assert len(run("CSM501", MODELS, MODELS_PATH, {"app/routers.py": router}, IN_OUT)) == 2
