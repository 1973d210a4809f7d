"""SQLAlchemy 2.0 typed style: DeclarativeBase, Mapped[...], mapped_column."""

from __future__ import annotations

import textwrap

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModelStyle, ModuleAnalysis, TypeKind


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


BASIC = """
    import enum
    import uuid
    from datetime import date, datetime
    from decimal import Decimal
    from typing import Any, Optional

    from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Numeric, String, Text, func
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Status(enum.StrEnum):
        DRAFT = "draft"
        DONE = "done"


    class Base(DeclarativeBase):
        pass


    class User(Base):
        \"\"\"A user.\"\"\"

        __tablename__ = "users"

        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
        name: Mapped[str | None] = mapped_column(String(length=100))
        bio: Mapped[Optional[str]] = mapped_column(Text)
        nickname: Mapped[Optional[str]] = mapped_column(nullable=False)
        balance: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
        born: Mapped[date]
        created_at: Mapped[datetime] = mapped_column(
            DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
        )
        token: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
        prefs: Mapped[dict[str, Any]] = mapped_column(JSON, comment="user prefs")
        status: Mapped[Status] = mapped_column(default=Status.DRAFT)
        legacy_status: Mapped[str] = mapped_column(Enum(Status, name="legacy_status"))

        posts: Mapped[list["Post"]] = relationship(back_populates="author")


    class Post(Base):
        __tablename__ = "posts"

        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
        editor_id: Mapped[Optional[int]] = mapped_column(ForeignKey(User.id))
        author: Mapped["User"] = relationship(back_populates="posts")
        editor: Mapped[Optional["User"]] = relationship(foreign_keys=[editor_id])
        tags: Mapped[set["Tag"]] = relationship(secondary="post_tags")
"""


def test_typed_models_found_with_tables_and_style() -> None:
    result = analyze(BASIC)
    assert [m.name for m in result.models] == ["User", "Post"]
    assert [m.table for m in result.models] == ["users", "posts"]
    assert result.styles == (ModelStyle.TYPED,)
    assert result.base_name == "Base"
    assert result.base_defined_locally is True
    user = result.model("User")
    assert user is not None
    assert user.docstring == "A user."
    assert user.bases == ("Base",)
    assert user.primary_key == ("id",)
    skipped = {s.name: s.reason for s in result.skipped}
    assert skipped == {"Status": "enum", "Base": "declarative base"}


def test_typed_column_types_and_nullability() -> None:
    user = analyze(BASIC).model("User")
    assert user is not None
    cols = {c.name: c for c in user.columns}
    assert cols["id"].kind is TypeKind.INT and cols["id"].nullable is False
    assert cols["id"].primary_key and cols["id"].server_set
    assert (cols["email"].sa_type, cols["email"].length) == ("String", 320)
    assert cols["email"].unique and cols["email"].index and not cols["email"].nullable
    assert cols["name"].nullable and cols["name"].length == 100
    assert cols["bio"].kind is TypeKind.TEXT and cols["bio"].nullable
    assert cols["nickname"].nullable is False  # nullable= overrides Optional
    assert cols["balance"].kind is TypeKind.DECIMAL
    assert cols["balance"].python_type == "Decimal"
    assert (cols["balance"].precision, cols["balance"].scale) == (10, 2)
    assert cols["balance"].default == "0"
    assert cols["born"].kind is TypeKind.DATE and cols["born"].python_type == "date"
    assert cols["born"].nullable is False
    created = cols["created_at"]
    assert created.kind is TypeKind.DATETIME and created.timezone is True
    assert created.server_default == "func.now()" and created.onupdate == "func.now()"
    assert created.server_set
    assert cols["token"].kind is TypeKind.UUID and cols["token"].python_type == "uuid.UUID"
    assert cols["token"].default == "uuid.uuid4"
    assert cols["prefs"].kind is TypeKind.JSON and cols["prefs"].python_type == "dict[str, Any]"
    assert cols["prefs"].comment == "user prefs"


def test_enum_from_same_file() -> None:
    result = analyze(BASIC)
    assert [e.name for e in result.enums] == ["Status"]
    status_enum = result.enums[0]
    assert status_enum.is_str is True
    assert status_enum.members == (("DRAFT", "draft"), ("DONE", "done"))
    user = result.model("User")
    assert user is not None
    status = user.column("status")
    assert status is not None
    assert status.kind is TypeKind.ENUM and status.python_type == "Status"
    assert status.enum_name == "Status" and status.enum_values == ("draft", "done")
    assert status.sa_type == "Enum"
    assert status.default == "Status.DRAFT"
    legacy = user.column("legacy_status")
    assert legacy is not None
    assert legacy.kind is TypeKind.ENUM and legacy.enum_name == "Status"
    assert legacy.enum_values == ("draft", "done")


def test_foreign_keys_string_and_attribute() -> None:
    post = analyze(BASIC).model("Post")
    assert post is not None
    author_id = post.column("author_id")
    assert author_id is not None and author_id.foreign_key is not None
    assert author_id.foreign_key.table == "users"
    assert author_id.foreign_key.column == "id"
    assert author_id.foreign_key.ondelete == "CASCADE"
    editor_id = post.column("editor_id")
    assert editor_id is not None and editor_id.foreign_key is not None
    assert (editor_id.foreign_key.table, editor_id.foreign_key.column) == ("users", "id")
    assert editor_id.nullable is True
    pk = post.column("id")
    assert pk is not None and pk.autoincrement is False and not pk.server_set


def test_relationships_uselist_from_annotation() -> None:
    result = analyze(BASIC)
    user, post = result.model("User"), result.model("Post")
    assert user is not None and post is not None
    (posts,) = user.relationships
    assert (posts.name, posts.target, posts.uselist, posts.back_populates) == (
        "posts",
        "Post",
        True,
        "author",
    )
    rels = {r.name: r for r in post.relationships}
    assert rels["author"].target == "User" and rels["author"].uselist is False
    assert rels["editor"].target == "User" and rels["editor"].uselist is False
    assert rels["tags"].uselist is True and rels["tags"].secondary == "post_tags"
    assert rels["tags"].target == "Tag"
    assert all(r.span is not None for r in post.relationships)


def test_annotated_aliases_and_type_annotation_map() -> None:
    result = analyze(
        """
        import datetime
        from typing import Annotated
        from sqlalchemy import BigInteger, String, func
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

        intpk = Annotated[int, mapped_column(primary_key=True)]
        str50 = Annotated[str, mapped_column(String(50))]
        timestamp = Annotated[datetime.datetime, mapped_column(server_default=func.now())]

        class Base(DeclarativeBase):
            registry = registry(type_annotation_map={int: BigInteger, str: String(200)})

        class Item(Base):
            __tablename__ = "item"
            id: Mapped[intpk]
            code: Mapped[str50]
            label: Mapped[str]
            created: Mapped[timestamp]
        """
    )
    item = result.model("Item")
    assert item is not None
    cols = {c.name: c for c in item.columns}
    assert cols["id"].primary_key and cols["id"].kind is TypeKind.BIGINT
    assert cols["id"].sa_type == "BigInteger" and cols["id"].nullable is False
    assert item.primary_key == ("id",)
    assert cols["code"].sa_type == "String" and cols["code"].length == 50
    assert cols["label"].length == 200  # from the type_annotation_map
    assert cols["created"].kind is TypeKind.DATETIME
    assert cols["created"].server_default == "func.now()"


def test_type_annotation_map_class_attribute_and_unknown_type() -> None:
    result = analyze(
        """
        import uuid
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from app.types import GUID, TZDateTime

        class Base(DeclarativeBase):
            type_annotation_map = {uuid.UUID: GUID}

        class Thing(Base):
            __tablename__ = "things"
            id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
            when = mapped_column(TZDateTime)
        """
    )
    thing = result.model("Thing")
    assert thing is not None
    ident = thing.column("id")
    assert ident is not None
    # An unknown TypeDecorator keeps its name; the annotation gives the kind.
    assert (ident.sa_type, ident.kind, ident.python_type) == ("GUID", TypeKind.UUID, "uuid.UUID")
    when = thing.column("when")
    assert when is not None
    assert (when.sa_type, when.kind, when.python_type) == ("TZDateTime", TypeKind.UNKNOWN, "str")
    assert when.nullable is True


def test_mapped_as_dataclass_base_and_async_attrs() -> None:
    result = analyze(
        """
        from sqlalchemy.ext.asyncio import AsyncAttrs
        from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column

        class Base(AsyncAttrs, MappedAsDataclass, DeclarativeBase):
            pass

        class Note(Base):
            __tablename__ = "notes"
            id: Mapped[int] = mapped_column(init=False, primary_key=True)
            text: Mapped[str] = mapped_column(default="")
        """
    )
    assert [m.name for m in result.models] == ["Note"]
    assert result.uses_async is True
    note = result.models[0]
    text = note.column("text")
    assert text is not None and text.default == '""'


def test_declarative_base_no_meta_and_aliased_orm_module() -> None:
    result = analyze(
        """
        import sqlalchemy as sa
        from sqlalchemy import orm as so

        class Base(so.DeclarativeBaseNoMeta):
            pass

        class Account(Base):
            __tablename__ = "accounts"
            id: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True)
            name: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
            owner: so.Mapped["Account"] = so.relationship(remote_side=[id])
        """
    )
    account = result.model("Account")
    assert account is not None and account.style is ModelStyle.TYPED
    name = account.column("name")
    assert name is not None and name.length == 64 and name.index
    assert account.relationships[0].uselist is False
    assert result.uses_async is False


def test_joined_and_single_table_inheritance() -> None:
    result = analyze(
        """
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Employee(Base):
            __tablename__ = "employee"
            id: Mapped[int] = mapped_column(primary_key=True)
            type: Mapped[str] = mapped_column(String(20))
            __mapper_args__ = {"polymorphic_on": "type"}

        class Engineer(Employee):
            __tablename__ = "engineer"
            id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
            skill: Mapped[str]

        class Manager(Employee):
            __mapper_args__ = {"polymorphic_identity": "manager"}
        """
    )
    assert [m.name for m in result.models] == ["Employee", "Engineer", "Manager"]
    engineer, manager = result.model("Engineer"), result.model("Manager")
    assert engineer is not None and manager is not None
    assert engineer.table == "engineer"
    assert [c.name for c in engineer.columns] == ["id", "type", "skill"]
    engineer_id = engineer.column("id")
    assert engineer_id is not None and engineer_id.foreign_key is not None
    assert engineer_id.inherited_from is None  # redefined by the subclass
    type_col = engineer.column("type")
    assert type_col is not None and type_col.inherited_from == "Employee"
    assert manager.table == "employee"  # single-table inheritance
    assert [c.name for c in manager.columns] == ["id", "type"]


def test_declared_attr_tablename_in_base() -> None:
    result = analyze(
        """
        import re
        from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

        CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

        class Base(DeclarativeBase):
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return CAMEL.sub("_", cls.__name__).lower()

            id: Mapped[int] = mapped_column(primary_key=True)

        class FlowRun(Base):
            name: Mapped[str]

        class Event(Base):
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return "events"

            kind: Mapped[str]
        """
    )
    assert [(m.name, m.table) for m in result.models] == [
        ("FlowRun", "flow_run"),
        ("Event", "events"),
    ]
    flow_run = result.model("FlowRun")
    assert flow_run is not None
    ident = flow_run.column("id")
    assert ident is not None and ident.inherited_from == "Base" and ident.primary_key


def test_declared_attr_lowercase_tablename_and_columns() -> None:
    result = analyze(
        """
        from sqlalchemy import ForeignKey, Integer, Column
        from sqlalchemy.orm import Mapped, declared_attr, declarative_base, mapped_column

        Base = declarative_base()

        class Tablenamed:
            @declared_attr
            def __tablename__(cls):
                return cls.__name__.lower()

        class HasOwner:
            @declared_attr
            def owner_id(cls) -> Mapped[int]:
                return mapped_column(ForeignKey("owners.id"))

        class OrderLine(Tablenamed, HasOwner, Base):
            id = Column(Integer, primary_key=True)
        """
    )
    line = result.model("OrderLine")
    assert line is not None
    assert line.table == "orderline"
    owner = line.column("owner_id")
    assert owner is not None and owner.inherited_from == "HasOwner"
    assert owner.foreign_key is not None and owner.foreign_key.table == "owners"
    assert {s.name: s.reason for s in result.skipped} == {
        "Tablenamed": "mixin",
        "HasOwner": "mixin",
    }


def test_registry_objects_decorators_and_table_objects() -> None:
    result = analyze(
        """
        from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

        mapper_registry = registry(type_annotation_map={int: BigInteger})
        other = registry()
        OldBase = other.generate_base()

        class Base(DeclarativeBase):
            registry = mapper_registry

        class A(Base):
            __tablename__ = "a"
            id: Mapped[int] = mapped_column(primary_key=True)

        @mapper_registry.mapped
        class SomeThing:
            id: Mapped[int] = mapped_column(primary_key=True)

        class C(OldBase):
            __table__ = Table(
                "c_table",
                MetaData(),
                Column("id", Integer, primary_key=True),
                Column("name", String(10)),
            )
        """
    )
    assert [(m.name, m.table) for m in result.models] == [
        ("A", "a"),
        ("SomeThing", "some_thing"),
        ("C", "c_table"),
    ]
    a = result.model("A")
    assert a is not None and a.columns[0].kind is TypeKind.BIGINT  # registry's annotation map
    c = result.model("C")
    assert c is not None and [col.name for col in c.columns] == ["id", "name"]
    assert c.primary_key == ("id",)
    assert result.core_tables == ()  # a class's __table__ is not a module-level Core table
