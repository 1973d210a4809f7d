"""Configuration: `[tool.crudsmith]` in pyproject.toml and the editor's settings, validated."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key and the fix."""
