"""Code actions end to end: hint -> action -> resolve -> apply -> a working, tested app.

Every test runs over the VS Code (UTF-16) and Neovim (UTF-8) client profiles.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from conftest import REPO, Editor, copy_example, uri
from lsprotocol import types
from test_code_actions_support import (
    actions_at,
    apply_workspace_edit,
    hint_for,
    model_position,
    notify_changed,
    resolve_and_apply,
    run_pytest,
    settle,
    titled,
)

from crudsmith.analysis.module import analyze
from crudsmith.generation.naming import pluralize, snake_case
from crudsmith.generation.options import GenerateOptions
from crudsmith.insertion import Goal, Layout, Request, locate, plan_insertion

pytestmark = pytest.mark.asyncio

ALL = "Generate endpoints for all models"


async def _open_models(editor: Editor, root: Path, relative: str = "app/models.py") -> str:
    await editor.initialize(root)
    await editor.wait_indexed()
    return await editor.open(root / relative)


async def test_capabilities_advertise_kinds_and_resolve(editor: Editor, tmp_path: Path) -> None:
    result = await editor.initialize(copy_example(tmp_path, "blog"))
    provider = result.capabilities.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    assert provider.resolve_provider is True
    kinds = {str(kind) for kind in provider.code_action_kinds or []}
    assert {"quickfix", "refactor.rewrite", "source", "source.fixAll.crudsmith"} <= kinds


async def test_blog_all_models_writes_what_crudsmith_generate_writes(
    editor: Editor, tmp_path: Path
) -> None:
    root = copy_example(tmp_path, "blog")
    doc = await _open_models(editor, root)
    text = (root / "app/models.py").read_text(encoding="utf-8")

    hint = await hint_for(editor, doc, "Post")
    assert hint.severity == types.DiagnosticSeverity.Hint
    position = model_position(text, "Post", editor.encoding)
    actions = await actions_at(editor, doc, position, [hint])
    quick = titled(actions, "Generate endpoints for Post")
    assert quick.kind == types.CodeActionKind.QuickFix
    assert list(quick.diagnostics or []) == [hint]
    assert quick.edit is None  # both profiles resolve edits lazily
    assert titled(actions, "Generate Pydantic schemas for Post").kind == "refactor.rewrite"
    everything = titled(actions, ALL)
    assert everything.kind == types.CodeActionKind.Source

    await resolve_and_apply(editor, everything)
    await settle(editor)
    titles = [a.title for a in await actions_at(editor, doc, position)]
    assert ALL not in titles and "Generate endpoints for Post" not in titles
    _assert_same_as_cli(root)
    run_pytest(root)


async def test_quick_fix_writes_one_model_and_its_tests(editor: Editor, tmp_path: Path) -> None:
    root = copy_example(tmp_path, "forum")
    doc = await _open_models(editor, root)
    text = (root / "app/models.py").read_text(encoding="utf-8")
    models = [m.name for m in analyze(text).models]
    chosen = models[-1]
    hint = await hint_for(editor, doc, chosen)
    position = model_position(text, chosen, editor.encoding)
    quick = titled(
        await actions_at(editor, doc, position, [hint]), f"Generate endpoints for {chosen}"
    )
    touched = {p.relative_to(root).as_posix() for p in await resolve_and_apply(editor, quick)}
    assert "app/main.py" in touched and "tests/conftest.py" in touched
    plural = pluralize(snake_case(chosen))
    routers = {p.removeprefix("app/routers/") for p in touched if p.startswith("app/routers/")}
    assert routers == {"__init__.py", "auth.py", "users.py", f"{plural}.py"}  # auth needs users
    await settle(editor)
    after = [a.title for a in await actions_at(editor, doc, position)]
    assert f"Generate endpoints for {chosen}" not in after
    assert ALL in after  # the other models still have none
    run_pytest(root, f"tests/test_{plural}.py", "tests/test_health.py")


def _assert_same_as_cli(root: Path) -> None:
    """`crudsmith generate` writes the very same files as the editor path."""
    out = root.parent / "cli" / root.name
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crudsmith.cli.main",
            "generate",
            str(root / "app/models.py"),
            "-o",
            str(out),
            "--models-module",
            "app.models",
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    generated = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*.py") if p.name != "__init__.py"
    )
    assert len(generated) > 10
    for relative in generated:
        ours = (root / relative).read_text(encoding="utf-8")
        assert ours == (out / relative).read_text(encoding="utf-8"), relative


async def test_all_models_twice_offers_nothing_and_changes_nothing(
    editor: Editor, tmp_path: Path
) -> None:
    root = copy_example(tmp_path, "shop")
    doc = await _open_models(editor, root)
    start = types.Position(0, 0)
    action = titled(await actions_at(editor, doc, start), ALL)
    await resolve_and_apply(editor, action)
    await settle(editor)
    snapshot = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert ALL not in [a.title for a in await actions_at(editor, doc, start)]
    stale = await editor.client.code_action_resolve_async(action)  # applying it twice
    assert stale.edit is not None
    apply_workspace_edit(stale.edit, editor.encoding)
    assert {p: p.read_text(encoding="utf-8") for p in root.rglob("*.py")} == snapshot


HAND_MAIN = '''\
"""Hand-written entry point."""
import os   # odd spacing, kept
from fastapi import FastAPI  # the framework

from app.routers import users


app=FastAPI( title = "Mine" )    # no formatter ran here
app.include_router( users.router )


@app.get("/")
def root( ) -> dict[str,str]:  # hand-written route
    return {"cwd": os.getcwd()}   # stays
'''

HAND_USERS = """\
# A router I wrote myself.
from fastapi import APIRouter

router = APIRouter(prefix="/users",tags=["users"])

@router.get( "/me" )   # odd formatting
def me() -> dict[str,str]:
    return {"me": "yes"}
"""


def _kept(line: str, candidate: str) -> bool:
    """`candidate` is `line`, or the same `from x import` line with names added to it."""
    if line == candidate:
        return True
    head = line.split(" import ")[0]
    if not line.startswith("from ") or not candidate.startswith(head + " import "):
        return False
    rest = iter(candidate)
    return all(char in rest for char in line)  # only insertions


def _is_subsequence(original: list[str], merged: list[str]) -> bool:
    """Every original line is kept, in order (an import line may only gain names)."""
    remaining = iter(merged)
    return all(any(_kept(line, candidate) for candidate in remaining) for line in original)


async def test_existing_code_is_kept_line_for_line(editor: Editor, tmp_path: Path) -> None:
    root = copy_example(tmp_path, "blog")
    (root / "app/routers").mkdir()
    (root / "app/routers/__init__.py").write_text("", encoding="utf-8")
    (root / "app/main.py").write_text(HAND_MAIN, encoding="utf-8")
    (root / "app/routers/users.py").write_text(HAND_USERS, encoding="utf-8")
    doc = await _open_models(editor, root)
    await resolve_and_apply(
        editor, titled(await actions_at(editor, doc, types.Position(0, 0)), ALL)
    )
    for path, original in (
        (root / "app/main.py", HAND_MAIN),
        (root / "app/routers/users.py", HAND_USERS),
    ):
        merged = path.read_text(encoding="utf-8")
        assert _is_subsequence(original.splitlines(), merged.splitlines()), merged
        compile(merged, str(path), "exec")
    main = (root / "app/main.py").read_text(encoding="utf-8")
    assert main.count("app=FastAPI(") == 1 and "app = FastAPI(" not in main
    assert main.count("include_router( users.router )") == 1
    assert "app.include_router(posts.router)" in main
    assert "from app.routers import auth, comments, posts, users" in main
    users = (root / "app/routers/users.py").read_text(encoding="utf-8")
    assert users.count("router = APIRouter(") == 1 and "def create_user(" in users


UNICODE_MODELS = '''\
"""Modèles 🎉 — 模型定义 (CJK and emoji before the classes)."""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

GREETING = "你好 👋🏽"  # non-ASCII before the first class


class Base(DeclarativeBase):
    pass


class Author(Base):  # 作者 ✍️
    """作家 — 🎭 writers."""

    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)  # 名前 🏷️
    bio: Mapped[str | None] = mapped_column(String(200), default=None)

NOTE = "終わり 🎌"  # the last line, no newline: edits land after emoji on it'''


async def test_positions_with_emoji_and_cjk_single_file(editor: Editor, tmp_path: Path) -> None:
    root = tmp_path / "uni"
    root.mkdir()
    path = root / "main.py"  # models in main.py: the single-file layout
    path.write_text(UNICODE_MODELS, encoding="utf-8")
    doc = await _open_models(editor, root, "main.py")
    hint = await hint_for(editor, doc, "Author")
    expected_start = model_position(UNICODE_MODELS, "Author", editor.encoding)
    assert hint.range.start == expected_start
    position = types.Position(expected_start.line, expected_start.character + 2)
    action = titled(
        await actions_at(editor, doc, position, [hint]), "Generate endpoints for Author"
    )
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None
    (document_edit,) = resolved.edit.document_changes or []
    assert isinstance(document_edit, types.TextDocumentEdit)
    last = UNICODE_MODELS.splitlines()[-1]
    codec = "utf-8" if editor.encoding == "utf-8" else "utf-16-le"
    units = len(last.encode(codec)) // (1 if editor.encoding == "utf-8" else 2)
    line = len(UNICODE_MODELS.splitlines()) - 1
    at_end = [e.range.start for e in document_edit.edits if e.range.start.line == line]
    assert at_end == [types.Position(line, units)]  # after the emoji, in the client's units
    assert apply_workspace_edit(resolved.edit, editor.encoding) == [path]
    target = locate(path, root, Layout.SINGLE_FILE)
    plan = plan_insertion(
        target,
        analyze(UNICODE_MODELS),
        UNICODE_MODELS,
        Request(Goal.ENDPOINTS, "Author"),
        GenerateOptions(),
        lambda p: UNICODE_MODELS if p == path else None,
    )
    assert path.read_text(encoding="utf-8") == plan.changes[0].text
    merged = path.read_text(encoding="utf-8")
    assert f"\n{last}\n" in merged
    _smoke_single_file(root, "/authors")


def _smoke_single_file(root: Path, collection: str) -> None:
    script = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from fastapi.testclient import TestClient\n"
        "import main\n"
        "with TestClient(main.app) as c:\n"
        "    assert c.get('/health').status_code == 200\n"
        f"    assert c.get('{collection}').status_code == 200\n"
    )
    env_root = str(root)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=env_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": env_root, "PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 40},
    )
    assert result.returncode == 0, result.stderr[-3000:]


async def test_client_that_cannot_create_files_gets_single_file(
    editor: Editor, tmp_path: Path
) -> None:
    capabilities = editor.capabilities
    workspace = capabilities.workspace or types.WorkspaceClientCapabilities()
    no_create = types.WorkspaceEditClientCapabilities(
        document_changes=False, resource_operations=[]
    )
    editor.capabilities = attrs.evolve(
        capabilities, workspace=attrs.evolve(workspace, workspace_edit=no_create)
    )
    root = copy_example(tmp_path, "blog")
    doc = await _open_models(editor, root)
    action = titled(await actions_at(editor, doc, types.Position(0, 0)), ALL)
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None
    assert not resolved.edit.document_changes
    assert list((resolved.edit.changes or {}).keys()) == [uri(root / "app/models.py")]
    notify_changed(editor, apply_workspace_edit(resolved.edit, editor.encoding))
    assert sorted(p.name for p in (root / "app").iterdir()) == ["__init__.py", "models.py"]
    models = (root / "app/models.py").read_text(encoding="utf-8")
    assert "posts_router = APIRouter(" in models and "app.include_router(posts_router)" in models
    compile(models, "models.py", "exec")


async def test_eager_edits_and_the_smaller_actions(editor: Editor, tmp_path: Path) -> None:
    """A client that cannot resolve `edit` gets it at once; each smaller action then vanishes."""
    code_action = editor.capabilities.text_document.code_action  # type: ignore[union-attr]
    editor.capabilities = attrs.evolve(
        editor.capabilities,
        text_document=attrs.evolve(
            editor.capabilities.text_document,
            code_action=attrs.evolve(code_action, resolve_support=None),
        ),
    )
    root = copy_example(tmp_path, "blog")
    doc = await _open_models(editor, root)
    text = (root / "app/models.py").read_text(encoding="utf-8")
    user = model_position(text, "User", editor.encoding)
    steps = {
        "Generate Pydantic schemas for User": "app/schemas/user.py",
        "Add settings": "app/settings.py",
        "Add auth dependency": "app/deps.py",
        "Add exception handlers": "app/errors.py",
    }
    for title, path in steps.items():
        action = titled(await actions_at(editor, doc, user), title)
        assert action.edit is not None, title  # computed eagerly
        notify_changed(editor, apply_workspace_edit(action.edit, editor.encoding))
        await settle(editor)
        assert (root / path).exists(), title
        assert title not in [a.title for a in await actions_at(editor, doc, user)]
    assert not (root / "app/routers").exists() and not (root / "app/main.py").exists()
    errors = (root / "app/errors.py").read_text(encoding="utf-8")
    assert "def add_exception_handlers(" in errors
    assert "CurrentUser = " in (root / "app/deps.py").read_text(encoding="utf-8")
    fix_all_only = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc),
            range=types.Range(user, user),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.crudsmith"]),
        )
    )
    titles = [a.title for a in fix_all_only or []]
    assert not any(t.startswith(("Generate", "Add ")) for t in titles), titles
    refactors = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc),
            range=types.Range(user, user),
            context=types.CodeActionContext(diagnostics=[], only=["refactor"]),
        )
    )
    kinds = {a.kind for a in refactors or [] if isinstance(a, types.CodeAction)}
    assert kinds == {types.CodeActionKind.RefactorRewrite}
