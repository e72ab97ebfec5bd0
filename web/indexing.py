"""The indexing process beside gunicorn's workers (``poisk serve --workers N``), started again if it ends.

With ``--watch`` it is ``poisk watch``, which never ends by itself; without, ``poisk watch --once``
catches up with the content (retrying until that works) and says "done" on a pipe before it
ends. Any other end — a crash, the kernel's out-of-memory killer, a ``kill`` — is noticed by the
pipe closing (gunicorn's arbiter reaps every child, so exit codes cannot be relied on) and the
process is started again after a back-off.
"""

import logging
import os
import subprocess
import sys
import threading
import time

log = logging.getLogger(__name__)

# The write end of a pipe just handed to a new indexing process. A gunicorn worker forked in that
# instant must not keep a copy: the pipe would never close, and a dead indexer would go unnoticed.
_handing_over: set[int] = set()


def _close_handed_over() -> None:
    for fd in list(_handing_over):
        try:
            os.close(fd)
        except OSError:
            pass
    _handing_over.clear()


os.register_at_fork(after_in_child=_close_handed_over)


def settings_environment(config: dict) -> dict:
    """Return this process's environment with the settings of ``config`` as POISK_* variables."""
    from web.settings import SETTINGS

    env = dict(os.environ)
    for s in SETTINGS:
        env[s.env] = str(config[s.name])
    return env


class IndexingProcess:
    """Run and supervise the indexing process of a multi-process ``poisk serve``."""

    def __init__(self, config: dict, watch: bool, retry_first: float = 0.5, retry_max: float = 30.0):
        self.config, self.watch = config, watch
        self.retry_first, self.retry_max = retry_first, retry_max
        self.starts = 0
        self._proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._supervise, name="poisk-indexing-supervisor", daemon=True)

    @property
    def pid(self) -> int | None:
        """The running indexing process's id."""
        return self._proc.pid if self._proc else None

    def start(self) -> "IndexingProcess":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        """Stop the indexing process (SIGTERM, then SIGKILL after ``timeout`` seconds) and its supervision."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._thread.join(timeout)

    def _spawn(self) -> tuple[subprocess.Popen, int]:
        read, write = os.pipe()
        _handing_over.add(write)
        command = [sys.executable, "-m", "web.cli", "watch", "--report-fd", str(write)]
        if not self.watch:
            command.append("--once")
        try:
            proc = subprocess.Popen(command, env=settings_environment(self.config), pass_fds=(write,))
        finally:
            _handing_over.discard(write)
            os.close(write)
        self.starts += 1
        return proc, read

    def _supervise(self) -> None:
        delay = self.retry_first
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._proc, read = self._spawn()
                except OSError as exc:
                    log.error("cannot start the indexing process: %s", exc)
                    self._proc, read = None, None
            started = time.monotonic()
            said = b""
            if read is not None:
                with os.fdopen(read, "rb") as pipe:
                    said = pipe.read()  # until the process ends (or says "done" and ends)
                try:
                    self._proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            if self._stopping.is_set() or b"done" in said:
                return
            if time.monotonic() - started > 60:
                delay = self.retry_first  # it had been running fine: start again soon
            log.error(
                "the indexing process ended unexpectedly (exit status %s); starting it again in %.1f s",
                self._proc.returncode if self._proc else None,
                delay,
            )
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, self.retry_max)
