"""Database models for a discussion forum, Flask-SQLAlchemy 3 style.

Models subclass ``db.Model`` and declare ``db.Column(...)`` attributes. The
``db`` object is created here without an app and bound later with
``db.init_app(app)`` in the application factory.

Table names: ``User`` and ``Topic`` set ``__tablename__``; the other models use
Flask-SQLAlchemy's automatic snake_case name (``Category`` → ``category``).
"""

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def _utcnow() -> datetime:
    """Timezone-aware "now", evaluated by Python when a row is inserted."""
    return datetime.now(UTC)


# Association table: a topic carries any number of tags, a tag marks many topics.
topic_tags = db.Table(
    "topic_tags",
    db.Column(
        "topic_id", db.Integer, db.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    ),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    """A forum member. Moderators have ``is_admin`` set."""

    # "user" is a reserved word in PostgreSQL, hence the explicit plural.
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False, index=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    # werkzeug.security hash, e.g. "scrypt:32768:8:1$…"; never the password itself.
    password_hash = db.Column(db.String(256), nullable=False)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, server_default=db.func.now())

    topics = db.relationship("Topic", back_populates="author", cascade="all, delete-orphan")
    replies = db.relationship("Reply", back_populates="author", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"


class Category(db.Model):
    """A board grouping related topics — « Général », « Entraide », « Off-topic »."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)
    description = db.Column(db.Text, nullable=True)
    # Shown next to the name in the board list.
    icon = db.Column(db.String(16), nullable=False, default="💬")
    position = db.Column(db.Integer, nullable=False, default=0)

    topics = db.relationship("Topic", back_populates="category")

    def __repr__(self) -> str:
        return f"<Category {self.name!r}>"


class Topic(db.Model):
    """A thread opened by a member in one category."""

    __tablename__ = "topics"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    is_pinned = db.Column(db.Boolean, nullable=False, default=False)
    is_locked = db.Column(db.Boolean, nullable=False, default=False)
    user_id = db.Column(
        db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    category_id = db.Column(db.Integer, db.ForeignKey("category.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)
    updated_at = db.Column(db.DateTime(timezone=True), nullable=True, onupdate=_utcnow)

    author = db.relationship("User", back_populates="topics")
    category = db.relationship("Category", back_populates="topics")
    replies = db.relationship(
        "Reply", back_populates="topic", cascade="all, delete-orphan", order_by="Reply.id"
    )
    tags = db.relationship("Tag", secondary=topic_tags, back_populates="topics")

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.title!r}>"


class Reply(db.Model):
    """A message posted under a topic."""

    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.Text, nullable=False)
    topic_id = db.Column(
        db.Integer, db.ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id = db.Column(
        db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)

    topic = db.relationship("Topic", back_populates="replies")
    author = db.relationship("User", back_populates="replies")

    def __repr__(self) -> str:
        return f"<Reply {self.id} on topic {self.topic_id}>"


class Tag(db.Model):
    """A free label on topics, such as "python", "débutant" or "🐛 bug"."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)

    topics = db.relationship("Topic", secondary=topic_tags, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"
