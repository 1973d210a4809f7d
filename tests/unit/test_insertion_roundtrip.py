"""merge_module on real generated code: removed definitions come back, nothing else changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crudsmith.analysis.module import analyze
from crudsmith.generation.options import GenerateOptions
from crudsmith.generation.project import generate_project
from crudsmith.insertion import merge_module
from crudsmith.insertion.diff import split_lines

REPO = Path(__file__).resolve().parents[2]


def _generated() -> dict[str, str]:
    files: dict[str, str] = {}
    for example in ("blog", "shop"):
        source = (REPO / "examples" / example / "models.py").read_text(encoding="utf-8")
        project = generate_project(analyze(source), source, GenerateOptions())
        for path, text in project.items():
            if path.endswith(".py") and path != "app/models.py" and text.count("\n") > 5:
                files[f"{example}/{path}"] = text
    return files


GENERATED = _generated()


def _without_every_other_definition(text: str) -> tuple[str, set[str]]:
    """`text` minus every second top-level def/class (and the names removed)."""
    lines = split_lines(text)
    tree = ast.parse(text)
    definitions = [
        n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    removed: set[str] = set()
    drop: set[int] = set()
    for node in definitions[1::2]:
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        drop.update(range(first - 1, node.end_lineno or node.lineno))
        removed.add(node.name)
    kept = "".join(line for index, line in enumerate(lines) if index not in drop)
    return kept, removed


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_removed_definitions_come_back_once(name: str) -> None:
    full = GENERATED[name]
    partial, removed = _without_every_other_definition(full)
    result = merge_module(partial, [full])
    merged = result.text
    tree = ast.parse(merged)
    names = [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert len(names) == len(set(names))  # nothing duplicated
    assert removed <= set(names)
    original = {ast.dump(n) for n in ast.parse(full).body}
    assert {ast.dump(n) for n in tree.body} == original  # the same statements, no others
    assert merge_module(merged, [full]).edits == ()
