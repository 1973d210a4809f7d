"""Facts memoised on a parsed tree itself, shared by the rules.

A cache keyed by `id(...)` in a module-level dict keeps old trees alive (in the
language server every edit makes a new tree); a memo stored on the tree lives
exactly as long as the parse it describes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_MEMO_ATTR = "_crudsmith_rule_memo"


def memo(statements: list[ast.stmt], key: str, compute: Callable[[list[ast.stmt]], T]) -> T:
    """`compute(statements)`, remembered per statements list (workspace files are parsed once
    and shared, so a rule asking about every file of the workspace for every file it checks
    reads each file once).

    The memo hangs on the list's first statement node, so it lives exactly as long as the
    parse it describes: a re-parsed file's old entries go with its old tree.
    """
    if not statements:
        return compute(statements)
    anchor = statements[0]
    store: dict[tuple[int, int, str], object] | None = getattr(anchor, _MEMO_ATTR, None)
    if store is None:
        store = {}
        setattr(anchor, _MEMO_ATTR, store)
    # Keyed by the list's identity and length, never holding the list: a reference back
    # to the list would make a cycle, and cycles of whole trees wait for a full collection.
    memo_key = (id(statements), len(statements), key)
    if memo_key in store:
        return store[memo_key]  # type: ignore[return-value]
    value = compute(statements)
    store[memo_key] = value
    return value
