"""The Jinja2 environment over `snippets/` that renders all generated code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jinja2

from crudsmith.resources import snippets_dir


def python_string(value: object) -> str:
    """A double-quoted Python string literal (the quote style ruff format keeps)."""
    return json.dumps(str(value), ensure_ascii=False)


def docstring_text(value: object) -> str:
    """Text safe inside a triple-quoted docstring: first paragraph, on one line."""
    first = " ".join(str(value).strip().split("\n\n")[0].split())
    return first.replace("\\", "\\\\").replace('"', "'")


def one_line(value: object) -> str:
    return " ".join(str(value).split())


def isort_names(names: list[str]) -> list[str]:
    """Imported names in ruff's isort order: CONSTANTS, Classes, then the rest."""

    def key(name: str) -> tuple[int, str]:
        if name.isupper() and len(name) > 1:
            group = 0
        elif name[:1].isupper():
            group = 1
        else:
            group = 2
        return group, name.lower()

    return sorted(dict.fromkeys(names), key=key)


def group_imports(pairs: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(module, name) pairs merged per module and sorted by module, as ruff's isort does."""
    grouped: dict[str, list[str]] = {}
    for module, name in pairs:
        grouped.setdefault(module, []).append(name)
    return sorted(grouped.items(), key=lambda item: item[0].lower())


@cache
def environment(override_dir: Path | None = None) -> jinja2.Environment:
    """Templates from `override_dir` (a team's restyling) win over crudsmith's own."""
    search = [str(override_dir)] if override_dir is not None else []
    search.append(str(snippets_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pystr"] = python_string
    env.filters["isort_names"] = isort_names
    env.filters["docline"] = docstring_text
    env.filters["oneline"] = one_line
    env.filters["group_imports"] = group_imports
    return env


def render(template: str, override_dir: Path | None = None, **context: object) -> str:
    return environment(override_dir).get_template(template).render(**context)
