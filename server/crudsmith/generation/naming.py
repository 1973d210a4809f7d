"""Names derived from model names: snake_case, plurals, schema names."""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}
_UNCOUNTABLE = {"data", "info", "metadata", "news", "series", "species", "equipment"}


def snake_case(name: str) -> str:
    """`OrderItem` -> `order_item`, `HTTPLog` -> `http_log`."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def pluralize(word: str) -> str:
    """English plural of a snake_case word, applied to its last part."""
    head, _, last = word.rpartition("_")
    prefix = f"{head}_" if head else ""
    if last in _UNCOUNTABLE:
        return word
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if re.search(r"[^aeiousy]s$", last):
        return word  # already plural: `settings`, `sql_assessments` (not `status`, `class`)
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


# Names in the generated main.py, which imports each router module by its name.
_MAIN_NAMES = frozenset(
    {
        "add_exception_handlers", "app", "asynccontextmanager", "auth", "engine",
        "error_responses", "health", "lifespan", "logger", "logging", "metadata", "settings",
        "status", "text",
    }
)  # fmt: skip


def router_module(plural: str) -> str:
    """The router module of a model (`routers/<name>.py`) from its plural: `users`, or
    `settings_routes` where `main.py` already uses the name `settings`."""
    return f"{plural}_routes" if plural in _MAIN_NAMES else plural


def kebab_case(snake: str) -> str:
    return snake.replace("_", "-")
