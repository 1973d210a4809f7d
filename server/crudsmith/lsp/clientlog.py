"""Python logging into the client's log (`window/logMessage`), never stdout.

Stdout is the LSP transport: one stray byte there corrupts the stream. Records of the
`crudsmith` logger go to the client as log messages; records emitted off the event
loop thread (indexing, analysis threads) are handed to the loop first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

_LEVELS = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)


class ClientLogHandler(logging.Handler):
    """Forward log records to the client as `window/logMessage` notifications."""

    def __init__(self, server: LanguageServer, loop: asyncio.AbstractEventLoop | None) -> None:
        super().__init__(logging.INFO)
        self._server = server
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            params = types.LogMessageParams(type=_message_type(record), message=self.format(record))
            if self._loop is None or threading.get_ident() == self._loop_thread:
                self._send(params)
            else:
                self._loop.call_soon_threadsafe(self._send, params)
        except Exception:  # logging must never raise into the caller
            self.handleError(record)

    def _send(self, params: types.LogMessageParams) -> None:
        # The transport may already be closed at shutdown.
        with contextlib.suppress(Exception):
            self._server.window_log_message(params)


def _message_type(record: logging.LogRecord) -> types.MessageType:
    for level, kind in _LEVELS:
        if record.levelno >= level:
            return kind
    return types.MessageType.Log


def install(server: LanguageServer, level: int = logging.INFO) -> ClientLogHandler:
    """Route the `crudsmith` logger to the client; call on the event loop's thread."""
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    handler = ClientLogHandler(server, loop)
    logger = logging.getLogger("crudsmith")
    for old in [h for h in logger.handlers if isinstance(h, ClientLogHandler)]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return handler
