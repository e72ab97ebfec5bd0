"""One writer at a time, across the watcher, the webhook and the command line."""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from search.store import LOCK_FILE


class LockTimeout(TimeoutError):
    """Another writer held the index for longer than we were willing to wait."""


@contextmanager
def writer_lock(root: Path, timeout: float | None = None):
    """Hold the index's writer lock; wait for another writer to finish (at most ``timeout`` seconds).

    An flock dies with its process, so a killed writer never leaves a stale lock behind.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another process is writing the index at {root}; try again when it has finished"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock
