"""Configuration end to end: pyproject, initializationOptions, workspace/configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio

PYPROJECT = """
[tool.crudsmith]
layout = "single-file"

[tool.crudsmith.pagination]
default = 10
max = 50
"""


async def test_layers_apply_in_order(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "shop")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    editor.client.set_configuration({"pagination": {"max": 80}}, section="crudsmith")
    await editor.initialize(root, options={"auth": False})
    settings = await editor.wait_for(
        lambda: _settings_with(editor, lambda s: s["pagination"]["max"] == 80), "editor settings"
    )
    assert settings["layout"] == "single-file"  # pyproject
    assert settings["auth"] is False  # initializationOptions
    assert settings["pagination"] == {"default": 10, "max": 80}  # workspace/configuration
    assert editor.error_messages() == []


async def test_bad_values_are_reported_and_the_server_keeps_serving(
    editor: Any, tmp_path: Path
) -> None:
    root = editor.example(tmp_path, "blog")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    await editor.initialize(root, options={"layout": "flat", "pagination": {"max": 5000}})
    errors = await editor.wait_for(
        lambda: len(editor.error_messages()) >= 2 and editor.error_messages(), "error messages"
    )
    assert any("`layout`" in message and "flat" in message for message in errors)
    assert any("`pagination.max`" in message for message in errors)
    settings = await editor.inspect_settings()
    assert settings["layout"] == "single-file"  # kept from pyproject
    assert settings["pagination"] == {"default": 10, "max": 50}
    state = await editor.wait_indexed()
    assert {"User", "Post"} <= {model["name"] for model in state["models"]}


async def test_did_change_configuration_pulls_the_new_settings(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "heroes")
    await editor.initialize(root)
    await editor.wait_indexed()
    editor.client.set_configuration(
        {"layout": "single-file", "names": {"x": 1}}, section="crudsmith"
    )
    editor.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"crudsmith": {"layout": "single-file"}})
    )
    settings = await editor.wait_for(
        lambda: _settings_with(editor, lambda s: s["layout"] == "single-file"), "new layout"
    )
    assert settings["names"]["create"] == "{model}Create"
    errors = await editor.wait_for(editor.error_messages, "the names.x error")
    assert any("`names.x`" in message for message in errors)


async def _settings_with(editor: Any, predicate: Any) -> dict[str, Any] | None:
    settings: dict[str, Any] = await editor.inspect_settings()
    return settings if predicate(settings) else None
