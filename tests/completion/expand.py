"""Helpers: a completion request on a text, and an item expanded with its defaults."""

from __future__ import annotations

import ast
from pathlib import Path

from crudsmith.analysis.module import analyze
from crudsmith.completion import Answer, Completion, CompletionSettings, ModelsFile, Request
from crudsmith.completion.engine import complete
from crudsmith.completion.imports import span_of
from crudsmith.rules.fixes import apply_edits
from crudsmith.rules.model import TextEdit

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

ROUTER_DOCUMENT = '''"""Hand-written routes."""

from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/things", tags=["things"])

'''


def models_file(example: str, module: str = "app.models") -> ModelsFile:
    analysis = analyze((EXAMPLES / example / "models.py").read_text(encoding="utf-8"))
    return ModelsFile(module, analysis.models, analysis.uses_async)


def ask(
    text: str,
    files: list[ModelsFile],
    *,
    path: str = "app/routers/things.py",
    offset: int | None = None,
    settings: CompletionSettings | None = None,
) -> Answer:
    statements = _statements(text)
    return complete(
        Request(
            path=path,
            text=text,
            offset=len(text) if offset is None else offset,
            statements=statements,
            own_models=analyze(text).models,
            files=files,
            settings=settings or CompletionSettings(),
        )
    )


def expand(text: str, answer: Answer, item: Completion, offset: int | None = None) -> str:
    """`text` with the item's import edits applied and its plain code replacing the prefix."""
    end = len(text) if offset is None else offset
    main = TextEdit(span_of(text, answer.replace_start, end), item.plain)
    assert item.import_edits is not None
    return apply_edits(text, (*item.import_edits, main))


def _statements(text: str) -> list[ast.stmt]:
    from crudsmith.analysis.parse import parse_tolerant

    return parse_tolerant(text).statements
