"""libcst (~12 MB) is loaded only when an import must join an existing file's imports:
the language server starts, checks and creates files without it (its whole budget on a
200-model file is 100 MB)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from crudsmith.lsp.server import create_server
from crudsmith.insertion import Source, merge_module
create_server()
print("libcst" in sys.modules)
merge_module("", [Source("def ping() -> str:\\n    return 'pong'\\n")])
print("libcst" in sys.modules)
added = "import sys\\n\\n\\ndef argv() -> list[str]:\\n    return sys.argv\\n"
merge_module("import os\\n", [Source(added)])
print("libcst" in sys.modules)
"""


def test_libcst_loads_only_to_merge_imports() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True"]
