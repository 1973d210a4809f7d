"""The example model files are valid, real-world code.

Each example is imported with the real libraries (SQLAlchemy, SQLModel,
Flask-SQLAlchemy) in a fresh interpreter, so that SQLModel's global metadata
and mapper registries never leak between examples or into the test process.
The child process counts the mapped classes and Core tables, configures the
mappers, creates the schema in an in-memory SQLite database, and inserts a few
rows to show that the non-ASCII defaults survive a round trip.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Expected:
    name: str
    classes: frozenset[str]
    tables: frozenset[str]  # every table in the metadata, association tables included
    primary_keys: dict[str, tuple[str, ...]]  # table -> key columns, for the tables worth checking
    defaults: dict[str, str]  # "Class.attr" -> non-ASCII value read back after an insert
    # Python run in the child after create_all; gets `ns`, `engine`, `Session`; prints JSON.
    insert: str


EXPECTED: tuple[Expected, ...] = (
    Expected(
        name="blog",
        classes=frozenset({"User", "Post", "Comment"}),
        tables=frozenset({"users", "posts", "comments"}),
        primary_keys={"users": ("id",), "posts": ("id",), "comments": ("id",)},
        defaults={"User.bio": "Auteur·rice — bio à venir ✍️"},
        insert="""
with Session(engine) as s:
    u = ns["User"](email="zoe@example.com", username="zoë", hashed_password="x")
    u.posts.append(ns["Post"](title="Café crème", slug="cafe-creme", body="…"))
    s.add(u)
    s.commit()
    s.refresh(u)
    print(json.dumps({"User.bio": u.bio}))
""",
    ),
    Expected(
        name="shop",
        classes=frozenset({"Customer", "Product", "Tag", "Order", "OrderItem"}),
        tables=frozenset(
            {"customers", "products", "tags", "product_tags", "orders", "order_items"}
        ),
        primary_keys={
            "customers": ("id",),
            "order_items": ("order_id", "product_id"),
            "product_tags": ("product_id", "tag_id"),
        },
        defaults={"Order.note": "—"},
        insert="""
from decimal import Decimal
with Session(engine) as s:
    c = ns["Customer"](email="a@example.com", name="Åsa", hashed_password="x")
    p = ns["Product"](sku="TEA-1", name="Thé vert 緑茶", price=Decimal("19.99"))
    p.tags.append(ns["Tag"](name="🔥 promo"))
    o = ns["Order"](customer=c)
    o.items.append(ns["OrderItem"](product=p, quantity=2, unit_price=Decimal("19.99")))
    s.add(o)
    s.commit()
    s.refresh(o)
    print(json.dumps({"Order.note": o.note}))
""",
    ),
    Expected(
        name="heroes",
        classes=frozenset({"Team", "Hero"}),
        tables=frozenset({"team", "hero"}),
        primary_keys={"team": ("id",), "hero": ("id",)},
        defaults={"Team.motto": "Toujours prêts ⚡"},
        insert="""
with Session(engine) as s:
    t = ns["Team"](name="Z-Force", headquarters="新宿")
    s.add(ns["Hero"](name="Deadpond", secret_name="Dive Wilson", team=t))
    s.commit()
    s.refresh(t)
    print(json.dumps({"Team.motto": t.motto}))
""",
    ),
    Expected(
        name="forum",
        classes=frozenset({"User", "Category", "Topic", "Reply", "Tag"}),
        tables=frozenset({"users", "category", "topics", "reply", "tag", "topic_tags"}),
        primary_keys={"category": ("id",), "topic_tags": ("topic_id", "tag_id")},
        defaults={"Category.icon": "💬"},
        insert="""
with Session(engine) as s:
    u = ns["User"](username="amélie", email="a@example.com", password_hash="x")
    c = ns["Category"](name="Entraide")
    t = ns["Topic"](title="Bonjour 👋", body="…", author=u, category=c)
    t.tags.append(ns["Tag"](name="débutant"))
    t.replies.append(ns["Reply"](body="Bienvenue !", author=u))
    s.add(t)
    s.commit()
    s.refresh(c)
    print(json.dumps({"Category.icon": c.icon}))
""",
    ),
)

# Runs in the child: import the example from its path, then describe it as JSON.
CHILD = """
import json, runpy, sys
import sqlalchemy as sa
from sqlalchemy.orm import Session, configure_mappers

path, style = sys.argv[1], sys.argv[2]
ns = runpy.run_path(path, run_name="example_models")
if style == "sqlmodel":
    import sqlmodel.main
    registry, metadata = sqlmodel.main.default_registry, ns["SQLModel"].metadata
elif style == "flask":
    registry, metadata = ns["db"].Model.registry, ns["db"].metadata
else:
    registry, metadata = ns["Base"].registry, ns["Base"].metadata
configure_mappers()
engine = sa.create_engine("sqlite://")
metadata.create_all(engine)
print(json.dumps({
    "classes": sorted(m.class_.__name__ for m in registry.mappers),
    "tables": sorted(metadata.tables),
    "created": sorted(sa.inspect(engine).get_table_names()),
    "primary_keys": {
        name: [c.name for c in table.primary_key.columns]
        for name, table in metadata.tables.items()
    },
}))
"""

STYLE = {"blog": "typed", "shop": "classic", "heroes": "sqlmodel", "forum": "flask"}


def _run_child(example: Expected) -> tuple[dict[str, Any], dict[str, str]]:
    path = EXAMPLES / example.name / "models.py"
    code = CHILD + example.insert
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path), STYLE[example.name]],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2, proc.stdout
    return json.loads(lines[0]), json.loads(lines[1])


@pytest.mark.slow
@pytest.mark.parametrize("example", EXPECTED, ids=lambda e: e.name)
def test_example_imports_maps_and_creates_schema(example: Expected) -> None:
    info, defaults = _run_child(example)
    assert set(info["classes"]) == example.classes
    assert len(info["classes"]) == len(example.classes)
    assert set(info["tables"]) == example.tables
    assert set(info["created"]) == example.tables
    for table, key in example.primary_keys.items():
        assert tuple(info["primary_keys"][table]) == key, table
    assert defaults == example.defaults


def _string_defaults(tree: ast.AST) -> list[str]:
    """String constants passed as default= / server_default= anywhere in the module."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"default", "server_default"}:
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.append(value.value)
    return found


@pytest.mark.parametrize("example", EXPECTED, ids=lambda e: e.name)
def test_example_has_non_ascii_text(example: Expected) -> None:
    source = (EXAMPLES / example.name / "models.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert not source.isascii()
    docstring = ast.get_docstring(tree)
    assert docstring, "module docstring"
    assert any(not value.isascii() for value in _string_defaults(tree))
    comments = [line for line in source.splitlines() if line.lstrip().startswith("#")]
    assert comments, "comments"
    docstrings = [
        ast.get_docstring(node) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    ]
    assert any(d and not d.isascii() for d in docstrings), "a non-ASCII class docstring"


def _tool(name: str) -> str:
    exe = VENV_BIN / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    assert found is not None, f"{name} is not installed: run .ci/setup"
    return found


@pytest.mark.slow
def test_examples_pass_ruff() -> None:
    ruff = _tool("ruff")
    # The repo configuration excludes examples/, so lint them in isolation.
    common = ["--isolated", "--line-length", "100"]
    paths = [str(EXAMPLES / e.name / "models.py") for e in EXPECTED]
    check = subprocess.run(
        [ruff, "check", *common, "--select", "E,F,W,I,UP,B", *paths],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", *common, *paths], capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", ["blog", "heroes"])
def test_typed_examples_pass_mypy_strict(name: str) -> None:
    mypy = _tool("mypy")
    proc = subprocess.run(
        [mypy, "--strict", str(EXAMPLES / name / "models.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
