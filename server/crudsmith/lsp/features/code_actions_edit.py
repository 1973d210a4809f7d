"""From an insertion plan to the LSP `WorkspaceEdit` a client applies.

Files to create become `CreateFile(ignore_if_exists)` + a `TextDocumentEdit` with
`version=None` (inside `documentChanges`); existing files get small insertions,
their ranges converted in the negotiated encoding by `lsp.positions`. Clients that
cannot create files get the plain `changes` map (the caller chose the single-file
layout for them, so nothing needs creating).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from crudsmith.analysis.spec import ModuleAnalysis
from crudsmith.config.settings import Settings
from crudsmith.generation.options import GenerateOptions
from crudsmith.insertion import Plan, Request, Target, plan_insertion
from crudsmith.lsp import positions
from crudsmith.rules.model import TextEdit

_AnyEdit = types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything planning needs, copied on the event loop before work moves to a thread."""

    target: Target
    source: str  # the models document's text
    analysis: ModuleAnalysis  # its analysis, from the document cache (never parsed again)
    request: Request
    options: GenerateOptions
    open_texts: Mapping[str, tuple[int | None, str]]  # path -> (version, text) of open documents


def generate_options(settings: Settings) -> GenerateOptions:
    return GenerateOptions(
        async_mode=settings.async_mode,
        auth=settings.auth,
        page_default=settings.pagination.default,
        page_max=settings.pagination.max,
        names=settings.names,
    )


@dataclass(frozen=True, slots=True)
class Planned:
    plan: Plan
    originals: Mapping[Path, str]  # the text each edited file had when planned


def compute(snapshot: Snapshot) -> Planned:
    """Render and merge (slow: call it off the event loop)."""
    originals: dict[Path, str] = {}

    def read(path: Path) -> str | None:
        opened = snapshot.open_texts.get(str(path))
        if opened is not None:
            text: str | None = opened[1]
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        if text is not None:
            originals[path] = text
        return text

    plan = plan_insertion(
        snapshot.target,
        snapshot.analysis,
        snapshot.source,
        snapshot.request,
        snapshot.options,
        read,
    )
    return Planned(plan, originals)


async def compute_async(snapshot: Snapshot) -> Planned:
    return await asyncio.to_thread(compute, snapshot)


def workspace_edit(
    planned: Planned,
    snapshot: Snapshot,
    encoding: positions.Encoding,
    *,
    document_changes: bool,
) -> types.WorkspaceEdit:
    """The plan as a WorkspaceEdit (`documentChanges` when the client can create files)."""
    if not document_changes:
        changes: dict[str, list[types.TextEdit]] = {}
        for change in planned.plan.changes:
            if change.created:
                continue  # unreachable in practice: single-file layout creates nothing
            changes[_uri(change.path)] = _edits(planned, change.path, change.edits, encoding)
        return types.WorkspaceEdit(changes=changes)
    operations: list[
        types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
    ] = []
    for change in planned.plan.changes:
        uri = _uri(change.path)
        if change.created:
            operations.append(
                types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
            )
            start = types.Position(0, 0)
            edits: list[_AnyEdit] = [types.TextEdit(types.Range(start, start), change.text)]
            version = None
        else:
            edits = list(_edits(planned, change.path, change.edits, encoding))
            opened = snapshot.open_texts.get(str(change.path))
            version = opened[0] if opened is not None else None
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        operations.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    return types.WorkspaceEdit(document_changes=operations)


def _edits(
    planned: Planned,
    path: Path,
    edits: tuple[TextEdit, ...],
    encoding: positions.Encoding,
) -> list[types.TextEdit]:
    text = planned.originals[path]
    return [
        types.TextEdit(positions.span_to_range(text, edit.span, encoding), edit.new_text)
        for edit in edits
    ]


def _uri(path: Path) -> str:
    return str(from_fs_path(str(path)))
