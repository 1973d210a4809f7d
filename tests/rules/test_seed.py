"""The seed prompt's Python blocks (../shared/seed/fastapi-endpoint-generator.md), extracted
into tests/rules/fixtures/seed/, produce exactly the findings listed here, and
`crudsmith check --fix` leaves code that parses.

Regenerate the extracts with `python tests/rules/test_seed.py` after the seed changes.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from crudsmith.cli.main import main

HERE = Path(__file__).resolve().parent
SEED_DIR = HERE / "fixtures" / "seed"
SHARED = Path(os.environ.get("CRUDSMITH_SHARED") or HERE.parents[2] / "shared")
SEED_MD = SHARED / "seed" / "fastapi-endpoint-generator.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)

# (file, line, code) of every finding `crudsmith check` reports on the extracts, checked
# together as one workspace. Each line was read and judged a true positive (see below).
EXPECTED: list[tuple[str, int, str]] = [
    ("block_01.py", 16, "CSM201"),  # UserResponse: `class Config` (v1)
    ("block_02.py", 4, "CSM301"),  # POST /users/ creates without any auth dependency
    ("block_02.py", 15, "CSM401"),  # async def create_user over a sync Session
    ("block_02.py", 18, "CSM402"),  # db.query(User).filter(...).first()
    ("block_02.py", 26, "CSM202"),  # user_data.dict()
    ("block_03.py", 9, "CSM402"),  # db.query(User) in get_user
    ("block_03.py", 25, "CSM402"),  # db.query(User) in get_users
    ("block_04.py", 7, "CSM401"),  # async dependency get_current_user over a sync Session
    ("block_04.py", 12, "CSM402"),  # db.query(User) in get_current_user
    ("block_04.py", 20, "CSM106"),  # update_user raises 403, not in responses=
    ("block_04.py", 27, "CSM401"),  # async def update_user over a sync Session
    ("block_05.py", 7, "CSM105"),  # status_code=400 as a bare int
    ("block_05.py", 14, "CSM105"),  # status_code=500 as a bare int
    ("block_06.py", 3, "CSM106"),  # upload_file raises 400, not in responses=
    ("block_06.py", 9, "CSM105"),  # HTTPException(400, ...)
    ("block_06.py", 11, "CSM309"),  # file.size checked after the upload was received
    ("block_06.py", 12, "CSM105"),  # HTTPException(400, ...)
    ("block_07.py", 7, "CSM301"),  # POST /notify/ without auth
    ("block_08.py", 1, "CSM203"),  # from pydantic import BaseSettings
    ("block_08.py", 9, "CSM201"),  # Settings: `class Config` (v1)
]


def extract_blocks(markdown: str) -> dict[str, str]:
    """`block_NN.py` -> the code of the NNth ```python block, in order."""
    return {
        f"block_{number:02d}.py": code
        for number, code in enumerate(_BLOCK.findall(markdown), start=1)
    }


def write_extracts() -> None:
    SEED_DIR.mkdir(parents=True, exist_ok=True)
    for name, code in extract_blocks(SEED_MD.read_text(encoding="utf-8")).items():
        (SEED_DIR / name).write_text(code, encoding="utf-8")


def test_extracts_match_the_seed() -> None:
    """The committed extracts are the seed's blocks (the seed lives beside the repository)."""
    blocks = extract_blocks(SEED_MD.read_text(encoding="utf-8"))
    assert len(blocks) == 8
    committed = {p.name: p.read_text(encoding="utf-8") for p in SEED_DIR.glob("block_*.py")}
    assert committed == blocks, "run `python tests/rules/test_seed.py` to re-extract"


def _findings(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[tuple[str, int, str]]]:
    config = str(root / "pyproject.toml")
    code = main(["check", "--format", "json", "--config", config, str(root)])
    items = json.loads(capsys.readouterr().out)
    return code, [(Path(i["filename"]).name, i["location"]["row"], i["code"]) for i in items]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    root = tmp_path / "seed"
    shutil.copytree(SEED_DIR, root)
    (root / "pyproject.toml").write_text("[tool.crudsmith]\n", encoding="utf-8")
    return root


def test_seed_findings(seed_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = _findings(seed_copy, capsys)
    assert code == 1
    assert found == EXPECTED


def test_fix_leaves_code_that_parses(seed_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fix = ["check", "--fix", "--exit-zero", "--config", str(seed_copy / "pyproject.toml")]
    main([*fix, str(seed_copy)])
    capsys.readouterr()
    changed = 0
    for path in sorted(seed_copy.glob("block_*.py")):
        text = path.read_text(encoding="utf-8")
        ast.parse(text, filename=str(path))
        changed += text != (SEED_DIR / path.name).read_text(encoding="utf-8")
    assert changed >= 3
    # --fix is idempotent: a second run changes nothing
    before = {p.name: p.read_text(encoding="utf-8") for p in seed_copy.glob("block_*.py")}
    main([*fix, str(seed_copy)])
    capsys.readouterr()
    assert {p.name: p.read_text(encoding="utf-8") for p in seed_copy.glob("block_*.py")} == before


if __name__ == "__main__":
    write_extracts()
    sys.exit(0)
