"""Generation and layout settings: `[tool.crudsmith]`, then the editor's settings.

Layers, lowest first: defaults, the workspace's pyproject.toml `[tool.crudsmith]`, the
LSP `initializationOptions`, the `workspace/configuration` section "crudsmith". Every
layer uses the same keys (editor JSON may spell `extend-select` as `extendSelect`).

Parsing is lenient per key: a bad value yields a `ConfigError` naming the key and the
value kept instead (the one from the layers below), never an exception, so one typo
never costs the user every other setting. Pure: no LSP imports.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from crudsmith.config import ConfigError
from crudsmith.config.lint import LintSettings, parse_lint_settings
from crudsmith.generation.options import GenerationError, SchemaNames

Layout = Literal["package", "single-file"]
LAYOUTS: tuple[Layout, ...] = ("package", "single-file")
PAGE_LIMIT = 1000
NAME_KEYS = ("base", "create", "update", "public", "page")
# Rule-selection keys (and `exclude`), parsed by crudsmith.config.lint per layer.
LINT_KEYS = ("select", "ignore", "extend-select", "extendSelect", "extend_select", "severity")


@dataclass(frozen=True, slots=True)
class Pagination:
    default: int = 20
    max: int = 100


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective settings of a workspace."""

    layout: Layout = "package"
    async_mode: bool | None = None  # None: decided from the models (AsyncAttrs / AsyncSession)
    auth: bool = True
    pagination: Pagination = field(default_factory=Pagination)
    names: SchemaNames = field(default_factory=SchemaNames)
    lint: LintSettings = field(default_factory=LintSettings)

    @property
    def exclude(self) -> tuple[str, ...]:
        """Globs (relative to the workspace root) of files crudsmith neither indexes nor checks."""
        return self.lint.excluded_globs


@dataclass(frozen=True, slots=True)
class Loaded:
    settings: Settings
    errors: tuple[ConfigError, ...] = ()


# --------------------------------------------------------------------------- sources


def read_pyproject(root: Path) -> tuple[Mapping[str, Any], list[ConfigError]]:
    """`[tool.crudsmith]` of `root/pyproject.toml` ({} when absent)."""
    path = root / "pyproject.toml"
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError:
        return {}, []
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, [ConfigError(f"{path}: cannot read it ({exc}); using the defaults")]
    tool = data.get("tool", {})
    table = tool.get("crudsmith", {}) if isinstance(tool, Mapping) else {}
    if not isinstance(table, Mapping):
        return {}, [ConfigError(f"{path}: [tool.crudsmith] must be a table; ignoring it")]
    return table, []


def editor_mapping(value: object) -> Mapping[str, Any]:
    """The crudsmith settings inside an editor payload (accepts `{"crudsmith": {...}}` too)."""
    if not isinstance(value, Mapping):
        return {}
    inner = value.get("crudsmith")
    if isinstance(inner, Mapping) and len(value) == 1:
        return inner
    return value


def load_settings(
    root: Path | None,
    initialization_options: object = None,
    editor: object = None,
) -> Loaded:
    """Effective settings of a workspace from every layer, with the problems found."""
    errors: list[ConfigError] = []
    settings = Settings()
    if root is not None:
        table, problems = read_pyproject(root)
        errors.extend(problems)
        settings = apply_layer(settings, table, "pyproject.toml [tool.crudsmith]", errors)
    layers = (
        ("initializationOptions", initialization_options),
        ('editor setting "crudsmith"', editor),
    )
    for source, payload in layers:
        settings = apply_layer(settings, editor_mapping(payload), source, errors)
    return Loaded(settings, tuple(errors))


# --------------------------------------------------------------------------- parsing


def apply_layer(
    settings: Settings, values: Mapping[str, Any], source: str, errors: list[ConfigError]
) -> Settings:
    """`settings` overridden by the valid keys of `values`; problems appended to `errors`."""
    report = _Reporter(source, errors)
    changes: dict[str, Any] = {}
    if "layout" in values:
        changes["layout"] = report.check(
            "layout", values["layout"], settings.layout, _layout, 'one of "package", "single-file"'
        )
    if "async" in values:
        changes["async_mode"] = report.check(
            "async", values["async"], settings.async_mode, _optional_bool, "true, false or null"
        )
    if "auth" in values:
        changes["auth"] = report.check("auth", values["auth"], settings.auth, _bool, "true/false")
    if "pagination" in values:
        changes["pagination"] = _pagination(values["pagination"], settings.pagination, report)
    if "names" in values:
        changes["names"] = _names(values["names"], settings.names, report)
    lint = {key: values[key] for key in (*LINT_KEYS, "exclude") if key in values}
    if lint:
        try:
            changes["lint"] = settings.lint.overlay(parse_lint_settings(lint))
        except ConfigError as exc:
            report.errors.append(
                ConfigError(
                    f"crudsmith setting {exc} ({source}); keeping the previous rule selection"
                )
            )
    return replace(settings, **changes)


class _Reporter:
    def __init__(self, source: str, errors: list[ConfigError]) -> None:
        self.source = source
        self.errors = errors

    def check(
        self, key: str, value: object, previous: Any, convert: Callable[[object], Any], want: str
    ) -> Any:
        """`convert(value)`, or `previous` with an error when it does not fit."""
        try:
            return convert(value)
        except (TypeError, ValueError):
            self.error(key, f"must be {want}, got {value!r}", previous)
            return previous

    def error(self, key: str, problem: str, kept: object) -> None:
        self.errors.append(
            ConfigError(f"crudsmith setting `{key}` ({self.source}) {problem}; using {kept!r}")
        )


def _layout(value: object) -> Layout:
    if value not in LAYOUTS:
        raise ValueError(value)
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _optional_bool(value: object) -> bool | None:
    return None if value is None or value == "auto" else _bool(value)


def _page_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    if not 1 <= value <= PAGE_LIMIT:
        raise ValueError(value)
    return value


def _pagination(value: object, previous: Pagination, report: _Reporter) -> Pagination:
    if not isinstance(value, Mapping):
        report.error("pagination", f"must be a table with default and max, got {value!r}", previous)
        return previous
    want = f"an integer from 1 to {PAGE_LIMIT}"
    default = report.check(
        "pagination.default", value.get("default", previous.default), previous.default,
        _page_size, want,
    )  # fmt: skip
    maximum = report.check(
        "pagination.max", value.get("max", previous.max), previous.max, _page_size, want
    )
    if default > maximum:
        report.error("pagination", f"default ({default}) must not exceed max ({maximum})", previous)
        return previous
    return Pagination(default, maximum)


def _names(value: object, previous: SchemaNames, report: _Reporter) -> SchemaNames:
    if not isinstance(value, Mapping):
        report.error("names", f"must be a table of name patterns, got {value!r}", previous)
        return previous
    changes: dict[str, str] = {}
    for kind in NAME_KEYS:
        if kind in value:
            changes[kind] = report.check(
                f"names.{kind}",
                value[kind],
                getattr(previous, kind),
                _name_pattern,
                'a pattern containing "{model}" that gives a Python identifier',
            )
    for kind in sorted(set(value) - set(NAME_KEYS)):
        report.error(f"names.{kind}", f"is not one of {', '.join(NAME_KEYS)}", "nothing")
    try:
        return replace(previous, **changes)  # SchemaNames checks the five together
    except GenerationError as exc:
        report.error("names", str(exc).partition(": ")[2] or str(exc), previous)
        return previous


def _name_pattern(value: object) -> str:
    if not isinstance(value, str) or "{model}" not in value:
        raise TypeError(value)
    if not value.replace("{model}", "Model").isidentifier():
        raise ValueError(value)
    return value
