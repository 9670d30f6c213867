"""A generic one-slot mailbox between a producer and a consumer thread: the newest item wins."""

from __future__ import annotations

import threading

__all__ = ["LatestFrameSlot"]


class LatestFrameSlot:
    """A one-frame mailbox: :meth:`put` replaces what is waiting (counted as dropped).

    Memory is bounded by one frame whatever the producer's rate; the consumer always gets the
    newest frame.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: tuple | None = None
        self._closed = False
        self.dropped = 0

    def put(self, *item: object) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify()

    def get(self, timeout: float | None = None) -> tuple | None:
        """The newest item, waiting up to ``timeout`` s; None if closed or timed out."""
        with self._cond:
            if self._item is None and not self._closed:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

