"""Which documents a query matches, as a set, without scoring them.

Totals and facet counts need every matching document, but only one page of them needs a
score. Walking Whoosh's matcher tree costs several Python calls per document and term; a
posting list read as arrays (:mod:`search.postings`) and combined with set operations costs a
fraction of that. Phrases are checked on the documents holding all their words only, from the
positions in the same posting blocks. The ranking (:mod:`search.ranking`) then scores these
documents alone.
"""

import time
from collections import Counter

import numpy as np
from whoosh import query as wq

from search.postings import postings, term_postings


class Budget:
    """The time one search may still take, whether it ran out, and what its phrases matched."""

    def __init__(self, seconds: float | None = None):
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.partial = False
        self.positional: dict[int, set[int]] = {}  # by id() of the query part

    def spent(self) -> bool:
        """Return whether the time is up (and remember that the answer is partial)."""
        if not self.partial and self.deadline is not None and time.perf_counter() >= self.deadline:
            self.partial = True
        return self.partial


def matching(query: wq.Query, searcher, everything: frozenset[int] | set[int], budget: "Budget | None" = None) -> set[int]:
    """Return the (global) numbers of the documents ``query`` matches; ``everything`` answers ``Every``.

    Deleted documents may be among them: callers intersect with the documents they may show.
    """
    if isinstance(query, wq.Every):
        return set(everything)
    if isinstance(query, wq.NullQuery.__class__):
        return set()
    if isinstance(query, wq.AndNot):
        found = matching(query.a, searcher, everything, budget)
        return found - matching(query.b, searcher, everything, budget) if found else found
    if isinstance(query, wq.AndMaybe):
        return matching(query.a, searcher, everything, budget)
    if isinstance(query, wq.And) and not isinstance(query, wq.Sequence):
        parts = sorted((matching(q, searcher, everything, budget) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:]) if parts else set()
    if isinstance(query, wq.Or):
        parts = [matching(q, searcher, everything, budget) for q in query.subqueries]
        need = getattr(query, "minmatch", 0) or 1
        if need <= 1:
            return set().union(*parts)
        counts = Counter()
        for part in parts:
            counts.update(part)
        return {doc for doc, n in counts.items() if n >= need}
    return _leaf(query, searcher, budget)


def phrase_documents(reader, fieldname: str, words: list[bytes], fmt) -> list[int]:
    """Return the (segment-local) documents of one segment holding ``words`` one right after another.

    The documents holding every word come from their posting arrays; only their positions are
    decoded, from the same blocks.
    """
    if not words:
        return []
    lists = {w: postings(reader, fieldname, w, values=True) for w in dict.fromkeys(words)}
    candidates = None
    for p in lists.values():
        candidates = p.ids if candidates is None else np.intersect1d(candidates, p.ids, assume_unique=True)
        if not len(candidates):
            return []
    places = {w: np.searchsorted(p.ids, candidates).tolist() for w, p in lists.items()}
    decode = fmt.decode_positions
    out = []
    first, rest = words[0], list(enumerate(words[1:], 1))
    for n, doc in enumerate(candidates.tolist()):
        decoded = {w: set(decode(lists[w].values[places[w][n]])) for w in lists}
        if any(all(p + i in decoded[w] for i, w in rest) for p in decoded[first]):
            out.append(doc)
    return out


def _leaf(query: wq.Query, searcher, budget: "Budget | None") -> set[int]:
    """Return the documents a term, phrase or other leaf query matches, segment by segment.

    What a positional query (phrase, sequence) matched is kept in the budget, so that ranking
    need not find it again. Once the budget is spent, leaves match nothing (the answer is partial).
    """
    found: set[int] = set()
    if budget is not None and budget.spent():
        return found
    for sub, offset in searcher.leaf_searchers():
        if isinstance(query, wq.Term):
            reader = sub.reader()
            text = query.text
            if isinstance(text, str) and query.fieldname in searcher.schema:
                text = searcher.schema[query.fieldname].to_bytes(text)
            ids, _ = term_postings(reader, query.fieldname, text)
            found.update((ids + offset).tolist())
        elif isinstance(query, wq.Phrase) and query.slop == 1 and query.fieldname in searcher.schema:
            field = searcher.schema[query.fieldname]
            words = [field.to_bytes(w) if isinstance(w, str) else w for w in query.words]
            found.update(d + offset for d in phrase_documents(sub.reader(), query.fieldname, words, field.format))
        else:
            found.update(offset + i for i in query.matcher(sub, sub.context()).all_ids())
    if budget is not None and not isinstance(query, wq.Term):
        budget.positional[id(query)] = found
    return found
