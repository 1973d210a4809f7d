"""Effective settings: pyproject.toml, initializationOptions, then `workspace/configuration`.

Problems are shown to the user (`window/showMessage`, error) and logged; the value
from the layer below is kept. Nothing here raises into the protocol.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from crudsmith.config import ConfigError
from crudsmith.config.settings import load_settings
from crudsmith.lsp.server import CrudsmithServer

_log = logging.getLogger("crudsmith.lsp.configuration")
SECTION = "crudsmith"


def reload_settings(server: CrudsmithServer, editor: object = None) -> list[ConfigError]:
    """Recompute the settings from every layer; returns (and does not yet show) the problems."""
    loaded = load_settings(server.workspace_root, server.initialization_options, editor)
    server.settings = loaded.settings
    server.emit_settings_changed()
    return list(loaded.errors)


async def pull_editor_settings(server: CrudsmithServer) -> object:
    """The client's "crudsmith" configuration section, or None when it cannot give one."""
    if not server.client_has("workspace.configuration"):
        return None
    scope = server.workspace.root_uri
    params = types.ConfigurationParams(
        items=[types.ConfigurationItem(scope_uri=scope, section=SECTION)]
    )
    try:
        result = await server.workspace_configuration_async(params)
    except Exception:  # a client that fails the request: keep the other layers
        _log.exception("workspace/configuration failed")
        return None
    return result[0] if result else None


async def refresh(server: CrudsmithServer, pushed: object = None) -> None:
    """Pull the editor settings (or use the pushed ones), rebuild, report problems."""
    editor = await pull_editor_settings(server)
    if editor is None:
        editor = pushed
    report(server, reload_settings(server, editor))


def report(server: CrudsmithServer, errors: list[ConfigError]) -> None:
    for error in errors:
        _log.warning("%s", error)
        server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Error, message=str(error))
        )
