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

from collections.abc import Iterable, Mapping, Sequence

import libcst as cst


def _prefixed(name: str, prefix: str) -> str:
    if name.isupper():
        return f"{prefix.upper()}_{name}"
    if name[:1].isupper():
        return "".join(part.capitalize() for part in prefix.split("_")) + name
    return f"{prefix}_{name}"


def _is_first_party(module: str, first_party: Sequence[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in first_party)


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        first_party: Sequence[str],
        renames: Mapping[str, str],
        router_modules: Mapping[str, str],
    ) -> None:
        super().__init__()
        self.first_party = first_party
        self.renames = renames
        self.router_modules = router_modules  # module alias (`posts`) -> its router name

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        module = original_node.module
        if module is None or original_node.relative:
            return updated_node
        dotted = cst.helpers.get_full_name_for_node(module) or ""
        if _is_first_party(dotted, self.first_party):
            return cst.RemoveFromParent()
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(original_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        updated_node = updated_node.with_changes(attr=original_node.attr)  # `.x` is no name
        value = original_node.value
        if (
            isinstance(value, cst.Name)
            and value.value in self.router_modules
            and original_node.attr.value == "router"
        ):
            return cst.Name(self.router_modules[value.value])
        return updated_node

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)  # `f(x=...)` keeps x


def router_renames(source: str, prefix: str, keep: Iterable[str]) -> dict[str, str]:
    """Renames for the top-level names of one router module (names containing `keep` stay)."""
    module = cst.parse_module(source)
    markers = [k.lower() for k in keep]
    renames: dict[str, str] = {}
    for name in _top_level_names(module):
        if not any(marker in name.lower() for marker in markers):
            renames[name] = _prefixed(name, prefix)
    return renames


def _top_level_names(module: cst.Module) -> list[str]:
    names: list[str] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            names.append(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names.extend(
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    )
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.append(small.target.value)
    return names


def rewrite(
    source: str,
    first_party: Sequence[str],
    renames: Mapping[str, str] | None = None,
    router_modules: Mapping[str, str] | None = None,
) -> str:
    """`source` with first-party imports removed, names renamed and `x.router` made local."""
    module = cst.parse_module(source)
    rewriter = _Rewriter(first_party, renames or {}, router_modules or {})
    return module.visit(rewriter).code
