"""The rule engine's data model: what a rule is, what it reads, what it reports.

This module is the contract between the rules (which build Findings), the CLI
(`crudsmith check`, which prints and fixes them) and the language server (which
turns them into diagnostics and code actions). Positions are those of `ast`:
1-based lines, 0-based UTF-8 byte columns (`SourceSpan`); only the LSP layer's
positions module converts them to the client's encoding.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from crudsmith.analysis.spec import ModelSpec, ModuleAnalysis, SourceSpan
from crudsmith.generation.options import SchemaNames

FactT = TypeVar("FactT")


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text in `span` (end exclusive) with `new_text`; an empty span inserts."""

    span: SourceSpan
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical change that makes a finding go away.

    `safe` fixes keep behaviour (or only tighten it as the rule documents) and
    take part in `--fix` / fix-all; unsafe ones are offered one by one only.
    """

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # "CSM101"
    message: str  # one line, names the offending thing
    span: SourceSpan
    severity: Severity
    fix: Fix | None = None
    # Extra machine-readable facts for the editor (e.g. {"model": "User"} for CSM501).
    data: Mapping[str, str] = field(default_factory=dict)


class WorkspaceView(Protocol):
    """What rules may ask about the rest of the project (see crudsmith.workspace)."""

    def models(self) -> Iterable[tuple[str, ModelSpec]]:
        """Every model of the workspace with the path of the file that defines it."""
        ...

    def file_analyses(self) -> Iterable[tuple[str, ModuleAnalysis]]:
        """Every indexed Python file's analysis, by path."""
        ...

    def file_facts(
        self, key: str, compute: Callable[[list[ast.stmt]], FactT], besides: str | None = None
    ) -> Iterable[tuple[str, FactT]]:
        """`compute(statements)` of every indexed Python file but `besides`, by path: read
        once per file version under `key` (one key, one function), and kept when the file's
        tree is not. The value must not hold the whole tree (names, flags, a few nodes)."""
        ...


@dataclass(frozen=True, slots=True)
class RuleContext:
    """One file as a rule sees it: parsed once, analysed once."""

    path: str
    source: str
    statements: list[ast.stmt]  # from analysis.parse.parse_tolerant (broken files: the parts)
    analysis: ModuleAnalysis
    workspace: WorkspaceView | None = None
    # The configured schema class-name patterns (`[tool.crudsmith.names]`, the editor's
    # `names`): which classes CSM501 and CSM502 take for a model's schemas.
    names: SchemaNames = field(default_factory=SchemaNames)
    # Facts several rules derive from this context (one check run), computed once. It lives
    # and dies with the context: a cache keyed elsewhere would keep old trees alive.
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # "CSM" + three digits, stable forever
    name: str  # kebab-case, "create-without-201"
    summary: str  # one line for `crudsmith rules`
    severity: Severity  # default severity
    doc: str  # a paragraph, then a bad and a good example (Markdown)
    check: Check
    fixable: bool = False
