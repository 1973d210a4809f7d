"""`textDocument/codeAction` and `codeAction/resolve`: write FastAPI code from the models.

The one code-action handler of the server: it offers crudsmith's generation actions
(cheaply, see `code_actions_offer`) and the rule quick fixes / fix-all of
`rule_fixes`. The heavy WorkspaceEdit is computed on resolve, off the event loop;
for clients that cannot resolve an action's `edit`, it is computed eagerly.

Kinds: `quickfix` for "Generate endpoints for X" attached to the CSM501 hint,
`refactor.rewrite` for the actions on the model under the cursor, `source` for
the file-wide ones.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
from lsprotocol import types

from crudsmith.generation.options import GenerationError
from crudsmith.insertion import Goal, Layout, MergeError, Request, choose_layout, locate
from crudsmith.lsp import positions
from crudsmith.lsp.documents import CachedDocument, uri_to_path
from crudsmith.lsp.features import code_actions_edit as edit_builder
from crudsmith.lsp.features.code_actions_offer import Existing, Offer, file_offers, model_offers
from crudsmith.lsp.features.rule_fixes import rule_fix_actions
from crudsmith.lsp.safety import empty_list, safe
from crudsmith.lsp.server import CrudsmithServer

_log = logging.getLogger("crudsmith.lsp.code_actions")

FIX_ALL = "source.fixAll.crudsmith"
KINDS: list[types.CodeActionKind | str] = [
    types.CodeActionKind.QuickFix,
    types.CodeActionKind.RefactorRewrite,
    types.CodeActionKind.Source,
    FIX_ALL,
]
NO_ENDPOINTS = "CSM501"
DATA_KEY = "crudsmith.generate"


# --------------------------------------------------------------------------- capabilities


def can_create_files(server: CrudsmithServer) -> bool:
    """Whether the client applies `documentChanges` with `CreateFile`.

    Declaring `create` among `resourceOperations` implies `documentChanges`: resource
    operations exist only there. Neovim 0.11 declares the former and not the latter,
    and its `apply_workspace_edit` applies both.
    """
    workspace = getattr(server.client_capabilities, "workspace", None)
    edit = getattr(workspace, "workspace_edit", None)
    operations = getattr(edit, "resource_operations", None) or ()
    return types.ResourceOperationKind.Create in operations


def resolves_edit(server: CrudsmithServer) -> bool:
    support = getattr(
        getattr(getattr(server.client_capabilities, "text_document", None), "code_action", None),
        "resolve_support",
        None,
    )
    return "edit" in (getattr(support, "properties", None) or ())


# --------------------------------------------------------------------------- offering


def _layout(server: CrudsmithServer, path: Path) -> Layout:
    return choose_layout(
        Layout(server.settings.layout), path, can_create_files=can_create_files(server)
    )


def _model_at(document: CachedDocument, line: int) -> str | None:
    for model in document.analysis.models:
        span = model.span
        if span is not None and span.line <= line <= span.end_line:
            return model.name
    return None


def _kind_value(kind: types.CodeActionKind | str) -> str:
    """The wire value (`str()` of an lsprotocol enum member is its qualified name)."""
    return kind.value if isinstance(kind, types.CodeActionKind) else kind


def _kind_wanted(kind: types.CodeActionKind | str, only: Sequence[str] | None) -> bool:
    """Whether `kind` is one of the `only` kinds or below one (`source` covers `source.x`)."""
    if not only:
        return True
    value = _kind_value(kind)
    return any(value == want or value.startswith(f"{want}.") for want in only)


def generation_actions(
    server: CrudsmithServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """The generation actions at `params.range` (no edit yet: resolve computes it)."""
    document = server.documents.get(params.text_document.uri)
    models = document.analysis.models
    if not models:
        return []
    path = Path(document.path)
    target = locate(path, server.workspace_root, _layout(server, path))
    existing = Existing(target, server.index, document.statements, server.settings)
    line, _ = positions.position_to_line_col(document.text, params.range.start, server.encoding)
    under_cursor = _model_at(document, line)
    only = [_kind_value(kind) for kind in params.context.only or []]
    actions: list[types.CodeAction] = []
    fixed: set[str] = set()
    by_name = {model.name: model for model in models}
    for diagnostic in params.context.diagnostics:
        model = _diagnosed_model(diagnostic)
        if model is None or model in fixed or model not in by_name:
            continue
        if existing.endpoints_done(by_name[model]):
            continue
        offer = Offer(f"Generate endpoints for {model}", Goal.ENDPOINTS, model)
        if _kind_wanted(types.CodeActionKind.QuickFix, only):
            action = _action(document, offer, types.CodeActionKind.QuickFix)
            action.diagnostics = [diagnostic]
            action.is_preferred = True
            actions.append(action)
        fixed.add(model)
    if under_cursor is not None and _kind_wanted(types.CodeActionKind.RefactorRewrite, only):
        for offer in model_offers(existing, by_name[under_cursor]):
            if offer.goal is Goal.ENDPOINTS and offer.model in fixed:
                continue
            actions.append(_action(document, offer, types.CodeActionKind.RefactorRewrite))
    if _kind_wanted(types.CodeActionKind.Source, only):
        for offer in file_offers(existing, models):
            actions.append(_action(document, offer, types.CodeActionKind.Source))
    return actions


def _diagnosed_model(diagnostic: types.Diagnostic) -> str | None:
    if diagnostic.code != NO_ENDPOINTS:
        return None
    data = diagnostic.data
    model = data.get("model") if isinstance(data, dict) else getattr(data, "model", None)
    return model if isinstance(model, str) else None


def _action(document: CachedDocument, offer: Offer, kind: types.CodeActionKind) -> types.CodeAction:
    data = {
        DATA_KEY: {
            "uri": document.uri,
            "goal": offer.goal.value,
            "model": offer.model,
        }
    }
    return types.CodeAction(title=offer.title, kind=kind, data=data)


# --------------------------------------------------------------------------- resolving


def _request_of(action: types.CodeAction) -> tuple[str, Request] | None:
    data: Any = action.data
    if not isinstance(data, dict) or not isinstance(data.get(DATA_KEY), dict):
        return None
    payload = data[DATA_KEY]
    uri, goal, model = payload.get("uri"), payload.get("goal"), payload.get("model")
    if not isinstance(uri, str) or goal not in {g.value for g in Goal}:
        return None
    return uri, Request(Goal(goal), model if isinstance(model, str) else None)


def _snapshot(server: CrudsmithServer, uri: str, request: Request) -> edit_builder.Snapshot:
    document = server.documents.get(uri)
    path = Path(document.path)
    target = locate(path, server.workspace_root, _layout(server, path))
    open_texts: dict[str, tuple[int | None, str]] = {}
    for open_uri, text_document in list(server.workspace.text_documents.items()):
        open_texts[uri_to_path(open_uri)] = (text_document.version, text_document.source)
    open_texts[document.path] = (document.version, document.text)
    return edit_builder.Snapshot(
        target,
        document.text,
        document.analysis,
        request,
        edit_builder.generate_options(server.settings),
        open_texts,
    )


async def resolve_edit(server: CrudsmithServer, action: types.CodeAction) -> types.CodeAction:
    """`action` with its `edit` (left without one, and the user told why, on failure)."""
    found = _request_of(action)
    if found is None:
        return action
    uri, request = found
    snapshot = _snapshot(server, uri, request)
    try:
        planned = await edit_builder.compute_async(snapshot)
    except (GenerationError, MergeError) as exc:
        server.window_show_message(
            types.ShowMessageParams(types.MessageType.Warning, f"crudsmith: {exc}")
        )
        return action
    edit = edit_builder.workspace_edit(
        planned, snapshot, server.encoding, document_changes=can_create_files(server)
    )
    # A new action: pygls's read loop keeps the last message (`action`) until the next
    # one arrives, and the edit can be megabytes ("all models").
    return attrs.evolve(action, edit=edit)


def rule_actions(server: CrudsmithServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The rule quick fixes and fix-all of `rule_fixes`."""
    return rule_fix_actions(server, params)


def register(server: CrudsmithServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
    )
    @safe(empty_list)
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        actions = _rule_actions_safely(server, params)
        generated = _generation_actions_safely(server, params)
        if generated and not resolves_edit(server):
            generated = [await resolve_edit(server, action) for action in generated]
        return actions + generated

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(params: types.CodeAction) -> types.CodeAction:
        try:
            return await resolve_edit(server, params)
        except Exception:
            _log.exception("codeAction/resolve failed; answering without an edit")
            return params


def _rule_actions_safely(
    server: CrudsmithServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    try:
        return rule_actions(server, params)
    except Exception:
        _log.exception("rule quick fixes failed")
        return []


def _generation_actions_safely(
    server: CrudsmithServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    try:
        return generation_actions(server, params)
    except Exception:
        _log.exception("generation actions failed")
        return []
