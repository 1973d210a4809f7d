"""The engine: selection, severity overrides, noqa, ordering, isolation, fix passes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from crudsmith.analysis.spec import SourceSpan
from crudsmith.config.lint import LintSettings, parse_lint_settings
from crudsmith.rules.engine import build_context, check, fix_all
from crudsmith.rules.model import Finding, Fix, Rule, RuleContext, Severity, TextEdit
from crudsmith.rules.noqa import noqa_of
from crudsmith.workspace.index import WorkspaceIndex


def _names(ctx: RuleContext) -> Iterator[Finding]:
    """Test rule X: every `bad_<n>` name, fixed to `good_<n>` (safe)."""
    for node in ast.walk(ast.Module(body=ctx.statements, type_ignores=[])):
        if isinstance(node, ast.Name) and node.id.startswith("bad_"):
            assert node.end_lineno is not None and node.end_col_offset is not None
            span = SourceSpan(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
            fix = Fix("rename", (TextEdit(span, "good_" + node.id[4:]),))
            yield Finding("CSM901", f"bad name {node.id!r}", span, Severity.WARNING, fix)


def _boom(ctx: RuleContext) -> Iterator[Finding]:
    raise RuntimeError("rule bug")
    yield  # pragma: no cover


def _unsafe(ctx: RuleContext) -> Iterator[Finding]:
    for stmt in ctx.statements:
        span = SourceSpan(stmt.lineno, 0, stmt.lineno, 0)
        fix = Fix("comment", (TextEdit(span, "# x\n"),), safe=False)
        yield Finding("CSM902", "unsafe", span, Severity.INFO, fix)


NAMES = Rule("CSM901", "bad-name", "s", Severity.WARNING, "d", _names, fixable=True)
BOOM = Rule("CSM903", "boom", "s", Severity.ERROR, "d", _boom)
UNSAFE = Rule("CSM902", "unsafe", "s", Severity.INFO, "d", _unsafe, fixable=True)
EVERY = LintSettings()


def test_findings_sorted_and_failing_rule_isolated() -> None:
    ctx = build_context("x.py", "y = bad_b\nz = bad_a + bad_c\n")
    found = check(ctx, EVERY, [BOOM, NAMES])
    assert [(f.span.line, f.span.col, f.message) for f in found] == [
        (1, 4, "bad name 'bad_b'"),
        (2, 4, "bad name 'bad_a'"),
        (2, 12, "bad name 'bad_c'"),
    ]


def test_noqa_bare_and_coded() -> None:
    source = (
        "a = bad_a  # noqa\n"
        "b = bad_b  # noqa: CSM901\n"
        "c = bad_c  # noqa: E501\n"
        "d = bad_d  # NOQA:E501,CSM901\n"
        "e = bad_e  # noqa: CSM9011\n"
    )
    found = check(build_context("x.py", source), EVERY, [NAMES])
    assert [f.span.line for f in found] == [3, 5]


def test_noqa_parsing() -> None:
    assert noqa_of("x = 1") is None
    bare = noqa_of("x = 1  # noqa")
    assert bare is not None and bare.silences("CSM101")
    coded = noqa_of("x = 1  # noqa: CSM101 CSM102")
    assert coded is not None and coded.silences("CSM102") and not coded.silences("CSM103")


def test_severity_override_and_selection() -> None:
    ctx = build_context("x.py", "a = bad_a\n")
    settings = parse_lint_settings({"severity": {"CSM5": "hint"}})
    # an override for another prefix does not touch CSM901
    assert check(ctx, settings, [NAMES])[0].severity is Severity.WARNING
    overridden = LintSettings(severity={"CSM9": Severity.ERROR})
    assert check(ctx, overridden, [NAMES])[0].severity is Severity.ERROR
    assert check(ctx, LintSettings(ignore=("CSM9",)), [NAMES]) == []


def test_non_ascii_positions_are_utf8_bytes() -> None:
    ctx = build_context("x.py", "é = 'ü' + bad_x\n")
    (finding,) = check(ctx, EVERY, [NAMES])
    assert finding.span.col == len("é = 'ü' + ".encode())


def test_fix_all_applies_safe_fixes_and_is_stable() -> None:
    source = "a = bad_a + bad_b\nb = bad_c\n"
    ctx = build_context("x.py", source)

    def recheck(text: str) -> list[Finding]:
        return check(build_context("x.py", text), EVERY, [NAMES, UNSAFE])

    new, applied, remaining = fix_all(source, check(ctx, EVERY, [NAMES, UNSAFE]), recheck)
    assert new == "a = good_a + good_b\nb = good_c\n"
    assert len(applied) == 3
    assert {f.code for f in remaining} == {"CSM902"}  # unsafe fixes are never applied
    again, applied_again, _ = fix_all(new, recheck(new), recheck)
    assert again == new and applied_again == []


def test_fix_that_breaks_parsing_is_dropped() -> None:
    source = "a = bad_a\n"
    span = SourceSpan(1, 0, 1, 1)
    breaking = Finding(
        "CSM904", "m", span, Severity.WARNING, Fix("break", (TextEdit(span, "def"),))
    )
    good = check(build_context("x.py", source), EVERY, [NAMES])
    new, applied, _ = fix_all(source, [breaking, *good])
    assert new == "a = good_a\n"
    assert [f.code for f in applied] == ["CSM901"]


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    source = "abc = 1\n"
    whole = SourceSpan(1, 0, 1, 3)
    part = SourceSpan(1, 1, 1, 2)
    first = Finding("CSM905", "m", whole, Severity.WARNING, Fix("t", (TextEdit(whole, "xyz"),)))
    second = Finding("CSM906", "m", part, Severity.WARNING, Fix("t", (TextEdit(part, "Q"),)))
    new, applied, remaining = fix_all(source, [second, first])
    # without a recheck, the waiting fix's positions still refer to the old text: kept, not applied
    assert new == "xyz = 1\n"
    assert [f.code for f in applied] == ["CSM905"]
    assert [f.code for f in remaining] == ["CSM906"]


def test_context_sees_its_own_text_over_the_index() -> None:
    index = WorkspaceIndex()
    index.update("m.py", "class Old: pass\n")
    index.update("other.py", "x = 1\n")
    ctx = build_context("m.py", "class New: pass\n", index)
    assert ctx.workspace is not None
    first = dict(ctx.workspace.file_facts("test.first", lambda statements: statements[0]))
    assert isinstance(first["m.py"], ast.ClassDef) and first["m.py"].name == "New"
    assert set(first) == {"m.py", "other.py"}
    fresh = build_context("new.py", "y = 2\n", index)
    assert fresh.workspace is not None
    assert {path for path, _ in fresh.workspace.file_analyses()} == {"m.py", "other.py", "new.py"}


def test_broken_file_still_checked() -> None:
    ctx = build_context("x.py", "a = bad_a\ndef broken(:\n    pass\nb = bad_b\n")
    assert [f.span.line for f in check(ctx, EVERY, [NAMES])] == [1, 4]


def _sticky(ctx: RuleContext) -> Iterator[Finding]:
    """A buggy rule: its fix appends a comment but the finding stays."""
    span = SourceSpan(1, 0, 1, 0)
    yield Finding("CSM907", "sticky", span, Severity.WARNING, Fix("t", (TextEdit(span, "#\n"),)))


def test_a_fix_that_does_not_fix_is_applied_once() -> None:
    sticky = Rule("CSM907", "sticky", "s", Severity.WARNING, "d", _sticky, fixable=True)

    def recheck(text: str) -> list[Finding]:
        return check(build_context("x.py", text), EVERY, [sticky])

    new, applied, remaining = fix_all("x = 1\n", recheck("x = 1\n"), recheck)
    assert new == "#\nx = 1\n"
    assert len(applied) == 1 and [f.code for f in remaining] == ["CSM907"]
