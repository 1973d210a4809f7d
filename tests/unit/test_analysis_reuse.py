"""Per-class results reused between versions (`analysis.reuse`) never change the output.

`_keep_untouched` hands over the previous version's node for every top-level statement
that is identical (positions included) in the new version, as incremental re-parsing
does; the analysis of that mix must equal a fresh analysis of the new text.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from crudsmith.analysis.module import analyze, analyze_parsed
from crudsmith.analysis.parse import ParseResult, Statements, parse_tolerant
from crudsmith.analysis.spec import ModuleAnalysis

BASE = textwrap.dedent(
    '''\
    import enum
    from sqlalchemy import Enum, ForeignKey, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    NAME_LEN = 50


    class Base(DeclarativeBase):
        type_annotation_map = {str: String(200)}


    class Status(enum.Enum):
        DRAFT = "draft"
        DONE = "done"


    class TimestampMixin:
        created: Mapped[str] = mapped_column(String(30))


    class User(Base):
        """Utilisateur — « café » ✅."""

        __tablename__ = "users"

        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(NAME_LEN))
        nick: Mapped[str]


    class Post(TimestampMixin, Base):
        __tablename__ = "posts"

        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[Status] = mapped_column(Enum(Status))
        author_id: Mapped[int] = mapped_column(ForeignKey(User.id))
        author = relationship("User")
    '''
)


def _keep_untouched(old: ParseResult, new: ParseResult) -> ParseResult:
    dumps = {ast.dump(s, include_attributes=True): s for s in old.statements}
    kept = [dumps.get(ast.dump(s, include_attributes=True), s) for s in new.statements]
    return ParseResult(Statements(kept), new.problems)


def _edit(old_text: str, new_text: str) -> tuple[ModuleAnalysis, ModuleAnalysis, ParseResult]:
    """Analyse `old_text`, then `new_text` reusing the untouched nodes; check the latter."""
    old_parsed = parse_tolerant(old_text)
    before = analyze_parsed(old_text, old_parsed)
    parsed = _keep_untouched(old_parsed, parse_tolerant(new_text))
    after = analyze_parsed(new_text, parsed, old_parsed.statements)
    assert after == analyze(new_text)
    return before, after, parsed


def test_untouched_classes_are_reused_as_they_are() -> None:
    before, after, parsed = _edit(BASE, BASE + "# a comment typed at the end\n")
    kept = sum(1 for s in parsed.statements if isinstance(s, ast.ClassDef))
    assert kept == 5
    assert [m.name for m in after.models] == ["User", "Post"]
    assert all(a is b for a, b in zip(after.models, before.models, strict=True))


def test_an_edited_class_is_read_again_and_the_others_are_kept() -> None:
    new_text = BASE.replace("nick: Mapped[str]", "nick: Mapped[str | None]")
    before, after, _ = _edit(BASE, new_text)
    user = after.model("User")
    assert user is not None and user.column("nick") is not None
    assert user.column("nick").nullable  # type: ignore[union-attr]
    assert after.model("Post") is before.model("Post")


@pytest.mark.parametrize(
    ("old", "new", "model", "column", "field", "expected"),
    [
        # an ancestor changed: the unchanged subclass inherits the new column type
        ("created: Mapped[str] = mapped_column(String(30))",
         "created: Mapped[str] = mapped_column(String(31))", "Post", "created", "length", 31),
        # an enum's values changed
        ('DONE = "done"', 'DONE = "finished"', "Post", "status", "enum_values",
         ("draft", "finished")),
        # the foreign key's target class got another table name
        ('__tablename__ = "users"', '__tablename__ = "people"', "Post", "author_id",
         "foreign_key.table", "people"),
        # a module-level constant the column reads
        ("NAME_LEN = 50", "NAME_LEN = 80", "User", "name", "length", 80),
        # the base's type_annotation_map
        ("{str: String(200)}", "{str: String(300)}", "User", "nick", "length", 300),
    ],
)  # fmt: skip
def test_a_change_elsewhere_reaches_an_untouched_class(
    old: str, new: str, model: str, column: str, field: str, expected: object
) -> None:
    assert old in BASE
    before, after, _ = _edit(BASE, BASE.replace(old, new))

    def value(analysis: ModuleAnalysis) -> object:
        found = analysis.model(model)
        assert found is not None
        result: object = found.column(column)
        for part in field.split("."):
            result = getattr(result, part)
        return result

    assert value(after) == expected
    assert value(before) != expected


def test_a_line_inserted_above_moves_the_classes_below() -> None:
    new_text = BASE.replace("NAME_LEN = 50\n", "NAME_LEN = 50\nOTHER = 1\n")
    before, after, _ = _edit(BASE, new_text)
    old_post, new_post = before.model("Post"), after.model("Post")
    assert old_post is not None and new_post is not None and new_post.span is not None
    assert old_post.span is not None and new_post.span.line == old_post.span.line + 1


def test_a_changed_name_table_reads_untouched_class_bodies_again() -> None:
    text = textwrap.dedent(
        """\
        from functools import partial
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base, relationship

        Base = declarative_base()
        Ref = partial(Column, String(20))


        class Tag(Base):
            __tablename__ = "tags"
            id = Column(Integer, primary_key=True)
            label = Ref()
        """
    )
    new_text = text.replace("partial(Column, String(20))", 'partial(relationship, "Tag")')
    before, after, _ = _edit(text, new_text)
    old_tag, new_tag = before.model("Tag"), after.model("Tag")
    assert old_tag is not None and new_tag is not None
    assert [c.name for c in old_tag.columns] == ["id", "label"]
    assert [c.name for c in new_tag.columns] == ["id"]
    assert [r.name for r in new_tag.relationships] == ["label"]


def test_a_class_that_stops_being_an_enum_is_read_as_a_class() -> None:
    text = textwrap.dedent(
        """\
        import enum
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Parent(enum.Enum):
            A = 1


        class Child(Parent):
            __tablename__ = "children"
            id = Column(Integer, primary_key=True)
        """
    )
    new_text = text.replace("class Parent(enum.Enum):\n    A = 1", "class Parent(Base):\n    pass")
    assert new_text != text
    before, after, _ = _edit(text, new_text)
    assert before.model("Child") is None
    child = after.model("Child")
    assert child is not None and [c.name for c in child.columns] == ["id"]


def test_a_dropped_version_takes_its_results_with_it() -> None:
    """Reused results live with the parse they came from: once a version is gone, its
    own class nodes are freed (a process-wide weak-keyed map kept every old tree)."""
    import gc
    import weakref

    from crudsmith.analysis.reparse import reparse

    old_parsed = parse_tolerant(BASE)
    analyze_parsed(BASE, old_parsed)
    edited = BASE.replace("nick: Mapped[str]", "nick: Mapped[str | None]")
    parsed = reparse(BASE, old_parsed, edited)
    analyze_parsed(edited, parsed, old_parsed.statements)
    replaced = [s for s in old_parsed.statements if not any(s is n for n in parsed.statements)]
    assert replaced  # the edited class got a new node
    gone = [weakref.ref(node) for node in replaced]
    was_enabled = gc.isenabled()
    gc.disable()  # reference counting alone must free them
    try:
        del old_parsed, replaced
        assert all(ref() is None for ref in gone)
    finally:
        if was_enabled:
            gc.enable()
    again = reparse(edited, parsed, BASE)
    assert analyze_parsed(BASE, again, parsed.statements) == analyze(BASE)
