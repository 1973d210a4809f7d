"""Pydantic v2 rules (CSM2xx): hits, near misses, fixes, and fixed code that runs on Pydantic 2.

Fixture conventions (tests/rules/fixtures/pydantic/):
- `csmNNN.py` (and `csmNNN_<case>.py`): every line that must produce a finding of rule
  CSMNNN ends with a `# CSMNNN` marker (repeated when it produces several); unmarked
  lines are near misses.
- `csmNNN_fix_<case>_before.py` / `..._after.py`: the first finding's fix turns the
  one into the other; the after file runs under Pydantic 2 with deprecation
  warnings turned into errors (it exercises itself with module-level asserts).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from harness import assert_fix, findings, fixture, fixture_names, fixture_path, lines_of

GROUP = "pydantic"
CODES = ("CSM201", "CSM202", "CSM203", "CSM204", "CSM205", "CSM206", "CSM207", "CSM208")
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


CHECKED = [name for name in fixture_names(GROUP, "csm") if "_fix" not in name]


def test_every_rule_has_fixtures() -> None:
    assert {name[:6].upper() for name in CHECKED} == set(CODES)


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
    before = fixture(GROUP, f"{case}_before.py")
    after = fixture(GROUP, f"{case}_after.py")
    assert_fix(before, after, code)


def test_fixed_fixtures_run_on_pydantic_v2() -> None:
    """Each `_after.py` imports and exercises itself under Pydantic 2, deprecations as errors."""
    paths = [str(fixture_path(GROUP, f"{case}_after.py")) for case in FIX_CASES]
    script = (
        "import json, runpy, sys, warnings\n"
        "import pydantic\n"
        "assert pydantic.VERSION.startswith('2.'), pydantic.VERSION\n"
        "failed = {}\n"
        "for path in sys.argv[1:]:\n"
        "    with warnings.catch_warnings():\n"
        "        warnings.simplefilter('error', DeprecationWarning)\n"
        "        try:\n"
        "            runpy.run_path(path)\n"
        "        except BaseException as exc:\n"
        "            failed[path] = f'{type(exc).__name__}: {exc}'\n"
        "print(json.dumps(failed))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {}
    assert len(paths) >= 14


def test_before_fixtures_are_v1_code() -> None:
    """The 'before' files really are what Pydantic 2 rejects or deprecates (the rules are
    not flagging v2 code): each fails to run or warns when deprecations are errors."""
    paths = [str(fixture_path(GROUP, f"{case}_before.py")) for case in FIX_CASES]
    script = (
        "import json, runpy, sys, warnings\n"
        "ran = []\n"
        "for path in sys.argv[1:]:\n"
        "    with warnings.catch_warnings():\n"
        "        warnings.simplefilter('error')\n"
        "        try:\n"
        "            runpy.run_path(path)\n"
        "        except BaseException:\n"
        "            continue\n"
        "    ran.append(path)\n"
        "print(json.dumps(ran))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, check=True
    )
    # CSM206's and CSM207's 'before' files import fine but their own asserts fail on v2.
    ran = [Path(p).name for p in json.loads(result.stdout)]
    assert ran == []


def test_csm202_receiver_from_workspace() -> None:
    schemas = "from pydantic import BaseModel\n\nclass ItemCreate(BaseModel):\n    name: str\n"
    router = (
        "from app.schemas import ItemCreate\n\n"
        "def create(payload: ItemCreate, other: dict[str, str]) -> None:\n"
        "    payload.dict()\n"
        "    other.copy()\n"
    )
    found = findings(router, "CSM202", "app/routers.py", {"app/schemas.py": schemas})
    assert lines_of(found) == [4]
    # Without the schema in the workspace the receiver is unknown: silent.
    assert findings(router, "CSM202", "app/routers.py") == []


def test_csm202_orm_model_with_schema_name_is_not_pydantic() -> None:
    models = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "class Item(Base):\n    __tablename__ = 'items'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    other = "from pydantic import BaseModel\n\nclass Item(BaseModel):\n    id: int\n"
    user = "from app.models import Item\n\ndef f(item: Item) -> None:\n    item.copy()\n"
    found = findings(user, "CSM202", "app/x.py", {"app/models.py": models, "app/schemas.py": other})
    assert found == []


def test_csm201_positions_under_non_ascii() -> None:
    source = (
        "from pydantic import BaseModel\n\n"
        "class Überschrift(BaseModel):\n"
        "    titel: str = 'Grüße'\n\n"
        "    class Config:\n"
        "        anystr_strip_whitespace = True\n"
    )
    expected = source.replace(
        "class Config:\n        anystr_strip_whitespace = True",
        "model_config = ConfigDict(str_strip_whitespace=True)",
    ).replace("import BaseModel", "import BaseModel, ConfigDict")
    assert_fix(source, expected, "CSM201")


def test_csm201_unknown_key_has_no_fix() -> None:
    found = findings(fixture(GROUP, "csm201.py"), "CSM201")
    by_line = {f.span.line: f for f in found}
    assert by_line[8].fix is not None and by_line[15].fix is not None
    assert by_line[22].fix is None  # `fields` has no v2 form


def test_csm204_unmechanical_forms_have_no_fix() -> None:
    found = {f.span.line: f for f in findings(fixture(GROUP, "csm204.py"), "CSM204")}
    assert found[10].fix is not None and found[18].fix is not None
    for line in (14, 22, 26):  # `values` parameter, post root validator, always=True
        assert found[line].fix is None


def test_csm205_removed_arguments_have_no_fix() -> None:
    found = findings(fixture(GROUP, "csm205.py"), "CSM205")
    const = [f for f in found if "(const=" in f.message]
    assert len(const) == 1 and const[0].fix is None


def test_csm206_fix_is_unsafe_and_csm207_fix_is_safe() -> None:
    f206 = findings(fixture(GROUP, "csm206_fix_before.py"), "CSM206")[0]
    f207 = findings(fixture(GROUP, "csm207_fix_new_before.py"), "CSM207")[0]
    assert f206.fix is not None and not f206.fix.safe
    assert f207.fix is not None and f207.fix.safe


def test_csm207_schema_in_another_file_reported_without_fix() -> None:
    schemas = "from pydantic import BaseModel\n\nclass UserPublic(BaseModel):\n    id: int\n"
    models = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    router = (
        "from fastapi import APIRouter\n"
        "from app.models import User\n"
        "from app.schemas import UserPublic\n\n"
        "router = APIRouter()\n\n"
        "@router.get('/users/{user_id}')\n"
        "def get_user(user_id: int, db) -> UserPublic:\n"
        "    return db.get(User, user_id)\n"
    )
    found = findings(
        router, "CSM207", "app/routers.py", {"app/schemas.py": schemas, "app/models.py": models}
    )
    assert lines_of(found) == [8]
    assert found[0].fix is None


@pytest.mark.parametrize("code", ["CSM201", "CSM202", "CSM204", "CSM205"])
def test_pydantic_v1_namespace_is_left_alone(code: str) -> None:
    source = fixture(GROUP, "csm201_v1_namespace.py")
    assert findings(source, code) == []
    # The same code importing from `pydantic` itself is reported.
    assert findings(source.replace("pydantic.v1", "pydantic"), code) != []


def test_fixes_keep_windows_line_breaks() -> None:
    before = fixture(GROUP, "csm201_fix_orm_before.py").replace("\n", "\r\n")
    after = fixture(GROUP, "csm201_fix_orm_after.py").replace("\n", "\r\n")
    assert_fix(before, after, "CSM201")
    before = fixture(GROUP, "csm207_fix_new_before.py").replace("\n", "\r\n")
    after = fixture(GROUP, "csm207_fix_new_after.py").replace("\n", "\r\n")
    assert_fix(before, after, "CSM207")


def test_csm201_fix_dropping_comments_is_unsafe() -> None:
    source = fixture(GROUP, "csm201_fix_settings_before.py")
    assert findings(source, "CSM201")[0].fix.safe  # type: ignore[union-attr]
    commented = source.replace('env_prefix = "DEMO_"', 'env_prefix = "DEMO_"  # per deployment')
    fix = findings(commented, "CSM201")[0].fix
    assert fix is not None and not fix.safe


def test_csm201_settings_fix_removes_the_extra_import() -> None:
    before = (
        "from pydantic import Extra\n"
        "from pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n"
        "    debug: bool = False\n\n"
        "    class Config:\n"
        "        extra = Extra.ignore\n"
    )
    after = (
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
        "class Settings(BaseSettings):\n"
        "    debug: bool = False\n\n"
        '    model_config = SettingsConfigDict(extra="ignore")\n'
    )
    assert_fix(before, after, "CSM201")
