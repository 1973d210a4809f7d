"""The language server starts without libcst: only the first code-action edit loads it
(~15 MB of a server whose whole budget on a 200-model file is 100 MB)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from crudsmith.lsp.server import create_server
create_server()
print("libcst" in sys.modules)
from crudsmith.insertion import plan_insertion
print("libcst" in sys.modules)
"""


def test_the_server_loads_libcst_only_for_an_edit() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
