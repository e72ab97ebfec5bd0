"""How many positions a plain word takes in a layout chain, told without running the chain's filters.

A layout (:meth:`search.analysis.indexing.IndexingChain.layout`) needs of each word only how many
positions it takes: none for a stop word or a stray letter, one for the others. For a *plain* word —
lower-case letters of one script, Latin a–z or Cyrillic (Russian and Kazakh letters) — the filters
of the layout chains change nothing but ё and і (:class:`RussianLettersFilter`, :class:`YoFilter`):
look-alike letters need two scripts, a possessive an apostrophe, folding a capital. So its count
follows from its length and the stop list. Any other word is run through the chain as before, and a
chain with any other filter has no counter. ``tests/search/test_indexing_chain.py`` holds the counts
to the chains' own on every word of the real archive.
"""

import re
from collections.abc import Callable

from search.analysis.english import PossessiveFilter
from search.analysis.filters import (
    HomoglyphFilter,
    MinLengthFilter,
    NormalizeFilter,
    ProperNameFilter,
    RussianLettersFilter,
    YoFilter,
)

_PLAIN = re.compile(r"[a-z]+|[а-яёәғқңөұүһі]+")
# Filters that leave a plain word as it is (the proper-name filter only marks it).
_UNCHANGED = (HomoglyphFilter, PossessiveFilter, ProperNameFilter, NormalizeFilter)
_YO = str.maketrans("ё", "е")


def counter(plan: list) -> Callable[[str], int | None] | None:
    """Return a function giving the positions a plain word takes in the chain of ``plan`` (None for
    a word that is not plain), or None when the chain is not made of the filters known here: per-word
    steps of those filters, then one renumbering stop filter, and nothing after it."""
    tables = []
    minsize = 0
    stop = None
    for kind, item in plan:
        if stop is not None:
            return None  # a step after the stop filter (a full chain, not its layout)
        if kind == 1:
            if not item.renumber:
                return None
            stop = item
            continue
        for f in item.filters:
            if isinstance(f, RussianLettersFilter):
                tables.append(f._TABLE)
            elif isinstance(f, YoFilter):
                tables.append(_YO)
            elif isinstance(f, MinLengthFilter):
                minsize = max(minsize, f.minsize)
            elif not isinstance(f, _UNCHANGED):
                return None
    if stop is None:
        return None
    stops, low, high = stop.stops, stop.min, stop.max

    def count(word: str) -> int | None:
        if not _PLAIN.fullmatch(word):
            return None
        for table in tables:
            word = word.translate(table)
        n = len(word)
        if n < minsize or n < low or (high is not None and n > high) or word in stops:
            return 0
        return 1

    return count
