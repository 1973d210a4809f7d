"""Reading `Mapped[...]` / SQLModel annotations: optionality, collections, targets."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from crudsmith.analysis.names import NameTable

_MAPPED = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
_OPTIONAL = frozenset({"Optional"})
_UNION = frozenset({"Union"})
_COLLECTIONS = frozenset(
    {
        "list",
        "List",
        "set",
        "Set",
        "frozenset",
        "FrozenSet",
        "Sequence",
        "MutableSequence",
        "Collection",
        "Iterable",
        "tuple",
        "Tuple",
        "AbstractSet",
        "MutableSet",
    }
)


@dataclass(slots=True)
class AnnInfo:
    """What an annotation says about a mapped attribute (treat as immutable).

    Not frozen: a frozen dataclass's __init__ is several times slower, and one is
    built per annotated attribute.
    """

    inner: ast.expr | None  # the type with Mapped/Optional/Annotated stripped
    mapped: bool = False  # wrapped in Mapped[...]
    optional: bool = False  # Optional[...] / X | None
    classvar: bool = False
    collection: bool = False  # list[...] / set[...] (relationship uselist)
    item: ast.expr | None = None  # the element type of a collection, else inner
    annotated_call: ast.Call | None = None  # Annotated[T, mapped_column(...)]


def _parse_string(node: ast.expr) -> ast.expr:
    """A string (forward reference) annotation as an expression.

    Plain names and dotted names, by far the most common, are built directly:
    a `compile` per annotation would dominate the analysis time.
    """
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return node
    dotted = _dotted_name(node.value)
    if dotted is not None:
        return dotted
    try:
        return ast.parse(node.value.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return node


def _dotted_name(text: str) -> ast.expr | None:
    """`"User"` / `"models.User"` as a Name/Attribute chain; None for anything else."""
    parts = text.strip().split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    expr: ast.expr = ast.Name(id=parts[0], ctx=ast.Load())
    for part in parts[1:]:
        expr = ast.Attribute(value=expr, attr=part, ctx=ast.Load())
    return expr


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def read_annotation(names: NameTable, node: ast.expr) -> AnnInfo:
    """Strip Mapped / Optional / Union-with-None / Annotated wrappers from an annotation."""
    # Fast paths for the most common shapes; each returns what `_read_annotation` would.
    if isinstance(node, ast.Subscript) and names.symbol(node.value) in _MAPPED:
        inner = node.slice
        if isinstance(inner, ast.Name | ast.Attribute):  # Mapped[int] / Mapped[uuid.UUID]
            if not (isinstance(inner, ast.Name) and inner.id in names.values):
                last = inner.id if isinstance(inner, ast.Name) else inner.attr
                collection = last in ("list", "set") and names.symbol(inner) in ("list", "set")
                return AnnInfo(inner=inner, mapped=True, collection=collection, item=inner)
        elif (  # Mapped[str | None]
            isinstance(inner, ast.BinOp)
            and isinstance(inner.op, ast.BitOr)
            and _is_none(inner.right)
            and _plain_name(names, inner.left)
        ):
            return _plain(names, inner.left, optional=True)
        elif isinstance(inner, ast.Constant) and isinstance(inner.value, str):  # Mapped["User"]
            dotted = _dotted_name(inner.value)
            if dotted is not None and _plain_name(names, dotted):
                return _plain(names, dotted, optional=False)
    return _read_annotation(names, node)


def _plain_name(names: NameTable, node: ast.expr) -> bool:
    """A name or dotted name that is not a module-level alias of another annotation."""
    if isinstance(node, ast.Name):
        return node.id not in names.values
    return isinstance(node, ast.Attribute)


def _plain(names: NameTable, inner: ast.expr, optional: bool) -> AnnInfo:
    """`Mapped[<plain name>]`, possibly `| None`, as `_read_annotation` reads it."""
    collection = names.symbol(inner) in ("list", "set")
    return AnnInfo(inner=inner, mapped=True, optional=optional, collection=collection, item=inner)


def _read_annotation(names: NameTable, node: ast.expr) -> AnnInfo:
    mapped = optional = classvar = False
    annotated_call: ast.Call | None = None
    current: ast.expr = node
    for _ in range(8):
        if isinstance(current, ast.Constant):
            current = _parse_string(current)
        if isinstance(current, ast.Name) and current.id in names.values:
            alias_value = names.values[current.id]  # intpk = Annotated[int, mapped_column(...)]
            if isinstance(alias_value, ast.Subscript) and names.symbol(alias_value.value) in (
                "Annotated",
                "Optional",
                "Union",
            ):
                current = alias_value
                continue
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.BitOr):
            left, right = current.left, current.right
            if _is_none(right):
                optional, current = True, left
                continue
            if _is_none(left):
                optional, current = True, right
                continue
            break
        if not isinstance(current, ast.Subscript):
            break
        wrapper = names.symbol(current.value)
        arg = current.slice
        if wrapper in _MAPPED:
            mapped, current = True, arg
        elif wrapper == "ClassVar":
            classvar, current = True, arg
        elif wrapper in _OPTIONAL:
            optional, current = True, arg
        elif wrapper in _UNION and isinstance(arg, ast.Tuple):
            rest = [e for e in arg.elts if not _is_none(e)]
            if len(rest) == len(arg.elts) or len(rest) != 1:
                break
            optional, current = True, rest[0]
        elif wrapper == "Annotated" and isinstance(arg, ast.Tuple) and arg.elts:
            for extra in arg.elts[1:]:
                if isinstance(extra, ast.Call) and annotated_call is None:
                    annotated_call = extra
            current = arg.elts[0]
        else:
            break
    current = _parse_string(current)
    collection = False
    item: ast.expr = current
    if isinstance(current, ast.Subscript) and names.symbol(current.value) in _COLLECTIONS:
        collection = True
        item = current.slice
        if isinstance(item, ast.Tuple) and item.elts:
            item = item.elts[0]
        item = _parse_string(item)
    elif isinstance(current, ast.Name | ast.Attribute) and names.symbol(current) in (
        "list",
        "set",
    ):
        collection = True
    return AnnInfo(
        inner=current,
        mapped=mapped,
        optional=optional,
        classvar=classvar,
        collection=collection,
        item=item,
        annotated_call=annotated_call,
    )


def target_name(names: NameTable, node: ast.expr | None) -> str | None:
    """The class name an annotation item refers to (`"User"`, `models.User`, `User`)."""
    if node is None:
        return None
    node = _parse_string(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rpartition(".")[2] or None
    symbol = names.symbol(node)
    return symbol or None


def annotation_key(names: NameTable, node: ast.expr) -> str:
    """A comparable key for a type: the resolved dotted name, or the unparsed text."""
    resolved = names.resolve(node)
    if resolved:
        return resolved
    if isinstance(node, ast.Subscript):
        head = names.resolve(node.value)
        try:
            return f"{head}[{ast.unparse(node.slice)}]"
        except Exception:
            return head
    return ""
