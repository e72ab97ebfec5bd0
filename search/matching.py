"""Which documents a query matches, as a set, without scoring them.

Totals and facet counts need every matching document, but only one page of them needs a
score. Scoring each hit in Whoosh's matcher tree costs microseconds per document and term; a
posting list read as a block of ids and combined with set operations costs a fraction of that.
So the ranked page comes from a collector that may skip blocks that cannot reach it, and the
count from this module.
"""

from collections import Counter

from whoosh import query as wq


def matching(query: wq.Query, searcher, everything: frozenset[int] | set[int]) -> set[int]:
    """Return the (global) numbers of the documents ``query`` matches; ``everything`` answers ``Every``.

    Deleted documents may be among them: callers intersect with the documents they may show.
    """
    if isinstance(query, wq.Every):
        return set(everything)
    if isinstance(query, wq.NullQuery.__class__):
        return set()
    if isinstance(query, wq.AndNot):
        found = matching(query.a, searcher, everything)
        return found - matching(query.b, searcher, everything) if found else found
    if isinstance(query, wq.AndMaybe):
        return matching(query.a, searcher, everything)
    if isinstance(query, wq.And) and not isinstance(query, wq.Sequence):
        parts = sorted((matching(q, searcher, everything) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:]) if parts else set()
    if isinstance(query, wq.Or):
        parts = [matching(q, searcher, everything) for q in query.subqueries]
        need = getattr(query, "minmatch", 0) or 1
        if need <= 1:
            return set().union(*parts)
        counts = Counter()
        for part in parts:
            counts.update(part)
        return {doc for doc, n in counts.items() if n >= need}
    return _leaf(query, searcher)


def _leaf(query: wq.Query, searcher) -> set[int]:
    """Return the documents a term, phrase or other leaf query matches, segment by segment."""
    found: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        if isinstance(query, wq.Term):
            reader = sub.reader()
            if (query.fieldname, query.text) not in reader:
                continue
            ids = reader.postings(query.fieldname, query.text).all_ids()
        else:
            ids = query.matcher(sub, sub.context()).all_ids()
        found.update(ids if not offset else (offset + i for i in ids))
    return found
