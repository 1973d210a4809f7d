"""`crudsmith check` over every models file of the PyPI corpus (tests/corpus/corpus.py):
no exception, and the findings per rule are the ones recorded (and read) here.

Each file is checked alone (as one-file workspace) and all together, through the CLI's
own code path (walk, index, rules, JSON report). Sample read by hand, see RECORDED.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from crudsmith.cli.main import main

REPO = Path(__file__).resolve().parents[2]

# Findings per rule over the 11 corpus files checked together (every rule selected).
# Read by hand (a sample of each code): CSM501 — the corpus holds models files only, no
# endpoints, so every model is "without endpoints" (expected, a hint); CSM402 — optuna's
# `session.query(...)` calls, true positives. No false positive found in the sample.
RECORDED: dict[str, int] = {"CSM402": 24, "CSM501": 127}


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "corpus_helper_for_check", REPO / "tests" / "corpus" / "corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_runs_over_the_whole_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus()
    root = tmp_path / "corpus"
    root.mkdir()
    for entry in corpus.corpus_entries():
        target = root / entry["id"] / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus.corpus_file(entry), target)
    (root / "pyproject.toml").write_text("[tool.crudsmith]\n", encoding="utf-8")
    monkeypatch.chdir(root)
    code = main(["check", "--format", "json", "--exit-zero", "."])
    items = json.loads(capsys.readouterr().out)
    assert code == 0
    per_rule = Counter(item["code"] for item in items)
    assert dict(per_rule) == RECORDED, sorted(per_rule.items())
    files = {item["filename"] for item in items}
    assert len(list(root.rglob("*.py"))) == len(corpus.corpus_entries())
    assert files <= {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
