"""A checked file's tree goes when its parse goes, by reference counting alone.

In the language server every edit makes a new tree (~20 MB for a 200-model file); if
anything the rules memoise formed a reference cycle with the tree, each old version
would stay in memory until a full garbage collection.
"""

from __future__ import annotations

import gc
from pathlib import Path

from crudsmith.config.lint import LintSettings
from crudsmith.rules.engine import build_context, check
from crudsmith.workspace.index import WorkspaceIndex

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_checking_leaves_no_cyclic_garbage() -> None:
    index = WorkspaceIndex()
    for models in sorted(EXAMPLES.glob("*/models.py")):
        index.update(str(models), models.read_text(encoding="utf-8"))
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*/models.py"))]
    check(build_context("/ws/warm/models.py", texts[0], index), LintSettings())  # load once
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for number, text in enumerate(texts):
            ctx = build_context(f"/ws/app{number}/models.py", text, index)
            assert check(ctx, LintSettings()) is not None
            del ctx
        leftovers = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert leftovers == 0
