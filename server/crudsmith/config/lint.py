"""Rule selection: which rules run, at which severity, on which files.

The same keys come from `[tool.crudsmith]` in pyproject.toml and from the
editor's settings (a JSON object, where `extendSelect` is accepted for
`extend-select`). Selectors are `ALL`, `CSM`, a prefix such as `CSM2` or
`CSM20`, or a full code such as `CSM201`. As in Ruff, the most specific
selector wins between `select`/`extend-select` and `ignore`; on a tie,
`ignore` wins.

A `LintSettings` remembers which keys were given, so editor settings can be
laid over pyproject values key by key (`overlay`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crudsmith.config import ConfigError
from crudsmith.rules.model import Severity

_SELECTOR = re.compile(r"CSM[0-9]{0,3}")
_LIST_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "extendSelect": "extend_select",
    "extend_select": "extend_select",
    "exclude": "exclude",
}
_SEVERITY_NAMES = {s.value: s for s in Severity} | {"information": Severity.INFO}


@dataclass(frozen=True, slots=True)
class LintSettings:
    """Rule selection as configured; `None` means "not given" (the default applies)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] | None = None

    def is_enabled(self, code: str) -> bool:
        """Whether rule `code` runs: its most specific selector decides."""
        selected = _best_match(code, (*(self.select or ("ALL",)), *(self.extend_select or ())))
        if selected < 0:
            return False
        return _best_match(code, self.ignore or ()) < selected

    def severity_for(self, code: str, default: Severity) -> Severity:
        """The configured severity of `code` (most specific selector), else `default`."""
        best = -1
        chosen = default
        for selector, severity in self.severity.items():
            length = _match_length(code, selector)
            if length > best:
                best, chosen = length, severity
        return chosen

    def overlay(self, other: LintSettings) -> LintSettings:
        """These settings with every key `other` gives taking precedence (editor over file)."""
        return LintSettings(
            select=other.select if other.select is not None else self.select,
            ignore=other.ignore if other.ignore is not None else self.ignore,
            extend_select=(
                other.extend_select if other.extend_select is not None else self.extend_select
            ),
            severity={**self.severity, **other.severity},
            exclude=other.exclude if other.exclude is not None else self.exclude,
        )

    @property
    def excluded_globs(self) -> tuple[str, ...]:
        return self.exclude or ()


def _match_length(code: str, selector: str) -> int:
    """How specific `selector` is for `code`: -1 no match, 0 for ALL, else its length."""
    if selector == "ALL":
        return 0
    return len(selector) if code.startswith(selector) else -1


def _best_match(code: str, selectors: tuple[str, ...]) -> int:
    return max((_match_length(code, s) for s in selectors), default=-1)


def parse_lint_settings(mapping: Mapping[str, object]) -> LintSettings:
    """Read the lint keys of `mapping` (other keys are left to their owners).

    Raises ConfigError naming the key when a value has the wrong type, a
    selector is malformed or names no rule, or a severity is unknown.
    """
    lists: dict[str, tuple[str, ...]] = {}
    for key, attribute in _LIST_KEYS.items():
        if key not in mapping:
            continue
        if attribute in lists:
            raise ConfigError(f"'{key}': given twice (use one spelling of {attribute!r})")
        values = _string_list(key, mapping[key])
        if attribute != "exclude":
            for value in values:
                _check_selector(key, value)
        lists[attribute] = values
    severity = _severities(mapping.get("severity"))
    return LintSettings(
        select=lists.get("select"),
        ignore=lists.get("ignore"),
        extend_select=lists.get("extend_select"),
        severity=severity,
        exclude=lists.get("exclude"),
    )


def _string_list(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"'{key}': expected a list of strings, got {_describe(value)}"
            + (f" (write [{value!r}])" if isinstance(value, str) else "")
        )
    return tuple(value)


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, list) else "a list"


def _check_selector(key: str, selector: str) -> None:
    if selector == "ALL":
        return
    if not _SELECTOR.fullmatch(selector):
        raise ConfigError(
            f"'{key}': {selector!r} is not a rule selector "
            "(use ALL, CSM, a prefix like CSM2 or a code like CSM201)"
        )
    if len(selector) == 6:
        from crudsmith.rules.registry import rule_by_code

        if rule_by_code(selector) is None:
            raise ConfigError(f"'{key}': unknown rule {selector} (`crudsmith rules` lists them)")


def _severities(value: object) -> dict[str, Severity]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"'severity': expected a table of CODE = severity, got {_describe(value)}"
        )
    found: dict[str, Severity] = {}
    for code, name in value.items():
        if not isinstance(code, str):
            raise ConfigError(f"'severity': keys must be rule codes, got {code!r}")
        _check_selector(f"severity.{code}", code)
        if not isinstance(name, str) or name.lower() not in _SEVERITY_NAMES:
            raise ConfigError(
                f"'severity.{code}': {name!r} is not a severity (use error, warning, info or hint)"
            )
        found[code] = _SEVERITY_NAMES[name.lower()]
    return found


def crudsmith_table(pyproject: Path) -> Mapping[str, object]:
    """The `[tool.crudsmith]` table of a pyproject.toml (empty when absent).

    Raises ConfigError when the file cannot be read or is not valid TOML.
    """
    try:
        with pyproject.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as exc:
        raise ConfigError(f"{pyproject}: cannot read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: invalid TOML ({exc})") from exc
    tool = data.get("tool", {})
    table = tool.get("crudsmith", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.crudsmith] must be a table")
    return table


def load_pyproject_lint(path: Path) -> LintSettings:
    """The lint settings of `[tool.crudsmith]` in `path`; errors name the file."""
    try:
        return parse_lint_settings(crudsmith_table(path))
    except ConfigError as exc:
        message = str(exc)
        if message.startswith(str(path)):
            raise
        raise ConfigError(f"{path}: [tool.crudsmith] {message}") from exc


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` with a `[tool.crudsmith]` table.

    Like Ruff's discovery for `[tool.ruff]`; unreadable candidates are skipped.
    """
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "[tool.crudsmith" in text:
            return candidate
    return None
