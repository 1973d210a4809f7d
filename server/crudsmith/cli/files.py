"""Reading the user's models file and writing generated files all-or-nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from crudsmith.cli.main import CliError


def read_models_file(path: Path) -> str:
    if not path.exists():
        raise CliError(f"{path}: no such file")
    if path.is_dir():
        raise CliError(f"{path}: is a directory, expected a Python models file")
    return read_python_text(path)


def read_python_text(path: Path) -> str:
    """The file's UTF-8 text (a byte-order mark kept); a CliError naming the problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not a UTF-8 Python file") from exc


def write_project(files: dict[str, str], output: Path, *, force: bool) -> None:
    """Write every file or none: stage beside OUTPUT, then move into place."""
    existing = sorted(rel for rel in files if (output / rel).exists())
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise CliError(f"{output / existing[0]} already exists{more}; use --force to overwrite")
    if output.exists() and not output.is_dir():
        raise CliError(f"{output}: exists and is not a directory")
    parent = output.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".crudsmith-", dir=parent))
    except OSError as exc:
        raise CliError(f"{output}: cannot write: {exc.strerror}") from exc
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if not output.exists():
            os.replace(staging, output)
            return
        _check_writable(files, output)
        for rel in files:
            destination = output / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, destination)
    except OSError as exc:
        raise CliError(f"{output}: cannot write: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_writable(files: dict[str, str], output: Path) -> None:
    """Find a permission problem before the first file moves, so none moves."""
    for rel in files:
        directory = (output / rel).parent
        while not directory.exists():
            directory = directory.parent
        if not os.access(directory, os.W_OK):
            raise CliError(f"{directory}: permission denied")
