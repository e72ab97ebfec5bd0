"""The pages near a query's meaning, for one served index.

Holds the served generation's page vectors (re-read when the indexer writes a newer file or a
commit renumbers the documents) and asks the model (:mod:`search.semantic`) for the query's
vector. Knows nothing of ranking: :mod:`search.hybrid` decides what the pages found here may do.
"""

import logging
import threading
import time
from pathlib import Path

import numpy as np

from search import hybrid, semantic, vectors
from search.doctable import DocTable, documents_by_path

log = logging.getLogger(__name__)


class Meaning:
    """Finds pages by meaning in the generation a :class:`~search.service.SearchService` serves."""

    def __init__(self, enabled: bool = True, refresh_interval: float = 1.0):
        self.enabled = enabled
        self.refresh_interval = refresh_interval
        self._lock = threading.Lock()
        self._file: tuple[Path | None, Path | None] = (None, None)  # (generation, its newest vectors file)
        self._checked = float("-inf")
        self._nearest: tuple[tuple, vectors.NearestPages] | None = None
        self._data: vectors.Vectors | None = None

    def version(self, gen: Path | None) -> str | None:
        """Return the name of the vectors file in use (part of an answer's cache key)."""
        if not self.enabled or gen is None:
            return None
        now = time.monotonic()
        with self._lock:
            if self._file[0] != gen or now - self._checked >= self.refresh_interval:
                self._file = (gen, vectors.latest(gen))
                self._checked = now
            file = self._file[1]
        return file.name if file else None

    def pages(self, gen: Path | None, reader, table: DocTable) -> vectors.NearestPages | None:
        """Return the vectors of ``reader``'s pages, or None when there are none (or no model)."""
        name = self.version(gen)
        if name is None:
            return None
        key = (gen, name, reader.generation())
        with self._lock:
            if self._nearest is not None and self._nearest[0] == key:
                return self._nearest[1]
            try:
                if self._data is None or self._data.file != name:
                    self._data = vectors.read(Path(gen) / name)
            except (OSError, ValueError, KeyError) as exc:  # replaced meanwhile, or unreadable
                self._checked = float("-inf")
                log.info("page vectors %s not read (%s): words only for now", name, exc)
                return None
            if self._data.model != semantic.MODEL:
                return None
            found = vectors.NearestPages(self._data, documents_by_path(reader), table.size)
            self._nearest = (key, found)
        return found

    def model(self) -> semantic.Embedder | None:
        try:
            return semantic.shared()
        except semantic.SemanticUnavailable:
            return None

    def find(
        self,
        text: str,
        words: list[str],
        known,
        pages: vectors.NearestPages,
        anywhere: set[int],
        size: int,
    ) -> tuple[list[tuple[int, float]], np.ndarray | None]:
        """Return the pages of ``anywhere`` nearest ``text`` (most similar first) near enough to offer, and the query's vector.

        (Nothing, and no vector, for a query that does not read as words.)
        """
        model = self.model()
        if model is None or not hybrid.reads_as_words(words, known, model.tokens):
            return [], None
        query = model.queries([text])[0]
        found = pages.nearest(query, hybrid.mask(anywhere, size), hybrid.LIMIT * 4, hybrid.FLOOR)
        return hybrid.near_enough(found), query
