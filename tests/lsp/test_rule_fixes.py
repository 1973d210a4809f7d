"""Rule fixes in the editor: the seed extract's diagnostics carry codes, links and fix data;
a quick fix and `source.fixAll.crudsmith` apply; unsafe fixes are marked and left out of
fix-all. Runs over the VS Code (UTF-16) and Neovim (UTF-8) client profiles."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from conftest import REPO, Editor
from lsprotocol import types
from test_code_actions_support import apply_text_edits

pytestmark = pytest.mark.asyncio

SEED = REPO / "tests" / "rules" / "fixtures" / "seed"
STRUCTURE = REPO / "tests" / "rules" / "fixtures" / "structure"
DOCS = "https://github.com/crudsmith/crudsmith/blob/main/docs/rules/"
FIX_ALL = "source.fixAll.crudsmith"
# Non-ASCII on the finding's line before the finding: positions must hold in both encodings.
PREFIX = '_ = "😀 é"; '


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    seed = (SEED / "block_02.py").read_text(encoding="utf-8")
    seed = seed.replace("        db_user = User(", f"        {PREFIX}db_user = User(")
    (root / "app" / "users.py").write_text(seed, encoding="utf-8")
    # the seed's schemas (UserCreate: `.dict()` is on a Pydantic model) and auth dependency
    shutil.copy(SEED / "block_01.py", root / "app" / "schemas_seed.py")
    shutil.copy(SEED / "block_04.py", root / "app" / "auth.py")
    shutil.copy(STRUCTURE / "models.py", root / "app" / "models.py")
    shutil.copy(STRUCTURE / "csm502_gone_before.py", root / "app" / "schemas.py")
    return root


async def _code_actions(
    editor: Editor,
    doc: str,
    diagnostics: list[types.Diagnostic],
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    area = (
        diagnostics[0].range
        if diagnostics
        else types.Range(types.Position(0, 0), types.Position(0, 0))
    )
    result = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc),
            range=area,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def _apply(editor: Editor, doc: str, action: types.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    return apply_text_edits(editor.texts[doc], list(action.edit.changes[doc]), editor.encoding)


async def test_seed_quick_fix_and_fix_all(editor: Editor, tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    await editor.initialize(root)
    await editor.wait_indexed()
    doc = await editor.open(root / "app" / "users.py")
    items = await editor.diagnostics(doc, until=lambda ds: any(d.code == "CSM202" for d in ds))
    codes = sorted({str(d.code) for d in items if d.source == "crudsmith"})
    assert {"CSM202", "CSM301", "CSM401", "CSM402"} <= set(codes)
    for diagnostic in items:
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == f"{DOCS}{diagnostic.code}.md"
    dict_call = next(d for d in items if d.code == "CSM202")
    line = editor.texts[doc].splitlines()[dict_call.range.start.line]
    units = len(
        line[: line.index("user_data.dict()")].encode(
            "utf-16-le" if editor.encoding == "utf-16" else "utf-8"
        )
    ) // (2 if editor.encoding == "utf-16" else 1)
    assert dict_call.range.start.character == units

    actions = await _code_actions(editor, doc, [dict_call])
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and "CSM202" in a.title]
    assert len(quick) == 1 and quick[0].is_preferred and not quick[0].title.endswith("(unsafe)")
    fixed = _apply(editor, doc, quick[0])
    assert f"{PREFIX}db_user = User(**user_data.model_dump())" in fixed
    assert fixed.replace("model_dump()", "dict()") == editor.texts[doc]
    # with safe fixes among the diagnostics, fix-all is offered beside the quick fix
    assert any(a.kind == FIX_ALL for a in actions)

    (fix_all,) = [a for a in await _code_actions(editor, doc, [], only=[FIX_ALL])]
    assert fix_all.kind == FIX_ALL
    everything = _apply(editor, doc, fix_all)
    ast.parse(everything)
    assert "user_data.model_dump()" in everything and "db.query(" not in everything
    assert "async def create_user" not in everything  # CSM401: nothing awaited -> def
    assert PREFIX in everything

    editor.change(doc, everything)
    after = await editor.diagnostics(doc, until=lambda ds: not any(d.code == "CSM202" for d in ds))
    assert not [d for d in after if isinstance(d.data, dict) and d.data.get("fix", {}).get("safe")]
    assert await _code_actions(editor, doc, [], only=[FIX_ALL]) == []


async def test_unsafe_fix_marked_and_never_in_fix_all(editor: Editor, tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    await editor.initialize(root)
    await editor.wait_indexed()
    doc = await editor.open(root / "app" / "schemas.py")
    items = await editor.diagnostics(doc, until=lambda ds: any(d.code == "CSM502" for d in ds))
    drift = next(d for d in items if d.code == "CSM502")
    assert "teaser" in drift.message
    actions = await _code_actions(editor, doc, [drift])
    (quick,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert quick.title.endswith("(unsafe)") and not quick.is_preferred
    assert "teaser" not in _apply(editor, doc, quick)
    assert not any(a.kind == FIX_ALL for a in actions)
    assert await _code_actions(editor, doc, [], only=[FIX_ALL]) == []


async def test_minimal_edit_keeps_crlf_pairs_and_counts_utf16() -> None:
    from crudsmith.lsp.features.rule_fixes import _minimal_edit

    old = 'a = "😀"\r\nb = 1\r\n'
    new = 'a = "😀"\r\nb = 2\r\n'
    edit = _minimal_edit(old, new, "utf-16")
    assert edit.new_text == "2"
    assert (edit.range.start.line, edit.range.start.character) == (1, 4)
    inserted = _minimal_edit("x\r\ny\r\n", "x\r\nz\r\ny\r\n", "utf-8")
    assert apply_text_edits("x\r\ny\r\n", [inserted], "utf-8") == "x\r\nz\r\ny\r\n"
    assert not inserted.new_text.startswith("\n")
