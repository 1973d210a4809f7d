"""`config.lint`: selectors, severities, overlay, pyproject loading and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crudsmith.config import ConfigError
from crudsmith.config.lint import (
    LintSettings,
    find_pyproject,
    load_pyproject_lint,
    parse_lint_settings,
)
from crudsmith.rules.model import Severity


def test_default_enables_every_rule() -> None:
    settings = LintSettings()
    assert settings.is_enabled("CSM101")
    assert settings.is_enabled("CSM502")


def test_select_prefix_and_ignore_code() -> None:
    settings = parse_lint_settings({"select": ["CSM5"], "ignore": ["CSM502"]})
    assert settings.is_enabled("CSM501")
    assert not settings.is_enabled("CSM502")
    assert not settings.is_enabled("CSM101")


def test_most_specific_selector_wins() -> None:
    settings = parse_lint_settings({"select": ["CSM501"], "ignore": ["CSM5"]})
    assert settings.is_enabled("CSM501")
    assert not settings.is_enabled("CSM503")
    tie = parse_lint_settings({"select": ["CSM2"], "ignore": ["CSM2"]})
    assert not tie.is_enabled("CSM201")


def test_extend_select_spellings_add_to_select() -> None:
    for key in ("extend-select", "extendSelect"):
        settings = parse_lint_settings({"select": ["CSM1"], key: ["CSM5"]})
        assert settings.is_enabled("CSM501")
        assert settings.is_enabled("CSM101")
        assert not settings.is_enabled("CSM301")


def test_all_selector_and_other_keys_are_left_alone() -> None:
    settings = parse_lint_settings({"select": ["ALL"], "layout": "package", "async": True})
    assert settings.is_enabled("CSM301")


def test_severity_override_most_specific() -> None:
    settings = parse_lint_settings({"severity": {"CSM5": "hint", "CSM501": "ERROR"}})
    assert settings.severity_for("CSM501", Severity.WARNING) is Severity.ERROR
    assert settings.severity_for("CSM503", Severity.WARNING) is Severity.HINT
    assert settings.severity_for("CSM201", Severity.WARNING) is Severity.WARNING


@pytest.mark.parametrize(
    ("mapping", "needle"),
    [
        ({"select": "CSM201"}, "'select': expected a list of strings"),
        ({"ignore": ["E501"]}, "'ignore': 'E501' is not a rule selector"),
        ({"select": ["CSM2011"]}, "'select': 'CSM2011' is not a rule selector"),
        ({"extendSelect": ["CSM999"]}, "unknown rule CSM999"),
        ({"severity": {"CSM501": "fatal"}}, "'severity.CSM501': 'fatal' is not a severity"),
        ({"severity": ["CSM101"]}, "'severity': expected a table"),
        ({"exclude": [1]}, "'exclude': expected a list of strings"),
        ({"extend-select": ["CSM1"], "extendSelect": ["CSM2"]}, "given twice"),
    ],
)
def test_bad_values_name_the_key(mapping: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_lint_settings(mapping)
    assert needle in str(info.value)


def test_overlay_editor_over_pyproject() -> None:
    base = parse_lint_settings(
        {"select": ["CSM5"], "ignore": ["CSM503"], "severity": {"CSM501": "error"}}
    )
    editor = parse_lint_settings({"ignore": [], "severity": {"CSM502": "hint"}})
    merged = base.overlay(editor)
    assert merged.select == ("CSM5",)
    assert merged.is_enabled("CSM503")
    assert merged.severity_for("CSM501", Severity.WARNING) is Severity.ERROR
    assert merged.severity_for("CSM502", Severity.WARNING) is Severity.HINT


def test_load_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.crudsmith]\nselect = ["CSM2"]\nexclude = ["gen/*"]\n'
        '[tool.crudsmith.severity]\nCSM502 = "error"\n',
        encoding="utf-8",
    )
    settings = load_pyproject_lint(pyproject)
    assert settings.select == ("CSM2",)
    assert settings.excluded_globs == ("gen/*",)
    assert settings.severity_for("CSM502", Severity.HINT) is Severity.ERROR
    nested = tmp_path / "pkg" / "sub"
    nested.mkdir(parents=True)
    assert find_pyproject(nested) == pyproject


def test_load_pyproject_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "pyproject.toml"
    broken.write_text("[tool.crudsmith\nselect = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_pyproject_lint(broken)
    broken.write_text('[tool.crudsmith]\nselect = ["nope"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.crudsmith\] 'select'"):
        load_pyproject_lint(broken)
    with pytest.raises(ConfigError, match="cannot read"):
        load_pyproject_lint(tmp_path / "missing.toml")


def test_find_pyproject_skips_files_without_the_table(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    (outer / "pyproject.toml").write_text("[tool.crudsmith]\n", encoding="utf-8")
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_pyproject(inner) == outer / "pyproject.toml"
