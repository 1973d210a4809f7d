"""Unit tests: snippet escaping, tab stops, the catalogue, context and import edits."""

from __future__ import annotations

import ast

import pytest
from expand import ROUTER_DOCUMENT, ask, expand, models_file
from snippet_grammar import SnippetError, expand_snippet

from crudsmith.analysis.module import analyze
from crudsmith.completion import ModelsFile
from crudsmith.completion.catalogue import CATALOGUE
from crudsmith.completion.engine import MAX_MODELS
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


ODD_MODELS = '''
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Price(Base):
    """Prices like ${amount} | {total}."""

    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), default="${amount}|a,b\\\\")
'''


def test_text_from_user_code_is_escaped_in_snippets() -> None:
    analysis = analyze(ODD_MODELS)
    files = [ModelsFile("app.models", analysis.models, analysis.uses_async)]
    answer = ask("crud-schemas", files, path="app/schemas/price.py")
    (item,) = answer.items
    assert "${amount}" in item.rendered.plain  # the user's default, verbatim in the code
    assert "\\${amount\\}" in item.rendered.snippet  # escaped in the snippet
    assert expand_snippet(item.rendered.snippet) == item.rendered.plain
    assert ast.parse(expand("crud-schemas", answer, item))


def test_snippet_grammar_reader_rejects_unescaped_text() -> None:
    assert expand_snippet("a ${1:x} $1 ${2|p,q|} \\$ \\}") == "a x x p $ }"
    for bad in ("cost: $", "}", "${1:x", "${1|a|b|}", "\\n"):
        with pytest.raises(SnippetError):
            expand_snippet(bad)


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


def test_import_edits_keep_trailing_comments_on_their_line() -> None:
    text = '"""Doc."""\n\nfrom fastapi import APIRouter  # 路由 🎯\n\nrouter = APIRouter()\n'
    needs = [ImportNeed("fastapi", "status"), ImportNeed("app.models", "Post")]
    edited = apply_edits(text, import_edits(text, ast.parse(text).body, needs, frozenset({"app"})))
    assert edited == (
        '"""Doc."""\n\nfrom fastapi import APIRouter, status  # 路由 🎯\n\n'
        "from app.models import Post\n\nrouter = APIRouter()\n"
    )


def test_first_import_block_after_a_non_ascii_docstring() -> None:
    text = '"""Modèle 🚀."""\n\n\nvalue = 1\n'
    edits = import_edits(text, ast.parse(text).body, [ImportNeed("uuid")], frozenset())
    assert apply_edits(text, edits) == '"""Modèle 🚀."""\n\nimport uuid\n\nvalue = 1\n'


def _many_models(count: int) -> ModelsFile:
    classes = "".join(
        f"\n\nclass Thing{n}(Base):\n    __tablename__ = 'things{n}'\n"
        f"    id: Mapped[int] = mapped_column(primary_key=True)\n"
        for n in range(count)
    )
    source = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n" + classes
    )
    analysis = analyze(source)
    assert len(analysis.models) == count
    return ModelsFile("app.models", analysis.models)


def test_typing_a_model_after_the_label_narrows_the_items() -> None:
    files = [models_file("blog")]
    answer = ask(ROUTER_DOCUMENT + "crud-get-com", files, path="app/routers/misc.py")
    assert [(item.label, item.model) for item in answer.items] == [("crud-get", "Comment")]
    # In posts.py Post is the context model, but a typed model wins.
    answer = ask(ROUTER_DOCUMENT + "crud-get-us", files, path="app/routers/posts.py")
    assert [(item.label, item.model) for item in answer.items] == [("crud-get", "User")]
    assert answer.items[0].filter_text == "crud-get-user"


def test_without_a_context_model_the_list_is_capped_and_incomplete() -> None:
    files = [_many_models(30)]
    answer = ask(ROUTER_DOCUMENT + "crud-list", files, path="app/routers/misc.py")
    assert len(answer.items) == MAX_MODELS and answer.incomplete
    answer = ask(ROUTER_DOCUMENT + "crud-list-thing2", files, path="app/routers/misc.py")
    assert sorted(item.model or "" for item in answer.items) == sorted(
        ["Thing2", *(f"Thing2{n}" for n in range(10))]
    )
    assert not answer.incomplete
    answer = ask(ROUTER_DOCUMENT + "crud-list", files, path="app/routers/thing7s.py")
    assert [item.model for item in answer.items] == ["Thing7"] and not answer.incomplete


def test_two_blank_lines_before_an_item_whatever_the_line_endings() -> None:
    for newline in ("\n", "\r\n"):
        text = newline.join(['"""Doc."""', "", "value = 1", "", "fastapi-cors"])
        (item,) = ask(text, []).items
        assert item.lead == "\n", newline
    (item,) = ask("value = 1\n\n\nfastapi-cors", []).items
    assert item.lead == ""
    (item,) = ask("fastapi-cors", []).items
    assert item.lead == ""


def test_a_choice_of_router_or_app_when_the_document_has_several() -> None:
    document = (
        "from fastapi import APIRouter, FastAPI\n\n"
        'router = APIRouter(prefix="/posts")\nadmin = APIRouter()\napp = FastAPI()\n\n'
    )
    answer = ask(document + "crud-get", [models_file("blog")], path="app/routers/posts.py")
    (item,) = answer.items
    assert item.rendered.snippet.startswith("@${3|router,admin,app|}.get(\n")
    assert item.rendered.plain.startswith('@router.get(\n    "/{post_id}",')
    assert expand_snippet(item.rendered.snippet) == item.rendered.plain
    two_apps = "from fastapi import FastAPI\n\napp = FastAPI()\nadmin_app = FastAPI()\n\n"
    (handlers,) = ask(two_apps + "crud-exception-handlers", []).items
    assert handlers.rendered.snippet.rstrip().endswith(
        "add_exception_handlers(${1|app,admin_app|})"
    )
    (cors,) = ask(two_apps + "fastapi-cors", []).items
    assert cors.rendered.snippet.startswith("${2|app,admin_app|}.add_middleware(")
    (single,) = ask("from fastapi import FastAPI\n\nweb = FastAPI()\n\nfastapi-cors", []).items
    assert single.rendered.plain.startswith("web.add_middleware(")


def test_imports_follow_where_the_models_live() -> None:
    blog = models_file("blog")
    package = ModelsFile("shop.models.blog", blog.models)
    (item,) = ask(ROUTER_DOCUMENT + "crud-get", [package], path="routers/posts.py").items
    modules = {need.module for need in item.rendered.imports}
    assert {"shop.db", "shop.errors", "shop.models.blog", "shop.schemas.post"} <= modules
    top = ModelsFile("models", blog.models)
    (item,) = ask(ROUTER_DOCUMENT + "crud-get", [top], path="posts.py").items
    assert {"app.db", "models"} <= {need.module for need in item.rendered.imports}
