"""The app's handle on the index: opened once, kept open, reopened after it was missing."""

import logging
import threading
import time

from search import store
from search.errors import IndexUnavailable
from search.service import SearchRequest, SearchService

log = logging.getLogger(__name__)


class Engine:
    """Lazily opens a :class:`SearchService` and retries (at most once a second) while there is no index."""

    RETRY_SECONDS = 1.0

    def __init__(
        self,
        index_dir,
        clock=time.time,
        refresh_interval: float = 1.0,
        time_budget: float = 2.0,
        cache_size: int = 1000,
        semantic: bool = True,
        recent=None,
        rules_file=None,
        resolve_page=None,
        lists_folder=None,
    ):
        self.index_dir = index_dir
        self.lists_folder = lists_folder
        self.rules_file = rules_file
        self.resolve_page = resolve_page
        self.recent = recent
        self.semantic = semantic
        self.cache_size = cache_size
        self.time_budget = time_budget
        self.clock = clock
        self.refresh_interval = refresh_interval
        self._service: SearchService | None = None
        self._error: IndexUnavailable | None = None
        self._tried = float("-inf")
        self._lock = threading.Lock()

    def service(self) -> SearchService:
        """Return the search service; raise :class:`IndexUnavailable` while there is no usable index."""
        if self._service is not None:
            return self._service
        with self._lock:
            if self._service is None:
                recent = time.monotonic() - self._tried < self.RETRY_SECONDS
                if self._error is not None and recent and store.current(self.index_dir) is None:
                    raise self._error  # still nothing to open: do not retry more than once a second
                self._tried = time.monotonic()
                try:
                    self._service = SearchService(
                        self.index_dir,
                        self.clock,
                        self.refresh_interval,
                        self.time_budget,
                        self.cache_size,
                        semantic=self.semantic,
                        recent=self.recent,
                        rules_file=self.rules_file,
                        resolve_page=self.resolve_page,
                        lists_folder=self.lists_folder,
                    )
                    self._error = None
                except IndexUnavailable as exc:
                    self._error = exc
                    raise
        return self._service

    def warm(self) -> None:
        """Open the index and answer one search now, so that no visitor's search waits for the opening.

        A server process calls this before it takes requests: the first search of a process opens
        the index, reads its columns and the editors' lists and loads the analysis data (about a
        second on the sample site). Without an index yet, the first search tries again as before.
        """
        try:
            self.service().search(SearchRequest(q="poisk"))
        except IndexUnavailable:
            pass
        except Exception as exc:  # the same fault answers the first request in the JSON error shape
            log.warning("could not open the index ahead of the first search: %s", exc)
