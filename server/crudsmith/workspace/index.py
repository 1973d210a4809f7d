"""WorkspaceIndex: path -> parsed statements and analysis of every indexed Python file.

Shared by the language server (kept up to date on open/change/save/delete) and
`crudsmith check` (built once from the walked files). Implements the rules'
`WorkspaceView`. Pure: knows nothing of LSP or of the file system.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from crudsmith.analysis.module import parse_and_analyze
from crudsmith.analysis.spec import ModelSpec, ModuleAnalysis


@dataclass(frozen=True, slots=True)
class IndexedFile:
    path: str
    statements: list[ast.stmt]
    analysis: ModuleAnalysis
    # The text parsed, when known: an editor opening the same text reuses this parse.
    text: str | None = None


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

    def file_trees(self) -> Iterable[tuple[str, list[ast.stmt]]]:
        for entry in self:
            yield entry.path, entry.statements
