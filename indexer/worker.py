"""Reindexing in one background thread that never gives up: requests made while a run is going merge
into the next run; a failed run is recorded with its real cause and retried until it succeeds."""

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from indexer.embedding import Embedding, Plan
from indexer.faults import Fault, describe
from indexer.lock import LockTimeout, writer_lock
from indexer.site import Site
from indexer.sync import Report, reindex
from search import store

log = logging.getLogger(__name__)

PROBE_BYTES = 64 * 1024
_EMBED = ("embed",)  # the job of embedding pages while no words wait


class Reindexer:
    """Owns the writing of one index from one content folder, off the request threads.

    ``request()`` returns at once. Requests that arrive while a run is going are merged:
    however many come, at most one more run follows the current one.

    A run that fails is never the end: the failure is recorded (:attr:`fault`, the status that
    /healthz of every process reads), and everything is tried again — after a back-off that
    doubles from ``retry_first`` up to ``retry_max`` seconds, or at once when a check made every
    ``probe_every`` seconds finds the cause gone (space freed on the index's disk, the folder
    writable again, the pages folder back). A failure that is not the machine's (a damaged index,
    a bug) makes the next run check the index first and rebuild it aside if it is damaged.
    """

    def __init__(
        self,
        content: Path,
        index_root: Path,
        retry_first: float = 0.5,
        retry_max: float = 30.0,
        probe_every: float = 1.0,
        quick_check_every: float = 60.0,
        semantic: Plan | None = None,
    ):
        self.content = Path(content)
        self.index_root = Path(index_root)
        self.retry_first, self.retry_max, self.probe_every = retry_first, retry_max, probe_every
        self.quick_check_every = quick_check_every
        self._quick_checked = time.monotonic()
        self._cond = threading.Condition()
        self._paths: set[str] = set()
        self._everything = False
        self._full = False
        self._verify = False
        self._reason: str | None = None
        self._pending = False
        self._running = False
        self._embedding_now = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._retry_at: float | None = None  # monotonic time of the next attempt while failing
        self._probe_at_failure: tuple[bool, int] | None = None
        self.runs = 0
        self.failures = 0  # consecutive failed runs
        self.fault: Fault | None = None
        self.failing_since: float | None = None
        self.last_report: Report | None = None
        self.last_run_at: float | None = None
        self.last_success_at: float | None = None
        # Page vectors follow the words when the index is idle (None: words only).
        self.embedding = Embedding(self.index_root, semantic) if semantic and semantic.mode != "off" else None

    @property
    def last_error(self) -> str | None:
        """The last failure's message (None after a successful run)."""
        return self.fault.message if self.fault else None

    def start(self) -> "Reindexer":
        """Start the background thread (again, if it ever ended)."""
        with self._cond:
            if self._stopped:
                return self
            if self._thread is None or not self._thread.is_alive():
                if self._thread is not None:
                    log.error("the reindexer thread had stopped; starting it again")
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

    def request(
        self, paths: Iterable[str] | None = None, full: bool = False, reason: str | None = None, verify: bool = False
    ) -> None:
        """Ask for a run: for ``paths`` only (relative to the pages folder), or for every change when None.

        ``full`` rebuilds from nothing; ``reason`` is what /healthz says meanwhile; ``verify`` checks
        the index first (and rebuilds a damaged one aside). While failing, a request waits for the
        next attempt.
        """
        with self._cond:
            if reason:
                self._reason = reason
            if paths is None:
                self._everything = True
            else:
                self._paths.update(paths)
            self._full = self._full or full
            self._verify = self._verify or verify
            self._pending = True
            self._cond.notify_all()
        if self._thread is not None:
            self.start()  # supervised: a thread that somehow ended is started again

    def wait_idle(self, timeout: float = 30, meaning: bool = False) -> bool:
        """Wait until nothing is pending, running or waiting to be retried; return False on timeout.

        The words are what is waited for; with ``meaning``, also every page's vector (see :meth:`state`).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while (
                self._pending
                or self._running
                or self._retry_at is not None
                or (meaning and self.embedding is not None and (self._embedding_now or self.embedding.due()))
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.1))
        return True

    def state(self) -> dict:
        """Return what the reindexer has done and whether it is failing, for /healthz and /metrics."""
        report, fault = self.last_report, self.fault
        retry_at = self._retry_at
        return {
            "runs": self.runs,
            "running": self._running,
            "pending": self._pending or retry_at is not None,
            "last_run_at": self.last_run_at,
            "last_success_at": self.last_success_at,
            "last_error": fault.message if fault else None,
            "last_summary": report.summary() if report else None,
            "failing": fault is not None,
            "error": fault.public if fault else None,
            "error_kind": fault.kind if fault else None,
            "failing_since": self.failing_since,
            "failures": self.failures,
            "next_retry_in": None if retry_at is None else round(max(0.0, retry_at - time.monotonic()), 1),
            "semantic": self.embedding.progress.to_dict() if self.embedding else {"state": "off"},
        }

    # -- the thread --------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            try:
                job = self._next_job()
                if job is None:
                    return
                if job is _EMBED:
                    self._embedding_now = True
                    try:
                        self.embedding.step(1.0, stop=lambda: self._pending)  # words first
                    finally:
                        self._embedding_now = False
                else:
                    self._run(*job)
            except Exception:  # never let the thread end: log it and go on
                log.exception("the reindexer failed unexpectedly; it goes on")
                time.sleep(self.retry_first)
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()

    def _next_job(self):
        """Wait for work (or for the moment to retry); return (paths, full, verify, reason), or None to stop."""
        while True:
            with self._cond:
                if self._stopped:
                    return None
                failing = self._retry_at is not None
                due = failing and time.monotonic() >= self._retry_at
                if (self._pending and not failing) or due:
                    return self._take()
                if not failing and self.embedding is not None and self.embedding.due():
                    return _EMBED
                if not failing:
                    self._cond.wait(self.probe_every)
                    if self._pending or self._stopped:
                        continue
            if not failing:
                why = store.check_asked(self.index_root) or self._looks_damaged()
                if why:
                    log.error("checking the index: %s", why)
                    self.request(verify=True)
                continue
            with self._cond:
                self._cond.wait(min(self.probe_every, max(0.0, self._retry_at - time.monotonic())))
                if self._stopped or time.monotonic() >= self._retry_at:
                    continue
            if self._cause_gone():
                with self._cond:
                    if not self._stopped and self._retry_at is not None:
                        log.info("the cause of the indexing failure looks gone: trying again now")
                        return self._take()

    def _take(self):
        paths = None if self._everything else set(self._paths)
        job = (paths, self._full, self._verify, self._reason)
        self._reason = None
        self._paths.clear()
        self._everything = self._full = self._verify = self._pending = False
        self._retry_at = None
        self._running = True
        return job

    def _run(self, paths: set[str] | None, full: bool, verify: bool, reason: str | None = None) -> None:
        def rebuilding(why: str) -> None:
            store.write_status(self.index_root, "rebuilding", reason=reason or why)

        try:
            site = Site.load(self.content)
            report = reindex(
                site, self.index_root, rebuild=full, paths=paths, verify=verify, on_rebuild=rebuilding, on_wait=log.info
            )
        except Exception as exc:  # keep serving the index we have; say what went wrong, and try again
            self._failed(exc, paths, full)
        else:
            self._succeeded(report)
        finally:
            self.runs += 1
            self.last_run_at = time.time()

    def _succeeded(self, report: Report) -> None:
        if self.fault is not None:
            log.warning("indexing works again after %d failed attempts (%s)", self.failures, self.fault.message)
        self.last_report, self.fault, self.failing_since, self.failures = report, None, None, 0
        self.last_success_at = time.time()
        if self.embedding is not None:
            self.embedding.changed()
        store.write_status(self.index_root, "ok", summary=report.summary())
        log.info("%s", report.summary())

    def _failed(self, exc: Exception, paths: set[str] | None, full: bool) -> None:
        fault = describe(exc, self.index_root, self.content)
        self.failures += 1
        if self.fault is None:
            self.failing_since = time.time()
        first = self.fault is None or self.fault.message != fault.message
        self.fault = fault
        cap = self.retry_max if fault.environmental else 10 * self.retry_max
        delay = min(self.retry_first * 2 ** (self.failures - 1), cap)
        if first:
            log.error("indexing failed: %s; trying again in %.1f s and whenever that looks fixed", fault.message, delay)
            if fault.kind == "error":
                log.error("indexing failed", exc_info=exc)
        else:
            log.warning(
                "indexing failed again (%d times): %s; next attempt in %.1f s", self.failures, fault.message, delay
            )
        probe = self._check(fault)
        with self._cond:
            # What failed is done again: every change (a reconciliation finds them all), or the full build.
            self._everything = True
            self._full = self._full or full
            self._verify = self._verify or not fault.environmental
            self._pending = True
            self._retry_at = time.monotonic() + delay
            self._probe_at_failure = probe
            self._cond.notify_all()
        store.write_status(
            self.index_root,
            "failing",
            since=self.failing_since,
            error=fault.public,
            kind=fault.kind,
            failures=self.failures,
        )

    def _looks_damaged(self) -> str | None:
        """Every ``quick_check_every`` seconds, compare the served files with the manifest (sizes only, and
        only while no writer is at work); return what looks wrong, for a full check."""
        now = time.monotonic()
        if now - self._quick_checked < self.quick_check_every:
            return None
        self._quick_checked = now
        try:
            with writer_lock(self.index_root, timeout=0):
                problems = store.verify(self.index_root, quick=True) if store.exists(self.index_root) else []
        except (LockTimeout, OSError):
            return None  # a writer is at work (it will meet any damage itself), or the folder is unreadable
        return "; ".join(problems) or None

    # -- is the cause gone? ------------------------------------------------------------------

    def _cause_gone(self) -> bool:
        """Return whether the machine looks able again since the last failure (then retry before the back-off ends)."""
        fault, before = self.fault, self._probe_at_failure
        if fault is None:
            return True
        if before is None:
            return False  # not a fault a check can see go away: wait for the back-off
        now = self._check(fault)
        if not now[0]:
            return False
        # Worth trying again if it could not be done then, or if space has been freed since.
        return not before[0] or now[1] > before[1] + 4 * PROBE_BYTES

    def _check(self, fault: Fault) -> tuple[bool, int] | None:
        if fault.kind == "content":
            try:
                Site.load(self.content)
                return True, 0
            except Exception:
                return False, 0
        if fault.kind in ("disk_full", "not_writable", "resources"):
            return self._probe()
        return None

    def _probe(self) -> tuple[bool, int]:
        """Return (whether a small file can be written and synced where the index writes, free bytes there)."""
        root = self.index_root
        try:
            usage = shutil.disk_usage(root)
            free = usage.free
        except OSError:
            free = 0
        folders = [root]
        gen = store.current(root)
        if gen is not None:
            folders.append(gen)
        for folder in folders:
            try:
                with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", suffix=".tmp") as f:
                    f.write(b"\0" * PROBE_BYTES)
                    f.flush()
                    os.fsync(f.fileno())
            except OSError:
                return False, free
        return True, free
