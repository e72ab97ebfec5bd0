"""Completions as the visitor types: the words of the index that start with the last word typed."""

import threading
from collections import Counter, OrderedDict

import numpy as np

from search.analysis import analyze
from search.postings import term_documents
from search.schema import SPELL_FIELD

CANDIDATES = 60  # the commonest words with the prefix that are checked for visibility
MIN_PREFIX = 2


_known: OrderedDict = OrderedDict()  # (segments, prefix) → its commonest words
_lock = threading.Lock()
MAX_PREFIXES = 512


def _commonest(leaves, prefix: str) -> list[tuple[bytes, int]]:
    """Return the CANDIDATES commonest words starting with ``prefix`` and their document counts.

    Kept per set of segments (which never change their words): a two-letter prefix walks
    thousands of words, and every visitor's typing starts with one.
    """
    segments = tuple(leaf.segment().segment_id() if hasattr(leaf, "segment") else None for leaf, _ in leaves)
    key = (segments, prefix) if None not in segments else None
    with _lock:
        if key in _known:
            _known.move_to_end(key)
            return _known[key]
    frequency: Counter = Counter()
    for leaf, _ in leaves:
        for term, info in leaf.iter_prefix(SPELL_FIELD, prefix):
            frequency[term] += info.doc_frequency()
    found = sorted(frequency.items(), key=lambda c: (-c[1], c[0]))[:CANDIDATES]
    if key is not None:
        with _lock:
            _known[key] = found
            while len(_known) > MAX_PREFIXES:
                _known.popitem(last=False)
    return found


def suggest(searcher, visible: np.ndarray, text: str, limit: int = 8) -> list[str]:
    """Return completions of ``text``'s last word found in the ``visible`` documents (a boolean array over
    the index's document numbers), commonest first.

    The words with the prefix and their document counts come from one ordered walk of each
    segment's terms (not a lookup for each word: a short prefix has thousands at a news archive's
    vocabulary); the commonest are then counted in the visible documents from their postings.
    """
    words = text.split()
    if not words:
        return []
    keys = analyze(None, words[-1], level="spell")
    if len(keys) != 1 or len(keys[0]) < MIN_PREFIX:
        return []
    reader = searcher.reader()
    leaves = reader.leaf_readers()
    candidates = _commonest(leaves, keys[0])
    if not candidates:
        return []
    found = []
    for term, _ in candidates:
        count = 0
        for leaf, offset in leaves:
            docs = term_documents(leaf, SPELL_FIELD, term)
            count += int(np.count_nonzero(visible[docs + offset])) if len(docs) else 0
        if count:  # a word only a draft or a scheduled post holds is never suggested
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            found.append((count, word))
    found.sort(key=lambda c: (-c[0], len(c[1]), c[1]))
    head = " ".join(words[:-1])
    return [f"{head} {w}".strip() for _, w in found[:limit]]
