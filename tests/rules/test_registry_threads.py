"""The registry loads its catalogue once, and no thread ever sees it half-loaded."""

from __future__ import annotations

import ast
import subprocess
import sys

# Run in a fresh interpreter: the catalogue must not be imported yet.
_SCRIPT = """
import importlib, threading, time
from crudsmith.rules import registry

real_import = importlib.import_module
def slow_import(name, package=None):
    time.sleep(0.05)  # widen the window in which a second caller arrives
    return real_import(name, package)
registry.importlib.import_module = slow_import

counts = []
threads = [threading.Thread(target=lambda: counts.append(len(registry.all_rules())))
           for _ in range(4)]
for thread in threads:
    thread.start()
    time.sleep(0.01)
for thread in threads:
    thread.join()
print(sorted(counts))
"""


def test_concurrent_first_use_sees_every_rule() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    counts = ast.literal_eval(out)
    assert len(counts) == 4
    assert min(counts) == max(counts) > 20
