"""The workspace index lets a big file's tree go and keeps what the rules read from it."""

from __future__ import annotations

import ast
import weakref

import pytest

from crudsmith.rules.memo import FileFact
from crudsmith.workspace import index as index_module
from crudsmith.workspace.index import KEEP_TREE_CHARS, WorkspaceIndex

CLASS = "class Model{n}(Base):\n    __tablename__ = 'm{n}'\n    id: Mapped[int] = mapped_column()\n"
BIG = "".join(CLASS.format(n=n) for n in range(KEEP_TREE_CHARS // len(CLASS) + 10))
SMALL = CLASS.format(n=0)
CLASSES = FileFact("test.classes", lambda stmts: sum(isinstance(s, ast.ClassDef) for s in stmts))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the parses done when a released tree is needed again."""
    calls: list[int] = []
    real = index_module.parse_tolerant
    monkeypatch.setattr(index_module, "parse_tolerant", lambda t: calls.append(1) or real(t))
    return calls


def test_a_released_big_tree_is_freed_and_its_facts_kept(parses: list[int]) -> None:
    index = WorkspaceIndex()
    entry = index.update("/w/models.py", BIG)
    count = BIG.count("class ")
    assert dict(index.file_facts(CLASSES.key, CLASSES.compute)) == {"/w/models.py": count}
    node = weakref.ref(entry.statements[0])
    index.release("/w/models.py")
    assert not entry.holds_tree()
    assert node() is None  # gone by reference counting alone
    assert dict(index.file_facts(CLASSES.key, CLASSES.compute)) == {"/w/models.py": count}
    assert parses == []  # a kept fact needs no tree
    assert len(entry.analysis.models) == count  # the analysis stays


def test_a_fact_asked_after_the_release_parses_once(parses: list[int]) -> None:
    index = WorkspaceIndex()
    entry = index.update("/w/models.py", BIG)
    index.release("/w/models.py")
    first = FileFact("test.first-name", lambda stmts: getattr(stmts[0], "name", ""))
    assert dict(index.file_facts(first.key, first.compute)) == {"/w/models.py": "Model0"}
    assert dict(index.file_facts(CLASSES.key, CLASSES.compute))["/w/models.py"] > 1
    assert parses == [1]  # the re-parsed tree served both, until the next release
    index.release_all()
    assert not entry.holds_tree()


def test_small_files_and_open_documents_keep_their_trees() -> None:
    index = WorkspaceIndex()
    small = index.update("/w/deps.py", SMALL)
    big = index.update("/w/models.py", BIG)
    index.release_all(keep={"/w/models.py"})
    assert small.holds_tree() and big.holds_tree()


def test_facts_a_document_read_on_the_same_parse_survive_the_release(
    parses: list[int],
) -> None:
    index = WorkspaceIndex()
    entry = index.update("/w/models.py", BIG)
    CLASSES.of(entry.statements)  # as the rules do on an open document's own parse
    index.release("/w/models.py")
    assert not entry.holds_tree()
    assert dict(index.file_facts(CLASSES.key, CLASSES.compute))["/w/models.py"] > 1
    assert parses == []
