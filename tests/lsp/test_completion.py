"""Snippet completions over stdio, with the VS Code and Neovim client profiles."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "completion"))
from expand import ask, models_file

from crudsmith.rules.fixes import apply_edits

pytestmark = pytest.mark.asyncio

POSTS = '''"""Routes for posts: 投稿 🚀 and 日本語 ✨."""

router = APIRouter(prefix="/posts", tags=["posts"])  # 路由 🎯

'''


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """Independent of the server's converter: walk the line counting code units."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += (
            len(char.encode("utf-8")) if encoding == "utf-8" else len(char.encode("utf-16-le")) // 2
        )
    return start + len(line)


def _apply(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    spans = sorted(
        (
            (
                _offset(text, e.range.start, encoding),
                _offset(text, e.range.end, encoding),
                e.new_text,
            )
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def _complete(editor: Any, doc_uri: str, line: int, character: int) -> types.CompletionList:
    result = await editor.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            position=types.Position(line=line, character=character),
        )
    )
    assert isinstance(result, types.CompletionList)
    return result


async def _workspace(editor: Any, tmp_path: Path, text: str) -> tuple[Path, str]:
    root = editor.example(tmp_path, "blog")
    routers = root / "app" / "routers"
    routers.mkdir()
    (routers / "posts.py").write_text(text, encoding="utf-8")
    await editor.initialize(root)
    await editor.wait_indexed()
    return routers / "posts.py", await editor.open(routers / "posts.py", text)


async def test_crud_offers_the_models_of_models_py(editor: Any, tmp_path: Path) -> None:
    text = POSTS + "crud"
    path, doc_uri = await _workspace(editor, tmp_path, text)
    result = await _complete(editor, doc_uri, 4, 4)
    labels = {item.label for item in result.items}
    assert {"crud-router", "crud-create", "crud-get", "crud-list", "crud-update"} <= labels
    assert not any(label.startswith("fastapi-") for label in labels)
    create = next(item for item in result.items if item.label == "crud-create")
    assert create.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(create.text_edit, types.TextEdit)
    assert "def create_post(" in create.text_edit.new_text  # routers/posts.py is about Post
    assert "${2:Create a post}" in create.text_edit.new_text
    # Both profiles resolve additionalTextEdits lazily: the list stays cheap.
    assert create.additional_text_edits is None
    create = await editor.client.completion_item_resolve_async(create)
    assert create.additional_text_edits
    # The import edits land where the core says, under this client's encoding.
    core = ask(text, [models_file("blog")], path=str(path))
    expected_item = next(i for i in core.items if i.label == "crud-create")
    assert expected_item.import_edits is not None
    expected = apply_edits(text, expected_item.import_edits)
    got = _apply(text, list(create.additional_text_edits or []), editor.encoding)
    assert got == expected
    assert got.startswith(
        '"""Routes for posts: 投稿 🚀 and 日本語 ✨."""\n\nfrom fastapi import status\n'
    )
    assert "from app.schemas.post import PostCreate, PostPublic\n" in got
    assert got.endswith(POSTS.split("\n", 2)[2] + "crud")
    # The whole expansion (defaults filled) parses.
    assert isinstance(create.text_edit, types.TextEdit)
    full = _apply(text, [create.text_edit, *(create.additional_text_edits or [])], editor.encoding)
    ast.parse(full.replace("$1", "").replace("${2:Create a post}", "Create a post"))


async def test_documentation_shows_the_code(editor: Any, tmp_path: Path) -> None:
    text = POSTS + "fastapi-up"
    _, doc_uri = await _workspace(editor, tmp_path, text)
    result = await _complete(editor, doc_uri, 4, 10)
    assert [item.label for item in result.items] == ["fastapi-upload"]
    item = result.items[0]
    if item.documentation is None:  # the client resolves documentation lazily
        item = await editor.client.completion_item_resolve_async(item)
    assert isinstance(item.documentation, types.MarkupContent)
    assert item.documentation.kind == types.MarkupKind.Markdown
    assert "await file.read(CHUNK_SIZE)" in item.documentation.value
    assert "HTTP_413_CONTENT_TOO_LARGE" in item.documentation.value


async def test_nothing_inside_strings_comments_or_expressions(editor: Any, tmp_path: Path) -> None:
    text = '"""Docs\ncrud\n"""\n# crud\nvalue = (\ncrud\n)\n\n'
    _, doc_uri = await _workspace(editor, tmp_path, text)
    for line, character in ((1, 4), (3, 6), (5, 4)):
        result = await _complete(editor, doc_uri, line, character)
        assert list(result.items) == [], (line, character)


async def test_plain_text_and_eager_edits_for_a_simple_client(editor: Any, tmp_path: Path) -> None:
    item_caps = editor.capabilities.text_document.completion.completion_item
    item_caps.snippet_support = False
    item_caps.resolve_support = None
    text = POSTS + "crud-get"
    _, doc_uri = await _workspace(editor, tmp_path, text)
    result = await _complete(editor, doc_uri, 4, 8)
    (item,) = result.items
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(item.text_edit, types.TextEdit)
    assert '@router.get(\n    "/{post_id}",\n    summary="Get a post",' in item.text_edit.new_text
    assert "${" not in item.text_edit.new_text
    assert item.documentation is not None  # no resolve: documentation comes with the list
    got = _apply(text, list(item.additional_text_edits or []), editor.encoding)
    assert "from fastapi import HTTPException, status\n" in got
    assert "from app.schemas.post import PostPublic\n" in got
