"""Analysis of real model files from PyPI packages (the shared corpus).

Each entry's `models` field states how many mapped classes the file has
("35 mapped (...)", "0 mapped; 9 Core `Table`s", "8 mapped + 4 association
`Table`s") and sometimes how many Core tables, mixins or abstract bases; every
stated figure is checked.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from corpus import corpus_entries, corpus_file

from crudsmith.analysis import analyze_file
from crudsmith.analysis.spec import ModuleAnalysis

ENTRIES = corpus_entries()

_MAPPED = re.compile(r"^\s*(\d+)\s+mapped\b")
_TABLES = re.compile(r"(\d+)\s+(?:Core\s+|association\s+)?`(?:db\.)?Table`")
_MIXINS = re.compile(r"(\d+)\s+(?:generic\s+)?mixins?\b")
_ABSTRACT = re.compile(r"(\d+)\s+abstract\b")


def expected_counts(models: str) -> dict[str, int]:
    """The figures a manifest `models` text states."""
    mapped = _MAPPED.match(models)
    if mapped is None:
        raise ValueError(f"no leading 'N mapped' in {models!r}")
    counts = {"models": int(mapped.group(1))}
    for key, pattern in (("core_tables", _TABLES), ("mixins", _MIXINS), ("abstract", _ABSTRACT)):
        found = pattern.search(models)
        if found is not None:
            counts[key] = int(found.group(1))
    return counts


def found_counts(analysis: ModuleAnalysis) -> dict[str, int]:
    reasons = [s.reason for s in analysis.skipped]
    return {
        "models": len(analysis.models),
        "core_tables": len(analysis.core_tables),
        "mixins": reasons.count("mixin"),
        "abstract": reasons.count("abstract base"),
    }


def test_expected_counts_parsing() -> None:
    assert expected_counts(
        "35 mapped (33 direct + FlowRun/TaskRun via abstract `Run`); 1 abstract"
    ) == {
        "models": 35,
        "abstract": 1,
    }
    assert expected_counts("0 mapped; 9 Core `Table`s") == {"models": 0, "core_tables": 9}
    assert expected_counts("8 mapped + 4 association `Table`s") == {"models": 8, "core_tables": 4}
    assert expected_counts("7 mapped + 3 `db.Table` association tables") == {
        "models": 7,
        "core_tables": 3,
    }
    assert expected_counts("0 mapped; 4 generic mixins") == {"models": 0, "mixins": 4}
    with pytest.raises(ValueError):
        expected_counts("many models")


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_corpus_model_counts(entry: dict[str, Any]) -> None:
    path = corpus_file(entry)
    analysis = analyze_file(path)
    expected = expected_counts(entry["models"])
    found = found_counts(analysis)
    assert {key: found[key] for key in expected} == expected, entry["models"]
    assert analysis.syntax_problems == ()
    for model in analysis.models:
        assert model.table, model.name
        assert model.columns, model.name
