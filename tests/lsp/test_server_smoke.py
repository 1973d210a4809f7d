"""Start-up: initialize, capabilities, encodings, the workspace index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.asyncio


async def test_initialize_negotiates_encoding_and_indexes(editor: Any, tmp_path: Path) -> None:
    root = editor.example(tmp_path, "blog")
    result = await editor.initialize(root)
    assert result.server_info is not None and result.server_info.name == "crudsmith"
    expected = "utf-8" if editor.profile == "neovim" else "utf-16"
    assert editor.encoding == expected
    state = await editor.wait_indexed()
    names = {model["name"] for model in state["models"]}
    assert {"User", "Post"} <= names
