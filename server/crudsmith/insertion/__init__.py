"""Insertion: merge generated code into the user's files (pure; no LSP, no file system).

`locate` says where the pieces of a models file go (`layout`), `plan_insertion`
computes which files to create and what to add to existing ones (`plan`), and
`merge_module` merges generated modules into one existing module with libcst,
keeping every byte of the user's text (`merge`).

The libcst-backed names load on first use (PEP 562): libcst costs ~15 MB, and a
language server that only reads and checks files never needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crudsmith.insertion.layout import Layout, Target, choose_layout, locate
from crudsmith.insertion.request import FileChange, Goal, Plan, Request

if TYPE_CHECKING:
    from crudsmith.insertion.merge import MergeError, MergeResult, Source, merge_module
    from crudsmith.insertion.plan import plan_insertion

_LAZY = {
    "MergeError": "merge",
    "MergeResult": "merge",
    "Source": "merge",
    "merge_module": "merge",
    "plan_insertion": "plan",
}

__all__ = [
    "FileChange",
    "Goal",
    "Layout",
    "MergeError",
    "MergeResult",
    "Plan",
    "Request",
    "Source",
    "Target",
    "choose_layout",
    "locate",
    "merge_module",
    "plan_insertion",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
