"""Diagnostics: the registered rules' findings, pushed or pulled.

Push (`textDocument/publishDiagnostics`) on open and save, debounced on change; a newer
edit cancels the pending run, and a result computed for an outdated version is dropped.
Pull (`textDocument/diagnostic`) when the client declares it; the workspace index
changing (saves, watched files, indexing done) then asks the client to pull again
(`workspace/diagnostic/refresh`), or re-publishes the open documents for push clients.
Analysis and rules run on a worker thread, so typing never waits for them.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from crudsmith.analysis.collector import collect_everything
from crudsmith.config.lint import LintSettings
from crudsmith.generation.options import SchemaNames
from crudsmith.lsp import positions
from crudsmith.lsp.documents import CachedDocument
from crudsmith.lsp.indexing import open_paths
from crudsmith.lsp.safety import safe
from crudsmith.lsp.server import CrudsmithServer, DocumentEvent
from crudsmith.rules import engine
from crudsmith.rules.docs import DOCS_URL
from crudsmith.rules.model import Finding, Fix, Severity
from crudsmith.workspace import scan
from crudsmith.workspace.index import WorkspaceIndex

_log = logging.getLogger("crudsmith.lsp.diagnostics")

IDLE_COLLECT_SECONDS = 1.0
DEBOUNCE_SECONDS = 0.25
SOURCE = "crudsmith"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


# --------------------------------------------------------------------------- pure parts


def findings_for(
    document: CachedDocument,
    index: WorkspaceIndex | None,
    lint: LintSettings,
    names: SchemaNames | None = None,
) -> list[Finding]:
    """The selected rules' findings on one document (select/ignore/severity/noqa applied),
    schemas recognised by the configured `names` (the defaults when None)."""
    return engine.check(document.rule_context(index, names), lint)


def to_diagnostic(finding: Finding, text: str, encoding: positions.Encoding) -> types.Diagnostic:
    data: dict[str, Any] = {"code": finding.code, **finding.data}
    if finding.fix is not None:
        data["fix"] = fix_data(finding.fix, text, encoding)
    return types.Diagnostic(
        range=positions.span_to_range(text, finding.span, encoding),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=DOCS_URL.format(code=finding.code)),
        source=SOURCE,
        data=data,
    )


def fix_data(fix: Fix, text: str, encoding: positions.Encoding) -> dict[str, Any]:
    """A fix as JSON: title, safety and LSP text edits in the client's encoding."""
    edits = []
    for edit in fix.edits:
        lsp_range = positions.span_to_range(text, edit.span, encoding)
        edits.append(
            {
                "range": {
                    "start": {"line": lsp_range.start.line, "character": lsp_range.start.character},
                    "end": {"line": lsp_range.end.line, "character": lsp_range.end.character},
                },
                "newText": edit.new_text,
            }
        )
    return {"title": fix.title, "safe": fix.safe, "edits": edits}


def diagnostics_for(
    document: CachedDocument,
    index: WorkspaceIndex | None,
    lint: LintSettings,
    encoding: positions.Encoding,
    names: SchemaNames | None = None,
) -> list[types.Diagnostic]:
    findings = findings_for(document, index, lint, names)
    return [to_diagnostic(finding, document.text, encoding) for finding in findings]


def is_excluded(path: str, root: Path | None, patterns: tuple[str, ...]) -> bool:
    """Whether the configured `exclude` globs cover `path` (relative to the workspace root)."""
    if root is None or not patterns:
        return False
    try:
        relative = Path(path).relative_to(root).as_posix()
    except ValueError:
        return False
    return scan.is_excluded(relative, patterns)


# --------------------------------------------------------------------------- the feature


class Diagnostics:
    def __init__(self, server: CrudsmithServer) -> None:
        self.server = server
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.refresh_task: asyncio.Task[None] | None = None
        self.collect_task: asyncio.Task[None] | None = None

    @property
    def pull(self) -> bool:
        return self.server.client_has("text_document.diagnostic")

    def on_document(self, uri: str, event: DocumentEvent) -> None:
        if event == "close":
            self.cancel(uri)
            if not self.pull:
                self.publish(uri, None, [])
            return
        delay = DEBOUNCE_SECONDS if event == "change" else 0.0
        # Pull clients ask with textDocument/diagnostic; still analyse the new text early, so
        # the workspace index (other files' results) and the next request find it ready.
        self.schedule(uri, delay, publish=not self.pull)

    def on_index_changed(self) -> None:
        """Other files changed: results depending on the workspace may be stale."""
        if self.refresh_task is not None:
            self.refresh_task.cancel()
        self.refresh_task = asyncio.ensure_future(self._refresh())

    async def _refresh(self) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        if self.pull:
            if self.server.client_has("workspace.diagnostics.refresh_support"):
                self.server.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.server.workspace.text_documents):
            if uri not in self.tasks:  # a pending run reads the index when it computes
                self.schedule(uri, 0.0)

    def cancel(self, uri: str) -> None:
        task = self.tasks.pop(uri, None)
        if task is not None:
            task.cancel()

    def schedule(self, uri: str, delay: float, *, publish: bool = True) -> None:
        """(Re)start the run for `uri`; a pending run for an older version is cancelled."""
        self.cancel(uri)
        run = self._run(uri, delay) if publish else self._analyse(uri, delay)
        task = asyncio.ensure_future(run)
        self.tasks[uri] = task
        task.add_done_callback(lambda done: self._forget(uri, done))

    def _forget(self, uri: str, task: asyncio.Task[None]) -> None:
        if self.tasks.get(uri) is task:
            del self.tasks[uri]

    async def _analyse(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            await asyncio.to_thread(self.server.documents.get, uri)
        except Exception:
            _log.exception("analysis failed for %s", uri)

    async def _run(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            version, items = await self.compute(uri)
        except Exception:
            _log.exception("diagnostics failed for %s", uri)
            return
        if self.server.documents.current(uri)[0] != version:
            return  # the document moved on; the run for the newer version publishes
        self.publish(uri, version, items)

    async def compute(self, uri: str) -> tuple[int | None, list[types.Diagnostic]]:
        """Diagnostics of the current version of `uri`, computed off the event loop."""
        documents = self.server.documents
        version, text = documents.current(uri)
        cached = documents.peek(uri)
        encoding = self.server.encoding
        index = self.server.index
        settings = self.server.settings
        root = self.server.workspace_root

        def work() -> list[types.Diagnostic]:
            fresh = cached is not None and cached.version == version and cached.text == text
            document = (
                cached if fresh and cached is not None else documents.build(uri, version, text)
            )
            if is_excluded(document.path, root, settings.exclude):
                return []
            return diagnostics_for(document, index, settings.lint, encoding, settings.names)

        items = await asyncio.to_thread(work)
        self.collect_when_idle()
        return version, items

    def collect_when_idle(self) -> None:
        """A full garbage collection once editing pauses.

        Trees are frozen out of the collector's reach once built (`collector_paused`), so
        nothing on the way to a result traverses them; cyclic garbage among frozen
        objects (rare: trees hold no cycles) is reclaimed here, off the typing path.
        """
        if self.collect_task is not None:
            self.collect_task.cancel()
        self.collect_task = asyncio.ensure_future(self._collect_later())

    async def _collect_later(self) -> None:
        await asyncio.sleep(IDLE_COLLECT_SECONDS)
        # Big trees of files no editor holds go (their analysis and facts stay).
        self.server.index.release_all(keep=open_paths(self.server))
        collect_everything()

    def publish(self, uri: str, version: int | None, items: list[types.Diagnostic]) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )

    async def pull_report(
        self, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
        uri = params.text_document.uri
        version = self.server.documents.current(uri)[0]
        result_id = f"{version}:{self.server.index_generation}"
        if params.previous_result_id == result_id and version is not None:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        _, items = await self.compute(uri)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


def _empty_report() -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


def register(server: CrudsmithServer) -> None:
    feature = Diagnostics(server)
    server.on_document(feature.on_document)
    server.on_index_changed(feature.on_index_changed)
    server.on_settings_changed(feature.on_index_changed)

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    @safe(_empty_report)
    async def document_diagnostic(
        params: types.DocumentDiagnosticParams,
    ) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
        return await feature.pull_report(params)
