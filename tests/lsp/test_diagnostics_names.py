"""Diagnostics honour the editor's schema `names` (CSM501 and CSM502)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from test_code_actions_support import apply_text_edits

pytestmark = pytest.mark.asyncio

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures" / "structure"
NAMES = {"create": "{model}In", "public": "{model}Out"}
FILES = {
    "models.py": "models.py",
    "schemas.py": "names_schemas.py",
    "routers.py": "names_router.py",
}


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    for target, name in FILES.items():
        text = (FIXTURES / name).read_text(encoding="utf-8")
        # A non-ASCII model name: UTF-8 and UTF-16 columns differ after it.
        text = text.replace("Article", "Artículo")
        (root / "app" / target).write_text(text, encoding="utf-8")
    return root


def _drift(items: list[types.Diagnostic]) -> list[str]:
    return [d.message for d in items if d.code == "CSM502"]


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


async def test_initialization_options_names_pick_the_checked_schemas(
    editor: Any, tmp_path: Path
) -> None:
    root = _workspace(tmp_path)
    await editor.initialize(root, options={"names": NAMES})
    await editor.wait_indexed()
    schemas = await editor.open(root / "app" / "schemas.py")
    items = await editor.diagnostics(schemas, until=lambda found: len(_drift(found)) == 3)
    assert _drift(items) == [
        "'ArtículoIn' lacks column(s) 'subtitle', 'views' of model 'Artículo'",
        "'ArtículoOut' lacks column(s) 'subtitle' of model 'Artículo'",
        "'ArtículoOut.views' is str, the column holds int (model 'Artículo')",
    ]
    lacks_out = next(d for d in items if d.message.startswith("'ArtículoOut' lacks"))
    start = _units("class ", editor.encoding)
    assert lacks_out.range == types.Range(
        types.Position(10, start),
        types.Position(10, start + _units("ArtículoOut", editor.encoding)),
    )
    edit = lacks_out.data["fix"]["edits"][0]
    assert edit["newText"] == "    subtitle: str | None = Field(default=None, max_length=120)\n"
    models = await editor.open(root / "app" / "models.py")
    hints = await editor.diagnostics(models)
    assert [d for d in hints if d.code == "CSM501"] == []  # routers use ArtículoIn, UserOut


async def test_changed_names_setting_changes_the_drift_found(editor: Any, tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    await editor.initialize(root)
    await editor.wait_indexed()
    schemas = await editor.open(root / "app" / "schemas.py")
    items = await editor.diagnostics(schemas, until=lambda found: bool(_drift(found)))
    assert [m.split(" lacks")[0] for m in _drift(items)] == ["'ArtículoPublic'"]
    editor.client.set_configuration({"names": NAMES}, section="crudsmith")
    editor.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"crudsmith": {"names": NAMES}})
    )
    items = await editor.diagnostics(schemas, until=lambda found: len(_drift(found)) == 3)
    assert not any("ArtículoPublic" in message for message in _drift(items))


async def test_fix_all_follows_the_names_setting(editor: Any, tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    await editor.initialize(root, options={"names": NAMES})
    await editor.wait_indexed()
    doc = await editor.open(root / "app" / "schemas.py")
    await editor.diagnostics(doc, until=lambda found: len(_drift(found)) == 3)
    result = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.crudsmith"]),
        )
    )
    (fix_all,) = [a for a in result or [] if isinstance(a, types.CodeAction)]
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    fixed = apply_text_edits(editor.texts[doc], list(fix_all.edit.changes[doc]), editor.encoding)
    in_part, _, public_part = fixed.partition("class ArtículoPublic")
    # the missing columns land in the custom-named schemas, never in ArtículoPublic
    assert in_part.count("subtitle: str | None") == 2
    assert "views: int" in in_part and "views: str" not in in_part
    assert public_part == "(BaseModel):\n    id: int\n"
