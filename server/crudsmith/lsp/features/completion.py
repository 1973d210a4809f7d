"""`textDocument/completion` and `completionItem/resolve`: the snippet catalogue in the editor.

A thin shell over `crudsmith.completion`: it reads the document cache and the workspace
index, asks the core, and translates positions (through `lsp.positions` only) and
items. Documentation (the complete code as Markdown) and the import edits are sent on
resolve when the client declares it can resolve them (both keep the list cheap: a list
may hold 175 items), eagerly otherwise; clients without snippet support get plain code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePath

from lsprotocol import types

from crudsmith.completion import (
    Answer,
    Completion,
    CompletionSettings,
    ModelsFile,
    Rendered,
    Request,
    complete,
    import_edits_for,
)
from crudsmith.lsp.documents import CachedDocument
from crudsmith.lsp.positions import offsets_to_range, position_to_offset, text_edit_to_lsp
from crudsmith.lsp.safety import safe
from crudsmith.lsp.server import CrudsmithServer

_ITEM = "text_document.completion.completion_item"
_log = logging.getLogger("crudsmith.lsp.completion")


def _empty() -> types.CompletionList:
    return types.CompletionList(is_incomplete=False, items=[])


@dataclass(frozen=True, slots=True)
class _Issued:
    """What resolve needs of an item sent in the last completion list."""

    uri: str
    version: int | None
    answer: Answer
    item: Completion


def register(server: CrudsmithServer) -> None:
    issued: dict[str, _Issued] = {}

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(resolve_provider=True),
    )
    @safe(_empty)
    def completion(params: types.CompletionParams) -> types.CompletionList:
        document = server.documents.get(params.text_document.uri)
        offset = position_to_offset(document.text, params.position, server.encoding)
        lazy = "additionalTextEdits" in _resolvable_properties(server)
        answer = complete(_request(server, document, offset, lazy))
        issued.clear()
        for item in answer.items:
            issued[item.key] = _Issued(document.uri, document.version, answer, item)
        items = [_item(server, document.text, answer, offset, item) for item in answer.items]
        return types.CompletionList(is_incomplete=answer.incomplete, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def resolve(item: types.CompletionItem) -> types.CompletionItem:
        try:
            key = item.data.get("key") if isinstance(item.data, dict) else None
            entry = issued.get(key) if isinstance(key, str) else None
            if entry is not None:
                _resolve(server, item, entry)
        except Exception:  # resolve answers with the item as it came, never an error
            _log.exception("completionItem/resolve failed")
        return item


def _resolve(server: CrudsmithServer, item: types.CompletionItem, entry: _Issued) -> None:
    if item.documentation is None:
        item.documentation = _documentation(server, entry.item.rendered)
    if item.additional_text_edits is None:
        document = server.documents.get(entry.uri)
        if document.version != entry.version:
            return  # the document changed since: the positions would be stale
        edits = import_edits_for(document.text, document.statements, entry.answer, entry.item)
        item.additional_text_edits = [
            text_edit_to_lsp(document.text, edit, server.encoding) for edit in edits
        ]


def _request(server: CrudsmithServer, document: CachedDocument, offset: int, lazy: bool) -> Request:
    settings = server.settings
    return Request(
        path=document.path,
        text=document.text,
        offset=offset,
        statements=document.statements,
        own_models=document.analysis.models,
        files=_models_files(server),
        settings=CompletionSettings(
            async_mode=settings.async_mode,
            auth=settings.auth,
            page_default=settings.pagination.default,
            page_max=settings.pagination.max,
            names=server.settings.names,
        ),
        lazy_imports=lazy,
    )


def _models_files(server: CrudsmithServer) -> list[ModelsFile]:
    files = [
        ModelsFile(_module_name(path, server.workspace_root), analysis.models, analysis.uses_async)
        for path, analysis in server.index.file_analyses()
        if analysis.models
    ]
    return sorted(files, key=lambda file: file.module)


def _module_name(path: str, root: Path | None) -> str:
    """`<root>/app/models.py` -> `app.models` (the file's stem outside the workspace)."""
    pure = PurePath(path)
    try:
        parts = pure.relative_to(root).with_suffix("").parts if root else (pure.stem,)
    except ValueError:
        parts = (pure.stem,)
    parts = tuple(part for part in parts if part != "__init__") or (pure.stem,)
    if len(parts) > 1 and parts[0] == "src":  # the src layout: src/app/models.py is app.models
        parts = parts[1:]
    return ".".join(parts) if all(part.isidentifier() for part in parts) else pure.stem


def _item(
    server: CrudsmithServer, text: str, answer: Answer, offset: int, item: Completion
) -> types.CompletionItem:
    snippets = server.client_has(f"{_ITEM}.snippet_support")
    encoding = server.encoding
    new_text = item.snippet if snippets else item.plain
    lazy = "documentation" in _resolvable_properties(server)
    return types.CompletionItem(
        label=item.label,
        kind=types.CompletionItemKind.Snippet,
        label_details=(
            types.CompletionItemLabelDetails(description=item.model)
            if item.model and server.client_has(f"{_ITEM}.label_details_support")
            else None
        ),
        detail=item.detail,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=(
            types.InsertTextFormat.Snippet if snippets else types.InsertTextFormat.PlainText
        ),
        text_edit=types.TextEdit(
            range=offsets_to_range(text, answer.replace_start, offset, encoding),
            new_text=new_text,
        ),
        additional_text_edits=(
            None
            if item.import_edits is None
            else [text_edit_to_lsp(text, e, encoding) for e in item.import_edits]
        ),
        documentation=None if lazy else _documentation(server, item.rendered),
        data={"key": item.key},
    )


def _resolvable_properties(server: CrudsmithServer) -> list[str]:
    value: object = server.client_capabilities
    for part in f"{_ITEM}.resolve_support.properties".split("."):
        value = getattr(value, part, None)
    return list(value) if isinstance(value, list | tuple) else []


def _documentation(server: CrudsmithServer, rendered: Rendered) -> types.MarkupContent:
    formats: object = server.client_capabilities
    for part in f"{_ITEM}.documentation_format".split("."):
        formats = getattr(formats, part, None)
    if isinstance(formats, list | tuple) and formats and types.MarkupKind.Markdown not in formats:
        return types.MarkupContent(types.MarkupKind.PlainText, rendered.plain)
    return types.MarkupContent(types.MarkupKind.Markdown, rendered.documentation)
