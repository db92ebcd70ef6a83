"""In-process rate-limit counts for the public survey without a thread per request.

``limits``' ``MemoryStorage`` frees expired counts from a ``threading.Timer`` that lives 10 ms and is started
again by the next hit once it has run: with a few hits a second per worker, nearly every survey request
starts (and the interpreter switches to) a new thread — about 0.2 ms of CPU, more than the count itself. Here
expired counts are freed inline instead, at most once per ``SWEEP_SECONDS``, by the request that happens to
come then. Counting is unchanged: an expired window is dropped when its key is read (``MemoryStorage.get``).
"""
from __future__ import annotations

import time

from limits.storage import MemoryStorage, Storage, storage_from_string

SWEEP_SECONDS = 10.0


class InlineExpiryMemoryStorage(MemoryStorage):
    """``MemoryStorage`` for the fixed-window strategy, with its expired counts swept inline."""

    STORAGE_SCHEME = None  # built by ``limit_storage_from_string``; ``memory://`` keeps its own class

    def __init__(self, uri: str | None = None, **options) -> None:
        super().__init__(uri, **options)
        self.timer.cancel()  # the first expiry timer, started by MemoryStorage itself
        self._next_sweep = time.time() + SWEEP_SECONDS

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """``MemoryStorage.incr`` without scheduling its expiry timer."""
        self._sweep_now_and_then()
        self.get(key)
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
        return self.storage.get(key, 0)

    def _sweep_now_and_then(self) -> None:
        """Forget the counts whose window has ended, so that memory holds only the current windows."""
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_SECONDS
        for key, expires_at in list(self.expirations.items()):
            if expires_at <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


def limit_storage_from_string(uri: str) -> Storage:
    """The storage for ``uri`` as ``limits`` builds it, except ``memory://``: ``InlineExpiryMemoryStorage``."""
    if uri.startswith("memory://"):
        return InlineExpiryMemoryStorage(uri)
    return storage_from_string(uri)
