"""Classic declarative style: declarative_base() + Column(...), aliases and partials."""

from __future__ import annotations

import textwrap

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModelStyle, ModuleAnalysis, TypeKind


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


def test_classic_columns_and_relationships() -> None:
    result = analyze(
        """
        from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
        from sqlalchemy.ext.declarative import declarative_base
        from sqlalchemy.orm import backref, relationship

        Base = declarative_base()

        post_tags = Table(
            "post_tags",
            Base.metadata,
            Column("post_id", Integer, ForeignKey("posts.id"), primary_key=True),
            Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
        )

        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            email = Column("email_address", String(255), nullable=False, unique=True)
            active = Column(Boolean, default=True, server_default="1")
            posts = relationship("Post", backref="author")

        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            user_id = Column(Integer, ForeignKey("users.id"))
            body = Column(Text)
            user = relationship(User)
            tags = relationship(
                "Tag", secondary=post_tags, backref=backref("posts", lazy="dynamic")
            )

        class Tag(Base):
            __tablename__ = "tags"
            id = Column(Integer, primary_key=True)
            name = Column(String(50), unique=True)
        """
    )
    assert [m.name for m in result.models] == ["User", "Post", "Tag"]
    assert result.styles == (ModelStyle.CLASSIC,)
    assert (result.base_name, result.base_defined_locally) == ("Base", True)
    user, post = result.model("User"), result.model("Post")
    assert user is not None and post is not None
    email = user.column("email")
    assert email is not None
    assert (email.column_name, email.length, email.nullable, email.unique) == (
        "email_address",
        255,
        False,
        True,
    )
    active = user.column("active")
    assert active is not None and active.nullable is True  # Column default
    assert (active.default, active.server_default) == ("True", '"1"')
    (posts,) = user.relationships
    assert (posts.target, posts.uselist, posts.backref) == ("Post", True, "author")
    rels = {r.name: r for r in post.relationships}
    assert rels["user"].target == "User" and rels["user"].uselist is False  # FK on this side
    assert rels["tags"].secondary == "post_tags" and rels["tags"].uselist is True
    assert rels["tags"].backref == "posts"
    (table,) = result.core_tables
    assert (table.variable, table.table) == ("post_tags", "post_tags")
    assert [c.name for c in table.columns] == ["post_id", "tag_id"]
    assert all(c.primary_key and not c.nullable for c in table.columns)
    fk = table.columns[1].foreign_key
    assert fk is not None and (fk.table, fk.column) == ("tags", "id")


def test_sqlalchemy_module_alias_and_orm_declarative_base() -> None:
    result = analyze(
        """
        import sqlalchemy as sa
        from sqlalchemy import orm

        Model = orm.declarative_base()

        class Invoice(Model):
            __tablename__ = "invoices"
            id = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
            total = sa.Column(sa.Numeric(precision=12, scale=3), nullable=False)
            paid_at = sa.Column(sa.DateTime(timezone=True))
            payload = sa.Column(sa.JSON().with_variant(sa.Text(), "sqlite"))
            uid = sa.Column(sa.Uuid, unique=True)
            blob = sa.Column(sa.LargeBinary)
            ratio = sa.Column(sa.Float)
            duration = sa.Column(sa.Interval)
            at = sa.Column(sa.Time)
        """
    )
    invoice = result.model("Invoice")
    assert invoice is not None and invoice.style is ModelStyle.CLASSIC
    cols = {c.name: c for c in invoice.columns}
    assert cols["id"].kind is TypeKind.BIGINT and cols["id"].autoincrement is True
    assert (cols["total"].precision, cols["total"].scale) == (12, 3)
    assert cols["paid_at"].timezone is True
    assert cols["payload"].kind is TypeKind.JSON
    assert cols["uid"].kind is TypeKind.UUID and cols["uid"].unique
    assert cols["blob"].kind is TypeKind.BYTES and cols["blob"].python_type == "bytes"
    assert cols["ratio"].kind is TypeKind.FLOAT
    assert cols["duration"].python_type == "timedelta"
    assert cols["at"].kind is TypeKind.TIME
    assert result.base_name == "Model"


def test_aliased_column_constructor_and_partial() -> None:
    result = analyze(
        """
        import functools
        from functools import partial
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base, mapped_column

        Base = declarative_base()
        _Column = mapped_column
        Req = functools.partial(Column, nullable=False)
        Key = partial(Column, Integer, primary_key=True)

        class Row(Base):
            __tablename__ = "rows"
            id = Key()
            name = Req(String(30))
            note = Req(String(30), nullable=True)
            other = _Column(Integer, index=True)
        """
    )
    row = result.model("Row")
    assert row is not None
    cols = {c.name: c for c in row.columns}
    assert cols["id"].primary_key and cols["id"].kind is TypeKind.INT
    assert cols["name"].nullable is False and cols["name"].length == 30
    assert cols["note"].nullable is True  # the call's keyword beats the partial's
    assert cols["other"].index and cols["other"].nullable is True


def test_composite_primary_key_and_unique_constraints() -> None:
    result = analyze(
        """
        from sqlalchemy import (
            Column, ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, String,
            UniqueConstraint,
        )
        from app.db import Base

        MAX = 512

        class Tag(Base):
            __tablename__ = "tags"
            key = Column(String(MAX))
            run_id = Column("run", Integer)
            value = Column(String(100))
            slug = Column(String(100))
            __table_args__ = (
                PrimaryKeyConstraint("key", "run", name="tag_pk"),
                UniqueConstraint("value", "slug"),
                UniqueConstraint("slug"),
                Index("ix_tags_value", "value"),
                ForeignKeyConstraint(["run"], ["runs.id"]),
                {"mysql_engine": "InnoDB"},
            )

        class Pair(Base):
            __tablename__ = "pairs"
            left = Column(Integer, primary_key=True)
            right = Column(Integer, primary_key=True)
        """
    )
    tag, pair = result.model("Tag"), result.model("Pair")
    assert tag is not None and pair is not None
    assert tag.primary_key == ("key", "run_id")
    key, run_id = tag.column("key"), tag.column("run_id")
    assert key is not None and run_id is not None
    assert key.primary_key and not key.nullable and key.length == 512
    assert run_id.primary_key and run_id.column_name == "run"
    assert run_id.foreign_key is not None and run_id.foreign_key.table == "runs"
    assert tag.unique_together == (("value", "slug"),)
    slug, value = tag.column("slug"), tag.column("value")
    assert slug is not None and slug.unique
    assert value is not None and not value.unique and value.index
    assert pair.primary_key == ("left", "right")
    assert (result.base_name, result.base_defined_locally) == ("Base", False)


def test_deferred_column_and_ignored_properties() -> None:
    result = analyze(
        """
        from sqlalchemy import Column, Integer, String, select, func
        from sqlalchemy.orm import column_property, declarative_base, deferred, synonym

        Base = declarative_base()

        class Doc(Base):
            __tablename__ = "docs"
            id = Column(Integer, primary_key=True)
            body = deferred(Column(String(10_000)))
            size = column_property(func.length(body))
            text = synonym("body")
            helper = some_function()
        """
    )
    doc = result.model("Doc")
    assert doc is not None
    assert [c.name for c in doc.columns] == ["id", "body"]
    body = doc.column("body")
    assert body is not None and body.length == 10000


def test_enum_column_with_literal_values_and_imported_enum() -> None:
    result = analyze(
        """
        import enum
        import sqlalchemy as sa
        from sqlalchemy import Column, Enum, Integer
        from app.enums import Color
        from app.db import Base

        class Size(int, enum.Enum):
            S = 1
            M = 2

        class Shirt(Base):
            __tablename__ = "shirts"
            id = Column(Integer, primary_key=True)
            mood = Column(Enum("happy", "sad", name="mood"))
            color = Column(sa.Enum(Color, name="color"))
            size = Column(Enum(Size))
        """
    )
    shirt = result.model("Shirt")
    assert shirt is not None
    mood, color, size = shirt.column("mood"), shirt.column("color"), shirt.column("size")
    assert mood is not None and color is not None and size is not None
    assert (mood.kind, mood.python_type, mood.enum_name, mood.enum_values) == (
        TypeKind.ENUM,
        "str",
        "mood",
        ("happy", "sad"),
    )
    assert (color.kind, color.python_type, color.enum_name, color.enum_values) == (
        TypeKind.ENUM,
        "Color",
        "Color",
        (),
    )
    assert size.enum_values == ("1", "2")
    (size_enum,) = result.enums
    assert size_enum.is_str is False


def test_sqlalchemy_ext_declarative_and_declared_attr_tablename_on_mixin() -> None:
    result = analyze(
        """
        from sqlalchemy import Column, Integer
        from sqlalchemy.ext.declarative import declarative_base, declared_attr

        Base = declarative_base()

        class AutoName:
            @declared_attr
            def __tablename__(cls):
                return cls.__name__

        class Widget(AutoName, Base):
            id = Column(Integer, primary_key=True)
        """
    )
    widget = result.model("Widget")
    assert widget is not None and widget.table == "Widget"
