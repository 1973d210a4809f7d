"""Template filters that keep generated lines within 88 columns, and models without a key."""

from __future__ import annotations

import ast
import io
import textwrap
import tokenize
from pathlib import Path

import pytest

from crudsmith.analysis import analyze_source
from crudsmith.generation import GenerateOptions, generate_project
from crudsmith.generation.naming import pluralize, router_module
from crudsmith.generation.render import docstring, python_string_wrapped, with_article

LONG = "A valid `POST /model-version-pipeline-run-schemas` body; creates the rows it needs."


def test_a_docstring_that_fits_stays_on_one_line() -> None:
    assert docstring("Short.", 4) == '"""Short."""'
    assert docstring('Say "hi"', 0) == '"""Say \'hi\'"""'


@pytest.mark.parametrize("indent", [0, 4, 8])
def test_a_long_docstring_wraps_within_88_columns(indent: int) -> None:
    text = docstring(LONG, indent)
    lines = (" " * indent + text).splitlines()
    assert len(lines) >= 2
    assert all(len(line) <= 88 for line in lines)
    assert ast.literal_eval(textwrap.dedent(" " * indent + text).strip()).split() == LONG.split()


def test_a_string_that_fits_is_one_literal() -> None:
    assert python_string_wrapped("User not found", 12, "detail=") == '"User not found"'


@pytest.mark.parametrize("indent", [4, 12])
def test_a_long_string_becomes_parenthesized_parts_that_fit(indent: int) -> None:
    value = (
        "A model version schema with this model_id and producer_run_id_if_numeric "
        "already exists, and so does this very long continuation of the message"
    )
    wrapped = python_string_wrapped(value, indent, "detail=")
    assert wrapped.startswith("(") and wrapped.endswith(")")
    assert ast.literal_eval(wrapped) == value
    tokens = tokenize.generate_tokens(io.StringIO(wrapped).readline)
    parts = [token.string for token in tokens if token.type == tokenize.STRING]
    assert len(parts) >= 2
    assert all(indent + 4 + len(part) <= 88 for part in parts)


def test_articles() -> None:
    assert with_article("order item") == "an order item"
    assert with_article("user") == "a user"
    assert with_article("index entry") == "an index entry"


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("user", "users"),
        ("category", "categories"),
        ("status", "statuses"),
        ("address", "addresses"),
        ("sql_assessments", "sql_assessments"),
        ("hero_stats", "hero_stats"),
        ("person", "people"),
    ],
)
def test_plurals(word: str, plural: str) -> None:
    assert pluralize(word) == plural


KEYLESS = """
    from sqlmodel import Field

    from mypkg.base import BaseSchema


    class ArtifactLink(BaseSchema, table=True):
        __tablename__ = "artifact_link"
        artifact_id: int = Field(foreign_key="artifact.id")
        label: str
"""


def test_a_model_without_a_known_key_gets_create_and_list_only() -> None:
    source = textwrap.dedent(KEYLESS)
    analysis = analyze_source(source)
    assert analysis.models and analysis.models[0].primary_key == ()
    files = generate_project(analysis, source, GenerateOptions(models_module="mypkg.models"))
    router = files["app/routers/artifact_links.py"]
    assert "@router.post(" in router and "def list_artifact_links(" in router
    for absent in ("@router.patch", "@router.delete", "_or_404", "ArtifactLinkUpdate", "col("):
        assert absent not in router, absent
    tests = files["tests/test_artifact_links.py"]
    assert "def test_create_returns_201" in tests
    assert "def test_list_returns_a_page_with_the_total" in tests
    assert "client.patch" not in tests and "client.delete" not in tests


def test_names_generated_code_uses_are_not_reused_for_rows_or_router_modules() -> None:
    source = (Path(__file__).parents[1] / "generated" / "name_clashes_models.py").read_text()
    files = generate_project(analyze_source(source), source)
    statuses = files["app/routers/statuses.py"]
    assert "status_row = db.get(Status, status_id)" in statuses
    assert "payload_row = Payload(**payload.model_dump())" in files["app/routers/payloads.py"]
    assert "app/routers/settings_routes.py" in files
    assert "app.include_router(settings_routes.router)" in files["app/main.py"]


def test_router_modules_avoid_names_main_uses() -> None:
    assert router_module("users") == "users"
    assert router_module("settings") == "settings_routes"
    assert router_module("metadata") == "metadata_routes"
