"""Navigational queries: the page whose title is what the visitor typed comes first.

A visitor who types «филиалы», "price list" or «пациенттер мектебі» wants the section page of
that name, not the news that mention it most often. A page is *named* by a query when every word
of its title is a word of the query (in any form) and every telling word of the query is in its
title; the words of the site's own name («Центр гематологии» on that centre's site) are true of
every page and need not be in the title. Named pages rank above every other hit, short or long.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh import query as wq

from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyze, analyze_positions
from search.analysis.chains import STOP_WORDS
from search.analysis.tokenizer import PART

# Titles are checked one by one: past this many pages holding the telling words in their
# titles, the query is not naming one page (a common word), and nothing is reordered.
MAX_NAMED_CANDIDATES = 300


def title_only(query: wq.Query, title_fields: frozenset[str], all_fields: frozenset[str]) -> wq.Query | None:
    """Return the part of ``query`` that looks in titles (None when nothing does)."""
    from search.query import _prune

    return _prune(query, all_fields - title_fields)


@lru_cache(maxsize=16384)
def _keys(lang: str, text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(keys) for keys in analyze_positions(lang, text))


def names(title: str, lang: str, words: list[str], telling: list[str]) -> bool:
    """Return whether a page titled ``title`` (in ``lang``) is named by a query of ``words``.

    ``telling`` are the query words the title must hold (the rest may be missing from it).
    """
    # A title of many more words than the query says more than the query, whatever their forms:
    # told without analysing them (most candidates of a common word are such titles).
    said_words = sum(len(PART.findall(w)) for w in words)
    if len({w.lower() for w in PART.findall(title)} - STOP_WORDS) > 2 * said_words + 1:
        return False
    title_keys = _keys(lang, title)
    if not title_keys:
        return False
    said = frozenset().union(*(k for w in words for k in _keys(lang, w)))
    if not all(keys & said for keys in title_keys):
        return False  # the title says more than the query
    in_title = frozenset().union(*title_keys)
    return all(all(keys & in_title for keys in _keys(lang, w)) for w in telling)


class SiteName:
    """The words of the site's name in every language, for telling whether a query word is one of them.

    Words are compared by lemma or stem, and by derivational family (клиника ~ «Клинический центр»).
    """

    LEVELS = (*((lang, "exact") for lang in LANGUAGES), *((lang, "family") for lang in FAMILY_LANGUAGES))

    def __init__(self, titles: dict[str, str] | None):
        keys = set()
        for title in (titles or {}).values():
            if isinstance(title, str):
                for lang, level in self.LEVELS:
                    keys.update((lang, level, k) for k in analyze(lang, title, "index", level))
        self._keys = frozenset(keys)

    def holds(self, text: str) -> bool:
        """Return whether every word of ``text`` is a word of the site's name, in some language."""
        if not self._keys:
            return False
        for lang, level in self.LEVELS:
            keys = analyze(lang, text, "index", level)
            if keys and all((lang, level, k) in self._keys for k in keys):
                return True
        return False
