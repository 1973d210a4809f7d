"""Diagnostics end to end: CSM501 hints, encodings, debounce, workspace-driven refresh."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio

EXAMPLES = ["blog", "shop", "heroes", "forum"]
DOCS = "https://github.com/crudsmith/crudsmith/blob/main/docs/rules/CSM501.md"

UNICODE_MODELS = '''"""Modèles 🚀 — 数据模型 (emoji and CJK before the classes)."""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LABEL = "😀😀 ユーザー"  # 👤 利用者


class Base(DeclarativeBase):
    pass


class 𠀋データ(Base):  # 🚀 a CJK name with a character outside the BMP
    """データ 😀."""

    __tablename__ = "data"
    id: Mapped[int] = mapped_column(primary_key=True)
    名前: Mapped[str] = mapped_column(String(30), default="🚀")


class User(Base):  # 😀 emoji before the next class 😀
    """Un utilisateur — ユーザー 😀."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
'''

ROUTER_USING_USER = """from fastapi import APIRouter

from app.models import User

router = APIRouter()


@router.get("/users/{user_id}")
def read_user(user_id: int) -> User:
    raise NotImplementedError
"""


def _hints(items: list[types.Diagnostic]) -> dict[str, types.Diagnostic]:
    return {d.data["model"]: d for d in items if d.code == "CSM501"}


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def _name_range(text: str, name: str, encoding: str) -> types.Range:
    for number, line in enumerate(text.splitlines()):
        if line.startswith(f"class {name}("):
            start = _units("class ", encoding)
            return types.Range(
                types.Position(number, start),
                types.Position(number, start + _units(name, encoding)),
            )
    raise AssertionError(name)


@pytest.mark.parametrize("example", EXAMPLES)
async def test_each_example_gets_a_hint_per_model(
    editor: Any, tmp_path: Path, example: str
) -> None:
    root = editor.example(tmp_path, example)
    await editor.initialize(root)
    await editor.wait_indexed()
    path = root / "app" / "models.py"
    uri = await editor.open(path)
    items = await editor.diagnostics(uri, until=lambda found: bool(_hints(found)))
    hints = _hints(items)
    models = {m["name"] for m in (await editor.inspect_index())["models"]}
    assert set(hints) == models
    text = path.read_text(encoding="utf-8")
    for name, hint in hints.items():
        assert hint.severity == types.DiagnosticSeverity.Hint
        assert hint.source == "crudsmith"
        assert hint.code_description is not None and hint.code_description.href == DOCS
        assert hint.message == f"model '{name}' has no endpoints"
        assert hint.data["code"] == "CSM501"
        assert hint.range == _name_range(text, name, editor.encoding)


async def test_hint_ranges_with_emoji_and_cjk(editor: Any, tmp_path: Path) -> None:
    root = tmp_path / "uni"
    (root / "app").mkdir(parents=True)
    path = root / "app" / "models.py"
    path.write_text(UNICODE_MODELS, encoding="utf-8")
    await editor.initialize(root)
    uri = await editor.open(path)
    hints = _hints(await editor.diagnostics(uri, until=lambda f: len(_hints(f)) == 2))
    assert set(hints) == {"𠀋データ", "User"}
    for name, hint in hints.items():
        assert hint.range == _name_range(UNICODE_MODELS, name, editor.encoding)
    cjk = hints["𠀋データ"].range
    # The non-BMP ideograph is 2 UTF-16 units and 4 UTF-8 bytes; the kana 1 and 3.
    assert cjk.end.character - cjk.start.character == (13 if editor.encoding == "utf-8" else 5)


async def test_rapid_changes_publish_only_the_latest_version(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    path = root / "app" / "models.py"
    uri = await editor.open(path)
    await editor.diagnostics(uri)
    base = path.read_text(encoding="utf-8")
    versions = []
    for number in range(5):
        versions.append(
            editor.change(uri, base + f"\n# edit {number}\n" + _model(f"Extra{number}"))
        )
        await asyncio.sleep(0.01)
    items = await editor.diagnostics(uri, until=lambda found: "Extra4" in _hints(found))
    assert not {"Extra0", "Extra1", "Extra2", "Extra3"} & set(_hints(items))
    if not editor.pulls:
        stale = [p for p in editor.client.published if p.uri == uri and p.version in versions[:-1]]
        assert stale == []


async def test_another_file_serving_a_model_clears_its_hint(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    await editor.wait_indexed()
    uri = await editor.open(root / "app" / "models.py")
    assert "User" in _hints(await editor.diagnostics(uri))
    router = root / "app" / "routers.py"
    router.write_text(ROUTER_USING_USER, encoding="utf-8")
    changes = [types.FileEvent(uri=editor.uri(router), type=types.FileChangeType.Created)]
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes))
    items = await editor.diagnostics(uri, until=lambda found: "User" not in _hints(found))
    assert "Post" in _hints(items)
    router.unlink()
    changes = [types.FileEvent(uri=editor.uri(router), type=types.FileChangeType.Deleted)]
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes))
    await editor.diagnostics(uri, until=lambda found: "User" in _hints(found))


async def test_an_open_unsaved_router_counts_and_close_reverts_to_disk(
    editor: Any, tmp_path: Path
) -> None:
    root = editor.example(tmp_path, "blog")
    router = root / "app" / "routers.py"
    router.write_text("", encoding="utf-8")
    await editor.initialize(root)
    await editor.wait_indexed()
    models_uri = await editor.open(root / "app" / "models.py")
    router_uri = await editor.open(router, text=ROUTER_USING_USER)
    editor.save(router_uri)
    await editor.diagnostics(models_uri, until=lambda found: "User" not in _hints(found))
    editor.client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=router_uri))
    )
    await editor.diagnostics(models_uri, until=lambda found: "User" in _hints(found))


def _model(name: str) -> str:
    return (
        f"\n\nclass {name}(Base):\n"
        f'    __tablename__ = "{name.lower()}s"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
