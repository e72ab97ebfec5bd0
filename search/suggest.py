"""Completions as the visitor types: the words of the index that start with the last word typed."""

from whoosh import query as wq

from search.analysis import analyze
from search.schema import SPELL_FIELD

CANDIDATES = 60  # the commonest words with the prefix that are checked for visibility
MIN_PREFIX = 2


def suggest(searcher, allowed: set[int], text: str, limit: int = 8) -> list[str]:
    """Return completions of ``text``'s last word found in the ``allowed`` (visible) documents, commonest first."""
    words = text.split()
    if not words:
        return []
    keys = analyze(None, words[-1], level="spell")
    if len(keys) != 1 or len(keys[0]) < MIN_PREFIX:
        return []
    prefix = keys[0]
    reader = searcher.reader()
    candidates = []
    for term in reader.expand_prefix(SPELL_FIELD, prefix):
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        candidates.append((reader.doc_frequency(SPELL_FIELD, word), word))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    found = []
    for _, word in candidates[:CANDIDATES]:
        visible = sum(1 for d in searcher.docs_for_query(wq.Term(SPELL_FIELD, word)) if d in allowed)
        if visible:  # a word only a draft or a scheduled post holds is never suggested
            found.append((visible, word))
    found.sort(key=lambda c: (-c[0], len(c[1]), c[1]))
    head = " ".join(words[:-1])
    return [f"{head} {w}".strip() for _, w in found[:limit]]
