"""WorkspaceIndex: path -> analysis, and facts read from the parse, of every indexed file.

Shared by the language server (kept up to date on open/change/save/delete) and
`crudsmith check` (built once from the walked files). Implements the rules'
`WorkspaceView`. Pure: knows nothing of LSP or of the file system.

Memory: a syntax tree costs ~4 KB per source line (20 MB for a 5,000-line models
file), so an entry may *release* its tree and keep what was read from it: the
analysis, and every workspace fact the rules asked for (`file_facts`). A fact asked
for later re-parses the text, once until the next release. Small files keep their
trees (`KEEP_TREE_CHARS`): code actions read them, and they cost little.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from crudsmith.analysis.module import parse_and_analyze
from crudsmith.analysis.parse import Statements, parse_tolerant
from crudsmith.analysis.spec import ModelSpec, ModuleAnalysis
from crudsmith.rules.memo import FACT_KEYS, memo

T = TypeVar("T")

# Texts up to this many characters keep their tree when released (~2,500 lines).
KEEP_TREE_CHARS = 100_000


class IndexedFile:
    """One file: its analysis, its text when known, its tree while kept, and the
    workspace facts read from it (they outlive a released tree)."""

    __slots__ = ("_facts", "_lock", "_tree", "analysis", "path", "text")

    def __init__(
        self,
        path: str,
        statements: list[ast.stmt],
        analysis: ModuleAnalysis,
        text: str | None = None,  # the text parsed, when known (else the tree is kept)
    ) -> None:
        self.path = path
        self.analysis = analysis
        self.text = text
        self._tree: list[ast.stmt] | None = statements
        self._facts: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def statements(self) -> list[ast.stmt]:
        """The top-level statements; a released tree is parsed again (and kept until the
        next release)."""
        with self._lock:
            tree = self._tree
            if tree is None:
                tree = self._tree = parse_tolerant(self.text or "").statements
            return tree

    def fact(self, key: str, compute: Callable[[list[ast.stmt]], T]) -> T:
        """`compute(statements)`, read once per file version (kept across releases)."""
        if key in self._facts:
            return self._facts[key]  # type: ignore[return-value]
        value = memo(self.statements, key, compute)
        self._facts[key] = value
        return value

    def release(self) -> None:
        """Drop a big tree, first keeping the workspace facts (`FileFact`s) it already
        holds: those the rules read from this very parse while it was an open document."""
        with self._lock:
            tree = self._tree
            if tree is None or self.text is None or len(self.text) <= KEEP_TREE_CHARS:
                return
            if isinstance(tree, Statements):
                for key in FACT_KEYS:
                    if key in tree.facts and key not in self._facts:
                        self._facts[key] = tree.facts[key]
            self._tree = None

    def holds_tree(self) -> bool:
        return self._tree is not None


class WorkspaceIndex:
    def __init__(self) -> None:
        self._files: dict[str, IndexedFile] = {}

    def update(self, path: str, text: str) -> IndexedFile:
        """(Re)index `path` from `text` (parsed once); never raises.

        The same text as indexed already keeps its entry: a file closed unchanged, or
        saved as the editor had it, costs no second parse (nor a second tree in memory
        while the first is still referenced).
        """
        known = self._files.get(path)
        if known is not None and known.text == text:
            return known
        parsed, analysis = parse_and_analyze(text)
        entry = IndexedFile(path, parsed.statements, analysis, text)
        self._files[path] = entry
        return entry

    def put(self, entry: IndexedFile) -> None:
        """Store an entry parsed elsewhere (e.g. the open document's cache)."""
        self._files[entry.path] = entry

    def remove(self, path: str) -> None:
        self._files.pop(path, None)

    def get(self, path: str) -> IndexedFile | None:
        return self._files.get(path)

    def release(self, path: str) -> None:
        """Let `path`'s entry drop a big tree (its file is no longer open)."""
        entry = self._files.get(path)
        if entry is not None:
            entry.release()

    def release_all(self, keep: Iterable[str] = ()) -> None:
        """`release` every entry but those of `keep` (the open documents)."""
        kept = set(keep)
        for entry in self:
            if entry.path not in kept:
                entry.release()

    def __len__(self) -> int:
        return len(self._files)

    def __iter__(self) -> Iterator[IndexedFile]:
        return iter(list(self._files.values()))

    def models(self) -> Iterable[tuple[str, ModelSpec]]:
        for entry in self:
            for model in entry.analysis.models:
                yield entry.path, model

    def file_analyses(self) -> Iterable[tuple[str, ModuleAnalysis]]:
        for entry in self:
            yield entry.path, entry.analysis

    def file_facts(
        self, key: str, compute: Callable[[list[ast.stmt]], T], besides: str | None = None
    ) -> Iterable[tuple[str, T]]:
        for entry in self:
            if entry.path != besides:
                yield entry.path, entry.fact(key, compute)
