"""One writer at a time, across the watcher, the webhook and the command line."""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from search.store import LOCK_FILE


class LockTimeout(TimeoutError):
    """Another writer held the index for longer than we were willing to wait."""


# The lock files this process holds. A process forked while one is held (Whoosh's writer
# processes of a parallel build) gets a copy of the descriptor, and an flock lasts until every
# copy is closed: were the parent killed, the child would keep the index locked. So a forked
# child closes its copies at once, and asks Linux to kill it when its parent dies.
_held: set[int] = set()
_forking_parent: int | None = None


def _before_fork() -> None:
    global _forking_parent
    _forking_parent = os.getpid() if _held else None


def _in_forked_child() -> None:
    if _forking_parent is None:
        return  # forked while no lock was held: nothing to let go of
    for fd in list(_held):
        try:
            os.close(fd)  # this copy only: the parent keeps its lock
        except OSError:
            pass
    _held.clear()
    _die_with_parent(_forking_parent)


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child lives on until its work queue ends
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


os.register_at_fork(before=_before_fork, after_in_child=_in_forked_child)


def holder(root: Path) -> str:
    """Describe the process that last took ``root``'s writer lock: ``process 1234 (poisk index …)``."""
    try:
        pid = int((Path(root) / LOCK_FILE).read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return "another process"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return f"process {pid}"
    if len(args) > 2 and args[1:3] == ["-m", "web.cli"]:
        args = ["poisk", *args[3:]]
    elif args:
        args[0] = Path(args[0]).name
    command = " ".join(args)
    return f"process {pid} ({command[:80]}{'…' if len(command) > 80 else ''})" if command else f"process {pid}"


@contextmanager
def writer_lock(root: Path, timeout: float | None = None, on_wait=None, wait_notice: float = 0.5):
    """Hold the index's writer lock; wait for another writer to finish (at most ``timeout`` seconds).

    An flock dies with its process, so a killed writer never leaves a stale lock behind. When the
    lock is not free within ``wait_notice`` seconds, ``on_wait`` (if given) is called once with a
    sentence naming the process that holds it.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout
        told = on_wait is None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    raise LockTimeout(
                        f"{holder(root)} is writing the index at {root}; try again when it has finished"
                    ) from None
                if not told and now - started >= wait_notice:
                    told = True
                    on_wait(f"waiting for {holder(root)}, which is writing the index at {root}")
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held.add(fd)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # closing releases the lock
