"""Reindexing in one background thread: requests made while a run is going merge into the next run."""

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from search import store

from indexer.site import Site
from indexer.sync import Report, needs_rebuild, reindex

log = logging.getLogger(__name__)


class Reindexer:
    """Owns the writing of one index from one content folder, off the request threads.

    ``request()`` returns at once. Requests that arrive while a run is going are merged:
    however many come, at most one more run follows the current one.
    """

    def __init__(self, content: Path, index_root: Path):
        self.content = Path(content)
        self.index_root = Path(index_root)
        self._cond = threading.Condition()
        self._paths: set[str] = set()
        self._everything = False
        self._full = False
        self._reason: str | None = None
        self._pending = False
        self._running = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.last_report: Report | None = None
        self.last_error: str | None = None
        self.last_run_at: float | None = None

    def start(self) -> "Reindexer":
        """Start the background thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="poisk-reindexer", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        """Finish the current run and stop."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout)

    def request(self, paths: Iterable[str] | None = None, full: bool = False, reason: str | None = None) -> None:
        """Ask for a run: for ``paths`` only (relative to the pages folder), or for every change when None.

        ``full`` rebuilds from nothing; ``reason`` is what /healthz says meanwhile.
        """
        with self._cond:
            if reason:
                self._reason = reason
            if paths is None:
                self._everything = True
            else:
                self._paths.update(paths)
            self._full = self._full or full
            self._pending = True
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until nothing is pending or running; return False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def state(self) -> dict:
        """Return what the reindexer has done, for /healthz."""
        report = self.last_report
        return {
            "runs": self.runs,
            "running": self._running,
            "pending": self._pending,
            "last_run_at": self.last_run_at,
            "last_error": self.last_error,
            "last_summary": report.summary() if report else None,
        }

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                paths = None if self._everything else set(self._paths)
                full, reason = self._full, self._reason
                self._reason = None
                self._paths.clear()
                self._everything = self._full = self._pending = False
                self._running = True
            try:
                self._run(paths, full, reason)
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()

    def _run(self, paths: set[str] | None, full: bool, reason: str | None = None) -> None:
        try:
            site = Site.load(self.content)
            reason = reason or ("asked for" if full else needs_rebuild(site, self.index_root))
            if reason:
                store.write_status(self.index_root, "rebuilding", reason=reason)
            report = reindex(site, self.index_root, rebuild=full, paths=paths)
            self.last_report, self.last_error = report, None
            store.write_status(self.index_root, "ok", summary=report.summary())
            log.info("%s", report.summary())
        except Exception as exc:  # keep serving the index we have; say what went wrong
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.error("reindex failed: %s", self.last_error)
            store.write_status(self.index_root, "error", error=self.last_error)
        finally:
            self.runs += 1
            self.last_run_at = time.time()
