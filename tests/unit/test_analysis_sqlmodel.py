"""SQLModel style: table=True, Field(...), Relationship(...), non-table classes."""

from __future__ import annotations

import textwrap

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModelStyle, ModuleAnalysis, TypeKind


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


SQLMODEL = """
    import uuid
    from datetime import datetime
    from typing import Optional

    from sqlalchemy import Column, Text
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        is_training: bool = False


    class TeamBase(SQLModel):
        name: str = Field(index=True, max_length=60)
        headquarters: str


    class Team(TeamBase, table=True):
        id: Optional[int] = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class TeamCreate(TeamBase):
        pass


    class Hero(SQLModel, table=True):
        __tablename__ = "heroes"

        id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
        name: str = Field(unique=True)
        secret_name: str
        age: int | None = Field(default=None, index=True)
        bio: str = Field(sa_column=Column(Text, nullable=True))
        born: datetime = Field(sa_type=Text)
        rank: int = Field(..., sa_column_kwargs={"server_default": "0"})
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
        boss: Optional["Hero"] = Relationship(sa_relationship_kwargs={"remote_side": "Hero.id"})
"""


def test_sqlmodel_tables_and_skipped_non_table() -> None:
    result = analyze(SQLMODEL)
    assert [(m.name, m.table) for m in result.models] == [
        ("HeroTeamLink", "heroteamlink"),
        ("Team", "team"),
        ("Hero", "heroes"),
    ]
    assert result.styles == (ModelStyle.SQLMODEL,)
    assert {s.name: s.reason for s in result.skipped} == {
        "TeamBase": "non-table SQLModel",
        "TeamCreate": "non-table SQLModel",
    }
    assert (result.base_name, result.base_defined_locally) == ("SQLModel", False)


def test_sqlmodel_link_model_composite_key_and_bare_fields() -> None:
    link = analyze(SQLMODEL).model("HeroTeamLink")
    assert link is not None
    assert link.primary_key == ("team_id", "hero_id")
    team_id = link.column("team_id")
    assert team_id is not None and team_id.nullable is False
    assert team_id.foreign_key is not None and team_id.foreign_key.table == "team"
    training = link.column("is_training")
    assert training is not None
    assert (training.kind, training.default, training.nullable) == (TypeKind.BOOL, "False", False)


def test_sqlmodel_inherits_non_table_fields() -> None:
    team = analyze(SQLMODEL).model("Team")
    assert team is not None
    assert [c.name for c in team.columns] == ["name", "headquarters", "id"]
    name = team.column("name")
    assert name is not None
    assert (name.length, name.index, name.inherited_from, name.sa_type) == (
        60,
        True,
        "TeamBase",
        "AutoString",
    )
    ident = team.column("id")
    assert ident is not None and ident.primary_key and ident.server_set
    (heroes,) = team.relationships
    assert (heroes.target, heroes.uselist, heroes.secondary) == ("Hero", True, "heroteamlink")


def test_sqlmodel_field_options() -> None:
    hero = analyze(SQLMODEL).model("Hero")
    assert hero is not None
    cols = {c.name: c for c in hero.columns}
    assert cols["id"].kind is TypeKind.UUID and cols["id"].default == "uuid.uuid4"
    assert cols["id"].server_set  # non-integer key with a default
    assert cols["name"].unique and cols["name"].nullable is False
    assert cols["secret_name"].default is None and not cols["secret_name"].nullable
    assert cols["age"].nullable and cols["age"].index and cols["age"].default == "None"
    assert cols["bio"].kind is TypeKind.TEXT and cols["bio"].nullable  # from sa_column
    assert cols["born"].sa_type == "Text" and cols["born"].kind is TypeKind.TEXT
    assert cols["rank"].default is None and cols["rank"].server_default == '"0"'
    fk = cols["team_id"].foreign_key
    assert fk is not None and (fk.table, fk.column, fk.ondelete) == ("team", "id", "SET NULL")
    rels = {r.name: r for r in hero.relationships}
    assert set(rels) == {"teams", "boss"}
    assert rels["boss"].target == "Hero" and rels["boss"].uselist is False
    assert "teams" not in cols and "boss" not in cols


def test_table_keyword_with_imported_base() -> None:
    result = analyze(
        """
        from uuid import UUID
        from sqlalchemy import TEXT, Column
        from sqlmodel import Field, Relationship
        from app.schemas.base import NamedSchema, build_foreign_key_field

        class ModelSchema(NamedSchema, table=True):
            __tablename__ = "model"
            project_id: UUID = build_foreign_key_field(
                source=__tablename__, target="project", nullable=False
            )
            description: str = Field(sa_column=Column(TEXT, nullable=True))
            project: "ProjectSchema" = Relationship(back_populates="models")
        """
    )
    (model,) = result.models
    assert (model.name, model.table, model.style) == ("ModelSchema", "model", ModelStyle.SQLMODEL)
    project_id = model.column("project_id")
    assert project_id is not None
    assert project_id.kind is TypeKind.UUID and project_id.nullable is False
    assert project_id.default is None  # a Field factory is not a default value
    assert [r.target for r in model.relationships] == ["ProjectSchema"]
