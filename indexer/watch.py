"""Follow the content folder: file events, debounced, turned into targeted reindex requests."""

import logging
import os
import stat
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from indexer.walk import is_page_file

log = logging.getLogger(__name__)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher"):
        self.watcher = watcher

    def on_any_event(self, event):
        if event.event_type in ("opened", "closed_no_write"):
            return
        entry = event.event_type in ("created", "deleted", "moved")
        for path in (getattr(event, "src_path", None), getattr(event, "dest_path", None)):
            if path:
                self.watcher.note(
                    Path(path.decode() if isinstance(path, bytes) else path), event.is_directory, entry=entry
                )


def _identity(path: Path) -> tuple[int, int] | None:
    """Return which folder has the name ``path`` now (following symbolic links), or None when none has.

    Raises OSError when that cannot be told (no permission to look).
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _pages_name(content: Path, pages_dir: Path) -> Path:
    """Return the pages folder's name as the site has it (``…/user/pages``, perhaps a symbolic link),
    not where it resolves to now: a deploy that re-points the link must be followed."""
    content = Path(os.path.abspath(content))
    target = Path(pages_dir).resolve()
    for candidate in (content / "user" / "pages", content / "pages", content):  # as Site.load looks
        try:
            if candidate.resolve() == target:
                return candidate
        except (OSError, RuntimeError):
            continue
    return Path(os.path.abspath(pages_dir))


class _Followed:
    """One folder watched by its name: which folder has the name now, and the watch on it."""

    def __init__(self, path: Path, recursive: bool):
        self.path = path
        self.recursive = recursive
        self.identity: tuple[int, int] | None = None
        self.root: Path | None = None  # where the watch is (the name resolved when it was armed)
        self.watch = None  # watchdog's ObservedWatch, None when not armed
        self.seen = False  # the folder has existed since the watcher started
        self.stale = False  # its entry was created, deleted or moved: re-arm even if it looks the same
        self.failing = False  # the last attempt to watch it failed


class Watcher:
    """Watch a Grav site; when its files have been quiet for ``debounce`` seconds, ask for an update.

    A burst of events (a ``git pull`` of hundreds of files) becomes one request; a file is handed
    over only once it has stopped changing; editor leftovers (``.md~``, ``.#x.md``, ``.swp``) are
    ignored; folders moved or deleted are handed over whole; a change in ``user/config`` asks for
    everything (the site's settings may change every URL).

    The pages folder and ``user/config`` are followed by name, not by the folder they were at the
    start: deleted and restored, swapped for another (``mv pages pages.old; mv pages.new pages``),
    or a symbolic link re-pointed to another release. Their parent folder is watched too, so a change
    of their own entry is seen at once, and every ``check_every`` seconds which folder has each name
    is checked. When that changes, the old watch is dropped, a new one is set on the folder that has
    the name now, and — after the debounce — everything is reconciled. While the pages folder (or a
    config folder that was there) is missing, nothing is asked for (:attr:`missing` says which);
    the reconciliation follows when it is back.
    """

    def __init__(
        self,
        content: Path,
        pages_dir: Path,
        reindexer,
        debounce: float = 0.3,
        settle: float = 0.1,
        max_wait: float = 5.0,
        check_every: float = 0.5,
    ):
        self.content = Path(content).resolve()
        self.pages_path = _pages_name(content, pages_dir)
        self.pages_dir = Path(pages_dir).resolve()  # where the pages watch is (updated when re-armed)
        self.config_dir = self.pages_path.parent / "config"
        self.reindexer = reindexer
        self.debounce, self.settle, self.max_wait = debounce, settle, max_wait
        self.check_every = check_every
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._everything = False
        self._first = self._last = 0.0
        self._stopped = threading.Event()
        self._check_soon = threading.Event()
        self._observer = Observer()
        self._handler = _Events(self)
        self._pages = _Followed(self.pages_path, recursive=True)
        self._config = _Followed(self.config_dir, recursive=False)
        self._parent = _Followed(self.pages_path.parent, recursive=False)
        self._followed = (self._pages, self._config, self._parent)  # the most specific first
        self._pages.seen = True  # the pages folder is always needed; the config folder once it was there
        self._thread = threading.Thread(target=self._flush_loop, name="poisk-watcher", daemon=True)
        self.requests = 0

    @property
    def missing(self) -> Path | None:
        """The folder whose absence holds the updates back, or None when nothing is missing.

        That is the pages folder when no folder has its name (deleted, or caught in the middle of
        a swap), else the ``user/config`` folder when it was there and is gone. The index keeps
        serving what it has; everything is reconciled once the folder is back.
        """
        for followed in (self._pages, self._config):
            if followed.seen and followed.identity is None:
                return followed.path
        return None

    def start(self) -> "Watcher":
        self._observer.start()
        self._follow(initial=True)  # on a running observer: a folder that vanished meanwhile is tried again
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)  # first, so that it arms no new watch while the observer stops
        self._observer.stop()
        self._observer.join(5)

    def note(self, path: Path, is_directory: bool, entry: bool = False) -> None:
        """Record one file-system event (``entry``: a creation, deletion or move, not a change)."""
        path = self._name(Path(path))
        if path in (self.pages_path, self.config_dir):
            if entry:  # the folder itself deleted, created, moved away or in: look at once
                with self._lock:
                    (self._pages if path == self.pages_path else self._config).stale = True
                self._check_soon.set()
            return
        if path.is_relative_to(self.config_dir):
            if path.suffix in (".yaml", ".yml"):
                self._mark(everything=True)
            return
        if not path.is_relative_to(self.pages_path):
            return
        rel = path.relative_to(self.pages_path).as_posix()
        if any(part.startswith(".") for part in rel.split("/")[:-1]):
            return  # inside a hidden folder (.git)
        if not is_directory and not is_page_file(path.name):
            return  # an editor's swap or backup file, or not a page
        self._mark(rel=rel)

    def _name(self, path: Path) -> Path:
        """Say a path where a watch saw it (perhaps a link's target) by the site's names."""
        for followed in self._followed:
            root = followed.root
            if root is not None and path.is_relative_to(root):
                return followed.path / path.relative_to(root)
        return path

    def _mark(self, rel: str | None = None, everything: bool = False, anew: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if anew or (not self._paths and not self._everything):
                self._first = now
            self._last = now
            if everything:
                self._everything = True
            if rel:
                self._paths.add(rel)

    # -- following the folders by name -------------------------------------------------------

    def _follow(self, initial: bool = False) -> bool:
        """Check which folders have the watched names; re-arm the watches that changed. Return
        whether the pages or config folder changed (then everything is to be reconciled)."""
        changed = False
        for followed in self._followed:
            try:
                identity = _identity(followed.path)
            except OSError as exc:  # cannot tell: leave it as it is (the reindexer says what is wrong)
                log.debug("cannot look at %s: %s", followed.path, exc)
                continue
            # A folder deleted and made again at once may get the same inode: its entry's events say so.
            with self._lock:
                stale, followed.stale = followed.stale, False
            if identity == followed.identity and (identity is None or (followed.watch is not None and not stale)):
                continue  # the same folder, watched (or still missing)
            asks = not initial and followed is not self._parent
            if identity != followed.identity or stale:
                if asks:
                    changed = True
                    self._say(followed, identity)
                followed.identity = identity
                followed.seen = followed.seen or identity is not None
                self._unschedule(followed)
            if identity is not None and self._schedule(followed) and asks:
                changed = True  # watched again after a failed attempt: what happened meanwhile was not seen
        if changed:
            self._mark(everything=True, anew=True)
        return changed

    def _check(self) -> bool:
        """:meth:`_follow`, never ending the thread that calls it."""
        try:
            return self._follow()
        except Exception:  # log it, and look again at the next check
            log.exception("following the content folders failed; trying again shortly")
            return False

    def _say(self, followed: _Followed, identity) -> None:
        what = "pages folder" if followed is self._pages else "config folder"
        if identity is None:
            log.warning("the %s %s is missing: the index keeps what it has until it is back", what, followed.path)
        elif followed.identity is None and followed.seen:
            log.info("the %s %s is back: reconciling everything", what, followed.path)
        elif followed.identity is None:
            log.info("the %s %s appeared: reconciling everything", what, followed.path)
        else:
            log.info("the %s %s was replaced: following the new one, reconciling everything", what, followed.path)

    def _unschedule(self, followed: _Followed) -> None:
        watch, followed.watch, followed.root = followed.watch, None, None
        if watch is None:
            return
        try:
            self._observer.unschedule(watch)
        except Exception as exc:
            log.debug("unscheduling the watch on %s: %r", followed.path, exc)

    def _schedule(self, followed: _Followed) -> bool:
        """Watch the folder that has the name now; return whether that worked after a failed attempt."""
        try:
            root = followed.path.resolve(strict=True)
            followed.watch = self._observer.schedule(self._handler, str(root), recursive=followed.recursive)
        except Exception as exc:
            if not followed.failing:
                log.warning("cannot watch %s (%s); trying again every %.1f s", followed.path, exc, self.check_every)
            followed.watch, followed.failing = None, True
            return False
        followed.root = root
        if followed is self._pages:
            self.pages_dir = root
        retried, followed.failing = followed.failing, False
        if retried:
            log.info("watching %s again", followed.path)
        return retried

    # -- handing changes over ----------------------------------------------------------------

    def _stable(self, paths: set[str]) -> bool:
        def stats():
            out = {}
            for rel in paths:
                try:
                    st = (self.pages_path / rel).stat()
                    out[rel] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    out[rel] = None
            return out

        before = stats()
        time.sleep(self.settle)
        return stats() == before

    def _flush_loop(self) -> None:
        next_check = 0.0
        missing_since, told_missing = None, False
        while not self._stopped.wait(0.05):
            if self._check_soon.is_set() or time.monotonic() >= next_check:
                self._check_soon.clear()
                self._check()
                next_check = time.monotonic() + self.check_every
            if self.missing is not None:
                # Hold the changes back until the folder is back. If it stays away past the debounce
                # (not a swap's instant), one run is asked for: it fails saying the folder is
                # missing, so /healthz says so, and the reindexer retries as soon as it is back.
                if missing_since is None:
                    missing_since = time.monotonic()
                elif not told_missing and time.monotonic() - missing_since >= max(self.debounce, self.check_every):
                    told_missing = True
                    self.reindexer.request(None)
                continue
            missing_since, told_missing = None, False
            with self._lock:
                if not self._paths and not self._everything:
                    continue
                now = time.monotonic()
                quiet = now - self._last >= self.debounce
                overdue = now - self._first >= self.max_wait
                if not (quiet or overdue):
                    continue
                paths, everything, seen = set(self._paths), self._everything, self._last
            if not everything and not overdue and not self._stable(paths):
                continue  # still being written: wait for the next quiet moment
            if self._check() or self.missing is not None:
                continue  # a folder was replaced or went just now: wait for it to settle
            with self._lock:
                if self._last != seen and not overdue:
                    continue  # more events came while we looked
                self._paths -= paths
                if everything:
                    self._everything = False
            self.requests += 1
            log.info("content changed: %s", "everything" if everything else f"{len(paths)} paths")
            self.reindexer.request(None if everything else paths)
