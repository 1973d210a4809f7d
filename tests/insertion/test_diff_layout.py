"""Minimal edits (ast coordinates) and where a models file's pieces go."""

from __future__ import annotations

from pathlib import Path

import pytest

from crudsmith.analysis.spec import SourceSpan
from crudsmith.insertion import Layout, choose_layout, locate
from crudsmith.insertion.diff import split_lines, text_edits
from crudsmith.insertion.merge import apply_in_order


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\n", "a\nx\nb\n"),
        ("from m import a  # 注释 🎉\n", "from m import a, b  # 注释 🎉\n"),
        ("x = '🎉'; y = 1", "x = '🎉'; y = 1\nz = 2\n"),
        ("a\r\nb\r\n", "a\r\nc\r\nb\r\n"),
        ("", "new\n"),
    ],
)
def test_edits_reproduce_the_new_text(old: str, new: str) -> None:
    assert apply_in_order(old, text_edits(old, new)) == new


def test_columns_are_utf8_bytes_of_the_original() -> None:
    old = "s = '日本'  # x\n"
    new = "s = '日本', 1  # x\n"
    (edit,) = text_edits(old, new)
    column = len("s = '日本'".encode())
    assert edit.span == SourceSpan(1, column, 1, column) and edit.new_text == ", 1"


def test_split_lines_counts_like_the_tokenizer() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]
    assert split_lines("form\x0cfeed\n") == ["form\x0cfeed\n"]


def test_package_beside_the_models(tmp_path: Path) -> None:
    target = locate(tmp_path / "shop" / "models.py", tmp_path, Layout.PACKAGE)
    assert (target.package, target.models_module) == ("shop", "shop.models")
    assert target.package_dir == tmp_path / "shop" and target.project_root == tmp_path
    assert target.path_of("shop/routers/users.py", "shop") == tmp_path / "shop/routers/users.py"
    assert target.path_of("tests/conftest.py", "shop") == tmp_path / "tests/conftest.py"


def test_nested_src_and_non_identifier_directories(tmp_path: Path) -> None:
    nested = locate(tmp_path / "backend" / "shop" / "models.py", tmp_path, Layout.PACKAGE)
    assert nested.package == "backend.shop"
    src = locate(tmp_path / "src" / "shop" / "db_models.py", tmp_path, Layout.PACKAGE)
    assert (src.package, src.models_module) == ("shop", "shop.db_models")
    dashed = locate(tmp_path / "my-api" / "shop" / "models.py", tmp_path, Layout.PACKAGE)
    assert dashed.package == "shop" and dashed.project_root == tmp_path / "my-api"


def test_models_at_the_root_get_an_app_package(tmp_path: Path) -> None:
    target = locate(tmp_path / "models.py", tmp_path, Layout.PACKAGE)
    assert (target.package, target.models_module) == ("app", "models")
    assert target.package_dir == tmp_path / "app" and target.project_root == tmp_path
    outside = locate(Path("/elsewhere/models.py"), tmp_path, Layout.PACKAGE)
    assert outside.project_root == Path("/elsewhere")


def test_choose_layout() -> None:
    models = Path("/ws/app/models.py")
    assert choose_layout(Layout.PACKAGE, models, can_create_files=True) is Layout.PACKAGE
    assert choose_layout(Layout.PACKAGE, models, can_create_files=False) is Layout.SINGLE_FILE
    main = Path("/ws/main.py")
    assert choose_layout(Layout.PACKAGE, main, can_create_files=True) is Layout.SINGLE_FILE
    assert choose_layout(Layout.SINGLE_FILE, models, can_create_files=True) is Layout.SINGLE_FILE
