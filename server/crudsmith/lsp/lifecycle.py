"""Initialization, document synchronisation, watched files and configuration changes.

pygls allows one handler per method, so these notifications are handled here once and
fanned out to the features through the server's events.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from crudsmith.config import ConfigError
from crudsmith.lsp import clientlog, configuration, indexing
from crudsmith.lsp.documents import uri_to_path
from crudsmith.lsp.safety import none, safe
from crudsmith.lsp.server import CrudsmithServer
from crudsmith.workspace.scan import is_indexed

_log = logging.getLogger("crudsmith.lsp")
WATCHED = ("**/*.py", "**/pyproject.toml")


def register(server: CrudsmithServer) -> None:
    pending: list[ConfigError] = []
    tasks: set[asyncio.Task[None]] = set()

    def spawn(coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    @server.feature(types.INITIALIZE)
    @safe(none)
    def initialize(params: types.InitializeParams) -> None:
        clientlog.install(server)
        server.initialization_options = params.initialization_options
        server.workspace_root = _root(params)
        pending.extend(configuration.reload_settings(server))

    @server.feature(types.INITIALIZED)
    @safe(none)
    async def initialized(params: types.InitializedParams) -> None:
        configuration.report(server, pending)
        pending.clear()
        spawn(_start(server))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @safe(none)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.emit_document(params.text_document.uri, "open")

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @safe(none)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.emit_document(params.text_document.uri, "change")

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @safe(none)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.emit_document(params.text_document.uri, "save")
        server.emit_index_changed()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @safe(none)
    async def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.documents.drop(uri)
        server.emit_document(uri, "close")
        path = uri_to_path(uri)
        if uri.startswith("file:") and path.endswith(".py"):
            # The editor's unsaved text is gone: the file on disk is the truth again.
            await asyncio.to_thread(_reindex_from_disk, server, [Path(path)])
            server.index.release(path)  # no editor holds it: a big tree need not stay
            server.emit_index_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @safe(none)
    async def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        await _watched_files(server, params.changes)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @safe(none)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        await configuration.refresh(server, configuration_payload(params.settings))


def configuration_payload(settings: object) -> object:
    """The pushed settings (`{"crudsmith": {...}}` or the section itself)."""
    if isinstance(settings, dict) and isinstance(settings.get("crudsmith"), dict):
        return settings["crudsmith"]
    return settings


def _root(params: types.InitializeParams) -> Path | None:
    for folder in params.workspace_folders or []:
        path = to_fs_path(folder.uri)
        if path:
            return Path(path)
    if params.root_uri:
        path = to_fs_path(params.root_uri)
        if path:
            return Path(path)
    return Path(params.root_path) if params.root_path else None


async def _start(server: CrudsmithServer) -> None:
    """After `initialized`: editor settings, the file watcher, then the workspace index."""
    try:
        await configuration.refresh(server)
        await _register_watcher(server)
        await indexing.index_workspace(server)
    except Exception:
        _log.exception("start-up after initialized failed")


async def _register_watcher(server: CrudsmithServer) -> None:
    if not server.client_has("workspace.did_change_watched_files.dynamic_registration"):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
    )
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await server.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:
        _log.info("the client refused the file watcher", exc_info=True)


def _reindex_from_disk(server: CrudsmithServer, paths: list[Path]) -> None:
    indexing.index_paths(server.index, paths, indexing.open_paths(server))


async def _watched_files(server: CrudsmithServer, changes: Sequence[types.FileEvent]) -> None:
    changed: list[Path] = []
    settings_changed = False
    roots = indexing.workspace_roots(server)
    for change in changes:
        path = to_fs_path(change.uri)
        if not path:
            continue
        if path.endswith("pyproject.toml"):
            settings_changed = True
        elif not is_indexed(Path(path), roots, server.settings.exclude):
            continue
        elif change.type == types.FileChangeType.Deleted:
            server.index.remove(path)
        else:
            changed.append(Path(path))
    if changed:
        await asyncio.to_thread(_reindex_from_disk, server, changed)
    if settings_changed:
        await configuration.refresh(server)
    server.emit_index_changed()
