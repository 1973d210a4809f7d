"""Insertion: merge generated code into the user's files (pure; no LSP, no file system).

`locate` says where the pieces of a models file go (`layout`), `plan_insertion`
computes which files to create and what to add to existing ones (`plan`), and
`merge_module` merges generated modules into one existing module, keeping every byte
of the user's text (`merge`; libcst only adds imports to an existing import block).
"""

from crudsmith.insertion.layout import Layout, Target, choose_layout, locate
from crudsmith.insertion.merge import MergeError, MergeResult, Source, merge_module
from crudsmith.insertion.plan import plan_insertion
from crudsmith.insertion.request import FileChange, Goal, Plan, Request

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
