"""CSM1xx / CSM4xx against real code: crudsmith's own generated apps, the seed, the PyPI corpus.

- Generated projects (every example, sync and async) have zero findings.
- The seed prompt's Python blocks give exactly the findings listed here, and fixing
  them all leaves code that parses.
- Every corpus file is checked without an exception; the findings per rule are
  recorded (read by hand: all are `session.query(...)` in optuna's models, true
  positives of CSM402).
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from harness import workspace_of

from crudsmith.analysis import analyze_source
from crudsmith.config.lint import LintSettings
from crudsmith.generation import GenerateOptions, generate_project
from crudsmith.rules.engine import build_context, check, fix_all
from crudsmith.rules.model import Finding, Rule
from crudsmith.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*/models.py"))


def _mine() -> list[Rule]:
    return [r for r in all_rules() if r.code.startswith(("CSM1", "CSM4"))]


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus", REPO / "tests" / "corpus" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(path: str, text: str, files: dict[str, str] | None = None) -> list[Finding]:
    index = workspace_of(files or {path: text})
    return check(build_context(path, text, index), LintSettings(), _mine())


@pytest.mark.parametrize("async_mode", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("models", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_generated_projects_have_no_findings(models: Path, async_mode: bool) -> None:
    source = models.read_text(encoding="utf-8")
    files = generate_project(analyze_source(source), source, GenerateOptions(async_mode=async_mode))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    assert any(path.startswith("app/routers/") for path in python)
    found = {
        path: [f"{f.span.line}: {f.code} {f.message}" for f in _check(path, text, python)]
        for path, text in python.items()
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


SEED_EXPECTED = [
    ("CSM401", "create_user"),
    ("CSM402", "db.query(User)"),
    ("CSM401", "get_user"),
    ("CSM402", "db.query(User)"),
    ("CSM401", "get_users"),
    ("CSM402", "db.query(User)"),
    ("CSM401", "dependency `get_current_user`"),
    ("CSM402", "db.query(User)"),
    ("CSM106", "`update_user` (PUT /users/{user_id}) raises 403"),
    ("CSM401", "update_user"),
    ("CSM105", "status 400"),
    ("CSM105", "status 500"),
    ("CSM106", "`upload_file` (POST /upload/) raises 400"),
    ("CSM105", "status 400"),
    ("CSM105", "status 400"),
]


def _seed_source() -> str:
    seed = _corpus().shared_dir() / "seed" / "fastapi-endpoint-generator.md"
    blocks = re.findall(r"```python\n(.*?)```", seed.read_text(encoding="utf-8"), re.S)
    return "\n\n".join(blocks)


def test_seed_findings_and_fix_all() -> None:
    source = _seed_source()
    found = _check("seed.py", source)
    assert len(found) == len(SEED_EXPECTED)
    for finding, (code, text) in zip(found, SEED_EXPECTED, strict=True):
        assert finding.code == code and text in finding.message, finding
    fixed, applied, remaining = fix_all(source, found, lambda text: _check("seed.py", text))
    ast.parse(fixed)
    assert len(applied) >= 12
    # Nothing left but the unsafe-free leftovers: every CSM1xx/4xx finding of the seed is fixable.
    assert remaining == []
    assert "db.query(" not in fixed and "async def get_user(" not in fixed


def test_corpus_runs_without_exceptions() -> None:
    corpus = _corpus()
    counts: Counter[str] = Counter()
    for entry in corpus.corpus_entries():
        text = corpus.corpus_file(entry).read_text(encoding="utf-8", errors="replace")
        ctx = build_context(entry["path"], text, None)
        for rule in _mine():
            counts[rule.code] += len(list(rule.check(ctx)))  # raises if a rule breaks
    assert counts == Counter({"CSM402": 24})


DOC_PRELUDE = """\
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)


"""


@pytest.mark.parametrize("rule", _mine(), ids=lambda r: r.code)
def test_doc_examples(rule: Rule) -> None:
    """A rule's bad example makes it fire; its good example has no CSM1xx/4xx finding."""
    bad, good = (block.split("```")[0] for block in rule.doc.split("```python")[1:])
    assert rule.code in {f.code for f in _check("doc.py", DOC_PRELUDE + bad)}
    assert _check("doc.py", DOC_PRELUDE + good) == []


@pytest.mark.parametrize("async_mode", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("example", ["blog", "shop", "heroes", "forum"])
def test_completion_snippets_have_no_findings(
    example: str, async_mode: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every completion item, expanded with its defaults into a router module, is clean."""
    monkeypatch.syspath_prepend(str(REPO / "tests" / "completion"))
    from expand import ROUTER_DOCUMENT, ask, expand, models_file

    from crudsmith.completion import CompletionSettings

    answer = ask(
        ROUTER_DOCUMENT,
        [models_file(example)],
        settings=CompletionSettings(async_mode=async_mode),
    )
    assert len(answer.items) > 10
    found = {
        f"{item.label} {item.model}": [
            f"{f.code} {f.message}"
            for f in _check("app/routers/things.py", expand(ROUTER_DOCUMENT, answer, item))
        ]
        for item in answer.items
    }
    assert {label: codes for label, codes in found.items() if codes} == {}
