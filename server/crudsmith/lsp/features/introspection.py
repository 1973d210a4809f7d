"""`crudsmith/inspectIndex`: what the workspace index holds (for tests and debugging).

Request params: none (or `{}`); result: `{"indexingDone": bool, "files": int,
"models": [{"name": str, "path": str, "table": str}]}`.
"""

from __future__ import annotations

from typing import Any

from crudsmith.lsp.safety import safe
from crudsmith.lsp.server import CrudsmithServer

METHOD = "crudsmith/inspectIndex"


def _empty() -> dict[str, Any]:
    return {"indexingDone": False, "files": 0, "models": []}


def register(server: CrudsmithServer) -> None:
    @server.feature(METHOD)
    @safe(_empty)
    def inspect_index(params: object) -> dict[str, Any]:
        models = [
            {"name": model.name, "path": path, "table": model.table}
            for path, model in server.index.models()
        ]
        models.sort(key=lambda item: (item["path"], item["name"]))
        return {"indexingDone": server.indexing_done, "files": len(server.index), "models": models}
