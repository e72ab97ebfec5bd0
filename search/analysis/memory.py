"""What the analysis remembers of each word it has seen, and how many words it keeps.

Texts repeat their words, so each step of the analysis (a lemma, a stem, a chain's keys) keeps
what it made of each word. How many words is a trade: a full build meets the whole archive's
vocabulary and is several times slower when it must analyse a word again, while a serving
process meets few new words a search and every worker keeps its own memories. Each memory holds
at most ``words()`` words, then starts afresh (cheaper than keeping the least recently used in
order, and a memory refills with the words in use within a few searches).

The limit is per process: ``poisk index`` keeps the default; a serving process lowers it with
``set_words`` (the ``WORD_MEMORY`` setting).
"""

import functools
import sys
import threading
import weakref

DEFAULT_WORDS = 200_000

_words = DEFAULT_WORDS
_memories: "weakref.WeakValueDictionary[int, Memory]" = weakref.WeakValueDictionary()
_lock = threading.Lock()


class Memory(dict):
    """A dict kept within ``words()`` entries (and ``limit``, when given) by ``keep``, which starts
    it afresh when full; registered so that ``set_words`` reaches it."""

    __slots__ = ("__weakref__", "limit")

    def __init__(self, limit: int | None = None):
        super().__init__()
        self.limit = limit
        with _lock:
            _memories[id(self)] = self

    def keep(self, key, value) -> None:
        """Remember ``value`` for ``key``, forgetting everything else first when full."""
        if len(self) >= _words or (self.limit is not None and len(self) >= self.limit):
            self.clear()
        self[key] = value


def words() -> int:
    """Return how many words each analysis memory of this process keeps."""
    return _words


def set_words(count: int) -> None:
    """Keep at most ``count`` words in each analysis memory of this process (larger ones start afresh)."""
    global _words
    if count < 1:
        raise ValueError(f"word memory must be at least 1 word, not {count}")
    _words = count
    with _lock:
        memories = list(_memories.values())
    for memory in memories:
        if len(memory) > count:
            memory.clear()


def forget_all() -> None:
    """Empty every analysis memory of this process.

    A full build calls it before it writes a segment: sorting and writing the postings needs room
    that the memories would otherwise keep (a few hundred MB at a news archive's vocabulary).
    """
    with _lock:
        memories = list(_memories.values())
    for memory in memories:
        memory.clear()


def memoized(func):
    """Remember ``func``'s answer for each argument tuple (as ``functools.lru_cache``, but within ``words()``)."""
    memory = Memory()

    @functools.wraps(func)
    def remembered(*args):
        try:
            return memory[args]
        except KeyError:
            pass
        value = func(*args)
        if len(args) == 1 and type(args[0]) is str:
            args = (sys.intern(args[0]),)  # one string for a word in every memory that keeps it
        memory.keep(args, value)
        return value

    remembered.cache_clear = memory.clear
    remembered.memory = memory
    return remembered
