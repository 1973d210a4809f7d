"""The rules' fast walks meet the nodes `ast.walk` meets, in the same order."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crudsmith.rules.readers_pydantic import child_nodes, file_nodes, walk, walk_statements
from crudsmith.rules.readers_rest import walk_body

ROOT = Path(__file__).resolve().parents[2]
SINGLETONS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case, ast.Module)

TRICKY = '''
import a.b as c
from . import d

@decorator(lambda x: x + 1)
async def f(p: "Q", /, q: int = -1, *r, s=not 1, **t) -> list[int] | None:
    """doc"""
    global g
    try:
        x = [y async for y in z if y > 1 and y < 3]
    except* (ValueError, TypeError) as e:
        raise RuntimeError(f"{e!r:>10}") from e
    else:
        with open(p) as h, other():
            del x[0], h.attr
    finally:
        async with lock:
            await thing
    match q:
        case {"k": [1, *rest], **kw} if rest:
            pass
        case Point(x=0) | None as m:
            return m
    class Inner(Base, metaclass=M):
        def method(self) -> None:
            nonlocal s
            s += 1
            yield from (i for i in range(3))
    while (n := 1) is not None:
        break
    else:
        for i, j in {1: 2}.items():
            continue
    return {**t, "x": x[1:2:3], "y": ~q, "z": q if q else ...}
'''


def _sources() -> list[str]:
    files = [*sorted((ROOT / "examples").glob("*/models.py"))]
    files += sorted((ROOT / "tests" / "rules" / "fixtures").glob("*/*.py"))[:40]
    return [TRICKY, *(path.read_text(encoding="utf-8") for path in files)]


@pytest.mark.parametrize("source", _sources())
def test_walks_match_ast_walk(source: str) -> None:
    tree = ast.parse(source)
    expected = [node for node in ast.walk(tree) if not isinstance(node, SINGLETONS)]
    assert list(walk(tree)) == expected
    statements = [node for node in ast.walk(tree) if isinstance(node, BLOCKS)]
    assert list(walk_statements(tree)) == statements
    for node in ast.walk(tree):
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, SINGLETONS)]
        assert child_nodes(node) == children


def test_walk_body_and_file_nodes_skip_only_the_singletons() -> None:
    tree = ast.parse(TRICKY)
    func = tree.body[2]
    assert isinstance(func, ast.AsyncFunctionDef)
    body = walk_body(func)
    assert any(isinstance(node, ast.ExceptHandler) for node in body)
    assert not any(isinstance(node, SINGLETONS) for node in body)
    assert all(node is not func.decorator_list[0] for node in body)
    grouped = file_nodes(tree.body)
    preorder = _preorder(tree.body)
    for kind in (ast.Name, ast.Call, ast.Attribute, ast.keyword, ast.arg, ast.ExceptHandler):
        expected = sorted(
            (n for n in preorder if type(n) is kind),
            key=lambda n: n.lineno,
        )
        assert grouped[kind] == expected


def _preorder(statements: list[ast.stmt]) -> list[ast.AST]:
    """The shared walk as first written (over every field, singletons included)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        found.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in reversed(value) if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found
