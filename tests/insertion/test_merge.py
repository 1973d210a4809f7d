"""merge_module: only additions, nothing duplicated, sensible places, idempotent."""

from __future__ import annotations

import ast
import textwrap

import pytest

from crudsmith.insertion import MergeError, Source, merge_module
from crudsmith.insertion.merge import apply_in_order


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def is_insertion_only(original: str, merged: str) -> bool:
    """`original` is a subsequence of `merged`: characters were added, none removed."""
    rest = iter(merged)
    return all(char in rest for char in original)


GENERATED_MAIN = dedent(
    '''
    """The app."""

    import logging

    from fastapi import FastAPI, HTTPException

    from app.routers import posts, users

    logger = logging.getLogger(__name__)

    app = FastAPI(title="App")
    app.include_router(users.router)
    app.include_router(posts.router)


    @app.get("/health")
    def health() -> dict[str, str]:
        if logger is None:
            raise HTTPException(status_code=503)
        return {"status": "ok"}
    '''
)

USER_MAIN = dedent(
    '''
    """Mine."""
    import os  # keep me
    from fastapi import FastAPI   # odd spacing

    from app.routers import users

    app=FastAPI( title = "Mine" )
    app.include_router( users.router )   # first router


    @app.get("/")
    def root( ):
        return {"cwd": os.getcwd()}
    '''
)


def test_adds_only_what_is_missing_and_keeps_every_byte() -> None:
    result = merge_module(USER_MAIN, [GENERATED_MAIN])
    merged = result.text
    assert is_insertion_only(USER_MAIN, merged)
    assert all(
        e.span.line == e.span.end_line and e.span.col == e.span.end_col for e in result.edits
    )
    assert apply_in_order(USER_MAIN, result.edits) == merged
    assert merged.count("FastAPI(") == 1  # `app` exists: not redefined
    assert merged.count("users.router") == 1  # the identical call is not repeated
    assert "app.include_router(posts.router)" in merged
    assert "from app.routers import posts, users" in merged
    assert "from fastapi import HTTPException, FastAPI   # odd spacing" in merged
    assert merged.count("import logging") == 1
    ast.parse(merged)


def test_include_router_goes_after_the_last_call_on_app() -> None:
    merged = merge_module(USER_MAIN, [GENERATED_MAIN]).text.splitlines()
    first = merged.index("app.include_router( users.router )   # first router")
    assert merged[first + 1] == "app.include_router(posts.router)"


def test_additions_go_below_the_user_code_with_pep8_spacing() -> None:
    existing = dedent(
        """
        from pydantic import BaseModel


        class UserBase(BaseModel):
            name: str


        def unrelated() -> int:
            return 1
        """
    )
    generated = dedent(
        """
        from pydantic import BaseModel, ConfigDict


        class UserBase(BaseModel):
            name: str


        class UserPublic(UserBase):
            model_config = ConfigDict(from_attributes=True)
            id: int
        """
    )
    merged = merge_module(existing, [generated]).text
    imports = existing.replace("BaseModel\n", "ConfigDict, BaseModel\n", 1)
    assert merged == imports + (
        "\n\nclass UserPublic(UserBase):\n"
        "    model_config = ConfigDict(from_attributes=True)\n"
        "    id: int\n"
    )


def test_additions_stay_above_the_main_guard() -> None:
    existing = 'A = 1\n\nif __name__ == "__main__":\n    print(A)\n'
    merged = merge_module(existing, ["A = 1\nB = 2\n"]).text
    assert merged == existing.replace("A = 1\n", "A = 1\n\nB = 2\n", 1)


def test_second_merge_changes_nothing() -> None:
    once = merge_module(USER_MAIN, [GENERATED_MAIN]).text
    again = merge_module(once, [GENERATED_MAIN])
    assert not again.changed and again.text == once


def test_name_bound_by_an_import_is_not_redefined_nor_reimported() -> None:
    existing = "from .db import SessionDep\n\n\ndef f(db: SessionDep) -> None: ...\n"
    generated = dedent(
        """
        from typing import Annotated

        from sqlalchemy.orm import Session

        SessionDep = Annotated[Session, "db"]


        def g(db: SessionDep) -> None: ...
        """
    )
    merged = merge_module(existing, [generated]).text
    assert "SessionDep = " not in merged
    assert "from typing import Annotated" not in merged  # only SessionDep's definition needs it
    assert merged.endswith("def g(db: SessionDep) -> None: ...\n")


def test_keep_filter_selects_statements() -> None:
    existing = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    generated = dedent(
        """
        from fastapi import FastAPI

        from app.errors import add_exception_handlers
        from app.routers import users

        app = FastAPI()
        add_exception_handlers(app)
        app.include_router(users.router)
        """
    )

    def keep(node: ast.stmt) -> bool:
        return "add_exception_handlers" in ast.unparse(node)

    merged = merge_module(existing, [Source(generated, keep)]).text
    assert "add_exception_handlers(app)" in merged and "include_router" not in merged
    assert "from app.errors import add_exception_handlers" in merged
    assert "from app.routers" not in merged


def test_file_without_final_newline_and_non_ascii() -> None:
    existing = 'GREETING = "你好 👋"  # 🎌'
    merged = merge_module(existing, ["import os\n\nHOME = os.sep\n"]).text
    assert merged == 'import os\n\nGREETING = "你好 👋"  # 🎌\n\nHOME = os.sep\n'


def test_crlf_files_get_crlf_lines() -> None:
    existing = "import os\r\n\r\nA = 1\r\n"
    merged = merge_module(existing, ["import os\n\nA = 1\nB = os.sep\n"]).text
    assert merged == "import os\r\n\r\nA = 1\r\n\r\nB = os.sep\r\n"


def test_comments_above_a_generated_definition_come_along() -> None:
    generated = "X = 1\n\n# Why Y exists.\nY = 2\n"
    merged = merge_module("X = 1\n", [generated]).text
    assert merged == "X = 1\n\n# Why Y exists.\nY = 2\n"


def test_empty_module_gets_the_generated_code() -> None:
    generated = '"""Doc."""\n\nimport os\n\nA = os.sep\n'
    merged = merge_module("", [generated]).text
    assert merged.strip().splitlines() == ["import os", "", "A = os.sep"]


def test_broken_module_is_refused() -> None:
    with pytest.raises(MergeError):
        merge_module("def broken(:\n", ["A = 1\n"])
