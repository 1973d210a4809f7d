"""The committed rule pages in docs/rules/ are what the registry renders, and every rule
is documented with a bad and a good example."""

from __future__ import annotations

import re
from pathlib import Path

from crudsmith.rules.docs import rendered_pages
from crudsmith.rules.registry import all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
REGENERATE = "run `python -m crudsmith.rules.docs docs/rules` and commit the result"


def test_committed_docs_are_up_to_date() -> None:
    pages = rendered_pages()
    committed = {p.name for p in DOCS.glob("*.md")}
    assert committed == set(pages), f"pages added or removed: {REGENERATE}"
    stale = [name for name, text in pages.items() if (DOCS / name).read_text("utf-8") != text]
    assert not stale, f"out of date: {stale}; {REGENERATE}"


def test_every_rule_is_fully_documented() -> None:
    for rule in all_rules():
        assert re.fullmatch(r"CSM[1-5]\d\d", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.summary and "\n" not in rule.summary, rule.code
        doc = rule.doc.lower()
        assert "bad" in doc and "good" in doc and "```" in rule.doc, f"{rule.code}: examples"
