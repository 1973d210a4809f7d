"""Running the rules over one file, and applying their fixes.

`build_context` parses a text once and analyses it; `check` runs the selected
rules (each isolated: a failing rule yields nothing), applies severity
overrides and `# noqa`, and sorts the findings; `fix_all` applies the safe
fixes in passes until nothing more changes. The CLI and the language server
both call these; nothing here knows about either.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from crudsmith.analysis.collector import collector_paused
from crudsmith.analysis.module import parse_and_analyze
from crudsmith.analysis.parse import PARSE_ERRORS
from crudsmith.analysis.spec import ModelSpec, ModuleAnalysis
from crudsmith.config.lint import LintSettings
from crudsmith.generation.options import SchemaNames
from crudsmith.rules.fixes import OverlappingEditsError, apply_edits, offset_of
from crudsmith.rules.lines import line_starts
from crudsmith.rules.memo import memo
from crudsmith.rules.model import FactT, Finding, Rule, RuleContext, WorkspaceView
from crudsmith.rules.noqa import NoqaLines
from crudsmith.rules.registry import all_rules, run_rule

MAX_FIX_PASSES = 10


class _Overlay:
    """A workspace view in which one file is replaced by the text being checked.

    The index may hold an older version of the file (the editor's buffer is
    newer, or `--fix` just changed it); rules must see one version only.
    """

    def __init__(
        self,
        base: WorkspaceView,
        path: str,
        ctx_statements: list[ast.stmt],
        ctx_analysis: ModuleAnalysis,
    ) -> None:
        self._base = base
        self._path = path
        self._statements = ctx_statements
        self._analysis = ctx_analysis

    def models(self) -> Iterable[tuple[str, ModelSpec]]:
        for path, analysis in self.file_analyses():
            for model in analysis.models:
                yield path, model

    def file_analyses(self) -> Iterable[tuple[str, ModuleAnalysis]]:
        seen = False
        for path, analysis in self._base.file_analyses():
            if path == self._path:
                seen = True
                yield path, self._analysis
            else:
                yield path, analysis
        if not seen:
            yield self._path, self._analysis

    def file_facts(
        self, key: str, compute: Callable[[list[ast.stmt]], FactT], besides: str | None = None
    ) -> Iterable[tuple[str, FactT]]:
        yield from self._base.file_facts(key, compute, besides=self._path)
        if besides != self._path:
            yield self._path, memo(self._statements, key, compute)


def build_context(
    path: str,
    text: str,
    workspace: WorkspaceView | None = None,
    names: SchemaNames | None = None,
) -> RuleContext:
    """Parse `text` once (tolerantly) and analyse it; never raises.

    With a workspace, the rules see this text for `path` even when the
    workspace holds another version of it. `names`: the configured schema
    name patterns (the defaults when None).
    """
    parsed, analysis = parse_and_analyze(text)
    view: WorkspaceView | None = None
    if workspace is not None:
        view = _Overlay(workspace, path, parsed.statements, analysis)
    return RuleContext(path, text, parsed.statements, analysis, view, names or SchemaNames())


def selected_rules(settings: LintSettings) -> list[Rule]:
    return [rule for rule in all_rules() if settings.is_enabled(rule.code)]


def check(
    ctx: RuleContext, settings: LintSettings, rules: Sequence[Rule] | None = None
) -> list[Finding]:
    """Run the selected rules on `ctx`; findings sorted by position, then code."""
    chosen = selected_rules(settings) if rules is None else rules
    noqa = NoqaLines(ctx.source)
    findings: list[Finding] = []
    with collector_paused():
        produced = [finding for rule in chosen for finding in run_rule(rule, ctx)]
    for finding in produced:
        if not settings.is_enabled(finding.code) or noqa.silenced(finding.span.line, finding.code):
            continue
        severity = settings.severity_for(finding.code, finding.severity)
        findings.append(
            finding if severity is finding.severity else replace(finding, severity=severity)
        )
    findings.sort(key=sort_key)
    return findings


def sort_key(finding: Finding) -> tuple[int, int, str, int, int]:
    span = finding.span
    return (span.line, span.col, finding.code, span.end_line, span.end_col)


@dataclass(frozen=True, slots=True)
class FixResult:
    source: str
    applied: list[Finding]  # every finding whose fix was applied, over all passes
    remaining: list[Finding]  # the findings of the final source (or those not fixed)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


Recheck = Callable[[str], list[Finding]]


def fix_all(
    source: str,
    findings: Sequence[Finding],
    recheck: Recheck | None = None,
    max_passes: int = MAX_FIX_PASSES,
) -> tuple[str, list[Finding], list[Finding]]:
    """Apply the safe fixes of `findings`, then (with `recheck`) of the new findings, until stable.

    Per pass, fixes whose edits overlap an earlier one wait for the next pass;
    a fix that would turn a parsing file into one that does not parse is
    dropped. Without `recheck` there is one pass only (the other findings'
    positions refer to the old text). Returns (new source, applied findings,
    remaining findings): the findings of the final source with `recheck`,
    else those not applied.
    """
    applied: list[Finding] = []
    current = list(findings)
    parses = _parses(source)
    stuck: set[tuple[str, str, str]] = set()  # fixes that did not make their finding go
    for _ in range(max_passes):
        candidates = [f for f in current if _key(f) not in stuck]
        new_source, done = _fix_pass(source, candidates, parses)
        if not done:
            break
        applied.extend(done)
        source = new_source
        if recheck is None:
            # Positions of the other findings refer to the old text: one pass only.
            done_ids = {id(f) for f in done}
            current = [f for f in current if id(f) not in done_ids]
            break
        before = Counter(_key(f) for f in current)
        current = recheck(source)
        after = Counter(_key(f) for f in current)
        stuck |= {_key(f) for f in done if after[_key(f)] >= before[_key(f)]}
    return source, applied, current


def _key(finding: Finding) -> tuple[str, str, str]:
    title = finding.fix.title if finding.fix is not None else ""
    return finding.code, finding.message, title


def _fixable(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.safe and bool(finding.fix.edits)


def _fix_pass(source: str, findings: Sequence[Finding], parses: bool) -> tuple[str, list[Finding]]:
    """Apply every safe, non-overlapping fix of `findings` once."""
    starts = line_starts(source)
    taken: list[tuple[int, int]] = []
    batch: list[Finding] = []
    for finding in sorted(findings, key=sort_key):
        if not _fixable(finding):
            continue
        assert finding.fix is not None
        ranges = [
            (
                offset_of(source, e.span.line, e.span.col, starts),
                offset_of(source, e.span.end_line, e.span.end_col, starts),
            )
            for e in finding.fix.edits
        ]
        if any(_overlaps(r, t) for r in ranges for t in taken) or _self_overlap(ranges):
            continue
        taken.extend(ranges)
        batch.append(finding)
    if not batch:
        return source, []
    result = _apply(source, batch)
    if result is not None and (not parses or _parses(result)):
        return result, batch
    # Find the fixes that break parsing: keep applying one at a time.
    kept: list[Finding] = []
    for finding in batch:
        candidate = _apply(source, [*kept, finding])
        if candidate is not None and (not parses or _parses(candidate)):
            kept.append(finding)
    if not kept:
        return source, []
    final = _apply(source, kept)
    return (final, kept) if final is not None else (source, [])


def _apply(source: str, batch: Sequence[Finding]) -> str | None:
    try:
        return apply_edits(source, [e for f in batch if f.fix for e in f.fix.edits])
    except OverlappingEditsError:
        return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Ranges overlap, or are both insertions at the same point (order would be ambiguous)."""
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1]


def _self_overlap(ranges: list[tuple[int, int]]) -> bool:
    ordered = sorted(ranges)
    return any(ordered[i][1] > ordered[i + 1][0] for i in range(len(ordered) - 1))


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except PARSE_ERRORS:
        return False
    return True


def check_source(
    path: str,
    text: str,
    settings: LintSettings,
    workspace: WorkspaceView | None = None,
    names: SchemaNames | None = None,
) -> list[Finding]:
    """`check(build_context(...))` in one call."""
    return check(build_context(path, text, workspace, names), settings)


def fix_source(
    path: str,
    text: str,
    settings: LintSettings,
    workspace: WorkspaceView | None = None,
    names: SchemaNames | None = None,
) -> FixResult:
    """Check `text`, apply its safe fixes until stable, and report what remains."""

    def recheck(new_text: str) -> list[Finding]:
        return check_source(path, new_text, settings, workspace, names)

    first = recheck(text)
    source, applied, remaining = fix_all(text, first, recheck)
    return FixResult(source, applied, remaining)
