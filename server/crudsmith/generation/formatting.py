"""The last step of generation: ruff's formatter over the rendered Python files.

Templates render code that is close to formatted; names derived from user
models vary in length, so line wrapping is settled by ruff itself (the same
formatter the generated project checks with). One subprocess formats a whole
project. Without a ruff binary the text is returned as rendered.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def ruff_binary() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return None


def _scratch_dir() -> str | None:
    """A memory-backed directory when there is one: hundreds of small files are
    written, read and deleted per project, which a loaded disk makes slow."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def format_python(files: dict[str, str]) -> dict[str, str]:
    """`files` with every `.py` entry formatted; other entries unchanged."""
    binary = ruff_binary()
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    if binary is None or not python:
        return files
    with tempfile.TemporaryDirectory(prefix="crudsmith-format-", dir=_scratch_dir()) as tmp:
        root = Path(tmp)
        for path, text in python.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [binary, "format", "--isolated", "--target-version", "py311", "--quiet", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            return files  # a template produced invalid code: tests show it unformatted
        formatted = {path: (root / path).read_text(encoding="utf-8") for path in python}
    return {path: formatted.get(path, text) for path, text in files.items()}
