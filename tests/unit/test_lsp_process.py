"""lsp.process: the server asks glibc for one malloc arena (see its docstring)."""

from __future__ import annotations

import platform
import subprocess
import sys

CODE = "from crudsmith.lsp.process import use_one_malloc_arena; print(use_one_malloc_arena())"


def test_one_malloc_arena_is_set_where_glibc_runs() -> None:
    # A fresh interpreter: the setting is process-wide and must precede any thread.
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert out.stdout.strip() == str(glibc)
