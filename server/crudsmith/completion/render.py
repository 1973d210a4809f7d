"""Render catalogue entries into snippets, cached per entry, model, project and hosts."""

from __future__ import annotations

from functools import lru_cache

from crudsmith.completion.catalogue import BY_LABEL, Setup
from crudsmith.completion.imports import ImportNeed, section_of, split_module
from crudsmith.completion.model import Hosts, Project, Rendered
from crudsmith.completion.snippet import build_snippet, plain_text
from crudsmith.generation.render import render
from crudsmith.generation.views import ModelView


@lru_cache(maxsize=4096)
def render_entry(label: str, view: ModelView | None, project: Project, hosts: Hosts) -> Rendered:
    """Entry `label` rendered for `view` (None for entries without a model).

    The template is rendered once with sentinels for the tab stops; the snippet, the
    plain code and the imports all come from that one rendering.
    """
    entry = BY_LABEL[label]
    context, stops = entry.prepare(Setup(view, project, hosts))
    module = split_module(render(entry.template, None, **context))
    plain = plain_text(module.body, stops)
    return Rendered(
        snippet=build_snippet(module.body, stops),
        plain=plain,
        imports=module.imports,
        documentation=_documentation(module.imports, plain, project),
    )


def _documentation(imports: tuple[ImportNeed, ...], plain: str, project: Project) -> str:
    first_party = frozenset({project.package.split(".")[0], project.models_module.split(".")[0]})
    sections: dict[str, list[tuple[str, str]]] = {"std": [], "third": [], "first": []}
    names = ("std", "std", "third", "first")
    for need in imports:
        sections[names[section_of(need.module, first_party)]].append((need.module, need.spelled))
    block = render("completions/import_block.py.j2", None, **sections).strip("\n")
    code = f"{block}\n\n\n{plain}" if block else plain
    return f"```python\n{code.rstrip()}\n```"
