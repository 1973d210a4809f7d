"""Each document version is parsed and analysed once; every feature reads this cache.

`DocumentCache.get(uri)` returns the `CachedDocument` of the document's current
version (building it on a miss); `build(uri, version, text)` may run on a worker
thread (diagnostics analyse off the event loop). Building an entry also stores its
parse in the `WorkspaceIndex`, so the index never parses an open document again.
A new version of a document already cached is re-parsed incrementally from the
previous one (`analysis.reparse`: only the edited top-level statements are parsed).
"""

from __future__ import annotations

import ast
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from pygls.uris import to_fs_path
from pygls.workspace import Workspace

from crudsmith.analysis.collector import collector_paused
from crudsmith.analysis.module import analyze_parsed, parse_and_analyze
from crudsmith.analysis.parse import ParseResult, Statements
from crudsmith.analysis.reparse import reparse
from crudsmith.analysis.spec import ModuleAnalysis, SyntaxProblem
from crudsmith.generation.options import SchemaNames
from crudsmith.rules.model import RuleContext, WorkspaceView
from crudsmith.workspace.index import IndexedFile, WorkspaceIndex

_log = logging.getLogger("crudsmith.lsp.documents")


def uri_to_path(uri: str) -> str:
    """The file-system path of a `file:` URI (the URI itself for other schemes)."""
    return to_fs_path(uri) or uri


@dataclass(frozen=True, slots=True)
class CachedDocument:
    """One version of one document, parsed (tolerantly) and analysed."""

    uri: str
    path: str
    version: int | None
    text: str
    statements: list[ast.stmt]
    analysis: ModuleAnalysis
    problems: tuple[SyntaxProblem, ...] = ()  # of the parse: the next version's reparse needs them

    def parse_result(self) -> ParseResult:
        """The parse this version was analysed from (for re-parsing the next version)."""
        statements = self.statements
        if not isinstance(statements, Statements):
            statements = Statements(statements)
        return ParseResult(statements, list(self.problems))

    def indexed(self) -> IndexedFile:
        return IndexedFile(self.path, self.statements, self.analysis, self.text)

    def rule_context(
        self, workspace: WorkspaceView | None, names: SchemaNames | None = None
    ) -> RuleContext:
        """This version as the rules see it; `names`: the configured schema name patterns
        (the defaults when None)."""
        return RuleContext(
            self.path, self.text, self.statements, self.analysis, workspace, names or SchemaNames()
        )


def build_document(uri: str, version: int | None, text: str) -> CachedDocument:
    """Parse (once) and analyse one text; thread-safe, never raises on bad input."""
    parsed, analysis = parse_and_analyze(text)
    return _document(uri, version, text, parsed, analysis)


def rebuild_document(
    previous: CachedDocument, uri: str, version: int | None, text: str
) -> CachedDocument:
    """Like `build_document`, re-parsing only what changed since `previous` (another
    version of the same document); thread-safe, never raises on bad input."""
    try:
        with collector_paused():
            parsed = reparse(previous.text, previous.parse_result(), text)
    except Exception:  # a bug in the fast path must not cost the editor its diagnostics
        _log.exception("incremental re-parse of %s failed; parsing afresh", uri)
        return build_document(uri, version, text)
    analysis = analyze_parsed(text, parsed, previous.statements)
    return _document(uri, version, text, parsed, analysis)


def _document(
    uri: str, version: int | None, text: str, parsed: ParseResult, analysis: ModuleAnalysis
) -> CachedDocument:
    path = uri_to_path(uri)
    problems = tuple(parsed.problems)
    return CachedDocument(uri, path, version, text, parsed.statements, analysis, problems)


class DocumentCache:
    """uri -> the CachedDocument of the newest version seen."""

    def __init__(self, workspace: Callable[[], Workspace], index: WorkspaceIndex) -> None:
        self._workspace = workspace
        self._index = index
        self._entries: dict[str, CachedDocument] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}  # one build per uri at a time

    def get(self, uri: str) -> CachedDocument:
        """The current version of `uri` (an unopened file is read from disk)."""
        version, text = self.current(uri)
        cached = self.peek(uri)
        if cached is not None and cached.version == version and cached.text == text:
            return cached
        return self.build(uri, version, text)

    def current(self, uri: str) -> tuple[int | None, str]:
        """The editor's current (version, text) of `uri`; ('', None) when unreadable."""
        document = self._workspace().get_text_document(uri)
        try:
            return document.version, document.source
        except (OSError, UnicodeDecodeError) as exc:
            _log.info("cannot read %s: %s", uri, exc)
            return document.version, ""

    def build(self, uri: str, version: int | None, text: str) -> CachedDocument:
        """Analyse (version, text) of `uri` and keep it unless a newer version is cached.

        When the workspace index already parsed this very text (a file opened as it is on
        disk), its statements and analysis are reused instead of parsing again; otherwise a
        previous version of the document, when cached, is re-parsed incrementally.
        """
        with self._build_lock(uri):
            # A request and the diagnostics run often want the same new version at once:
            # the second waits for the first's result instead of parsing it again.
            cached = self.peek(uri)
            if cached is not None and cached.version == version and cached.text == text:
                return cached
            built = self._from_index(uri, version, text)
            if built is None and cached is not None:
                built = rebuild_document(cached, uri, version, text)
            elif built is None:
                built = build_document(uri, version, text)
            return self._store(uri, version, built)

    def _build_lock(self, uri: str) -> threading.Lock:
        with self._lock:
            return self._building.setdefault(uri, threading.Lock())

    def _store(self, uri: str, version: int | None, built: CachedDocument) -> CachedDocument:
        with self._lock:
            cached = self._entries.get(uri)
            if cached is not None and _newer(cached.version, version):
                return built  # a newer version landed meanwhile: answer, but keep the newer
            self._entries[uri] = built
            if uri.startswith("file:") and built.path.endswith((".py", ".pyi")):
                self._index.put(built.indexed())
        return built

    def _from_index(self, uri: str, version: int | None, text: str) -> CachedDocument | None:
        path = uri_to_path(uri)
        entry = self._index.get(path)
        if entry is None or entry.text is None or entry.text != text:
            return None
        problems = entry.analysis.syntax_problems
        return CachedDocument(uri, path, version, text, entry.statements, entry.analysis, problems)

    def peek(self, uri: str) -> CachedDocument | None:
        with self._lock:
            return self._entries.get(uri)

    def drop(self, uri: str) -> None:
        with self._lock:
            self._entries.pop(uri, None)
            self._building.pop(uri, None)

    def uris(self) -> list[str]:
        with self._lock:
            return list(self._entries)


def _newer(cached: int | None, incoming: int | None) -> bool:
    return cached is not None and incoming is not None and cached > incoming
