"""Follow the content folder: file events, debounced, turned into targeted reindex requests."""

import logging
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
        for path in (getattr(event, "src_path", None), getattr(event, "dest_path", None)):
            if path:
                self.watcher.note(Path(path.decode() if isinstance(path, bytes) else path), event.is_directory)


class Watcher:
    """Watch a Grav site; when its files have been quiet for ``debounce`` seconds, ask for an update.

    A burst of events (a ``git pull`` of hundreds of files) becomes one request; a file is handed
    over only once it has stopped changing; editor leftovers (``.md~``, ``.#x.md``, ``.swp``) are
    ignored; folders moved or deleted are handed over whole; a change in ``user/config`` asks for
    everything (the site's settings may change every URL).
    """

    def __init__(self, content: Path, pages_dir: Path, reindexer, debounce: float = 0.3, settle: float = 0.1,
                 max_wait: float = 5.0):
        self.content = Path(content).resolve()
        self.pages_dir = Path(pages_dir).resolve()
        self.config_dir = self.pages_dir.parent / "config"
        self.reindexer = reindexer
        self.debounce, self.settle, self.max_wait = debounce, settle, max_wait
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._everything = False
        self._first = self._last = 0.0
        self._stopped = threading.Event()
        self._observer = Observer()
        self._thread = threading.Thread(target=self._flush_loop, name="poisk-watcher", daemon=True)
        self.requests = 0

    def start(self) -> "Watcher":
        handler = _Events(self)
        self._observer.schedule(handler, str(self.pages_dir), recursive=True)
        if self.config_dir.is_dir():
            self._observer.schedule(handler, str(self.config_dir), recursive=False)
        self._observer.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._observer.stop()
        self._observer.join(5)
        self._thread.join(5)

    def note(self, path: Path, is_directory: bool) -> None:
        """Record one file-system event."""
        path = Path(path)
        if path.is_relative_to(self.config_dir):
            if path.suffix in (".yaml", ".yml"):
                self._mark(everything=True)
            return
        if not path.is_relative_to(self.pages_dir) or path == self.pages_dir:
            return
        rel = path.relative_to(self.pages_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")[:-1]):
            return  # inside a hidden folder (.git)
        if not is_directory and not is_page_file(path.name):
            return  # an editor's swap or backup file, or not a page
        self._mark(rel=rel)

    def _mark(self, rel: str | None = None, everything: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not self._paths and not self._everything:
                self._first = now
            self._last = now
            if everything:
                self._everything = True
            if rel:
                self._paths.add(rel)

    def _stable(self, paths: set[str]) -> bool:
        def stats():
            out = {}
            for rel in paths:
                try:
                    st = (self.pages_dir / rel).stat()
                    out[rel] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    out[rel] = None
            return out

        before = stats()
        time.sleep(self.settle)
        return stats() == before

    def _flush_loop(self) -> None:
        while not self._stopped.wait(0.05):
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
            with self._lock:
                if self._last != seen and not overdue:
                    continue  # more events came while we looked
                self._paths -= paths
                if everything:
                    self._everything = False
            self.requests += 1
            log.info("content changed: %s", "everything" if everything else f"{len(paths)} paths")
            self.reindexer.request(None if everything else paths)
