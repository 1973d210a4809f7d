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


def kebab_case(snake: str) -> str:
    return snake.replace("_", "-")
