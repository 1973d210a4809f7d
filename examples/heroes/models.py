"""Heroes and their teams, the domain of the SQLModel tutorial.

Each ``table=True`` class is both a SQLAlchemy model and a Pydantic model.
A hero may belong to one team; a team has many heroes. ``HeroStats`` below is
a plain data model (no table) — a read-only summary, not stored anywhere.
"""

from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    """A group of heroes sharing a headquarters, e.g. « Z-Force » at 新宿."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=100)
    headquarters: str = Field(max_length=200)
    # Painted above the door of every headquarters.
    motto: str = Field(default="Toujours prêts ⚡", max_length=120)

    heroes: list["Hero"] = Relationship(back_populates="team")


class Hero(SQLModel, table=True):
    """Someone with a public name and a secret identity.

    ``secret_name`` is private data: it should never leak into a public listing.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=100)
    secret_name: str = Field(max_length=100)
    age: int | None = Field(default=None, index=True)
    # Heroes without a team are "free agents" — team_id stays NULL.
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")

    team: Team | None = Relationship(back_populates="heroes")


class HeroStats(SQLModel):
    """Aggregate numbers for a dashboard; not a table, so not a model to serve."""

    heroes: int = 0
    teams: int = 0
    average_age: float | None = None
