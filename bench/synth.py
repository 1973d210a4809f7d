"""Deterministic synthetic inputs for crudsmith's benchmarks.

`synth_models(n)` writes one SQLAlchemy 2.0 typed models file with `n` models
(about 30 lines each) that real SQLAlchemy accepts: every model has an integer
primary key, 6-10 typed columns of varied kinds, non-ASCII docstrings and
comments, and (after the first) a foreign key to an earlier model with the
matching `relationship` on both sides.

`synth_tree(root, files)` writes a workspace of Python files (models modules,
FastAPI routers that import those models, plain modules) for language-server
and `crudsmith check` benchmarks.

Run `python bench/synth.py --validate` to import a generated 20-model file with
real SQLAlchemy in a subprocess and configure its mappers, and to check that a
generated tree parses.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- vocabulary

NOUNS = (
    "Account", "Invoice", "Ledger", "Shipment", "Warehouse", "Supplier", "Contract",
    "Project", "Ticket", "Sensor", "Reading", "Booking", "Voucher", "Campaign", "Device",
    "Article", "Author", "Review", "Course", "Lesson", "Patient", "Visit", "Payment",
    "Vehicle", "Route", "Station", "Parcel", "Recipe", "Ingredient", "Library",
)  # fmt: skip

# Non-ASCII on purpose: crudsmith must keep UTF-8 byte columns and str offsets apart.
DOC_PHRASES = (
    "Données de référence — mises à jour chaque nuit.",
    "Enregistrement métier : ne pas supprimer à la légère ⚠️.",
    "参照データ。変更は監査ログに記録されます。",
    "Größe und Maße in SI-Einheiten — immer!",
    "Registro histórico; la fecha de creación es inmutable ✅.",
    "Справочные данные, изменяются редко.",
    "Entité « cœur » du domaine, exposée par l'API 🚀.",
)

COMMENTS = (
    "# montant TTC en €, jamais un float",
    "# 名前は一意ではありません",
    "# valeur par défaut côté serveur — voir la migration",
    "# ¿nulo? sí: rempli plus tard par un job",
    "# indexé pour les filtres de liste 🔎",
    "# Größe in Zeichen, siehe Spezifikation",
)

ENUMS: dict[str, tuple[str, ...]] = {
    "Status": ("draft", "active", "archived"),
    "Priority": ("low", "normal", "high", "urgent"),
    "Region": ("emea", "amer", "apac"),
    "Channel": ("web", "mobile", "store", "partner"),
    "Grade": ("a", "b", "c", "d"),
}

STRING_DEFAULTS = ("—", "à définir", "未設定", "n/a", "🟢 ok")


@dataclass
class _Model:
    index: int
    name: str
    table: str
    parent: int | None
    children: list[int] = field(default_factory=list)


def _snake(name: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isdigit():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _plan(n: int, rng: random.Random) -> list[_Model]:
    models: list[_Model] = []
    for i in range(n):
        noun = NOUNS[i % len(NOUNS)]
        name = f"{noun}{i}"
        parent = rng.randrange(i) if i else None
        models.append(_Model(i, name, f"{_snake(noun)}_{i}", parent))
        if parent is not None:
            models[parent].children.append(i)
    return models


# Column makers: each returns the `attr: Mapped[...] = mapped_column(...)` line for `attr`.
ColumnMaker = Callable[[random.Random, str], str]


def _string(rng: random.Random, attr: str) -> str:
    length = rng.choice((32, 50, 100, 120, 200, 255))
    flags = rng.choice(("", ", index=True", ", unique=True", ", unique=True, index=True"))
    return f"{attr}: Mapped[str] = mapped_column(String({length}){flags})"


def _nullable_string(rng: random.Random, attr: str) -> str:
    length = rng.choice((40, 80, 160))
    return f"{attr}: Mapped[str | None] = mapped_column(String({length}), nullable=True)"


def _string_default(rng: random.Random, attr: str) -> str:
    default = rng.choice(STRING_DEFAULTS)
    kw = rng.choice(("default", "server_default"))
    return f'{attr}: Mapped[str] = mapped_column(String(40), {kw}="{default}")'


def _text(rng: random.Random, attr: str) -> str:
    if rng.random() < 0.5:
        return f"{attr}: Mapped[str | None] = mapped_column(Text, nullable=True)"
    return f"{attr}: Mapped[str] = mapped_column(Text)"


def _numeric(rng: random.Random, attr: str) -> str:
    return f"{attr}: Mapped[Decimal] = mapped_column(Numeric(10, 2))"


def _int(rng: random.Random, attr: str) -> str:
    flags = rng.choice(("", ", index=True", ", default=0"))
    return f"{attr}: Mapped[int] = mapped_column(Integer{flags})"


def _float(rng: random.Random, attr: str) -> str:
    return f"{attr}: Mapped[float | None] = mapped_column(Float, nullable=True)"


def _bool(rng: random.Random, attr: str) -> str:
    return f"{attr}: Mapped[bool] = mapped_column(Boolean, default={rng.choice(('True', 'False'))})"


def _date(rng: random.Random, attr: str) -> str:
    return f"{attr}: Mapped[date | None] = mapped_column(Date, nullable=True)"


def _enum(rng: random.Random, attr: str) -> str:
    enum_name = rng.choice(sorted(ENUMS))
    member = ENUMS[enum_name][0].upper()
    return (
        f"{attr}: Mapped[{enum_name}] = mapped_column("
        f"Enum({enum_name}), default={enum_name}.{member}, index=True)"
    )


def _json(rng: random.Random, attr: str) -> str:
    return f"{attr}: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)"


COLUMN_POOL: tuple[tuple[str, ColumnMaker], ...] = (
    ("name", _string),
    ("code", _string),
    ("label", _nullable_string),
    ("note", _string_default),
    ("description", _text),
    ("amount", _numeric),
    ("quantity", _int),
    ("score", _float),
    ("is_active", _bool),
    ("valid_from", _date),
    ("status", _enum),
    ("extra", _json),
)


def _render_model(model: _Model, models: list[_Model], rng: random.Random) -> list[str]:
    phrase = DOC_PHRASES[model.index % len(DOC_PHRASES)]
    lines = [
        "",
        "",
        f"class {model.name}(Base):",
        f'    """{model.name}: {phrase}',
        "",
        f"    Modèle synthétique n° {model.index} — généré pour les benchmarks.",
        '    """',
        "",
        f'    __tablename__ = "{model.table}"',
        "",
        "    id: Mapped[int] = mapped_column(primary_key=True)",
    ]
    count = rng.randint(6, 10)
    chosen = rng.sample(COLUMN_POOL, count)
    for position, (attr, maker) in enumerate(chosen):
        if position % 3 == 1:
            lines.append("    " + COMMENTS[(model.index + position) % len(COMMENTS)])
        lines.append("    " + maker(rng, attr))
    lines.append(
        "    created_at: Mapped[datetime] = mapped_column("
        "DateTime(timezone=True), server_default=func.now())"
    )
    if model.parent is not None:
        parent = models[model.parent]
        lines.append(
            f"    {_snake(NOUNS[parent.index % len(NOUNS)])}_id: Mapped[int] = mapped_column("
            f'ForeignKey("{parent.table}.id", ondelete="CASCADE"), index=True)'
        )
        lines.append(
            f'    {_parent_attr(parent)}: Mapped["{parent.name}"] = relationship('
            f'back_populates="{_children_attr(model)}")'
        )
    for child_index in model.children:
        child = models[child_index]
        lines.append(
            f'    {_children_attr(child)}: Mapped[list["{child.name}"]] = relationship('
            f'back_populates="{_parent_attr(model)}", cascade="all, delete-orphan")'
        )
    return lines


def _parent_attr(parent: _Model) -> str:
    return _snake(NOUNS[parent.index % len(NOUNS)])


def _children_attr(child: _Model) -> str:
    return f"{child.table}_items"


HEADER = '''"""Synthetic models ({n} models, seed {seed}) — généré automatiquement, ne pas éditer.

Produced by bench/synth.py for crudsmith's benchmarks. 日本語のテキストも含みます。
"""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Base déclarative commune."""
'''


def synth_models(n: int, *, seed: int = 0) -> str:
    """A SQLAlchemy 2.0 typed models file with `n` models; the same text for the same inputs."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    models = _plan(n, rng)
    parts = [HEADER.format(n=n, seed=seed)]
    for enum_name, values in ENUMS.items():
        parts.append("")
        parts.append("")
        parts.append(f"class {enum_name}(enum.StrEnum):")
        parts.append(f'    """Valeurs possibles de « {enum_name} »."""')
        parts.append("")
        parts.extend(f'    {value.upper()} = "{value}"' for value in values)
    for model in models:
        parts.extend(_render_model(model, models, rng))
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- workspace tree

ROUTER_TEMPLATE = '''"""Routes for {model} — écrites à la main (synthétique)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from {package}.db import get_session
from {package}.models import {model}

router = APIRouter(prefix="/{table}", tags=["{table}"])
SessionDep = Annotated[Session, Depends(get_session)]


@router.get("/{{item_id}}")
{async_kw}def read_{table}(item_id: int, db: SessionDep) -> dict[str, object]:
    """Lire un élément — 404 s'il n'existe pas."""
    item = db.get({model}, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="introuvable")
    return {{"id": item.id}}


@router.get("/")
def list_{table}(db: SessionDep, skip: int = 0, limit: int = 50) -> list[int]:
    rows = db.scalars(select({model}).order_by({model}.id).offset(skip).limit(limit))
    return [row.id for row in rows]
'''

SCHEMA_OLD_STYLE = """

from pydantic import BaseModel


class {model}Out(BaseModel):
    id: int

    class Config:  # Pydantic v1 idiom, kept so that `crudsmith check` has work to do
        orm_mode = True
"""

DB_MODULE = '''"""Session factory for {package}."""

from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite:///./{package}.db")
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
'''

PLAIN_TEMPLATE = '''"""Utilitaires n° {index} — aucune dépendance à la base 🧰."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item{index}:
    """Une valeur simple : « {word} »."""

    name: str
    weight: float = 1.0

    def scaled(self, factor: float) -> "Item{index}":
        return Item{index}(self.name, self.weight * factor)


def total_{index}(items: list[Item{index}]) -> float:
    # somme pondérée — Σ poids
    return sum(item.weight for item in items)


def describe_{index}(item: Item{index}) -> str:
    return f"{{item.name}} ({{item.weight:.2f}}) — {word}"
'''


def synth_tree(root: Path, files: int = 300, *, seed: int = 0) -> list[Path]:
    """Write a workspace of `files` Python files under `root`; return their paths.

    The tree has packages `app/pkg_NN/`, each with `__init__.py`, `db.py`, a
    `models.py` (5-15 models), routers importing those models (one in five
    with an `async def` over a sync Session, one in four with a Pydantic v1
    `class Config`), and plain utility modules. About 10% of files are models
    modules, 30% routers, the rest plain modules.
    """
    if files < 4:
        raise ValueError("files must be at least 4")
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    (root / "pyproject.toml").write_text(
        '[project]\nname = "synthetic-workspace"\nversion = "0.0.0"\n', encoding="utf-8"
    )
    write(root / "app" / "__init__.py", '"""Espace de travail synthétique."""\n')
    # Per package: __init__, db, models, 3 routers, 4 plain = 10 files.
    packages = max(1, (files - 1) // 10)
    router_count = 0
    plain_count = 0
    for k in range(packages):
        package = f"pkg_{k:02d}"
        pkg_dir = root / "app" / package
        write(pkg_dir / "__init__.py", "")
        write(pkg_dir / "db.py", DB_MODULE.format(package=f"app.{package}"))
        n_models = rng.randint(5, 15)
        write(pkg_dir / "models.py", synth_models(n_models, seed=seed * 1000 + k))
        names = [f"{NOUNS[i % len(NOUNS)]}{i}" for i in range(n_models)]
        for r in range(3):
            model = names[rng.randrange(n_models)]
            table = f"{_snake(model)}_{r}"
            text = ROUTER_TEMPLATE.format(
                model=model,
                package=f"app.{package}",
                table=table,
                async_kw="async " if router_count % 5 == 0 else "",
            )
            if router_count % 4 == 0:
                text += SCHEMA_OLD_STYLE.format(model=model)
            write(pkg_dir / "routers" / f"r{r}.py", text)
            router_count += 1
        write(pkg_dir / "routers" / "__init__.py", "")
        for _ in range(2):
            write(
                pkg_dir / f"util_{plain_count}.py",
                PLAIN_TEMPLATE.format(index=plain_count, word=rng.choice(STRING_DEFAULTS)),
            )
            plain_count += 1
    # Top up with plain modules until the requested count is reached.
    extra = root / "app" / "common"
    while len(written) < files:
        if not (extra / "__init__.py").exists():
            write(extra / "__init__.py", "")
            continue
        write(
            extra / f"util_{plain_count}.py",
            PLAIN_TEMPLATE.format(index=plain_count, word=rng.choice(STRING_DEFAULTS)),
        )
        plain_count += 1
    return written


# --------------------------------------------------------------------------- validation

VALIDATE_CHILD = """
import json, runpy, sys
import sqlalchemy as sa
from sqlalchemy.orm import configure_mappers

ns = runpy.run_path(sys.argv[1], run_name="synthetic_models")
configure_mappers()
base = ns["Base"]
engine = sa.create_engine("sqlite://")
base.metadata.create_all(engine)
print(json.dumps({
    "mappers": len(base.registry.mappers),
    "tables": len(sa.inspect(engine).get_table_names()),
}))
"""


def validate(n: int = 20) -> None:
    """Import an n-model synthetic file with real SQLAlchemy in a subprocess; raise on failure."""
    text = synth_models(n)
    assert text == synth_models(n), "synth_models is not deterministic"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "models.py"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", VALIDATE_CHILD, str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"synthetic {n}-model file failed to import:\n{proc.stderr}")
        counts = json.loads(proc.stdout)
        if counts != {"mappers": n, "tables": n}:
            raise RuntimeError(f"expected {n} mappers and tables, got {counts}")
        lines = text.count("\n")
        print(f"models: {n} models, {lines} lines ({lines / n:.1f}/model), mappers configured")

        tree_root = Path(tmp) / "tree"
        paths = synth_tree(tree_root, 300)
        if len(paths) != 300:
            raise RuntimeError(f"synth_tree wrote {len(paths)} files, expected 300")
        for p in paths:
            ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
        kinds = {
            "models": sum(p.name == "models.py" for p in paths),
            "routers": sum(p.parent.name == "routers" and p.name != "__init__.py" for p in paths),
        }
        kinds["other"] = len(paths) - kinds["models"] - kinds["routers"]
        print(f"tree: {len(paths)} files parse ({kinds})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--validate", action="store_true", help="check the generated code")
    parser.add_argument("--models", type=int, metavar="N", help="print an N-model file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tree", type=Path, metavar="DIR", help="write a workspace tree")
    parser.add_argument("--files", type=int, default=300, help="files in --tree (default 300)")
    args = parser.parse_args(argv)
    if args.validate:
        validate()
    if args.models is not None:
        sys.stdout.write(synth_models(args.models, seed=args.seed))
    if args.tree is not None:
        paths = synth_tree(args.tree, args.files, seed=args.seed)
        print(f"wrote {len(paths)} files under {args.tree}")
    if not (args.validate or args.models is not None or args.tree is not None):
        parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
