"""CSM1xx (REST) rules: where they fire, near misses, and every fix before -> after."""

from __future__ import annotations

import ast

import pytest
from harness import apply_fix, assert_fix, findings, fixture, lines_of

from crudsmith.rules.registry import rule_by_code

CODES = ["CSM101", "CSM102", "CSM103", "CSM104", "CSM105", "CSM106", "CSM107", "CSM108"]

# (rule, fixture stem): `<stem>_before.py` fixed by the rule's first finding is `<stem>_after.py`.
FIXES = [
    ("CSM101", "csm101_fix"),
    ("CSM102", "csm102_fix"),
    ("CSM104", "csm104_fix_plain"),
    ("CSM104", "csm104_fix_query"),
    ("CSM104", "csm104_fix_empty"),
    ("CSM105", "csm105_fix"),
    ("CSM106", "csm106_fix"),
    ("CSM106", "csm106_fix_absent"),
    ("CSM106", "csm106_fix_model"),
    ("CSM107", "csm107_fix"),
    ("CSM108", "csm108_fix"),
]


def expected_lines(source: str) -> list[int]:
    """Lines marked `# expect` in a fixture: a finding starts on each, nowhere else."""
    return [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# expect")]


@pytest.mark.parametrize("code", CODES)
def test_fires_on_marked_lines_only(code: str) -> None:
    source = fixture("rest", f"{code.lower()}.py")
    assert expected_lines(source), "a fixture without hits proves nothing"
    assert lines_of(findings(source, code)) == expected_lines(source)


@pytest.mark.parametrize(("code", "stem"), FIXES)
def test_fix_before_after(code: str, stem: str) -> None:
    assert_fix(fixture("rest", f"{stem}_before.py"), fixture("rest", f"{stem}_after.py"), code)


@pytest.mark.parametrize("code", CODES)
def test_rule_metadata(code: str) -> None:
    rule = rule_by_code(code)
    assert rule is not None
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.doc.count("```python") == 2, "a bad and a good example"
    for block in rule.doc.split("```python")[1:]:
        ast.parse(block.split("```")[0])
    assert rule.fixable == (code in {c for c, _ in FIXES})


def test_rest_rules_ignore_files_without_fastapi() -> None:
    source = fixture("rest", "csm105.py").replace("from fastapi", "from flask")
    source = source.replace("from fastapi.responses", "from flask")
    assert findings(source, "CSM105") == []
    assert findings(fixture("rest", "csm101.py").replace("fastapi", "flask"), "CSM101") == []


def test_messages_name_the_endpoint() -> None:
    found = findings(fixture("rest", "csm101.py"), "CSM101")
    assert "`create_user` (POST /users)" in found[0].message
    found = findings(fixture("rest", "csm104.py"), "CSM104")
    assert found[0].message.startswith("`limit` of `list_users`")
    assert "status.HTTP_409_CONFLICT" in findings(fixture("rest", "csm105.py"), "CSM105")[1].message


def test_fix_safety() -> None:
    def first_fix_safe(code: str, name: str) -> bool:
        fix = findings(fixture("rest", name), code)[0].fix
        assert fix is not None
        return fix.safe

    # Changing the status clients receive, or the method, is offered but never part of fix-all.
    assert not first_fix_safe("CSM101", "csm101_fix_before.py")
    assert not first_fix_safe("CSM102", "csm102_fix_before.py")
    assert not first_fix_safe("CSM107", "csm107_fix_before.py")
    assert not first_fix_safe("CSM108", "csm108_fix_before.py")
    assert first_fix_safe("CSM104", "csm104_fix_plain_before.py")
    assert first_fix_safe("CSM105", "csm105_fix_before.py")
    assert first_fix_safe("CSM106", "csm106_fix_before.py")


def test_utf8_byte_columns() -> None:
    source = fixture("rest", "csm105_fix_before.py")
    (found,) = findings(source, "CSM105")
    line = source.splitlines()[found.span.line - 1]
    assert line.encode()[found.span.col : found.span.end_col] == b"404"
    assert found.span.col != line.index("404"), "the fixture must have non-ASCII text before"


def test_delete_with_body_has_no_fix() -> None:
    found = findings(fixture("rest", "csm102.py"), "CSM102")
    assert [f.fix is None for f in found] == [False, True, True]
    assert "returns a body" in found[1].message
    assert "declares 204" in found[2].message


def test_status_fix_not_offered_when_status_is_taken() -> None:
    source = (
        "from fastapi import HTTPException\n"
        "from myapp import status\n\n"
        "def f() -> None:\n"
        "    raise HTTPException(404)\n"
    )
    (found,) = findings(source, "CSM105")
    assert found.fix is None


def test_missing_404_uses_model_name_and_handles_last_line() -> None:
    source = (
        "from fastapi import APIRouter, HTTPException, status\n\n"
        "router = APIRouter()\n\n\n"
        '@router.get("/u/{i}")\n'
        "def get_user(i: int, db: SessionDep) -> Out:\n"
        "    return db.get(User, i)\n"
        '@router.get("/p/{i}")\n'
        "def get_post(i: int, db: SessionDep) -> Out:\n"
        "    post = db.query(Post).filter(Post.id == i).first()\n"
        "    return post"
    )
    found = findings(source, "CSM108")
    assert [f.fix is None for f in found] == [True, False]
    fixed = apply_fix(source, found[1])
    ast.parse(fixed)
    assert 'detail="Post not found"' in fixed
    assert fixed.endswith("    return post")
    assert lines_of(findings(fixed, "CSM108")) == [found[0].span.line]


def test_renamed_status_fix_is_not_safe() -> None:
    source = "from fastapi import HTTPException, status\n\ndef f() -> None:\n"
    source += "    raise HTTPException(422)\n"
    (found,) = findings(source, "CSM105")
    assert found.fix is not None and not found.fix.safe
    assert "HTTP_422_UNPROCESSABLE_CONTENT" in apply_fix(source, found)


def test_crlf_source_fix() -> None:
    before = fixture("rest", "csm108_fix_before.py").replace("\n", "\r\n")
    before = before.replace("from fastapi import APIRouter", "import fastapi")
    (found,) = findings(before, "CSM108")
    fixed = apply_fix(before, found)
    ast.parse(fixed)
    assert "    if user is None:\r\n" in fixed
    assert "\n" not in fixed.replace("\r\n", ""), "the fix keeps the file's line endings"
    assert findings(fixed, "CSM108") == []
