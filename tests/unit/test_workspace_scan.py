"""crudsmith.workspace: which files are indexed, and the index's single parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from crudsmith.analysis import module as analysis_module
from crudsmith.workspace.index import WorkspaceIndex
from crudsmith.workspace.scan import is_excluded, is_indexed, iter_python_files


def _touch(root: Path, *paths: str) -> None:
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")


def test_tool_and_vendor_folders_are_skipped(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "app/models.py",
        "app/routers/users.py",
        ".venv/lib/site.py",
        "venv/x.py",
        "node_modules/pkg/y.py",
        ".git/hooks/z.py",
        "app/__pycache__/models.py",
        "build/lib/a.py",
        "dist/b.py",
        "demo.egg-info/c.py",
        "README.md",
        "app/notes.txt",
    )
    found = [p.relative_to(tmp_path).as_posix() for p in iter_python_files(tmp_path)]
    assert found == ["app/models.py", "app/routers/users.py"]


def test_exclude_globs_skip_files_and_subtrees(tmp_path: Path) -> None:
    _touch(tmp_path, "app/models.py", "legacy/old.py", "app/migrations/0001.py", "app/gen_x.py")
    excluded = ["legacy", "migrations/*", "app/gen_*.py"]
    found = [p.relative_to(tmp_path).as_posix() for p in iter_python_files(tmp_path, excluded)]
    assert found == ["app/models.py"]


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("legacy/old.py", ["legacy/*"], True),
        ("legacy/deep/old.py", ["legacy"], True),
        ("src/legacy/old.py", ["legacy"], True),
        ("app/models.py", ["legacy"], False),
        ("app/models.py", ["./app/models.py"], True),
        ("app/models.py", ["", "  "], False),
    ],
)
def test_is_excluded(path: str, patterns: list[str], expected: bool) -> None:
    assert is_excluded(path, patterns) is expected


def test_index_update_parses_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = analysis_module.parse_for_edits

    def counting(text: str) -> object:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(analysis_module, "parse_for_edits", counting)
    index = WorkspaceIndex()
    source = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
        "class Base(DeclarativeBase):\n    pass\n"
        "class User(Base):\n"
        "    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    entry = index.update("/w/models.py", source)
    assert len(calls) == 1
    assert [m.name for m in entry.analysis.models] == ["User"]
    assert [(path, m.name) for path, m in index.models()] == [("/w/models.py", "User")]
    assert index.update("/w/models.py", source) is entry  # unchanged text: no second parse
    assert len(calls) == 1
    assert index.update("/w/models.py", source + "# edited\n") is not entry
    assert len(calls) == 2
    index.remove("/w/models.py")
    assert len(index) == 0


def test_is_indexed_agrees_with_the_walk(tmp_path: Path) -> None:
    _touch(tmp_path, "app/models.py", ".venv/x.py", "legacy/old.py", "app/a.egg-info/y.py")
    walked = set(iter_python_files(tmp_path, ["legacy"]))
    for path in tmp_path.rglob("*.py"):
        assert is_indexed(path, [tmp_path], ["legacy"]) is (path in walked)
    assert not is_indexed(Path("/elsewhere/models.py"), [tmp_path])
    assert not is_indexed(tmp_path / "README.md", [tmp_path])


def test_indexing_reads_as_an_editor_holds_the_text(tmp_path: Path) -> None:
    """A byte-order mark is dropped (`ast` rejects it) and CRLF line ends are kept, so an
    editor opening the file finds the index's parse of the very same text."""
    from crudsmith.lsp.indexing import index_paths

    text = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\r\n"
        "class Base(DeclarativeBase):\r\n    pass\r\n"
        "class Café(Base):\r\n"
        "    __tablename__ = 'cafes'\r\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\r\n"
    )
    path = tmp_path / "models.py"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    index = WorkspaceIndex()
    index_paths(index, [path], frozenset())
    entry = index.get(str(path))
    assert entry is not None and entry.text == text
    assert entry.analysis.syntax_problems == ()
    assert [m.name for m in entry.analysis.models] == ["Café"]
