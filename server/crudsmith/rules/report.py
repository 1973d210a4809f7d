"""Printing findings: text (`path:line:col: CODE message`), JSON, GitHub workflow
commands and SARIF 2.1.0. Pure: takes findings with their file texts, returns text.

Columns are 1-based and counted in characters (code points), like Ruff's output;
findings carry UTF-8 byte columns (`ast`), converted here with the file's text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crudsmith import __version__
from crudsmith.analysis.spec import SourceSpan
from crudsmith.rules.docs import doc_url
from crudsmith.rules.lines import line_starts
from crudsmith.rules.model import Finding, Severity
from crudsmith.rules.registry import all_rules, rule_by_code

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}
_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


@dataclass(frozen=True, slots=True)
class FileFindings:
    path: str  # as printed (relative to the working directory when possible)
    text: str
    findings: Sequence[Finding]


@dataclass(frozen=True, slots=True)
class Location:
    row: int
    column: int  # 1-based, characters
    end_row: int
    end_column: int


class _Columns:
    """UTF-8 byte columns -> 1-based character columns for one text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = line_starts(text)

    def column(self, line: int, byte_col: int) -> int:
        if not 0 < line <= len(self._starts):
            return byte_col + 1
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self._text)
        encoded = self._text[start:end].encode("utf-8", "surrogatepass")[:byte_col]
        return len(encoded.decode("utf-8", "ignore")) + 1

    def location(self, span: SourceSpan) -> Location:
        return Location(
            span.line,
            self.column(span.line, span.col),
            span.end_line,
            self.column(span.end_line, span.end_col),
        )


def ordered(files: Sequence[FileFindings]) -> list[tuple[FileFindings, Finding, Location]]:
    """Every finding with its location, sorted by path, position and code."""
    rows = []
    for entry in files:
        columns = _Columns(entry.text)
        for finding in entry.findings:
            rows.append((entry, finding, columns.location(finding.span)))
    rows.sort(key=lambda r: (r[0].path, r[2].row, r[2].column, r[1].code))
    return rows


def text_report(files: Sequence[FileFindings]) -> str:
    return "".join(
        f"{entry.path}:{loc.row}:{loc.column}: {finding.code} {finding.message}\n"
        for entry, finding, loc in ordered(files)
    )


def summary(remaining: int, fixable: int, fixed: int = 0) -> str:
    """The closing lines of the text format, like Ruff's."""
    lines = []
    if remaining == 0:
        lines.append(
            f"Found {fixed} finding(s) ({fixed} fixed)." if fixed else "All checks passed!"
        )
    else:
        total = remaining + fixed
        extra = f" ({fixed} fixed, {remaining} remaining)" if fixed else ""
        lines.append(f"Found {total} finding(s){extra}.")
        if fixable:
            lines.append(f"[*] {fixable} fixable with `crudsmith check --fix`.")
    return "\n".join(lines) + "\n"


def statistics_report(files: Sequence[FileFindings]) -> str:
    counts = Counter(f.code for entry in files for f in entry.findings)
    fixable = Counter(
        f.code for entry in files for f in entry.findings if f.fix is not None and f.fix.safe
    )
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rule_by_code(code)
        name = rule.name if rule else ""
        mark = "[*]" if fixable[code] else "   "
        lines.append(f"{count:>{width}}\t{code}\t{mark} {name}")
    return "\n".join(lines) + ("\n" if lines else "")


def _fix_json(finding: Finding, columns: _Columns) -> dict[str, Any] | None:
    if finding.fix is None:
        return None
    edits = []
    for edit in finding.fix.edits:
        loc = columns.location(edit.span)
        edits.append(
            {
                "content": edit.new_text,
                "location": {"row": loc.row, "column": loc.column},
                "end_location": {"row": loc.end_row, "column": loc.end_column},
            }
        )
    return {
        "message": finding.fix.title,
        "applicability": "safe" if finding.fix.safe else "unsafe",
        "edits": edits,
    }


def json_report(files: Sequence[FileFindings]) -> str:
    items = []
    columns = {entry.path: _Columns(entry.text) for entry in files}
    for entry, finding, loc in ordered(files):
        rule = rule_by_code(finding.code)
        items.append(
            {
                "code": finding.code,
                "name": rule.name if rule else None,
                "message": finding.message,
                "severity": finding.severity.value,
                "filename": entry.path,
                "location": {"row": loc.row, "column": loc.column},
                "end_location": {"row": loc.end_row, "column": loc.end_column},
                "fix": _fix_json(finding, columns[entry.path]),
                "url": doc_url(finding.code),
                "data": dict(finding.data),
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_report(files: Sequence[FileFindings]) -> str:
    """GitHub Actions workflow commands: `::warning file=…,line=…,col=…,title=CODE::message`."""
    lines = []
    for entry, finding, loc in ordered(files):
        props = ",".join(
            (
                f"file={_escape_property(entry.path)}",
                f"line={loc.row}",
                f"col={loc.column}",
                f"endLine={loc.end_row}",
                f"endColumn={loc.end_column}",
                f"title={_escape_property(finding.code)}",
            )
        )
        message = _escape_data(f"{finding.code} {finding.message}")
        lines.append(f"::{_GITHUB_LEVEL[finding.severity]} {props}::{message}\n")
    return "".join(lines)


def sarif_report(files: Sequence[FileFindings]) -> str:
    """One SARIF 2.1.0 run: every registered rule as a reporting descriptor, the results."""
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.strip().split("\n\n")[0]},
            "helpUri": doc_url(rule.code),
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"fixable": rule.fixable},
        }
        for rule in rules
    ]
    results = []
    for entry, finding, loc in ordered(files):
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": entry.path.replace("\\", "/")},
                        "region": {
                            "startLine": loc.row,
                            "startColumn": loc.column,
                            "endLine": loc.end_row,
                            "endColumn": loc.end_column,
                        },
                    }
                }
            ],
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "crudsmith",
                        "version": __version__,
                        "informationUri": doc_url("README").replace("README.md", ""),
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
