"""Custom requests showing the server's state, for tests, benchmarks and bug reports.

- `crudsmith/inspectIndex` (no params): `{"indexingDone": bool, "files": int,
  "models": [{"name": str, "path": str, "table": str}]}` -- what the workspace index holds.
- `crudsmith/inspectSettings` (no params): the effective settings, e.g. `{"layout":
  "package", "async": null, "auth": true, "pagination": {"default": 20, "max": 100},
  "names": {...}, "exclude": [...]}`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from crudsmith.lsp.safety import safe
from crudsmith.lsp.server import CrudsmithServer

INSPECT_INDEX = "crudsmith/inspectIndex"
INSPECT_SETTINGS = "crudsmith/inspectSettings"


def _empty_index() -> dict[str, Any]:
    return {"indexingDone": False, "files": 0, "models": []}


def _empty() -> dict[str, Any]:
    return {}


def index_state(server: CrudsmithServer) -> dict[str, Any]:
    models = [
        {"name": model.name, "path": path, "table": model.table}
        for path, model in server.index.models()
    ]
    models.sort(key=lambda item: (item["path"], item["name"]))
    return {"indexingDone": server.indexing_done, "files": len(server.index), "models": models}


def settings_state(server: CrudsmithServer) -> dict[str, Any]:
    settings = server.settings
    return {
        "layout": settings.layout,
        "async": settings.async_mode,
        "auth": settings.auth,
        "pagination": asdict(settings.pagination),
        "names": asdict(settings.names),
        "exclude": list(settings.exclude),
    }


def register(server: CrudsmithServer) -> None:
    @server.feature(INSPECT_INDEX)
    @safe(_empty_index)
    def inspect_index(params: Any) -> dict[str, Any]:
        return index_state(server)

    @server.feature(INSPECT_SETTINGS)
    @safe(_empty)
    def inspect_settings(params: Any) -> dict[str, Any]:
        return settings_state(server)
