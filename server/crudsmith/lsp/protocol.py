"""The JSON-RPC protocol crudsmith speaks: pygls's, without its bookkeeping leak.

pygls 2.1 records the future of every handler it runs in `_request_futures`, keyed by
message id, and removes it when a *request's* result is sent. A notification
(`didChange` on every keystroke) and each step of a built-in generator handler run
under a fresh UUID that nothing removes: the map grew by one future per message for
the life of the server, about 1.9 KB per `didChange` (190 MB per 100,000 keystrokes;
measured with tracemalloc over 2,000 changes). Here a finished handler's future leaves
the map when it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import MsgId


class CrudsmithProtocol(LanguageServerProtocol):
    def _execute_handler(
        self,
        msg_id: MsgId,
        handler: Callable[..., Any],
        callback: Callable[[Any], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(partial(self._forget, msg_id))

    def _forget(self, msg_id: MsgId, future: object) -> None:
        """Drop `msg_id`'s entry once its handler is done (unless it was replaced)."""
        if self._request_futures.get(msg_id) is future:
            self._request_futures.pop(msg_id, None)
