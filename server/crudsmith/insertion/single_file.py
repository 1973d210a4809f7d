"""Turn the generated package modules into sources that merge into ONE module.

In the single-file layout every generated module lands below the models in the
same file, so:

- imports of the sibling generated modules and of the models module go away
  (the names are local now);
- each router module's own names that are not specific to its model (`router`,
  `NOT_NULL`, `taken`, `ensure_can_change`, ...) are prefixed with the router's
  name (`posts_router`, `POSTS_NOT_NULL`, `posts_taken`), so routers written
  today and routers written next week never share or clash on a name;
- `app.include_router(posts.router)` in main becomes `app.include_router(posts_router)`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence

from crudsmith.analysis.names import defined_names


def _prefixed(name: str, prefix: str) -> str:
    if name.isupper():
        return f"{prefix.upper()}_{name}"
    if name[:1].isupper():
        return "".join(part.capitalize() for part in prefix.split("_")) + name
    return f"{prefix}_{name}"


def _is_first_party(module: str, first_party: Sequence[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in first_party)


def router_renames(source: str, prefix: str, keep: Iterable[str]) -> dict[str, str]:
    """Renames for the top-level names of one router module (names containing `keep` stay)."""
    markers = [k.lower() for k in keep]
    renames: dict[str, str] = {}
    for name in defined_names(ast.parse(source).body):
        if not any(marker in name.lower() for marker in markers):
            renames[name] = _prefixed(name, prefix)
    return renames


def rewrite(
    source: str,
    first_party: Sequence[str],
    renames: Mapping[str, str] | None = None,
    router_modules: Mapping[str, str] | None = None,
) -> str:
    """`source` with first-party imports removed, names renamed and `x.router` made local.

    Works on `ast` positions (generated code is small and formatted; a libcst transform
    per module made "all models" on 200 models take a minute).
    """
    renames = renames or {}
    router_modules = router_modules or {}
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    dropped: set[int] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and _is_first_party(node.module, first_party)
        ):
            dropped.update(range(node.lineno - 1, node.end_lineno or node.lineno))
    edits = _rename_edits(tree, lines, renames, router_modules) if renames or router_modules else []
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for line, start, end, new in edits:
        by_line.setdefault(line, []).append((start, end, new))
    out: list[str] = []
    for index, text in enumerate(lines):
        if index in dropped:
            continue
        if index in by_line:
            raw = text.encode("utf-8")
            for start, end, new in sorted(by_line[index], reverse=True):
                raw = raw[:start] + new.encode("utf-8") + raw[end:]
            text = raw.decode("utf-8")
        out.append(text)
    return "".join(out)


def _rename_edits(
    tree: ast.Module,
    lines: list[str],
    renames: Mapping[str, str],
    router_modules: Mapping[str, str],
) -> list[tuple[int, int, int, str]]:
    """(0-based line, start byte, end byte, new text) for every renamed occurrence."""
    edits: list[tuple[int, int, int, str]] = []
    handled: set[int] = set()
    for node in ast.walk(tree):  # breadth first: an attribute comes before its value
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in router_modules
            and node.attr == "router"
            and node.end_col_offset is not None
        ):
            new = router_modules[node.value.id]
            edits.append((node.lineno - 1, node.col_offset, node.end_col_offset, new))
            handled.add(id(node.value))
        elif isinstance(node, ast.Name) and node.id in renames and id(node) not in handled:
            start = node.col_offset
            edits.append((node.lineno - 1, start, start + len(node.id), renames[node.id]))
        elif isinstance(node, ast.arg) and node.arg in renames:
            start = node.col_offset
            edits.append((node.lineno - 1, start, start + len(node.arg), renames[node.arg]))
        elif (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name in renames
        ):
            edits.append(_definition_name(node, lines, renames[node.name]))
    return edits


def _definition_name(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str], new: str
) -> tuple[int, int, int, str]:
    line = lines[node.lineno - 1].encode("utf-8")
    found = re.compile(rb"(?:def|class)\s+(" + re.escape(node.name.encode()) + rb")\b")
    match = found.search(line, node.col_offset)
    if match is None:  # unreachable for code that parsed
        raise ValueError(f"definition of {node.name} not found on its line")
    return node.lineno - 1, match.start(1), match.end(1), new
