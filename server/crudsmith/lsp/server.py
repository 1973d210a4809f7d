"""The crudsmith language server object and its assembly.

`CrudsmithServer` holds what every feature reads: the document cache (one parse and
analysis per version), the workspace index (models of every file), the effective
settings and the workspace root. Features are modules under `crudsmith.lsp.features`
exposing `register(server)`; they subscribe to document / index / settings events here
instead of registering the document-sync notifications themselves (pygls keeps one
handler per method).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from crudsmith import __version__
from crudsmith.config.settings import Settings
from crudsmith.lsp.documents import DocumentCache
from crudsmith.lsp.positions import UTF16, Encoding
from crudsmith.lsp.protocol import CrudsmithProtocol
from crudsmith.workspace.index import WorkspaceIndex

_log = logging.getLogger("crudsmith.lsp")

DocumentEvent = Literal["open", "change", "save", "close"]
DocumentListener = Callable[[str, DocumentEvent], None]
Listener = Callable[[], None]


class CrudsmithServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "crudsmith",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=CrudsmithProtocol,
        )
        self.index = WorkspaceIndex()
        self.documents = DocumentCache(lambda: self.workspace, self.index)
        self.settings = Settings()
        self.workspace_root: Path | None = None
        self.initialization_options: Any = None
        # Bumped whenever other files or the settings change: part of pull diagnostics' result id.
        self.index_generation = 0
        self.indexing_done = False
        self._document_listeners: list[DocumentListener] = []
        self._index_listeners: list[Listener] = []
        self._settings_listeners: list[Listener] = []

    # ------------------------------------------------------------------ negotiated facts

    @property
    def encoding(self) -> Encoding:
        """The position encoding negotiated with the client (UTF-16 unless it chose another)."""
        return self.workspace.position_encoding or UTF16

    def client_has(self, dotted: str) -> bool:
        """Whether the client capability at `dotted` (snake_case attributes) is truthy."""
        value: object = self.client_capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return False
        return bool(value)

    # ------------------------------------------------------------------ events

    def on_document(self, listener: DocumentListener) -> None:
        """Call `listener(uri, event)` after the document cache saw open/change/save/close."""
        self._document_listeners.append(listener)

    def on_index_changed(self, listener: Listener) -> None:
        """Call `listener()` when other files changed (indexing done, saves, watched files)."""
        self._index_listeners.append(listener)

    def on_settings_changed(self, listener: Listener) -> None:
        self._settings_listeners.append(listener)

    def emit_document(self, uri: str, event: DocumentEvent) -> None:
        for listener in self._document_listeners:
            _call(listener, uri, event)

    def emit_index_changed(self) -> None:
        self.index_generation += 1
        for listener in self._index_listeners:
            _call(listener)

    def emit_settings_changed(self) -> None:
        self.index_generation += 1  # results may change with the settings too
        for listener in self._settings_listeners:
            _call(listener)


def _call(listener: Callable[..., None], *args: object) -> None:
    try:
        listener(*args)
    except Exception:  # one feature's bug must not stop the others from hearing the event
        _log.exception("listener %r failed", listener)


def create_server() -> CrudsmithServer:
    """A server with the lifecycle handlers and every feature registered."""
    from crudsmith.lsp import lifecycle
    from crudsmith.lsp.features import code_actions, diagnostics, introspection
    from crudsmith.lsp.features.completion import register as register_completion

    server = CrudsmithServer()
    lifecycle.register(server)
    register_completion(server)
    diagnostics.register(server)
    introspection.register(server)
    code_actions.register(server)
    return server
