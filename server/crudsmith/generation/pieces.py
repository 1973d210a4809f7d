"""Which generated file belongs to which piece of the project, and where it goes.

A project is made of pieces: the schemas of one model, the router of one model,
auth, error handlers, settings, the database module, the app (`main.py`), and
the tests of each. The language server writes single pieces into an existing
project ("Generate Pydantic schemas for User" -> `Piece(SCHEMAS, "User")`, "Add
auth dependency" -> `Piece(AUTH)`, "Add exception handlers" -> `Piece(ERRORS)`,
"Add settings" -> `Piece(SETTINGS)`), so it needs to know which of the files
`generate_project` returns make up a piece: `project_pieces` answers that
without rendering anything, and `paths_of` selects from its answer.

Paths are POSIX and relative to the project root: the package's files live
under its directory (`app/...`, `a/b/...` for package `a.b`), tests under
`tests/`, `pyproject.toml` and `README.md` at the root.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class PieceKind(StrEnum):
    PROJECT = "project"  # pyproject.toml, README.md
    PACKAGE = "package"  # the package's and sub-packages' __init__.py
    MODELS = "models"  # the copied or translated models file
    DB = "db"
    SETTINGS = "settings"
    ERRORS = "errors"
    MAIN = "main"
    AUTH = "auth"  # security.py, deps.py, routers/auth.py
    SCHEMAS = "schemas"  # of one model
    ROUTER = "router"  # of one model
    FIXTURES = "fixtures"  # tests/__init__.py, tests/conftest.py


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a project; `test` marks the tests of that piece.

    The tests of a model's router are `Piece(ROUTER, "User", test=True)`, those of
    auth `Piece(AUTH, test=True)`, the health-check test `Piece(MAIN, test=True)`.
    """

    kind: PieceKind
    model: str | None = None  # the model class name, for SCHEMAS and ROUTER
    test: bool = False


def paths_of(
    pieces: Mapping[str, Piece],
    kind: PieceKind,
    model: str | None = None,
    *,
    tests: bool = False,
) -> list[str]:
    """The paths of one piece (its tests too when `tests`), in path order."""
    return sorted(
        path
        for path, piece in pieces.items()
        if piece.kind is kind and piece.model == model and (tests or not piece.test)
    )


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where each file of a project goes, for a package directory like `app` or `a/b`."""

    package_dir: str

    def module(self, name: str) -> str:
        """`db` -> `app/db.py`; `routers/auth` -> `app/routers/auth.py`."""
        return f"{self.package_dir}/{name}.py"

    def schemas(self, snake: str) -> str:
        return self.module(f"schemas/{snake}")

    def router(self, module: str) -> str:
        return self.module(f"routers/{module}")

    def parent_packages(self) -> list[str]:
        """The directories above a dotted package (`a/b/c` -> `a`, `a/b`): they get an
        `__init__.py` too, so that tools map every module to one name."""
        parts = self.package_dir.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]

    @staticmethod
    def model_tests(plural: str) -> str:
        return f"tests/test_{plural}.py"
