"""Self-consistency: what crudsmith writes, crudsmith's rules accept.

- every app `crudsmith generate` writes for the four examples, sync and async (the
  whole project checked as one workspace, every rule), has zero findings;
- every completion snippet, expanded with its defaults into a router document and into
  an empty module (the completion tests' own expansion helper), adds zero findings to
  the document it is inserted into.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from harness import workspace_of

from crudsmith.analysis import analyze_source
from crudsmith.completion import CompletionSettings
from crudsmith.config.lint import LintSettings
from crudsmith.generation import GenerateOptions, generate_project
from crudsmith.rules.engine import build_context, check

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ["blog", "shop", "heroes", "forum"]
EVERY_RULE = LintSettings()


def _described(path: str, text: str, files: dict[str, str]) -> list[str]:
    index = workspace_of(files)
    found = check(build_context(path, text, index), EVERY_RULE)
    return [f"{path}:{f.span.line}: {f.code} {f.message}" for f in found]


@pytest.mark.parametrize("async_mode", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_generated_project_has_zero_findings(example: str, async_mode: bool) -> None:
    source = (REPO / "examples" / example / "models.py").read_text(encoding="utf-8")
    files = generate_project(analyze_source(source), source, GenerateOptions(async_mode=async_mode))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    assert "app/main.py" in python and any(p.startswith("app/schemas/") for p in python)
    found = {
        _without_line(line)
        for path, text in python.items()
        for line in _described(path, text, python)
    }
    assert found == set()


def _without_line(described: str) -> str:
    """`path:12: CODE message` -> `path: CODE message` (line numbers move with templates)."""
    head, _, rest = described.partition(": ")
    return f"{head.rpartition(':')[0]}: {rest}"


def _expand_module() -> ModuleType:
    """The completion tests' helper (`tests/completion/expand.py`), loaded by path."""
    spec = importlib.util.spec_from_file_location(
        "completion_expand_helper", REPO / "tests" / "completion" / "expand.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMPLETION_CASES = [
    ("blog", CompletionSettings()),
    ("blog", CompletionSettings(async_mode=True)),
    ("shop", CompletionSettings(auth=False)),
    ("heroes", CompletionSettings()),
    ("forum", CompletionSettings()),
]
EMPTY_MODULE = '"""A new module."""\n\n'


@pytest.mark.parametrize(
    ("example", "settings"), COMPLETION_CASES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_completion_snippets_add_zero_findings(example: str, settings: CompletionSettings) -> None:
    helper = _expand_module()
    models_text = (REPO / "examples" / example / "models.py").read_text(encoding="utf-8")
    files = [helper.models_file(example)]
    path = "app/routers/things.py"
    expanded = 0
    problems: list[str] = []
    for document in (helper.ROUTER_DOCUMENT, EMPTY_MODULE):
        workspace = {"app/models.py": models_text, path: document}
        base = Counter(line.split(": ", 1)[1] for line in _described(path, document, workspace))
        answer = helper.ask(document, files, settings=settings, path=path)
        for item in answer.items:
            text = helper.expand(document, answer, item)
            workspace[path] = text
            lines = _described(path, text, workspace)
            added = Counter(line.split(": ", 1)[1] for line in lines) - base
            for line in lines:
                finding = line.split(": ", 1)[1]
                if not added[finding]:
                    continue
                problems.append(f"[{item.label} {item.model}] {line}")
            expanded += 1
    assert expanded >= 20
    assert problems == []
