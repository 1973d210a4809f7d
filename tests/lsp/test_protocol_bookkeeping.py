"""lsp.protocol: the server forgets a handler once it is done.

In-process: messages go through the same `structure_message` / `handle_message` path as
pygls's stdio read loop, and what the server writes back is collected. pygls 2.1 alone
keeps one future per notification forever; the test fails on `LanguageServerProtocol`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pygls.uris import from_fs_path

from crudsmith.lsp.server import CrudsmithServer, create_server

pytestmark = pytest.mark.asyncio


class _Collected:
    def __init__(self) -> None:
        self.data: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.data.append(data)


def _send(server: CrudsmithServer, message: dict[str, Any]) -> None:
    protocol = server.protocol
    protocol.handle_message(
        json.loads(
            json.dumps({"jsonrpc": "2.0", **message}), object_hook=protocol.structure_message
        )
    )


async def _settle(server: CrudsmithServer) -> None:
    """Let the handlers started so far finish."""
    for _ in range(100):
        await asyncio.sleep(0.01)
        if all(future.done() for future in server.protocol._request_futures.values()):
            return


async def test_notifications_leave_no_futures_behind(tmp_path: Path) -> None:
    server = create_server()
    server.protocol.set_writer(_Collected())
    models = tmp_path / "models.py"
    models.write_text("x = 1\n", encoding="utf-8")
    uri = from_fs_path(str(models))
    assert uri is not None
    _send(server, {"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    _send(server, {"method": "initialized", "params": {}})
    document = {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}
    _send(server, {"method": "textDocument/didOpen", "params": {"textDocument": document}})
    for version in range(2, 52):
        change = {"text": f"x = {version}\n"}
        params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
        _send(server, {"method": "textDocument/didChange", "params": params})
        await _settle(server)
    try:
        await _settle(server)
        assert server.documents.get(uri).text == "x = 51\n"  # the changes were handled
        assert len(server.protocol._request_futures) <= 2  # pending background work at most
    finally:
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()
