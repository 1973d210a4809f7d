"""Unit tests: snippet escaping, tab stops, the catalogue, context and import edits."""

from __future__ import annotations

import ast

from expand import ROUTER_DOCUMENT, ask, expand, models_file

from crudsmith.completion.catalogue import CATALOGUE
from crudsmith.completion.imports import ImportNeed, import_edits
from crudsmith.completion.snippet import (
    TabStop,
    build_snippet,
    escape_choice,
    escape_text,
    plain_text,
    sentinel,
)
from crudsmith.rules.fixes import apply_edits


def test_escaping() -> None:
    assert escape_text("f'{a}' $x \\n") == "f'{a\\}' \\$x \\\\n"
    assert escape_choice("a,b|c}$") == "a\\,b\\|c\\}\\$"


def test_sentinels_become_tab_stops_and_mirrors() -> None:
    rendered = f'x = "{sentinel(1)}"\ny = {sentinel(2)}\nz = "{sentinel(1)}" + "${{}}"\n'
    stops = (TabStop(1, "a}b"), TabStop(2, choices=("Post", "Us,er")))
    assert build_snippet(rendered, stops) == (
        'x = "${1:a\\}b}"\ny = ${2|Post,Us\\,er|}\nz = "$1" + "\\${\\}"\n'
    )
    assert plain_text(rendered, stops) == 'x = "a}b"\ny = Post\nz = "a}b" + "${}"\n'


def test_catalogue_labels_are_unique_and_prefixed() -> None:
    labels = [entry.label for entry in CATALOGUE]
    assert len(labels) == len(set(labels)) == 14
    assert all(label.startswith(("crud-", "fastapi-")) for label in labels)


def test_prefix_filters_and_context_model() -> None:
    files = [models_file("blog")]
    answer = ask(ROUTER_DOCUMENT + "fastapi-c", files)
    assert [item.label for item in answer.items] == ["fastapi-cors"]
    answer = ask(ROUTER_DOCUMENT + "crud-g", files, path="app/routers/comments.py")
    assert [(item.label, item.model) for item in answer.items] == [("crud-get", "Comment")]
    answer = ask(ROUTER_DOCUMENT + "crud-g", files, path="app/routers/misc.py")
    assert {item.model for item in answer.items} == {"User", "Post", "Comment", "Tag"} & {
        m.name for m in files[0].models
    }


def test_nothing_outside_a_statement_start() -> None:
    files = [models_file("blog")]
    for text in ('x = "crud', "# crud", "def f():\n    crud", "value = (\ncrud", "x = crud"):
        assert ask(text, files).items == (), text


def test_names_from_user_code_are_escaped() -> None:
    # A router variable whose name cannot be a tab stop still appears escaped in the snippet.
    answer = ask(ROUTER_DOCUMENT.replace("router", "r$"), [models_file("blog")])
    # `r$` is not an identifier: no router is detected and the default host is used.
    assert all("r$" not in item.rendered.snippet for item in answer.items)
    doc = '"""Docs with $ and }."""\n\n'
    answer = ask(doc + "fastapi-health", [])
    item = answer.items[0]
    assert "\\$" not in item.rendered.snippet or "$" in doc
    assert ast.parse(expand(doc + "fastapi-health", answer, item))


def test_import_edits_merge_and_respect_sections() -> None:
    text = (
        '"""Doc."""\n\nimport os\n\nfrom fastapi import APIRouter\n\n'
        "from app.db import x\n\nprint(os, APIRouter, x)\n"
    )
    needs = [
        ImportNeed("fastapi", "status"),
        ImportNeed("typing", "Annotated"),
        ImportNeed("sqlalchemy", "select"),
        ImportNeed("app.models", "Post"),
        ImportNeed("os"),
    ]
    edited = apply_edits(text, import_edits(text, ast.parse(text).body, needs, frozenset({"app"})))
    assert edited == (
        '"""Doc."""\n\nimport os\nfrom typing import Annotated\n\n'
        "from fastapi import APIRouter, status\nfrom sqlalchemy import select\n\n"
        "from app.db import x\nfrom app.models import Post\n\nprint(os, APIRouter, x)\n"
    )


def test_first_import_block_after_a_non_ascii_docstring() -> None:
    text = '"""Modèle 🚀."""\n\n\nvalue = 1\n'
    edits = import_edits(text, ast.parse(text).body, [ImportNeed("uuid")], frozenset())
    assert apply_edits(text, edits) == '"""Modèle 🚀."""\n\nimport uuid\n\nvalue = 1\n'
