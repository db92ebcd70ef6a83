"""At most ``OPINIA_HEAVY_REQUESTS`` heavy downloads (reports, data exports) at once on one host.

Each slot is a lock file; a request takes the first free one with a non-blocking ``flock``. The locks are
shared by every worker process and thread of the host (and released by the kernel if a worker dies), so a
burst of report requests can occupy at most that many workers: the public survey keeps the rest. A request
that finds every slot taken is answered at once with a 503 ("try again in a minute"), never queued.
The lock directory is derived from the database URL, so the tests' databases never share slots.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import current_app


class AllSlotsBusy(RuntimeError):
    """Every heavy-download slot of this host is taken right now."""


def slot_directory() -> Path:
    configured = current_app.config.get("OPINIA_HEAVY_LOCK_DIR")
    if configured:
        return Path(configured)
    database = current_app.config["SQLALCHEMY_DATABASE_URI"].encode()
    return Path(tempfile.gettempdir()) / f"opinia-heavy-{hashlib.sha256(database).hexdigest()[:16]}"


class HeavySlot:
    """One taken slot; ``release()`` (idempotent) frees it."""

    def __init__(self, descriptor: int):
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> HeavySlot:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def guard(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """``chunks`` streamed while holding the slot; released when the stream ends or is closed."""
        try:
            yield from chunks
        finally:
            self.release()


def take_heavy_slot() -> HeavySlot:
    """A free slot of this host, or ``AllSlotsBusy``."""
    directory = slot_directory()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for number in range(max(1, int(current_app.config["OPINIA_HEAVY_REQUESTS"]))):
        descriptor = os.open(directory / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return HeavySlot(descriptor)
    raise AllSlotsBusy()
