"""Helpers (no tests) for the code-action tests: act like an editor — list, resolve, apply.

The WorkspaceEdit is applied here independently of the server's own position code:
columns are counted in the negotiated encoding's code units by encoding each line.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from conftest import TIMEOUT, Editor, uri
from lsprotocol import types
from pygls.uris import to_fs_path

NO_ENDPOINTS = "CSM501"


def _column(line: str, units: int, encoding: str) -> int:
    """Code-point index of `units` code units into `line`."""
    if encoding == "utf-32":
        return units
    codec = "utf-8" if encoding == "utf-8" else "utf-16-le"
    width = 1 if encoding == "utf-8" else 2
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += len(char.encode(codec, "surrogatepass")) // width
    return len(line)


def _offset(text: str, position: types.Position, encoding: str) -> int:
    lines = text.splitlines(keepends=True)
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line].rstrip("\r\n")
    return start + _column(line, position.character, encoding)


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    located = [
        (_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    order = sorted(range(len(located)), key=lambda i: (located[i][0], i))
    out: list[str] = []
    cursor = 0
    for i in order:
        start, end, new = located[i]
        assert start >= cursor, "overlapping edits"
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def apply_workspace_edit(edit: types.WorkspaceEdit, encoding: str) -> list[Path]:
    """Apply `edit` to the files on disk; returns the paths touched, in order."""
    touched: list[Path] = []
    for operation in edit.document_changes or []:
        if isinstance(operation, types.CreateFile):
            path = Path(to_fs_path(operation.uri) or "")
            ignore = operation.options is not None and operation.options.ignore_if_exists
            assert ignore or not path.exists()
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text("", encoding="utf-8")
            touched.append(path)
        elif isinstance(operation, types.TextDocumentEdit):
            path = Path(to_fs_path(operation.text_document.uri) or "")
            text = path.read_text(encoding="utf-8")
            edits = [e for e in operation.edits if isinstance(e, types.TextEdit)]
            path.write_text(apply_text_edits(text, edits, encoding), encoding="utf-8")
            touched.append(path)
        else:
            raise AssertionError(f"unexpected operation {operation!r}")
    for doc_uri, edits in (edit.changes or {}).items():
        path = Path(to_fs_path(doc_uri) or "")
        text = path.read_text(encoding="utf-8")
        path.write_text(apply_text_edits(text, list(edits), encoding), encoding="utf-8")
        touched.append(path)
    return touched


async def hint_for(editor: Editor, doc_uri: str, model: str) -> types.Diagnostic:
    """The CSM501 hint on `model` (waits until it arrives)."""

    def has(items: list[types.Diagnostic]) -> bool:
        return any(_is_hint(d, model) for d in items)

    items = await editor.diagnostics(doc_uri, until=has)
    return next(d for d in items if _is_hint(d, model))


def _is_hint(diagnostic: types.Diagnostic, model: str) -> bool:
    data = diagnostic.data
    named = data.get("model") if isinstance(data, dict) else getattr(data, "model", None)
    return diagnostic.code == NO_ENDPOINTS and named == model


async def actions_at(
    editor: Editor,
    doc_uri: str,
    position: types.Position,
    diagnostics: list[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    result = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=types.Range(position, position),
            context=types.CodeActionContext(diagnostics=diagnostics or []),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def titled(actions: list[types.CodeAction], title: str) -> types.CodeAction:
    matches = [a for a in actions if a.title == title]
    assert matches, f"no action {title!r} in {[a.title for a in actions]}"
    return matches[0]


async def resolve_and_apply(editor: Editor, action: types.CodeAction) -> list[Path]:
    resolved = action
    if resolved.edit is None:
        resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None, f"{action.title!r} resolved without an edit"
    touched = apply_workspace_edit(resolved.edit, editor.encoding)
    notify_changed(editor, touched)
    return touched


def notify_changed(editor: Editor, paths: list[Path]) -> None:
    """What a watching editor sends after files changed on disk."""
    events = [
        types.FileEvent(uri=uri(path), type=types.FileChangeType.Changed)
        for path in dict.fromkeys(paths)
    ]
    editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(events))


async def settle(editor: Editor) -> None:
    """Let the server process notifications sent before the next request."""
    await editor.inspect_index()
    await asyncio.sleep(0.05)


def model_position(text: str, model: str, encoding: str) -> types.Position:
    """The position of the model's name in its `class` line, in `encoding` units."""
    for number, line in enumerate(text.splitlines()):
        if line.startswith(f"class {model}("):
            prefix = line[: line.index(model)]
            units = len(prefix.encode("utf-8" if encoding == "utf-8" else "utf-16-le"))
            return types.Position(number, units if encoding == "utf-8" else units // 2)
    raise AssertionError(f"class {model} not found")


def run_pytest(root: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """Run the generated project's tests (all, or `paths`) in a subprocess; they must pass."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"generated tests failed after {time.monotonic() - started:.1f}s:\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    )
    return result


__all__ = ["TIMEOUT"]
