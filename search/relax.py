"""Soft matching: when few pages hold every word of a query, the pages that lack only the least telling ones.

A visitor's query often carries a word the page does not have: a generic word («новости о
донорстве», "information about vaccination", «вакцинация туралы ақпарат»), a question word, or one
word the page says differently. Pages with every word always come first; when they are fewer than
a page of results, pages that lack some words follow, each marked with the words it lacks.

Which words may be missing is decided by what they mean to the search, not by their position or
count (as Meilisearch's ``matchingStrategy`` and Elasticsearch's ``minimum_should_match`` do):

- *weak* words — the generic words of each language (``data/generic.txt``, matched after analysis)
  and words that most of the archive's pages hold — may always be missing;
- *telling* words (the rest) may be missing too, but a page must hold at least half of them, and
  never none: a page that lacks every telling word is never shown. A query whose telling words
  match nothing answers nothing.

Pages lacking fewer telling words rank first, then pages lacking fewer words at all, then by
score.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GENERIC_FILE = Path(__file__).parent / "data" / "generic.txt"

# A word held by this share of the pages searched tells little about any of them.
FREQUENT_SHARE = 0.25


@lru_cache(maxsize=1)
def _generic_keys() -> frozenset[tuple[str, str]]:
    from search.analysis import LANGUAGES, analyze

    keys = set()
    for line in GENERIC_FILE.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            for lang in LANGUAGES:
                keys.update((lang, k) for k in analyze(lang, word, "index"))
    return frozenset(keys)


@lru_cache(maxsize=4096)
def is_generic_in(text: str, generic: frozenset) -> bool:
    """Return whether ``text`` (one query word) is, in any of its forms, one of ``generic``'s (language, key) pairs."""
    from search.analysis import LANGUAGES, analyze

    for lang in LANGUAGES:
        keys = analyze(lang, text, "index")
        if keys and all((lang, k) in generic for k in keys):
            return True
    return False


@lru_cache(maxsize=4096)
def is_generic(text: str) -> bool:
    """Return whether ``text`` (one query word) is a generic word in some language, in any of its forms."""
    from search.analysis import LANGUAGES, analyze

    generic = _generic_keys()
    for lang in LANGUAGES:
        keys = analyze(lang, text, "index")
        if keys and all((lang, k) in generic for k in keys):
            return True
    return False


@dataclass(frozen=True)
class Word:
    """One required part of a query, as the relaxation sees it."""

    text: str
    generic: bool
    pages: frozenset[int] | set[int]  # the pages searched that hold it


@dataclass
class Relaxed:
    """Pages that lack some words of the query, and which."""

    missing: dict[int, tuple[int, ...]]  # page → indices of the words it lacks
    order: dict[int, tuple[int, int]]  # page → (telling words it lacks, words it lacks)

    def words(self, words: list[Word]) -> list[str]:
        """Return the words some of these pages lack, in the query's order."""
        lacking = sorted(set().union(*self.missing.values())) if self.missing else []
        return [words[i].text for i in lacking]


def telling(words: list[Word], searched: int) -> list[int]:
    """Return the indices of the words a page must mostly hold: neither generic nor held by most pages."""
    frequent = max(1, int(searched * FREQUENT_SHARE))
    rare = [i for i, w in enumerate(words) if not w.generic and len(w.pages) < frequent]
    if rare:
        return rare
    return [i for i, w in enumerate(words) if not w.generic]  # every word is common: the meaningful ones


def relax(words: list[Word], searched: int) -> Relaxed:
    """Return the pages that hold some but not all ``words``, as far as their meaning allows.

    ``searched`` is how many pages were searched (for what "most pages" means). Pages holding
    every word are not among the answer.
    """
    if len(words) < 2:
        return Relaxed({}, {})
    strong = telling(words, searched)
    if not strong:  # nothing but generic words: every one is needed
        return Relaxed({}, {})
    need = (len(strong) + 1) // 2
    counts: dict[int, int] = {}
    for i in strong:
        for page in words[i].pages:
            counts[page] = counts.get(page, 0) + 1
    missing, order = {}, {}
    strong_set = set(strong)
    for page, held in counts.items():
        if held < need:
            continue
        lacks = tuple(i for i, w in enumerate(words) if page not in w.pages)
        if not lacks:
            continue
        missing[page] = lacks
        order[page] = (sum(1 for i in lacks if i in strong_set), len(lacks))
    return Relaxed(missing, order)
