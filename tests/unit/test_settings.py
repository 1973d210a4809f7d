"""crudsmith.config.settings: layers, validation, and kept values on errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crudsmith.config.settings import Pagination, Settings, load_settings
from crudsmith.generation.options import SchemaNames
from crudsmith.rules.model import Severity

PYPROJECT = """
[project]
name = "demo"

[tool.crudsmith]
layout = "single-file"
async = true
auth = false
select = ["CSM5"]
exclude = ["legacy/*"]

[tool.crudsmith.pagination]
default = 10
max = 50

[tool.crudsmith.names]
public = "{model}Out"

[tool.crudsmith.severity]
CSM501 = "warning"
"""


def _root(tmp_path: Path, text: str = PYPROJECT) -> Path:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_without_any_source() -> None:
    loaded = load_settings(None)
    assert loaded.errors == ()
    assert loaded.settings == Settings()
    assert loaded.settings.layout == "package"
    assert loaded.settings.async_mode is None
    assert loaded.settings.pagination == Pagination(20, 100)
    assert loaded.settings.names.of("User")["create"] == "UserCreate"


def test_pyproject_layer(tmp_path: Path) -> None:
    loaded = load_settings(_root(tmp_path))
    assert loaded.errors == ()
    settings = loaded.settings
    assert settings.layout == "single-file"
    assert settings.async_mode is True
    assert settings.auth is False
    assert settings.pagination == Pagination(10, 50)
    assert settings.names == SchemaNames(public="{model}Out")
    assert settings.exclude == ("legacy/*",)
    assert settings.lint.is_enabled("CSM501")
    assert not settings.lint.is_enabled("CSM101")
    assert settings.lint.severity_for("CSM501", Severity.HINT) is Severity.WARNING


def test_editor_settings_override_pyproject_key_by_key(tmp_path: Path) -> None:
    loaded = load_settings(
        _root(tmp_path),
        initialization_options={"layout": "package", "pagination": {"max": 200}},
        editor={"crudsmith": {"auth": True, "extendSelect": ["CSM1"]}},
    )
    assert loaded.errors == ()
    settings = loaded.settings
    assert settings.layout == "package"
    assert settings.async_mode is True  # untouched by the editor
    assert settings.pagination == Pagination(10, 200)
    assert settings.auth is True
    assert settings.lint.is_enabled("CSM101")  # extendSelect (editor spelling)
    assert settings.lint.is_enabled("CSM501")  # select kept from pyproject


@pytest.mark.parametrize(
    ("options", "key", "check"),
    [
        ({"layout": "flat"}, "`layout`", lambda s: s.layout == "single-file"),
        ({"async": "yes"}, "`async`", lambda s: s.async_mode is True),
        ({"auth": 1}, "`auth`", lambda s: s.auth is False),
        (
            {"pagination": {"default": 0}},
            "`pagination.default`",
            lambda s: s.pagination.default == 10,
        ),
        ({"pagination": {"max": 1001}}, "`pagination.max`", lambda s: s.pagination.max == 50),
        ({"pagination": {"max": True}}, "`pagination.max`", lambda s: s.pagination.max == 50),
        (
            {"pagination": {"default": 60}},
            "`pagination`",
            lambda s: s.pagination == Pagination(10, 50),
        ),
        ({"pagination": 5}, "`pagination`", lambda s: s.pagination == Pagination(10, 50)),
        (
            {"names": {"create": "New"}},
            "`names.create`",
            lambda s: s.names.create == "{model}Create",
        ),
        (
            {"names": {"create": "{model}-In"}},
            "`names.create`",
            lambda s: s.names.create == "{model}Create",
        ),
        (
            {"names": {"create": "{model}Out"}},  # the same as public: the table is refused
            "`names`",
            lambda s: s.names == SchemaNames(public="{model}Out"),
        ),
        (
            {"names": {"shape": "{model}X"}},
            "`names.shape`",
            lambda s: s.names == SchemaNames(public="{model}Out"),
        ),
        ({"select": ["CSM9999"]}, "select", lambda s: not s.lint.is_enabled("CSM101")),
        (
            {"severity": {"CSM501": "loud"}},
            "severity",
            lambda s: s.lint.severity_for("CSM501", Severity.HINT) is Severity.WARNING,
        ),
    ],
)
def test_a_bad_value_is_reported_and_the_lower_layer_kept(
    tmp_path: Path, options: dict[str, object], key: str, check: object
) -> None:
    loaded = load_settings(_root(tmp_path), initialization_options=options)
    assert len(loaded.errors) == 1, loaded.errors
    message = str(loaded.errors[0])
    assert key in message
    assert "initializationOptions" in message
    assert callable(check) and check(loaded.settings)


def test_invalid_toml_is_reported_not_raised(tmp_path: Path) -> None:
    loaded = load_settings(_root(tmp_path, "[tool.crudsmith\nlayout = "))
    assert loaded.settings == Settings()
    assert len(loaded.errors) == 1
    assert "pyproject.toml" in str(loaded.errors[0])


def test_non_mapping_editor_payloads_are_ignored(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path, initialization_options=None, editor=["not", "a", "dict"])
    assert loaded == load_settings(tmp_path)


def test_auto_async_and_null_mean_decided_from_the_models(tmp_path: Path) -> None:
    for value in (None, "auto"):
        loaded = load_settings(_root(tmp_path), editor={"async": value})
        assert loaded.errors == ()
        assert loaded.settings.async_mode is None


@pytest.mark.parametrize("text", ["tool = 3\n", "[tool]\ncrudsmith = 3\n"])
def test_odd_pyproject_shapes_never_raise(tmp_path: Path, text: str) -> None:
    loaded = load_settings(_root(tmp_path, text))
    assert loaded.settings == Settings()
    assert len(loaded.errors) == (1 if "crudsmith" in text else 0)
