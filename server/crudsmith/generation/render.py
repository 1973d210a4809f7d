"""The Jinja2 environment over `snippets/` that renders all generated code."""

from __future__ import annotations

import json
import re
import textwrap
from functools import cache
from pathlib import Path

import jinja2

from crudsmith.resources import snippets_dir

LINE_LENGTH = 88  # ruff's default, which generated projects keep


def python_string(value: object) -> str:
    """A double-quoted Python string literal (the quote style ruff format keeps)."""
    return json.dumps(str(value), ensure_ascii=False)


def docstring_text(value: object) -> str:
    """Text safe inside a triple-quoted docstring: first paragraph, on one line."""
    first = " ".join(str(value).strip().split("\n\n")[0].split())
    return first.replace("\\", "\\\\").replace('"', "'")


def docstring(value: object, indent: int = 0) -> str:
    """A whole docstring, quotes included, for a body indented by `indent` columns.

    One line when it fits in 88 columns; else wrapped at spaces, continuation
    lines indented, the closing quotes on the last line. Names from user models
    make lines of any length and ruff format never wraps a docstring.
    """
    text = docstring_text(value)
    if indent + len(text) + 6 <= LINE_LENGTH:
        return f'"""{text}"""'
    width = LINE_LENGTH - indent - 6  # room for the quotes on the first and last line
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return '"""' + ("\n" + " " * indent).join(lines) + '"""'


def python_string_wrapped(value: object, indent: int, prefix: str = "", suffix: str = ",") -> str:
    """A string literal written as `prefix<literal>suffix` on a line indented by `indent`.

    When that line would pass 88 columns: a parenthesized implicit concatenation
    of parts split after spaces, each fitting a line at `indent + 4` (where ruff
    format puts them, one per line; it joins them again when they fit).
    """
    literal = python_string(value)
    if indent + len(prefix) + len(literal) + len(suffix) <= LINE_LENGTH:
        return literal
    width = LINE_LENGTH - indent - 4
    parts: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*|\s+", str(value)):
        if current and len(python_string(current + word)) > width:
            parts.append(current)
            current = ""
        current += word
    parts.append(current)
    return "(" + " ".join(python_string(part) for part in parts) + ")"


def with_article(noun: object) -> str:
    """`order item` -> `an order item`, `user` -> `a user` (by the first letter)."""
    text = str(noun)
    return ("an " if text[:1].lower() in "aeio" and text else "a ") + text


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
    env.filters["docstring"] = docstring
    env.filters["a_an"] = with_article
    env.filters["pystr_wrap"] = python_string_wrapped
    env.filters["oneline"] = one_line
    env.filters["group_imports"] = group_imports
    return env


def render(template: str, override_dir: Path | None = None, **context: object) -> str:
    return environment(override_dir).get_template(template).render(**context)
