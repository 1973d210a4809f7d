"""Where generated code goes for a models file inside a workspace.

`package` layout (the default): the modules `crudsmith generate` writes, beside
the models module: `/ws/shop/models.py` -> package `shop`, models imported from
`shop.models`, `shop/schemas/`, `shop/routers/`, `shop/db.py`, ..., tests in
`/ws/tests/`. The package is the models file's directory relative to the
workspace root, dotted (`/ws/backend/shop/models.py` -> `backend.shop`); a
leading `src/` is dropped (`/ws/src/shop/models.py` -> `shop`); directories that
are not identifiers end the package (`/ws/my-api/shop/models.py` -> `shop`, tests
in `/ws/my-api/tests/`).

A models file at the root of the workspace (`/ws/models.py`) has no package to
live beside: the generated modules go into a new package `app/` next to it and
import the models from the top-level module (`models`), exactly what
`crudsmith generate models.py --models-module models` writes.

`single-file` layout: everything is merged below the models in the models file
itself; the choice when the models live in `main.py`, and the fallback for
clients that cannot create files.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

ROOT_PACKAGE = "app"


class Layout(StrEnum):
    PACKAGE = "package"
    SINGLE_FILE = "single-file"


@dataclass(frozen=True, slots=True)
class Target:
    """Where the pieces of one models file go."""

    layout: Layout
    models_path: Path
    package: str  # dotted package of the generated modules
    models_module: str  # what generated code imports the models from
    package_dir: Path  # the package's directory
    project_root: Path  # where `tests/` lives

    def path_of(self, generated: str, package_dir: str) -> Path:
        """The file a generated path (`app/db.py`, `tests/conftest.py`) maps to."""
        prefix = package_dir + "/"
        if generated.startswith(prefix):
            return self.package_dir / generated[len(prefix) :]
        return self.project_root / generated


def _identifier(part: str) -> bool:
    return part.isidentifier() and not keyword.iskeyword(part)


def choose_layout(configured: Layout, models_path: Path, *, can_create_files: bool) -> Layout:
    """Single-file when files cannot be created or the models live in main.py."""
    if not can_create_files or models_path.stem == "main":
        return Layout.SINGLE_FILE
    return configured


def locate(models_path: Path, workspace_root: Path | None, layout: Layout) -> Target:
    """The target of `models_path` under `workspace_root` (its directory when None or outside)."""
    parent = models_path.parent
    root = workspace_root if workspace_root is not None else parent
    try:
        parts = list(parent.relative_to(root).parts)
    except ValueError:
        root, parts = parent, []
    start = len(parts)
    while start > 0 and _identifier(parts[start - 1]):
        start -= 1
    project_root = root.joinpath(*parts[:start])
    package_parts = parts[start:]
    if len(package_parts) > 1 and package_parts[0] == "src":
        package_parts = package_parts[1:]
    if not package_parts:
        return Target(
            layout,
            models_path,
            ROOT_PACKAGE,
            models_path.stem,
            parent / ROOT_PACKAGE,
            parent,
        )
    package = ".".join(package_parts)
    return Target(
        layout, models_path, package, f"{package}.{models_path.stem}", parent, project_root
    )
