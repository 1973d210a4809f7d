"""Flask-SQLAlchemy style: db = SQLAlchemy(), db.Model, db.Column, db.Table."""

from __future__ import annotations

import textwrap

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ModelStyle, ModuleAnalysis, TypeKind


def analyze(src: str) -> ModuleAnalysis:
    return analyze_source(textwrap.dedent(src))


FLASK = """
    from functools import partial
    from flask_sqlalchemy import SQLAlchemy

    db = SQLAlchemy()
    Col = partial(db.Column, nullable=False)

    user_roles = db.Table(
        "user_roles",
        db.Column("user_id", db.Integer, db.ForeignKey("user.id"), primary_key=True),
        db.Column("role_id", db.Integer, db.ForeignKey("role.id"), primary_key=True),
    )

    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        username = Col(db.String(80), unique=True)
        about = db.Column(db.Text)
        roles = db.relationship("Role", secondary=user_roles, back_populates="users")
        posts = db.relationship("BlogPost", backref="author", lazy="dynamic")

    class Role(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(40))
        users = db.relationship("User", secondary=user_roles, back_populates="roles")

    class BlogPost(db.Model):
        __tablename__ = "posts"
        id = db.Column(db.Integer, primary_key=True)
        user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)

    class UserRoleAudit(db.Model):
        id = db.Column(db.Integer, primary_key=True)
"""


def test_flask_models_tables_and_style() -> None:
    result = analyze(FLASK)
    assert [(m.name, m.table) for m in result.models] == [
        ("User", "user"),
        ("Role", "role"),
        ("BlogPost", "posts"),
        ("UserRoleAudit", "user_role_audit"),
    ]
    assert result.styles == (ModelStyle.FLASK,)
    assert (result.base_name, result.base_defined_locally) == ("db.Model", True)


def test_flask_columns_partial_and_relationships() -> None:
    result = analyze(FLASK)
    user = result.model("User")
    assert user is not None
    username = user.column("username")
    assert username is not None
    assert (username.kind, username.length, username.nullable, username.unique) == (
        TypeKind.STR,
        80,
        False,
        True,
    )
    about = user.column("about")
    assert about is not None and about.kind is TypeKind.TEXT and about.nullable
    rels = {r.name: r for r in user.relationships}
    assert rels["roles"].secondary == "user_roles" and rels["roles"].uselist
    assert rels["posts"].target == "BlogPost" and rels["posts"].backref == "author"
    assert rels["posts"].uselist is True
    (table,) = result.core_tables
    assert table.table == "user_roles" and table.variable == "user_roles"
    assert [c.foreign_key.table for c in table.columns if c.foreign_key] == ["user", "role"]


def test_flask_db_imported_from_elsewhere() -> None:
    result = analyze(
        """
        from myapp.extensions import db
        from myapp.utils import CRUDMixin, UTCDateTime

        class TopicsRead(db.Model, CRUDMixin):
            __tablename__ = "topicsread"
            user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
            topic_id = db.Column(db.Integer, db.ForeignKey("topics.id"), primary_key=True)
            last_read = db.Column(UTCDateTime(timezone=True), nullable=False)
        """
    )
    (model,) = result.models
    assert model.style is ModelStyle.FLASK
    assert model.primary_key == ("user_id", "topic_id")
    last_read = model.column("last_read")
    assert last_read is not None
    assert (last_read.sa_type, last_read.kind, last_read.python_type) == (
        "UTCDateTime",
        TypeKind.UNKNOWN,
        "str",
    )
    assert (result.base_name, result.base_defined_locally) == ("db.Model", False)


def test_sqlalchemy_module_named_db_is_core_not_flask() -> None:
    result = analyze(
        """
        import sqlalchemy as db

        metadata = db.MetaData()

        runs = db.Table(
            "runs",
            metadata,
            db.Column("id", db.BigInteger, primary_key=True, autoincrement=True),
            db.Column("run_id", db.String(255), unique=True),
            db.Column("parent", None, db.ForeignKey("runs.run_id", ondelete="CASCADE")),
        )
        """
    )
    assert result.models == ()
    (runs,) = result.core_tables
    assert runs.table == "runs"
    cols = {c.name: c for c in runs.columns}
    assert cols["id"].kind is TypeKind.BIGINT and cols["id"].autoincrement is True
    assert cols["run_id"].unique and cols["run_id"].length == 255
    assert cols["parent"].sa_type == "NullType"
    assert cols["parent"].foreign_key is not None
    assert cols["parent"].foreign_key.ondelete == "CASCADE"
