"""CSM2xx / CSM3xx against real code: crudsmith's generated apps, the seed, the PyPI corpus,
and a whole v1 module fixed by `fix_source` that then runs on Pydantic 2.

Rules are called directly (not through `run_rule`, which logs and swallows a rule's
exception) so that a crash fails the test.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from harness import workspace_of

from crudsmith.analysis import analyze_source
from crudsmith.config.lint import LintSettings
from crudsmith.generation import GenerateOptions, generate_project
from crudsmith.rules.engine import build_context, fix_source
from crudsmith.rules.model import Finding, Rule
from crudsmith.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*/models.py"))
SEED = REPO.parent / "shared" / "seed" / "fastapi-endpoint-generator.md"


def _mine() -> list[Rule]:
    return [r for r in all_rules() if r.code.startswith(("CSM2", "CSM3"))]


def _run(files: dict[str, str]) -> dict[str, list[Finding]]:
    """Every file's findings of the 2xx/3xx rules, in one workspace; exceptions propagate."""
    index = workspace_of(files)
    found: dict[str, list[Finding]] = {}
    for path, text in files.items():
        ctx = build_context(path, text, index)
        found[path] = [finding for rule in _mine() for finding in rule.check(ctx)]
    return found


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus", REPO / "tests" / "corpus" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_are_registered_with_docs() -> None:
    rules = _mine()
    assert [r.code for r in rules] == [f"CSM20{n}" for n in range(1, 9)] + [
        f"CSM30{n}" for n in range(1, 10)
    ]
    for rule in rules:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name), rule.name
        assert "Bad:" in rule.doc and "Good:" in rule.doc and rule.doc.count("```python") == 2


DOC_PRELUDE = """\
from typing import Annotated, Optional

import jwt
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, validator
from pydantic_settings import BaseSettings
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

router = APIRouter()
app = FastAPI()


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]
    hashed_password: Mapped[str]


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class UserCreate(BaseModel):
    email: str
    password: str


def get_current_user() -> User:
    raise NotImplementedError


CurrentUser = Annotated[User, Depends(get_current_user)]
SessionDep = Annotated[Session, Depends(Session)]


"""


def _doc_examples(rule: Rule) -> tuple[str, str]:
    bad, good = (block.split("```")[0] for block in rule.doc.split("```python")[1:])
    return bad, good


@pytest.mark.parametrize("rule", _mine(), ids=lambda r: r.code)
def test_doc_examples(rule: Rule) -> None:
    """A rule's bad example makes it fire; its good example does not."""
    bad, good = _doc_examples(rule)
    files = {"doc_bad.py": DOC_PRELUDE + bad, "doc_good.py": DOC_PRELUDE + good}
    for path, text in files.items():
        ctx = build_context(path, text, workspace_of({path: text}))
        codes = {f.code for f in rule.check(ctx)}
        assert (rule.code in codes) is (path == "doc_bad.py"), (path, codes)


@pytest.mark.parametrize("async_mode", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("example", ["blog", "shop", "heroes", "forum"])
def test_completion_snippets_have_no_findings(
    example: str, async_mode: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every completion item, expanded with its defaults into a router module, is clean
    (in a workspace with the example's models)."""
    monkeypatch.syspath_prepend(str(REPO / "tests" / "completion"))
    from expand import ROUTER_DOCUMENT, ask, expand, models_file

    from crudsmith.completion import CompletionSettings

    models = models_file(example)
    models_text = (REPO / "examples" / example / "models.py").read_text(encoding="utf-8")
    answer = ask(ROUTER_DOCUMENT, [models], settings=CompletionSettings(async_mode=async_mode))
    assert len(answer.items) > 10
    found: dict[str, list[str]] = {}
    for item in answer.items:
        text = expand(ROUTER_DOCUMENT, answer, item)
        files = {"app/models.py": models_text, "app/routers/things.py": text}
        result = _run(files)
        found[f"{item.label} {item.model}"] = [
            f"{f.span.line}: {f.code} {f.message}" for f in result["app/routers/things.py"]
        ]
    assert {label: lines for label, lines in found.items() if lines} == {}


@pytest.mark.parametrize("async_mode", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("models", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_generated_projects_have_no_findings(models: Path, async_mode: bool) -> None:
    source = models.read_text(encoding="utf-8")
    files = generate_project(analyze_source(source), source, GenerateOptions(async_mode=async_mode))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    assert any(path.startswith("app/schemas/") for path in python)
    found = {
        path: [f"{f.span.line}: {f.code} {f.message}" for f in findings]
        for path, findings in _run(python).items()
        if findings
    }
    assert found == {}


def _seed_blocks() -> dict[str, str]:
    text = SEED.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    return {f"seed/block{i}.py": block for i, block in enumerate(blocks)}


SEED_EXPECTED = [
    ("seed/block0.py", 16, "CSM201"),  # UserResponse: class Config
    ("seed/block1.py", 4, "CSM301"),  # POST /users/ without auth (get_current_user exists)
    ("seed/block1.py", 26, "CSM202"),  # user_data.dict()
    ("seed/block5.py", 11, "CSM309"),  # file.size checked after the upload was received
    ("seed/block6.py", 7, "CSM301"),  # POST /notify/ without auth
    ("seed/block7.py", 1, "CSM203"),  # from pydantic import BaseSettings
    ("seed/block7.py", 9, "CSM201"),  # Settings: class Config
]


def test_seed_findings() -> None:
    blocks = _seed_blocks()
    assert len(blocks) == 8
    found = sorted(
        (path, f.span.line, f.code) for path, findings in _run(blocks).items() for f in findings
    )
    assert found == sorted(SEED_EXPECTED)


# Read by hand: the corpus holds model files (SQLAlchemy / SQLModel / Flask); none has a
# Pydantic schema, an endpoint or a JWT call, so no 2xx/3xx rule has anything to say there.
CORPUS_EXPECTED: dict[str, int] = {}


@pytest.mark.slow
def test_corpus_runs_without_exception() -> None:
    corpus = _corpus()
    files = {
        str(path): path.read_text(encoding="utf-8", errors="replace")
        for path in (corpus.corpus_file(entry) for entry in corpus.corpus_entries())
    }
    assert len(files) >= 10
    counts = Counter(f.code for findings in _run(files).values() for f in findings)
    assert dict(counts) == CORPUS_EXPECTED


V1_MODULE = '''\
"""A Pydantic 1 module: every v1 idiom with a safe, mechanical fix."""

from dataclasses import dataclass

from pydantic import BaseModel, BaseSettings, Field, root_validator, validator


class Settings(BaseSettings):
    app_name: str = "demo"

    class Config:
        env_prefix = "DEMO_"


class ItemCreate(BaseModel):
    name: str = Field(min_items=1, regex=r"^[a-z]+$", example="pen")
    tags: list[str] = Field(default_factory=list, max_items=3)

    @validator("name", pre=True)
    def lower(cls, v):
        return v.lower() if isinstance(v, str) else v

    @root_validator(pre=True)
    def unwrap(cls, values):
        return values.get("item", values) if isinstance(values, dict) else values


class ItemPublic(BaseModel):
    name: str

    class Config:
        orm_mode = True


@dataclass
class Row:
    name: str


item = ItemCreate.parse_obj({"item": {"name": "PEN"}})
assert item.dict() == {"name": "pen", "tags": []}
assert ItemCreate.parse_raw(item.json()) == item
assert ItemPublic.from_orm(Row("pen")).name == "pen"
assert "name" in ItemCreate.schema()["properties"]
assert Settings().app_name == "demo"
'''


@pytest.mark.slow
def test_fix_source_turns_a_v1_module_into_running_v2_code(tmp_path: Path) -> None:
    settings = LintSettings(select=("CSM2",))
    result = fix_source("app/v1.py", V1_MODULE, settings, workspace_of({}))
    assert [f.code for f in result.remaining] == []
    path = tmp_path / "v2.py"
    path.write_text(result.source, encoding="utf-8")
    script = (
        "import json, runpy, sys, warnings\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        "try:\n"
        "    runpy.run_path(sys.argv[1])\n"
        "except BaseException as exc:\n"
        "    print(json.dumps(f'{type(exc).__name__}: {exc}'))\n"
        "else:\n"
        "    print(json.dumps('ok'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == "ok", result.source


FIXTURES = sorted((REPO / "tests" / "rules" / "fixtures").glob("[ps]*/csm[23]*.py"))


def test_rules_never_raise_on_partial_or_unindexed_files() -> None:
    """Every fixture, whole and cut at several points (broken syntax), checked without a
    workspace and with one: no rule raises."""
    assert len(FIXTURES) > 40
    for path in FIXTURES:
        text = path.read_text(encoding="utf-8")
        for cut in (len(text), len(text) // 3, len(text) // 2, (2 * len(text)) // 3):
            piece = text[:cut]
            for workspace in (None, workspace_of({"app/x.py": piece})):
                ctx = build_context("app/x.py", piece, workspace)
                for rule in _mine():
                    list(rule.check(ctx))


def test_fix_source_leaves_no_unused_v1_import() -> None:
    source = (
        "from pydantic import BaseModel, validator\n\n\n"
        "class Pair(BaseModel):\n"
        "    a: str\n"
        "    b: str\n\n"
        '    @validator("a")\n'
        "    def strip_a(cls, v):\n"
        "        return v.strip()\n\n"
        '    @validator("b")\n'
        "    def strip_b(cls, v):\n"
        "        return v.strip()\n"
    )
    result = fix_source("app/pair.py", source, LintSettings(select=("CSM2",)), workspace_of({}))
    assert result.remaining == []
    assert result.source.splitlines()[0] == "from pydantic import BaseModel, field_validator"
    assert result.source.count("@classmethod") == 2
