"""Robustness: feature exceptions answered empty, half-typed text, a 1000-model file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from synth import synth_models

pytestmark = pytest.mark.asyncio

HALF_TYPED = """

class Draft(Base):
    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(
"""


async def test_an_exception_in_a_feature_is_answered_empty(
    faulty_editor: Any, tmp_path: Path
) -> None:
    editor = faulty_editor
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    uri = await editor.open(root / "app" / "models.py")
    if editor.pulls:
        report = await editor.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert list(report.items) == []
    state = await editor.inspect_index()
    assert state == {"indexingDone": False, "files": 0, "models": []}
    await editor.wait_for(
        lambda: any("injected failure" in m.message for m in editor.client.log_messages),
        "the failure in the client log",
    )
    # Still serving: other requests answer, and the server did not exit.
    settings = await editor.inspect_settings()
    assert settings["layout"] == "package"
    editor.change(uri, editor.texts[uri] + "\n# more\n")
    assert (await editor.inspect_settings())["layout"] == "package"


async def test_half_typed_text_gives_fewer_results(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    await editor.wait_indexed()
    path = root / "app" / "models.py"
    uri = await editor.open(path)
    await editor.diagnostics(uri)
    editor.change(uri, path.read_text(encoding="utf-8") + HALF_TYPED)
    await editor.diagnostics(uri)  # answers (pull) / publishes for the new version (push)
    state = await editor.inspect_index()
    names = {model["name"] for model in state["models"] if model["path"] == str(path)}
    assert {"User", "Post"} <= names
    editor.change(uri, "class (((\n")
    assert await editor.diagnostics(uri) == []


async def test_a_1000_model_file_answers(editor: Any, tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    path = root / "models.py"
    path.write_text(synth_models(1000), encoding="utf-8")
    await editor.initialize(root)
    await editor.wait_indexed()
    uri = await editor.open(path)
    await editor.diagnostics(uri)
    state = await editor.inspect_index()
    assert sum(1 for model in state["models"] if model["path"] == str(path)) == 1000
