"""Telling models apart from everything else in messy files."""

from __future__ import annotations

import textwrap

from crudsmith.analysis import analyze_file, analyze_source
from crudsmith.analysis.spec import ImportSpec, ModuleAnalysis, SourceSpan


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


def reasons(result: ModuleAnalysis) -> dict[str, str]:
    return {s.name: s.reason for s in result.skipped}


def test_pydantic_dataclass_enum_and_plain_classes_are_skipped() -> None:
    result = analyze(
        """
        import enum
        from dataclasses import dataclass
        from pydantic import BaseModel
        from sqlalchemy import Column, Integer, String
        from app.db import Base

        class Chat(Base):
            __tablename__ = "chat"
            id = Column(String, primary_key=True)

        class ChatModel(BaseModel):
            id: str
            title: str

        class ChatForm(ChatModel):
            extra: int = 0

        @dataclass
        class Point:
            x: int

        class Color(enum.Enum):
            RED = 1

        class Helper:
            def run(self) -> None: ...
        """
    )
    assert [m.name for m in result.models] == ["Chat"]
    assert reasons(result) == {
        "ChatModel": "pydantic model",
        "ChatForm": "pydantic model",
        "Point": "dataclass",
        "Color": "enum",
        "Helper": "not a model",
    }


def test_declarative_base_named_basemodel_is_not_pydantic() -> None:
    result = analyze(
        """
        from typing import Any
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base

        BaseModel: Any = declarative_base()

        class StudyModel(BaseModel):
            __tablename__ = "studies"
            study_id = Column(Integer, primary_key=True)
        """
    )
    assert [m.name for m in result.models] == ["StudyModel"]
    assert (result.base_name, result.base_defined_locally) == ("BaseModel", True)


def test_mixins_and_abstract_bases_are_inherited() -> None:
    result = analyze(
        """
        from datetime import datetime
        from typing import Generic, TypeVar
        from sqlalchemy import Column, DateTime, Integer, String, func
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        ID = TypeVar("ID")

        class Base(DeclarativeBase):
            pass

        class TimestampMixin:
            created_at: Mapped[datetime] = mapped_column(server_default=func.now())

        class UserTable(Generic[ID]):
            __tablename__ = "user"
            email: Mapped[str] = mapped_column(String(320), unique=True)

        class AbstractThing(Base):
            __abstract__ = True
            id: Mapped[int] = mapped_column(primary_key=True)

        class User(TimestampMixin, UserTable[int], AbstractThing):
            name: Mapped[str]
        """
    )
    assert [m.name for m in result.models] == ["User"]
    user = result.models[0]
    assert user.table == "user"  # from the generic mixin's __tablename__
    assert [(c.name, c.inherited_from) for c in user.columns] == [
        ("id", "AbstractThing"),
        ("email", "UserTable"),
        ("created_at", "TimestampMixin"),
        ("name", None),
    ]
    assert user.primary_key == ("id",)
    assert reasons(result) == {
        "Base": "declarative base",
        "TimestampMixin": "mixin",
        "UserTable": "mixin",
        "AbstractThing": "abstract base",
    }


def test_mixin_library_without_base_has_no_models() -> None:
    result = analyze(
        """
        from typing import TYPE_CHECKING, Generic, TypeVar
        from sqlalchemy import Column, String, Text
        from sqlalchemy.orm import Mapped, mapped_column
        from authlib.oauth2.rfc6749 import TokenMixin

        ID = TypeVar("ID")

        class OAuth2TokenMixin(TokenMixin):
            access_token = Column(String(255), unique=True, nullable=False)
            scope = Column(Text, default="")

        class BaseUserTable(Generic[ID]):
            __tablename__ = "user"
            if TYPE_CHECKING:
                email: str
            else:
                email: Mapped[str] = mapped_column(String(320))
        """
    )
    assert result.models == ()
    assert reasons(result) == {"OAuth2TokenMixin": "mixin", "BaseUserTable": "mixin"}


def test_model_in_docstring_and_function_is_ignored() -> None:
    result = analyze(
        '''
        """Example:

        class Fake(Base):
            __tablename__ = "fake"
            id = Column(Integer, primary_key=True)
        """
        from sqlalchemy import Column, Integer
        from app.db import Base

        def factory():
            class Inner(Base):
                __tablename__ = "inner"
                id = Column(Integer, primary_key=True)
            return Inner

        EXAMPLE = "class Fake2(Base): __tablename__ = 'x'"
        '''
    )
    assert result.models == ()
    assert result.skipped == ()


def test_classes_under_if_and_try_blocks_first_definition_wins() -> None:
    result = analyze(
        """
        import sys
        from typing import TYPE_CHECKING
        from sqlalchemy import Column, Integer, String

        try:
            from app.db import Base
        except ImportError:
            Base = object

        if sys.version_info >= (3, 11):
            class Thing(Base):
                __tablename__ = "thing_new"
                id = Column(Integer, primary_key=True)
        else:
            class Thing(Base):
                __tablename__ = "thing_old"
                id = Column(Integer, primary_key=True)

        if TYPE_CHECKING:
            class Other(Base):
                __tablename__ = "other"
                id = Column(Integer, primary_key=True)
        """
    )
    assert [(m.name, m.table) for m in result.models] == [
        ("Thing", "thing_new"),
        ("Other", "other"),
    ]


def test_imported_base_heuristics() -> None:
    result = analyze(
        """
        from sqlalchemy import Column, Integer
        from .base import Base
        from app.models import AuditBase, Model
        from app.other import Something, BaseTokenMixin, BaseSettingsLike

        class A(Base):
            __tablename__ = "a"
            id = Column(Integer, primary_key=True)

        class B(AuditBase):
            id = Column(Integer, primary_key=True)

        class C(Model):
            __tablename__ = "c"

        class D(Something):
            __tablename__ = "d"
            id = Column(Integer, primary_key=True)

        class E(Base):
            def helper(self) -> int:
                return 1

        class F(BaseTokenMixin):
            token = Column(Integer, unique=True)

        class G(BaseSettingsLike):
            value = Column(Integer)
        """
    )
    assert [(m.name, m.table) for m in result.models] == [("A", "a"), ("B", "b"), ("C", "c")]
    assert reasons(result) == {
        "D": "mixin",
        "E": "no columns or __tablename__",
        "F": "mixin",
        "G": "mixin",
    }
    assert result.base_name == "Base" and result.base_defined_locally is False


def test_uses_async_and_imports() -> None:
    result = analyze(
        """
        import sqlalchemy as sa
        from sqlalchemy.ext.asyncio import AsyncSession
        from . import models as m
        from ..db import *
        """
    )
    assert result.uses_async is True
    assert result.imports == (
        ImportSpec(module="sqlalchemy", name="", alias="sa", line=2),
        ImportSpec(module="sqlalchemy.ext.asyncio", name="AsyncSession", alias="", line=3),
        ImportSpec(module=".", name="models", alias="m", line=4),
        ImportSpec(module="..db", name="*", alias="", line=5),
    )
    assert analyze("import sqlalchemy\n").uses_async is False
    assert analyze("from sqlalchemy.ext.asyncio import create_async_engine\n").uses_async


def test_core_tables_and_unrelated_table_calls() -> None:
    result = analyze(
        """
        import sqlalchemy as sa
        from rich.table import Table as RichTable
        from sqlalchemy import Column, Integer, MetaData, Table

        metadata = MetaData()
        audit = sa.Table("audit", metadata, sa.Column("id", sa.Integer, primary_key=True))
        Table("bare", metadata, Column("x", Integer))
        pretty = RichTable("Title")
        """
    )
    assert [(t.variable, t.table) for t in result.core_tables] == [("audit", "audit"), ("", "bare")]
    assert result.core_tables[0].span == SourceSpan(7, 0, 7, 82)


def test_model_spans_include_decorators() -> None:
    result = analyze(
        """
        from sqlalchemy import Column, Integer
        from app.db import Base, register

        @register
        class A(Base):
            __tablename__ = "a"
            id = Column(Integer, primary_key=True)
        """
    )
    (model,) = result.models
    assert model.span == SourceSpan(line=5, col=0, end_line=8, end_col=42)
    id_col = model.column("id")
    assert id_col is not None and id_col.span == SourceSpan(8, 4, 8, 42)


def test_analyze_file_reads_utf8(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "models.py"
    path.write_text(
        "from sqlalchemy import Column, Integer\nfrom db import Base\n"
        "class Été(Base):\n    __tablename__ = 'été'\n    id = Column(Integer, primary_key=True)\n",
        encoding="utf-8",
    )
    result = analyze_file(path)
    assert [(m.name, m.table) for m in result.models] == [("Été", "été")]
