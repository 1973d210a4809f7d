"""Index every Python file of the workspace folders, off the event loop, with progress.

Files are read, never imported. Open documents are skipped: the document cache keeps
their (possibly unsaved) text in the index.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from crudsmith.lsp.documents import uri_to_path
from crudsmith.lsp.server import CrudsmithServer
from crudsmith.workspace.index import WorkspaceIndex
from crudsmith.workspace.scan import iter_python_files

_log = logging.getLogger("crudsmith.lsp.indexing")
BATCH = 20


def workspace_roots(server: CrudsmithServer) -> list[Path]:
    roots = []
    for folder in server.workspace.folders.values():
        path = to_fs_path(folder.uri)
        if path:
            roots.append(Path(path))
    if not roots and server.workspace.root_path:
        roots.append(Path(server.workspace.root_path))
    return roots


def list_files(roots: Iterable[Path], exclude: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        files.extend(iter_python_files(root, exclude))
    return files


def index_paths(index: WorkspaceIndex, paths: Iterable[Path], skip: frozenset[str]) -> None:
    """(Re)index `paths` from disk; unreadable files are dropped from the index."""
    for path in paths:
        key = str(path)
        if key in skip:
            continue
        try:
            # As an editor holds it: line ends kept (no newline translation), and no
            # byte-order mark (editors keep it apart from the text; `ast` rejects it).
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _log.info("not indexing %s: %s", key, exc)
            index.remove(key)
            continue
        index.update(key, text)


def open_paths(server: CrudsmithServer) -> frozenset[str]:
    return frozenset(uri_to_path(uri) for uri in server.workspace.text_documents)


async def index_workspace(server: CrudsmithServer) -> None:
    """Index all workspace files; reports work-done progress when the client supports it."""
    started = time.perf_counter()
    roots = workspace_roots(server)
    files = await asyncio.to_thread(list_files, roots, server.settings.exclude)
    progress = await _begin(server, len(files))
    try:
        for start in range(0, len(files), BATCH):
            batch = files[start : start + BATCH]
            await asyncio.to_thread(index_paths, server.index, batch, open_paths(server))
            if progress is not None:
                done = min(start + BATCH, len(files))
                server.work_done_progress.report(
                    progress,
                    types.WorkDoneProgressReport(
                        message=f"{done}/{len(files)} files", percentage=done * 100 // len(files)
                    ),
                )
    finally:
        if progress is not None:
            server.work_done_progress.end(
                progress, types.WorkDoneProgressEnd(message=f"{len(files)} files indexed")
            )
    server.indexing_done = True
    _log.info(
        "indexed %d files (%d models) in %.0f ms",
        len(files),
        sum(1 for _ in server.index.models()),
        (time.perf_counter() - started) * 1000,
    )
    server.emit_index_changed()


async def _begin(server: CrudsmithServer, total: int) -> str | None:
    if total == 0 or not server.client_has("window.work_done_progress"):
        return None
    token = str(uuid.uuid4())
    try:
        await server.work_done_progress.create_async(token)
    except Exception:  # the client refused the token: index without progress
        _log.info("work done progress refused", exc_info=True)
        return None
    server.work_done_progress.begin(
        token,
        types.WorkDoneProgressBegin(
            title="crudsmith: indexing models", message=f"0/{total} files", percentage=0
        ),
    )
    return token
