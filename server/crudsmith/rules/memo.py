"""Facts memoised on a parse, shared by the rules.

A cache keyed by `id(...)` in a module-level dict keeps old trees alive (in the
language server every edit makes a new tree); a memo stored with the parse lives
exactly as long as the parse it describes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TypeVar

from crudsmith.analysis.parse import Statements

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
