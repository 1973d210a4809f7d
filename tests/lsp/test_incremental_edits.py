"""Incremental edits (ranged didChange, re-parsed from the previous version) end with the
same diagnostics and code actions as opening the final text fresh; an edited router's
endpoints count for the models' hints at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio

ROUTER = """from fastapi import APIRouter

from app.models import Post

router = APIRouter()
"""
ENDPOINT = """

@router.get("/users/{user_id}")
def read_user(user_id: int) -> User:
    raise NotImplementedError
"""
NEW_CLASS = '''

class Étiquette(Base):  # 😀 ラベル
    """Une étiquette 🏷️."""

    __tablename__ = "etiquettes"
    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(40), unique=True)
'''


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


def _edit(editor: Any, uri: str, line: int, column: int, delete: int, insert: str) -> None:
    """Replace `delete` characters at (line, code-point column) by `insert`, sent as a
    ranged change in the client's position units; keeps `editor.texts` in step."""
    text: str = editor.texts[uri]
    lines = text.split("\n")
    before = lines[line][:column]
    removed = lines[line][column : column + delete]
    start = types.Position(line, _units(before, editor.encoding))
    end = types.Position(line, _units(before + removed, editor.encoding))
    lines[line] = before + insert + lines[line][column + delete :]
    editor.texts[uri] = "\n".join(lines)
    editor.versions[uri] += 1
    editor.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=editor.versions[uri]
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start, end), text=insert)
            ],
        )
    )


async def _state(editor: Any, uri: str) -> tuple[list[types.Diagnostic], list[Any]]:
    """The diagnostics of the current version, and the code actions on two class lines."""
    diagnostics = await editor.diagnostics(uri)
    text: str = editor.texts[uri]
    actions: list[Any] = []
    for name in ("class User(", "class Étiquette("):
        line = _line_of(text, name)
        position = types.Position(line, _units("class ", editor.encoding))
        actions.append(
            await editor.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(position, position),
                    context=types.CodeActionContext(diagnostics=diagnostics),
                )
            )
        )
    return diagnostics, actions


def _hinted(diagnostics: list[types.Diagnostic]) -> set[str]:
    return {d.data["model"] for d in diagnostics if d.code == "CSM501"}


async def test_incremental_edits_end_like_a_fresh_open(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    await editor.wait_indexed()
    uri = await editor.open(root / "app" / "models.py")
    await editor.diagnostics(uri)
    text: str = editor.texts[uri]
    username = _line_of(text, "    username: Mapped")
    # Each edit is diagnosed before the next, so every version is re-parsed from the last.
    _edit(editor, uri, username, len("    username"), 0, "s")  # typing in a class
    await editor.diagnostics(uri)
    post_title = _line_of(editor.texts[uri], "    title: Mapped")
    subtitle = "    subtitle: Mapped[str] = mapped_column(String(80))  # 副題 😀 ok"
    _edit(editor, uri, post_title, 0, 0, subtitle + "\n")  # a new line in a class
    await editor.diagnostics(uri)
    _edit(editor, uri, post_title, len(subtitle), 0, " (")  # a comment: still fine
    _edit(editor, uri, post_title, len("    subtitle"), 0, "(")  # a syntax error
    await editor.diagnostics(uri)
    _edit(editor, uri, post_title, len("    subtitle"), 1, "")  # fixed (from a broken parse)
    await editor.diagnostics(uri)
    end = len(editor.texts[uri].split("\n")) - 1
    _edit(editor, uri, end, 0, 0, NEW_CLASS)  # a pasted class
    await editor.diagnostics(uri, until=lambda found: "Étiquette" in _hinted(found))
    _edit(editor, uri, post_title, len(subtitle) - len(" ok"), 0, "👍")  # after an emoji
    incremental = await _state(editor, uri)
    assert "Étiquette" in _hinted(incremental[0]) and "User" in _hinted(incremental[0])

    final = editor.texts[uri]
    assert "usernames: Mapped" in final and "# 副題 😀👍 ok (" in final
    editor.client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
    )
    editor.versions[uri] += 1  # reopened fresh, under a version not published before
    editor.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=uri, language_id="python", version=editor.versions[uri], text=final
            )
        )
    )
    assert await _state(editor, uri) == incremental


async def test_an_edited_router_serves_a_model_at_once(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    router = root / "app" / "routers.py"
    router.write_text(ROUTER, encoding="utf-8")
    await editor.initialize(root)
    await editor.wait_indexed()
    models_uri = await editor.open(root / "app" / "models.py")
    router_uri = await editor.open(router)
    assert "User" in _hinted(await editor.diagnostics(models_uri))
    await editor.diagnostics(router_uri)
    # The router's first statements are kept: facts read from them must not go stale.
    end = len(ROUTER.split("\n")) - 1
    _edit(editor, router_uri, 2, len("from app.models import Post"), 0, ", User")
    await editor.diagnostics(router_uri)
    _edit(editor, router_uri, end, 0, 0, ENDPOINT)
    await editor.diagnostics(router_uri)
    editor.save(router_uri)
    await editor.diagnostics(models_uri, until=lambda found: "User" not in _hinted(found))
