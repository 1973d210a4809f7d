"""Snippet completions: the catalogue, its rendering and the import edits (no LSP here)."""

from crudsmith.completion.engine import Answer, Request, complete, import_edits_for
from crudsmith.completion.model import Completion, CompletionSettings, ModelsFile, Rendered

__all__ = [
    "Answer",
    "Completion",
    "CompletionSettings",
    "ModelsFile",
    "Rendered",
    "Request",
    "complete",
    "import_edits_for",
]
