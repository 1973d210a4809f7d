"""Pausing the cyclic garbage collector while a syntax tree is built or walked.

The AST of a large file is millions of young objects; every collection triggered
while it is built or read would traverse them again (measured: more than half the
analysis time on a 1,000-model file). Parsing, analysis and the rules build no
reference cycles worth collecting meanwhile, so collecting afterwards loses nothing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the collector for the block; re-enable it only if this call disabled it
    (a nested or concurrent pause leaves it to the outermost one)."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
