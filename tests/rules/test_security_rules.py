"""Security rules (CSM3xx): hits, near misses and fixes.

Fixture conventions (tests/rules/fixtures/security/), as for the Pydantic rules:
- `csmNNN.py` (and `csmNNN_<case>.py`): lines that must produce a finding of CSMNNN
  end with a `# CSMNNN` marker; every other line is a near miss.
- `csmNNN_fix_<case>_before.py` / `..._after.py`: the first finding's fix.
"""

from __future__ import annotations

import pytest
from harness import assert_fix, findings, fixture, fixture_names, lines_of

GROUP = "security"
CHECKED = [
    name for name in fixture_names(GROUP, "csm") if "_fix" not in name and name.endswith(".py")
]
FIX_CASES = [
    name.removesuffix("_before.py")
    for name in fixture_names(GROUP)
    if "_fix" in name and name.endswith("_before.py")
]


def marked_lines(source: str, code: str) -> list[int]:
    """The lines carrying a `# CSMNNN` marker, once per occurrence of `code` in the marker."""
    lines: list[int] = []
    for number, line in enumerate(source.splitlines(), start=1):
        _, hash_, comment = line.partition("# ")
        if hash_:
            lines += [number] * comment.split().count(code)
    return lines


def test_every_rule_has_fixtures() -> None:
    codes = {name[:6].upper() for name in CHECKED}
    assert codes == {f"CSM30{n}" for n in range(1, 10)}


@pytest.mark.parametrize("name", CHECKED)
def test_fires_exactly_on_marked_lines(name: str) -> None:
    code = name[:6].upper()
    source = fixture(GROUP, name)
    found = findings(source, code)
    assert lines_of(found) == marked_lines(source, code)
    for finding in found:
        assert "\n" not in finding.message and "`" in finding.message


@pytest.mark.parametrize("case", FIX_CASES)
def test_fix_before_after(case: str) -> None:
    code = case.split("_")[0].upper()
    assert_fix(fixture(GROUP, f"{case}_before.py"), fixture(GROUP, f"{case}_after.py"), code)


def test_unsafe_fixes_are_marked() -> None:
    unsafe = {"CSM301", "CSM302", "CSM304", "CSM305", "CSM306"}
    for case in FIX_CASES:
        code = case.split("_")[0].upper()
        fix = findings(fixture(GROUP, f"{case}_before.py"), code)[0].fix
        assert fix is not None
        assert fix.safe is (code not in unsafe), case


def test_csm301_fix_only_when_current_user_is_visible() -> None:
    source = fixture(GROUP, "csm301.py")
    found = findings(source, "CSM301")
    assert all(f.fix is not None for f in found)  # CurrentUser is defined in the file
    without = (
        "from fastapi import APIRouter\n"
        "from app.deps import get_current_user\n\n"
        "router = APIRouter()\n\n"
        "@router.post('/items')\n"
        "def create_item(name: str) -> None:\n"
        "    return None\n"
    )
    found = findings(without, "CSM301")
    assert lines_of(found) == [6] and found[0].fix is None


def test_csm301_router_included_with_auth_elsewhere() -> None:
    router = (
        "from fastapi import APIRouter\n\n"
        "router = APIRouter()\n\n"
        "@router.post('/items')\n"
        "def create_item(name: str) -> None:\n"
        "    return None\n"
    )
    main = (
        "from fastapi import Depends, FastAPI\n"
        "from app.deps import get_current_user\n"
        "from app.routers import items, tags\n\n"
        "app = FastAPI()\n"
        "app.include_router(items.router, dependencies=[Depends(get_current_user)])\n"
        "app.include_router(tags.router)\n"
    )
    guarded = findings(router, "CSM301", "app/routers/items.py", {"app/main.py": main})
    assert guarded == []
    open_ = findings(router, "CSM301", "app/routers/tags.py", {"app/main.py": main})
    assert lines_of(open_) == [5]


def test_csm301_auth_defined_in_another_file() -> None:
    deps = "def get_current_user() -> str:\n    return 'u'\n"
    router = fixture(GROUP, "csm301_noauth.py")
    assert findings(router, "CSM301") == []
    assert lines_of(findings(router, "CSM301", "app/r.py", {"app/deps.py": deps})) == [7]


def test_csm302_orm_from_workspace_models() -> None:
    models = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    password_hash: Mapped[str]\n"
    )
    router = (
        "from fastapi import APIRouter\n"
        "from app.models import User\n\n"
        "router = APIRouter()\n\n"
        "@router.post('/users')\n"
        "def create(db, email: str):\n"
        "    user = User(email=email, password_hash='')\n"
        "    db.add(user)\n"
        "    return user\n"
    )
    found = findings(router, "CSM302", "app/r.py", {"app/models.py": models})
    assert lines_of(found) == [6]
    assert "password_hash" in found[0].message


def test_csm302_drop_only_field_leaves_pass() -> None:
    before = "from pydantic import BaseModel\n\nclass SecretOut(BaseModel):\n    secret: str\n"
    after = "from pydantic import BaseModel\n\nclass SecretOut(BaseModel):\n    pass\n"
    assert_fix(before, after, "CSM302")


def test_csm303_from_import_decode() -> None:
    source = "from jwt import decode\n\ndef f(t: str) -> object:\n    return decode(t, 'k')\n"
    assert lines_of(findings(source, "CSM303")) == [4]
    unrelated = "from base64 import b64decode as decode\n\ndef f(t: str) -> object:\n"
    unrelated += "    return decode(t, 'k')\n"
    assert findings(unrelated, "CSM303") == []


def test_csm308_models_from_workspace() -> None:
    models = fixture(GROUP, "csm308.py").split("def get_current_user")[0]
    router = (
        "from app.models import Post\n"
        "from fastapi import APIRouter\n\n"
        "router = APIRouter()\n\n"
        "@router.delete('/posts/{post_id}')\n"
        "def delete_post(post_id: int, db, current_user) -> None:\n"
        "    db.delete(db.get(Post, post_id))\n"
    )
    found = findings(router, "CSM308", "app/r.py", {"app/models.py": models})
    assert lines_of(found) == [6]
    assert "author_id" in found[0].message


def test_csm301_fix_imports_current_user_from_the_workspace() -> None:
    deps = "from typing import Annotated\n\nCurrentUser = Annotated[str, 'user']\n"
    before = (
        "from fastapi import APIRouter\n\n"
        "from app.db import SessionDep\n\n"
        "router = APIRouter()\n\n\n"
        "@router.post('/items')\n"
        "def create_item(db: SessionDep) -> None:\n"
        "    return None\n"
    )
    after = before.replace(
        "from app.db import SessionDep\n",
        "from app.db import SessionDep\nfrom app.deps import CurrentUser\n",
    ).replace("db: SessionDep)", "db: SessionDep, current_user: CurrentUser)")
    workspace = {"/proj/app/deps.py": deps}
    assert_fix(before, after, "CSM301", "/proj/app/routers/items.py", workspace)
    # No import path can be derived (nothing imported from the `app` package): no fix.
    alone = before.replace("from app.db import SessionDep\n", "").replace("db: SessionDep", "")
    found = findings(alone, "CSM301", "/proj/app/routers/items.py", workspace)
    assert len(found) == 1 and found[0].fix is None


def test_positions_with_non_ascii_text_before_the_finding() -> None:
    source = (
        "from pydantic import BaseModel\n\n"
        "class Item(BaseModel):\n    name: str\n\n"
        "def show(item: Item) -> None:\n"
        "    print('Grüße, 日本', item.dict())\n"
    )
    expected = source.replace("item.dict()", "item.model_dump()")
    assert_fix(source, expected, "CSM202")
