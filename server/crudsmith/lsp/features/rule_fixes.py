"""Rule fixes as code actions: one `quickfix` per crudsmith diagnostic that carries a fix,
and `source.fixAll.crudsmith` applying every safe fix of the document.

Quick fixes take their edits from `Diagnostic.data["fix"]` (written by
`features/diagnostics.py` in the client's position encoding); fixes that are not safe
say so in their title and never take part in fix-all. Fix-all is computed from the
current document text with the engine (passes until stable), so it also covers
findings outside the requested range. Called by the single code-action handler.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from lsprotocol import types

from crudsmith.lsp import positions
from crudsmith.lsp.features.diagnostics import SOURCE, findings_for, is_excluded
from crudsmith.lsp.server import CrudsmithServer
from crudsmith.rules import engine
from crudsmith.rules.model import Finding

_log = logging.getLogger("crudsmith.lsp.rule_fixes")

FIX_ALL_KIND = "source.fixAll.crudsmith"
UNSAFE_SUFFIX = " (unsafe)"


def rule_fix_actions(
    server: CrudsmithServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics in `params.context`, then fix-all when wanted."""
    only = params.context.only
    uri = params.text_document.uri
    actions: list[types.CodeAction] = []
    safe_fixes = 0
    for diagnostic in params.context.diagnostics:
        fix = _fix_of(diagnostic)
        if fix is None:
            continue
        safe = bool(fix.get("safe", True))
        safe_fixes += safe
        if _wanted(types.CodeActionKind.QuickFix, only):
            action = _quick_fix(uri, diagnostic, fix, safe)
            if action is not None:
                actions.append(action)
    requested = only is not None and _wanted(FIX_ALL_KIND, only)
    if requested or (only is None and safe_fixes):
        fix_all = fix_all_action(server, uri)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether `kind` falls under one of the requested kinds (hierarchical, as LSP says)."""
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _fix_of(diagnostic: types.Diagnostic) -> Mapping[str, Any] | None:
    if diagnostic.source != SOURCE or not isinstance(diagnostic.data, Mapping):
        return None
    fix = diagnostic.data.get("fix")
    if not isinstance(fix, Mapping) or not isinstance(fix.get("edits"), list):
        return None
    return fix


def _quick_fix(
    uri: str, diagnostic: types.Diagnostic, fix: Mapping[str, Any], safe: bool
) -> types.CodeAction | None:
    edits = []
    for raw in fix["edits"]:
        try:
            start, end = raw["range"]["start"], raw["range"]["end"]
            edits.append(
                types.TextEdit(
                    range=types.Range(
                        types.Position(int(start["line"]), int(start["character"])),
                        types.Position(int(end["line"]), int(end["character"])),
                    ),
                    new_text=str(raw["newText"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            _log.info("malformed fix data on %s: %r", diagnostic.code, raw)
            return None
    title = str(fix.get("title") or f"Fix {diagnostic.code}")
    code = f"{diagnostic.code}: " if diagnostic.code else ""
    return types.CodeAction(
        title=f"{code}{title}" + ("" if safe else UNSAFE_SUFFIX),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={uri: edits}),
        is_preferred=safe,
    )


def fix_all_action(server: CrudsmithServer, uri: str) -> types.CodeAction | None:
    """Every safe fix of the current document, as one minimal edit (None: nothing to do)."""
    document = server.documents.get(uri)
    settings = server.settings
    if is_excluded(document.path, server.workspace_root, settings.exclude):
        return None
    index = server.index
    findings = findings_for(document, index, settings.lint, settings.names)
    if not any(f.fix is not None and f.fix.safe for f in findings):
        return None

    def recheck(text: str) -> list[Finding]:
        context = engine.build_context(document.path, text, index, settings.names)
        return engine.check(context, settings.lint)

    new_text, applied, _remaining = engine.fix_all(document.text, findings, recheck)
    if not applied or new_text == document.text:
        return None
    edit = _minimal_edit(document.text, new_text, server.encoding)
    return types.CodeAction(
        title=f"crudsmith: fix all ({len(applied)} safe fix{'es' if len(applied) > 1 else ''})",
        kind=FIX_ALL_KIND,
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def _minimal_edit(old: str, new: str, encoding: positions.Encoding) -> types.TextEdit:
    """One edit replacing only the differing middle of `old` (common prefix/suffix kept)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # never split a \r\n pair: positions count it as one line break
    while prefix > 0 and old[prefix - 1] == "\r" and old[prefix : prefix + 1] == "\n":
        prefix -= 1
    end = len(old) - suffix
    while suffix > 0 and old[end - 1 : end] == "\r" and old[end : end + 1] == "\n":
        suffix -= 1
        end += 1
    return types.TextEdit(
        range=positions.offsets_to_range(old, prefix, end, encoding),
        new_text=new[prefix : len(new) - suffix],
    )
