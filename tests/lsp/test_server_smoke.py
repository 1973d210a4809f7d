"""Start-up: initialize, capabilities, encodings, progress, file watching, the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio

ROUTER = """from fastapi import APIRouter

router = APIRouter()
"""


async def test_initialize_negotiates_encoding_and_indexes(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    (root / "app" / "routers").mkdir()
    (root / "app" / "routers" / "posts.py").write_text(ROUTER, encoding="utf-8")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "models.py").write_text(
        (root / "app" / "models.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = await editor.initialize(root)
    assert result.server_info is not None and result.server_info.name == "crudsmith"
    expected = "utf-8" if editor.profile == "neovim" else "utf-16"
    assert editor.encoding == expected
    state = await editor.wait_indexed()
    assert state["files"] == 3  # __init__.py, models.py, routers/posts.py; .venv skipped
    paths = {model["path"] for model in state["models"]}
    assert paths == {str(root / "app" / "models.py")}
    assert {"User", "Post"} <= {model["name"] for model in state["models"]}


async def test_indexing_reports_work_done_progress(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "shop")
    await editor.initialize(root)
    await editor.wait_indexed()
    reports = await editor.wait_for(
        lambda: [r for r in editor.client.progress_reports.values() if r], "progress"
    )
    [steps] = reports
    assert isinstance(steps[0], types.WorkDoneProgressBegin)
    assert isinstance(steps[-1], types.WorkDoneProgressEnd)


async def test_file_watcher_is_registered_when_the_client_can(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "heroes")
    await editor.initialize(root)
    await editor.wait_indexed()
    methods = [r.method for r in editor.client.registrations]
    dynamic = editor.capabilities.workspace.did_change_watched_files.dynamic_registration
    expected = [types.WORKSPACE_DID_CHANGE_WATCHED_FILES] if dynamic else []
    assert methods == expected


async def test_server_capabilities(editor: Any, tmp_path: Path) -> None:
    result = await editor.initialize(editor.example(tmp_path, "blog"))
    capabilities = result.capabilities
    assert capabilities.diagnostic_provider is not None
    assert capabilities.diagnostic_provider.inter_file_dependencies is True
    sync = capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.save is not None and sync.open_close is True


async def test_pull_clients_with_refresh_support_are_asked_to_pull_again(
    editor: Any, tmp_path: Path
) -> None:
    editor.capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities()
    editor.capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    root = editor.example(tmp_path, "blog")
    await editor.initialize(root)
    await editor.wait_indexed()
    await editor.wait_for(lambda: editor.client.diagnostic_refresh_count >= 1, "refresh")
    before = editor.client.diagnostic_refresh_count
    router = root / "app" / "routers.py"
    router.write_text(ROUTER, encoding="utf-8")
    changes = [types.FileEvent(uri=editor.uri(router), type=types.FileChangeType.Created)]
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes))
    await editor.wait_for(lambda: editor.client.diagnostic_refresh_count > before, "refresh")
    assert not editor.client.published  # pull mode: nothing pushed


async def test_no_progress_for_clients_without_work_done_progress(
    editor: Any, tmp_path: Path
) -> None:
    editor.capabilities.window.work_done_progress = False
    await editor.initialize(editor.example(tmp_path, "shop"))
    state = await editor.wait_indexed()
    assert state["files"] == 2
    assert editor.client.progress_reports == {}
