"""The insertion plan: which files to create and what to add to existing ones.

`plan_insertion` renders the project with `generate_project` (package and models
module of the target), keeps the files of the requested goal, and for each one
either creates it (it does not exist) or merges into it (`merge_module`). The
plan holds, per file, the whole new text and the minimal edits against the
original, so the CLI can write files and the language server can send small
`TextEdit`s. Planning again after applying a plan gives an empty plan.

What each goal writes (package layout):

- ENDPOINTS (one model or all): schemas, router and its tests per model, `main.py`
  wiring, and the modules they import (`db`, `settings`, `errors`, and with auth
  `security`, `deps`, `routers/auth`), the package `__init__` files, `tests/conftest.py`.
  Tests are written because a demanding user wants them next to the code; a test
  file that exists is merged like any module (missing tests added, none replaced).
  With auth on, the user model's endpoints come along: the token endpoint needs them.
- SCHEMAS: the model's schemas module.
- AUTH: `security.py` and `deps.py` (`CurrentUser`, `require_admin`) with `settings`/`db`.
- ERRORS: `errors.py`; when `main.py` exists, only `add_exception_handlers(app)` is wired in.
- SETTINGS: `settings.py`.

Single-file layout: the same pieces (without tests and `__init__` files) merged
into the models file below the models (see `single_file`).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from crudsmith.analysis.spec import ModuleAnalysis
from crudsmith.generation.naming import pluralize, snake_case
from crudsmith.generation.options import GenerateOptions
from crudsmith.generation.pieces import Piece, PieceKind
from crudsmith.generation.project import generate_project, project_pieces
from crudsmith.insertion import single_file
from crudsmith.insertion.layout import Layout, Target
from crudsmith.insertion.merge import Source, StatementFilter, merge_module
from crudsmith.insertion.request import FileChange, Goal, Plan, Request

Reader = Callable[[Path], str | None]  # the current text of a file, None when it does not exist


_SHARED_ORDER = ("settings", "db", "security", "errors", "deps")


def plan_insertion(
    target: Target,
    analysis: ModuleAnalysis,
    source: str,
    request: Request,
    options: GenerateOptions,
    read: Reader,
) -> Plan:
    """The plan for `request` (raises `GenerationError` / `MergeError` with a one-line reason)."""
    options = dataclasses.replace(
        options,
        project_name=project_name(target),
        package=target.package,
        models_module=target.models_module,
        only=_only(analysis, request),
    )
    pieces = project_pieces(analysis, options)
    wanted = [path for path, piece in pieces.items() if _wanted(request, path, piece, target)]
    files = generate_project(analysis, source, options)
    if target.layout is Layout.SINGLE_FILE:
        return _single_file_plan(target, request, options, pieces, wanted, files, read)
    changes: list[FileChange] = []
    for path in wanted:
        change = _change(target.path_of(path, options.package_dir), [Source(files[path])], read)
        if change is not None:
            changes.append(change)
    main = f"{options.package_dir}/main.py"
    if request.goal is Goal.ERRORS and main in files:
        change = _change(
            target.path_of(main, options.package_dir),
            [Source(files[main], _mentions("add_exception_handlers"))],
            read,
            create=False,
        )
        if change is not None:
            changes.append(change)
    return Plan(tuple(changes))


def project_name(target: Target) -> str:
    """The project's name as `crudsmith generate -o DIR` derives it from DIR."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", target.project_root.name) or "app"


def _only(analysis: ModuleAnalysis, request: Request) -> tuple[str, ...] | None:
    if request.goal in (Goal.ENDPOINTS, Goal.SCHEMAS):
        return None if request.model is None else (request.model,)
    return (analysis.models[0].name,) if analysis.models else None  # least to render


def _wanted(request: Request, path: str, piece: Piece, target: Target) -> bool:
    kind = piece.kind
    if kind in (PieceKind.PROJECT, PieceKind.MODELS):
        return False
    if kind is PieceKind.PACKAGE:
        return target.layout is Layout.PACKAGE and _package_wanted(request.goal, path)
    if piece.test:
        return target.layout is Layout.PACKAGE and request.goal is Goal.ENDPOINTS
    if request.goal is Goal.ENDPOINTS:
        return True
    if request.goal is Goal.SCHEMAS:
        return kind is PieceKind.SCHEMAS and piece.model == request.model
    if request.goal is Goal.AUTH:
        is_dependency = kind is PieceKind.AUTH and "/routers/" not in f"/{path}"
        return is_dependency or kind in (PieceKind.SETTINGS, PieceKind.DB)
    if request.goal is Goal.ERRORS:
        return kind is PieceKind.ERRORS
    return kind is PieceKind.SETTINGS


def _package_wanted(goal: Goal, path: str) -> bool:
    """`schemas/__init__.py` with schemas, `routers/__init__.py` with routers; the package's
    own `__init__.py` always."""
    if path.endswith("schemas/__init__.py"):
        return goal in (Goal.ENDPOINTS, Goal.SCHEMAS)
    if path.endswith("routers/__init__.py"):
        return goal is Goal.ENDPOINTS
    return True


def _mentions(name: str) -> StatementFilter:
    def keep(node: ast.stmt) -> bool:
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))

    return keep


def _change(
    path: Path, generated: list[Source], read: Reader, *, create: bool = True
) -> FileChange | None:
    current = read(path)
    if current is None:
        if not create:
            return None
        if len(generated) == 1 and generated[0].keep is None:
            return FileChange(path, True, generated[0].text, ())
        return FileChange(path, True, merge_module("", generated).text, ())
    result = merge_module(current, generated)
    if not result.changed:
        return None
    return FileChange(path, False, result.text, result.edits)


# --------------------------------------------------------------------------- single file


def _single_file_plan(
    target: Target,
    request: Request,
    options: GenerateOptions,
    pieces: dict[str, Piece],
    wanted: list[str],
    files: dict[str, str],
    read: Reader,
) -> Plan:
    first_party = (options.package, target.models_module)
    ordered = sorted(wanted, key=lambda path: _single_file_rank(path, pieces[path], options))
    routers = {
        _module_name(path): _router_name(path) for path in ordered if _is_router(path, pieces[path])
    }
    sources: list[Source] = []
    for path in ordered:
        piece = pieces[path]
        renames: dict[str, str] = {}
        if _is_router(path, piece):
            markers = _router_markers(piece)
            renames = single_file.router_renames(files[path], _module_name(path), markers)
        local = routers if piece.kind is PieceKind.MAIN else None
        sources.append(Source(single_file.rewrite(files[path], first_party, renames, local)))
    main = f"{options.package_dir}/main.py"
    current = read(target.models_path)
    if request.goal is Goal.ERRORS and main in files and _binds(current, "app"):
        wiring = single_file.rewrite(files[main], first_party)
        sources.append(Source(wiring, _mentions("add_exception_handlers")))
    change = _change(target.models_path, sources, read, create=True)
    return Plan((change,) if change is not None else ())


def _binds(text: str | None, name: str) -> bool:
    """Whether `text` binds `name` at the top level (cheap, on the ast)."""
    if text is None:
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _single_file_rank(path: str, piece: Piece, options: GenerateOptions) -> tuple[int, str]:
    name = path.removeprefix(options.package_dir + "/").removesuffix(".py")
    if name in _SHARED_ORDER:
        return _SHARED_ORDER.index(name), ""
    if piece.kind is PieceKind.SCHEMAS:
        return 10, ""  # generated order (stable sort) keeps parents first
    if name == "routers/auth":
        return 20, ""
    if piece.kind is PieceKind.ROUTER:
        return 21, ""
    return 30, name  # main


def _is_router(path: str, piece: Piece) -> bool:
    return piece.kind is PieceKind.ROUTER or (
        piece.kind is PieceKind.AUTH and path.endswith("routers/auth.py")
    )


def _module_name(path: str) -> str:
    return Path(path).stem


def _router_name(path: str) -> str:
    return f"{_module_name(path)}_router"


def _router_markers(piece: Piece) -> tuple[str, ...]:
    if piece.model is None:
        return ("token", "login", "me")
    snake = snake_case(piece.model)
    return (snake, pluralize(snake))
