"""Process-wide settings for a long-running server.

One malloc arena. glibc gives every thread that allocates its own arena (up to eight
per CPU), and memory freed in one arena is never reused for another thread's
allocations. The server's background work (diagnostics, indexing, code-action
resolves) runs in `asyncio.to_thread` workers while replies are built on the event
loop, so each worker kept its own high-water mark: about 8 MB more peak RSS on a
200-model file (bench/README.md). The GIL runs one thread's Python code at a time, so
a single arena costs no parallelism. Must run before the first thread starts; elsewhere
(musl, macOS, Windows) there is nothing to set.
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8  # glibc's malloc.h


def use_one_malloc_arena() -> bool:
    """Ask glibc for a single malloc arena; whether it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library handle, or not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))
