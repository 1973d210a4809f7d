"""Which files of a workspace crudsmith reads: every `*.py`, minus tool and vendor folders.

Pure file-system walking (no LSP): the language server's indexer and `crudsmith check`
share it. `exclude` globs are matched against the path relative to the root, with `/`
separators; a glob matches a folder too (so `legacy` or `legacy/*` skips the subtree).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

SKIPPED_DIRS = frozenset(
    {
        ".venv",
        "venv",
        "env",
        ".env",
        "node_modules",
        ".git",
        ".hg",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        "build",
        "dist",
        "site-packages",
    }
)


def is_excluded(relative: str, patterns: Iterable[str]) -> bool:
    """Whether the root-relative `relative` path (with `/`) matches one of `patterns`."""
    for raw in patterns:
        pattern = raw.strip().rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern:
            continue
        candidates = (pattern, f"{pattern}/*", f"*/{pattern}", f"*/{pattern}/*")
        if any(fnmatchcase(relative, candidate) for candidate in candidates):
            return True
    return False


def iter_python_files(root: Path, exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Every `*.py` file under `root`, sorted per folder, skipping SKIPPED_DIRS and `exclude`."""
    patterns = tuple(exclude)
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        relative_folder = base.relative_to(root).as_posix()
        prefix = "" if relative_folder == "." else f"{relative_folder}/"
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and not d.endswith(".egg-info")
            and not is_excluded(prefix + d, patterns)
        )
        for name in sorted(files):
            if name.endswith(".py") and not is_excluded(prefix + name, patterns):
                yield base / name


def is_indexed(path: Path, roots: Iterable[Path], exclude: Iterable[str] = ()) -> bool:
    """Whether `iter_python_files` over `roots` would yield `path` (for watched-file events)."""
    if path.suffix != ".py":
        return False
    patterns = tuple(exclude)
    for root in roots:
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        folders = relative.parts[:-1]
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in folders):
            return False
        return not is_excluded(relative.as_posix(), patterns)
    return False
