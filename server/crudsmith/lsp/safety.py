"""Feature handlers never take the server down.

`safe(default)` wraps a handler (plain or `async`): an exception is logged (to the
client's log through the `crudsmith` logger, see `clientlog`) and the request is
answered with `default()` — an empty result — instead of an error or a dead server.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

_log = logging.getLogger("crudsmith.lsp")

F = TypeVar("F", bound=Callable[..., Any])


def safe(default: Callable[[], object]) -> Callable[[F], F]:
    """Decorate a handler so that any exception becomes a log entry and `default()`."""

    def decorate(handler: F) -> F:
        name = getattr(handler, "__qualname__", repr(handler))
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await handler(*args, **kwargs)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    _log.exception("%s failed; answering with an empty result", name)
                    return default()

            return _unannotated(cast(F, run_async))

        @functools.wraps(handler)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except Exception:
                _log.exception("%s failed; answering with an empty result", name)
                return default()

        return _unannotated(cast(F, run))

    return decorate


def _unannotated(wrapper: F) -> F:
    """Drop the copied annotations: pygls passes the server to a handler whose first
    parameter's annotation the server is a subclass of (`object` would match)."""
    wrapper.__annotations__ = {}
    return wrapper


def none() -> None:
    """The empty answer of handlers whose result may be null."""
    return None


def empty_list() -> list[Any]:
    return []
