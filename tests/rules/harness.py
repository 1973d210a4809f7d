"""Helpers shared by every rule test (import with `from harness import ...`).

- `findings(source, code)`: the findings of rule `code` alone on `source`, as the
  engine produces them (noqa honoured), optionally with other workspace files.
- `apply_fix(source, finding)`: the source after that finding's fix.
- `assert_fix(before, after, code)`: the first finding's fix turns `before` into
  exactly `after`, which parses, on which the rule is silent (when `before` has
  several findings of `code`: that one is gone and none is added), and which
  differs from `before` only inside the fix's edits.
- `fixture(group, name)` / `fixture_names(group, prefix)`: files under
  `tests/rules/fixtures/<group>/`.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from pathlib import Path

from crudsmith.config.lint import LintSettings
from crudsmith.rules.engine import build_context, check
from crudsmith.rules.fixes import apply_edits
from crudsmith.rules.model import Finding
from crudsmith.rules.registry import rule_by_code
from crudsmith.workspace.index import WorkspaceIndex

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def workspace_of(files: Mapping[str, str]) -> WorkspaceIndex:
    index = WorkspaceIndex()
    for path, text in files.items():
        index.update(path, text)
    return index


def findings(
    source: str,
    code: str,
    path: str = "app/x.py",
    workspace_files: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Rule `code`'s findings on `source` (at `path`); other files via `workspace_files`.

    The file under test is part of the workspace too, as in the editor and the CLI.
    """
    rule = rule_by_code(code)
    assert rule is not None, f"rule {code} is not registered"
    index = workspace_of(workspace_files or {})
    ctx = build_context(path, source, index)
    return [f for f in check(ctx, LintSettings(), [rule]) if f.code == code]


def apply_fix(source: str, finding: Finding) -> str:
    assert finding.fix is not None, f"{finding.code} at line {finding.span.line} has no fix"
    return apply_edits(source, finding.fix.edits)


def assert_fix(
    before: str,
    after: str,
    code: str,
    path: str = "app/x.py",
    workspace_files: Mapping[str, str] | None = None,
) -> None:
    """The first finding of `code` in `before` has a fix giving exactly `after`, which
    parses, silences that finding, and leaves every line outside the edits unchanged."""
    found = findings(before, code, path, workspace_files)
    assert found, f"{code} does not fire on the 'before' source"
    fixed = apply_fix(before, found[0])
    if fixed != after:
        diff = "".join(difflib.unified_diff(after.splitlines(True), fixed.splitlines(True)))
        raise AssertionError(f"{code} fix differs from the expected 'after':\n{diff}")
    ast.parse(fixed)  # raises SyntaxError with the position
    left = findings(fixed, code, path, workspace_files)
    if len(found) == 1:
        assert not left, f"{code} still fires after its fix: {[f.message for f in left]}"
    else:  # several findings in `before`: the fixed one is gone, the others may stay
        assert found[0].message not in [f.message for f in left], f"{code}: fix did not fix"
        assert len(left) < len(found), f"{code}: the fix added findings"
    assert found[0].fix is not None
    _assert_only_edited_lines_changed(before, fixed, found[0])


def _assert_only_edited_lines_changed(before: str, fixed: str, finding: Finding) -> None:
    """Lines before the first edit and after the last edit are untouched."""
    assert finding.fix is not None
    first = min(e.span.line for e in finding.fix.edits)
    last = max(e.span.end_line for e in finding.fix.edits)
    old_lines = before.splitlines(True)
    new_lines = fixed.splitlines(True)
    assert new_lines[: first - 1] == old_lines[: first - 1], "lines above the fix changed"
    tail = len(old_lines) - last
    if tail > 0:
        assert new_lines[-tail:] == old_lines[-tail:], "lines below the fix changed"


def fixture_path(group: str, name: str) -> Path:
    return FIXTURES / group / name


def fixture(group: str, name: str) -> str:
    """The text of `tests/rules/fixtures/<group>/<name>`."""
    return fixture_path(group, name).read_text(encoding="utf-8")


def fixture_names(group: str, prefix: str = "") -> list[str]:
    """Sorted file names in the group's directory starting with `prefix`."""
    directory = FIXTURES / group
    return sorted(p.name for p in directory.iterdir() if p.is_file() and p.name.startswith(prefix))


def lines_of(found: list[Finding]) -> list[int]:
    """The first lines of `found`, in order (for compact expectations)."""
    return [f.span.line for f in found]
