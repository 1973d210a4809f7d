"""Keeping the cyclic garbage collector off syntax trees.

The AST of a large file is hundreds of thousands of objects; every collection that
traverses them costs tens of milliseconds (measured: more than half the analysis
time on a 1,000-model file, and the slow tail of the editor's diagnostics). Trees
hold no reference cycles, so reference counting alone frees them when their parse
is dropped; the cyclic collector has nothing to find in them.

So the collector is paused while a tree is built or read, and when the outermost
pause ends everything alive is *frozen* (`gc.freeze`): moved out of the
generations the collector scans. Frozen objects are still freed by reference
counting the moment they are dropped; only cyclic garbage among them waits until
`collect_everything` (the language server calls it when editing pauses; a CLI run
ends first). So code running inside a pause must not leave cycles behind: an
exception kept past its `except` clause with its traceback is one (frame ->
variable -> exception -> traceback -> frame), see `analysis.parse._detached`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the collector for the block; the outermost pause (the call that disabled it)
    freezes what is alive and re-enables it. A nested or concurrent pause leaves both to
    the outermost one."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def collect_everything() -> int:
    """A full collection including frozen objects, then freeze the survivors again (they
    are long-lived: modules, the open documents' trees). Returns the objects collected."""
    gc.unfreeze()
    collected = gc.collect()
    gc.freeze()
    return collected
