"""CSM4xx (SQLAlchemy / async) rules: where they fire, near misses, every fix before -> after."""

from __future__ import annotations

import ast

import pytest
from harness import assert_fix, findings, fixture, lines_of

from crudsmith.rules.registry import rule_by_code

CODES = ["CSM401", "CSM402", "CSM403", "CSM404", "CSM405"]
FIXES = [
    ("CSM401", "csm401_fix"),
    ("CSM402", "csm402_fix_get"),
    ("CSM402", "csm402_fix_first"),
    ("CSM402", "csm402_fix_all"),
    ("CSM403", "csm403_fix"),
    ("CSM403", "csm403_fix_async"),
    ("CSM405", "csm405_fix"),
    ("CSM405", "csm405_fix_stmt"),
]
MODELS_FILE = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


def expected_lines(source: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# expect")]


@pytest.mark.parametrize("code", CODES)
def test_fires_on_marked_lines_only(code: str) -> None:
    source = fixture("sqlalchemy", f"{code.lower()}.py")
    assert expected_lines(source)
    found = findings(source, code, "app/routes.py", {"app/models.py": MODELS_FILE})
    assert lines_of(found) == expected_lines(source)


@pytest.mark.parametrize(("code", "stem"), FIXES)
def test_fix_before_after(code: str, stem: str) -> None:
    before = fixture("sqlalchemy", f"{stem}_before.py")
    assert_fix(before, fixture("sqlalchemy", f"{stem}_after.py"), code)


@pytest.mark.parametrize("code", CODES)
def test_rule_metadata(code: str) -> None:
    rule = rule_by_code(code)
    assert rule is not None
    assert rule.doc.count("```python") == 2
    for block in rule.doc.split("```python")[1:]:
        ast.parse(block.split("```")[0])
    assert rule.fixable == (code in {c for c, _ in FIXES})


def test_async_session_alias_resolved_in_the_workspace() -> None:
    db_module = (
        "from typing import Annotated\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        "SessionDep = Annotated[Session, Depends(get_db)]\n"
        "AsyncDep = Annotated[AsyncSession, Depends(get_adb)]\n\n"
        "def get_conn():\n"
        "    with SessionLocal() as s:\n"
        "        yield s\n"
    )
    routes = (
        "from fastapi import APIRouter, Depends\n"
        "from app.db import AsyncDep, SessionDep, get_conn\n\n"
        "router = APIRouter()\n\n"
        '@router.get("/a")\n'
        "async def a(db: SessionDep) -> None: ...\n"
        '@router.get("/b")\n'
        "async def b(db: AsyncDep) -> None: ...\n"
        '@router.get("/c")\n'
        "async def c(db=Depends(get_conn)) -> None: ...\n"
    )
    found = findings(routes, "CSM401", "app/routes.py", {"app/db.py": db_module})
    assert lines_of(found) == [7, 11]
    # Without the workspace the alias is unknown: no guess.
    assert findings(routes, "CSM401", "app/routes.py") == []


def test_async_fix_not_offered_when_something_is_awaited() -> None:
    source = fixture("sqlalchemy", "csm401_fix_before.py")
    (found,) = findings(source, "CSM401")
    assert found.fix is not None and found.fix.safe
    awaiting = source.replace(
        "    return get_user_or_404(", "    await audit()\n    return get_user_or_404("
    )
    (found,) = findings(awaiting, "CSM401")
    assert found.fix is None


def test_requests_session_is_not_a_database_session() -> None:
    source = (
        "from fastapi import FastAPI, Depends\n"
        "from requests import Session\n\n"
        "app = FastAPI()\n\n"
        '@app.get("/x")\n'
        "async def x(http: Session = Depends(client)) -> None: ...\n"
    )
    assert findings(source, "CSM401") == []


def test_legacy_query_fix_only_for_known_chains() -> None:
    found = findings(fixture("sqlalchemy", "csm402.py"), "CSM402")
    assert [f.fix is not None for f in found] == [True, True, True, False, False, False]
    assert found[0].message == "legacy `db.query(User)`; use select() with scalars()/get()"


def test_legacy_query_fix_reuses_sqlmodel_select() -> None:
    head = "from sqlmodel import Session, select\n\ndef f(db: Session):\n"
    before = head + "    return db.query(Hero).all()\n"
    after = head + "    return db.scalars(select(Hero)).all()\n"
    assert_fix(before, after, "CSM402")


def test_legacy_query_no_fix_when_select_is_something_else() -> None:
    source = "from myapp import select\n\ndef f(db):\n    return db.query(Hero).all()\n"
    (found,) = findings(source, "CSM402")
    assert found.fix is None


def test_never_closed_fix_not_offered_for_multiline_strings() -> None:
    source = 'def get_db():\n    db = SessionLocal()\n    log("""a\nb""")\n    yield db\n'
    (found,) = findings(source, "CSM403")
    assert found.fix is None


def test_orm_body_needs_the_model_known() -> None:
    source = fixture("sqlalchemy", "csm404.py")
    # Without the workspace, `Post` (imported) is not known as a model: only User's two lines.
    assert len(findings(source, "CSM404", "app/routes.py")) == 2
    found = findings(source, "CSM404", "app/routes.py", {"app/models.py": MODELS_FILE})
    assert "ORM model `Post`" in found[1].message


def test_orm_body_ignores_a_same_named_class_from_another_module() -> None:
    source = (
        "from fastapi import APIRouter\n"
        "from app.schemas import Post\n\n"
        "router = APIRouter()\n\n"
        '@router.post("/posts")\n'
        "def create_post(post: Post) -> None: ...\n"
    )
    assert findings(source, "CSM404", "app/routes.py", {"app/models.py": MODELS_FILE}) == []
    package = source.replace("app.schemas", "app.models")
    found = findings(package, "CSM404", "app/routes.py", {"app/models/post.py": MODELS_FILE})
    assert len(found) == 1


def test_legacy_query_fix_with_non_ascii_on_the_line() -> None:
    before = (
        "from sqlalchemy import select\n\n"
        "def f(db: Session):\n"
        '    return db.query(Café).filter(Café.nom == "crème brûlée").first()  # ünï\n'
    )
    after = (
        "from sqlalchemy import select\n\n"
        "def f(db: Session):\n"
        '    return db.scalars(select(Café).where(Café.nom == "crème brûlée").limit(1)).first()'
        "  # ünï\n"
    )
    assert_fix(before, after, "CSM402")


def test_async_fix_after_non_ascii_decorator_line() -> None:
    before = (
        "from fastapi import APIRouter\nfrom sqlalchemy.orm import Session\n\n"
        'router = APIRouter()\n\n\n@router.get("/café")\n'
        "async def café(db: Session) -> None:\n    db.commit()\n"
    )
    assert_fix(before, before.replace("async def café", "def café"), "CSM401")


def test_legacy_query_on_an_async_session_has_no_fix() -> None:
    source = "async def f(db: AsyncSession):\n    return db.query(Hero).all()\n"
    (found,) = findings(source, "CSM402")
    assert found.fix is None


def test_async_session_alias_from_the_workspace_module() -> None:
    db_module = "AsyncDep = Annotated[AsyncSession, Depends(get_db)]\n"
    source = "from app.db import AsyncDep\n\nasync def f(db: AsyncDep):\n    db.commit()\n"
    assert findings(source, "CSM405", "app/x.py") == []
    found = findings(source, "CSM405", "app/x.py", {"app/db.py": db_module})
    assert lines_of(found) == [4]
