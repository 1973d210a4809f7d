"""crudsmith.lsp.documents: one parse per version, shared with the workspace index."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace import Workspace

from crudsmith.analysis import module as analysis_module
from crudsmith.lsp import documents as documents_module
from crudsmith.lsp.documents import DocumentCache
from crudsmith.workspace.index import WorkspaceIndex

MODELS = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Workspace, WorkspaceIndex, DocumentCache, str]:
    workspace = Workspace(str(from_fs_path(str(tmp_path))))
    index = WorkspaceIndex()
    cache = DocumentCache(lambda: workspace, index)
    uri = str(from_fs_path(str(tmp_path / "models.py")))
    return workspace, index, cache, uri


def _open(workspace: Workspace, uri: str, text: str, version: int) -> None:
    workspace.put_text_document(types.TextDocumentItem(uri, "python", version, text))


def test_one_parse_per_version(
    setup: tuple[Workspace, WorkspaceIndex, DocumentCache, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, index, cache, uri = setup
    calls: list[int] = []
    real = analysis_module.parse_for_edits
    monkeypatch.setattr(analysis_module, "parse_for_edits", lambda t: calls.append(1) or real(t))
    # A later version is re-parsed incrementally from the previous one: count that too.
    incremental = documents_module.reparse
    monkeypatch.setattr(
        documents_module, "reparse", lambda *args: calls.append(1) or incremental(*args)
    )
    _open(workspace, uri, MODELS, 1)
    first = cache.get(uri)
    assert cache.get(uri) is first
    assert len(calls) == 1
    assert [m.name for m in first.analysis.models] == ["User"]
    entry = index.get(first.path)
    assert entry is not None and entry.statements is first.statements
    workspace.update_text_document(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        types.TextDocumentContentChangeWholeDocument(MODELS.replace("User", "Member")),
    )
    second = cache.get(uri)
    assert second.version == 2 and len(calls) == 2
    assert [m.name for m in second.analysis.models] == ["Member"]


def test_an_older_version_never_replaces_a_newer_one(
    setup: tuple[Workspace, WorkspaceIndex, DocumentCache, str],
) -> None:
    _, index, cache, uri = setup
    newer = cache.build(uri, 5, MODELS)
    older = cache.build(uri, 4, MODELS.replace("User", "Old"))
    assert [m.name for m in older.analysis.models] == ["Old"]  # answered, not kept
    assert cache.peek(uri) is newer
    entry = index.get(newer.path)
    assert entry is not None and entry.statements is newer.statements


def test_opening_an_indexed_file_reuses_its_parse(
    setup: tuple[Workspace, WorkspaceIndex, DocumentCache, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, index, cache, uri = setup
    path = documents_module.uri_to_path(uri)
    indexed = index.update(path, MODELS)
    monkeypatch.setattr(analysis_module, "parse_for_edits", _fail)
    _open(workspace, uri, MODELS, 1)
    document = cache.get(uri)
    assert document.statements is indexed.statements
    assert document.analysis is indexed.analysis
    monkeypatch.undo()
    _open(workspace, uri, MODELS + "\n# edited\n", 2)
    assert cache.get(uri).statements is not indexed.statements


def test_an_unreadable_unopened_file_is_empty(
    setup: tuple[Workspace, WorkspaceIndex, DocumentCache, str],
) -> None:
    _, _, cache, uri = setup
    document = cache.get(uri)  # not open, not on disk
    assert document.text == "" and document.analysis.models == ()


def _fail(text: str) -> object:
    raise AssertionError("parsed again")


def test_concurrent_requests_for_one_version_parse_once(
    setup: tuple[Workspace, WorkspaceIndex, DocumentCache, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, _, cache, uri = setup
    calls: list[int] = []
    real = analysis_module.parse_for_edits
    monkeypatch.setattr(analysis_module, "parse_for_edits", lambda t: calls.append(1) or real(t))
    _open(workspace, uri, MODELS * 50, 1)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(uri))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(result is results[0] for result in results)
