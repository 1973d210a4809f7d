"""Facts memoised on a parse, shared by the rules.

A cache keyed by `id(...)` in a module-level dict keeps old trees alive (in the
language server every edit makes a new tree); a memo stored with the parse lives
exactly as long as the parse it describes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from crudsmith.analysis.parse import Statements

if TYPE_CHECKING:
    from crudsmith.rules.model import RuleContext

T = TypeVar("T")


def memo(statements: list[ast.stmt], key: str, compute: Callable[[list[ast.stmt]], T]) -> T:
    """`compute(statements)`, remembered per parse (workspace files are parsed once and
    shared, so a rule asking about every file of the workspace for every file it checks
    reads each file once).

    The memo is kept in the `Statements` list of the parse (`facts`), so a re-parsed
    file's old entries go with its old tree, by reference counting alone. A plain list
    (statements built by hand) is not memoised.
    """
    if not isinstance(statements, Statements):
        return compute(statements)
    facts = statements.facts
    if key in facts:
        return facts[key]  # type: ignore[return-value]
    value = compute(statements)
    facts[key] = value
    return value


# The keys of every FileFact: what the workspace index keeps of a file whose tree it drops.
FACT_KEYS: set[str] = set()


@dataclass(frozen=True, slots=True)
class FileFact(Generic[T]):
    """A fact read from one file's statements that rules also ask of other workspace
    files (`workspace_facts`). Memoised per parse under `key`; the workspace index keeps
    it when it lets a big file's tree go, so `compute` must return facts (names, flags,
    a few nodes), never the tree."""

    key: str
    compute: Callable[[list[ast.stmt]], T]

    def __post_init__(self) -> None:
        FACT_KEYS.add(self.key)

    def of(self, statements: list[ast.stmt]) -> T:
        return memo(statements, self.key, self.compute)


def workspace_facts(ctx: RuleContext, fact: FileFact[T]) -> Iterable[tuple[str, T]]:
    """`fact` of every workspace file (this text for this file), by path; of this file
    alone without a workspace."""
    if ctx.workspace is None:
        return [(ctx.path, fact.of(ctx.statements))]
    return ctx.workspace.file_facts(fact.key, fact.compute)
