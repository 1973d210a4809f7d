"""What an editor asks of insertion (`Request`) and what it gets back (`Plan`).

Plain types, apart from `plan`, which renders and merges.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from crudsmith.rules.model import TextEdit


class Goal(StrEnum):
    ENDPOINTS = "endpoints"
    SCHEMAS = "schemas"
    AUTH = "auth"
    ERRORS = "errors"
    SETTINGS = "settings"


@dataclass(frozen=True, slots=True)
class Request:
    goal: Goal
    model: str | None = None  # ENDPOINTS: None means every model; SCHEMAS: required


@dataclass(frozen=True, slots=True)
class FileChange:
    path: Path
    created: bool  # True: a new file whose whole content is `text`
    text: str  # the whole new text
    edits: tuple[TextEdit, ...]  # against the current text (empty when created)


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[FileChange, ...]

    @property
    def empty(self) -> bool:
        return not self.changes
