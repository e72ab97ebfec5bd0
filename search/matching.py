"""Which documents a query matches, as a set, without scoring them.

Totals and facet counts need every matching document, but only one page of them needs a
score. Walking Whoosh's matcher tree costs several Python calls per document and term; a
posting list read as arrays (:mod:`search.postings`) and combined with set operations costs a
fraction of that. Phrases are checked on the documents holding all their words only, from the
positions in the same posting blocks. The ranking (:mod:`search.ranking`) then scores these
documents alone.
"""

import time
from itertools import chain

import numpy as np
from whoosh import query as wq

from search.positions import decode_many, read_in_bulk
from search.postings import postings, term_bytes, term_postings


class Budget:
    """The time one search may still take, whether it ran out, and what its phrases matched."""

    def __init__(self, seconds: float | None = None):
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.partial = False
        self.positional: dict[int, np.ndarray] = {}  # by id() of the query part: its documents, ascending

    def spent(self) -> bool:
        """Return whether the time is up (and remember that the answer is partial)."""
        if not self.partial and self.deadline is not None and time.perf_counter() >= self.deadline:
            self.partial = True
        return self.partial


def matching(
    query: wq.Query, searcher, everything: frozenset[int] | set[int], budget: "Budget | None" = None
) -> set[int]:
    """Return the (global) numbers of the documents ``query`` matches; ``everything`` answers ``Every``.

    Deleted documents may be among them: callers intersect with the documents they may show.
    """
    if isinstance(query, wq.Every):
        return set(everything)
    return set(documents(query, searcher, everything, budget).tolist())


_NONE = np.empty(0, np.int64)


def documents(
    query: wq.Query, searcher, everything: frozenset[int] | set[int], budget: "Budget | None" = None
) -> np.ndarray:
    """As :func:`matching`, as an ascending array: the parts are combined as arrays, not as sets of numbers."""
    if isinstance(query, wq.Every):
        return np.array(sorted(everything), dtype=np.int64)
    if isinstance(query, wq.NullQuery.__class__):
        return _NONE
    if isinstance(query, wq.AndNot):
        found = documents(query.a, searcher, everything, budget)
        excluded = documents(query.b, searcher, everything, budget)
        return np.setdiff1d(found, excluded, assume_unique=True) if len(found) and len(excluded) else found
    if isinstance(query, wq.AndMaybe):
        return documents(query.a, searcher, everything, budget)
    if isinstance(query, wq.And) and not isinstance(query, wq.Sequence):
        # Every part is matched (each phrase's matches are kept in the budget for ranking), smallest first.
        parts = sorted((documents(q, searcher, everything, budget) for q in query.subqueries), key=len)
        if not parts:
            return _NONE
        found = parts[0]
        for part in parts[1:]:
            if not len(found):
                break
            found = np.intersect1d(found, part, assume_unique=True)
        return found
    if isinstance(query, wq.Or):
        parts = [part for q in query.subqueries if len(part := documents(q, searcher, everything, budget))]
        need = getattr(query, "minmatch", 0) or 1
        if not parts:
            return _NONE
        if need <= 1:
            return _union(parts)
        values, counts = np.unique(np.concatenate(parts), return_counts=True)
        return values[counts >= need]
    return _leaf(query, searcher, budget)


def phrase_documents(reader, fieldname: str, steps: list[list[bytes]], fmt) -> list[int]:
    """Return the (segment-local) documents of one segment holding the ``steps`` one right after another.

    Each step is a list of alternative keys at one position (a phrase has one key a step; an
    ambiguous word has several). The documents holding some key of every step come from the
    posting arrays; only their positions are decoded, from the same blocks, into one array of
    (document, position) keys per step, and the phrase is found by shifting and intersecting them.
    """
    if not steps or not all(steps):
        return []
    lists = {w: postings(reader, fieldname, w, values=True) for step in steps for w in step}
    candidates = None
    for step in steps:
        ids = _union([lists[w].ids for w in step])
        candidates = ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
        if not len(candidates):
            return []
    found = None
    for i, step in enumerate(steps):
        keys = _union([_position_keys(lists[w], candidates, fmt) for w in step])
        # A phrase starting at p has its i-th word at p + i: keep the starts whose next word follows.
        found = keys if found is None else found[np.isin(found + i, keys, assume_unique=True)]
        if not len(found):
            return []
    return _distinct(found >> 32).tolist()


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    """Return the sorted union of ascending arrays of distinct numbers (one array: itself)."""
    if len(arrays) == 1:
        return arrays[0]
    joined = np.concatenate(arrays)
    joined.sort(kind="stable")
    return _distinct(joined)


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """Return an ascending array without its repeats (``np.unique`` hashes and sorts again)."""
    if len(ascending) < 2:
        return ascending
    keep = np.empty(len(ascending), dtype=bool)
    keep[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=keep[1:])
    return ascending[keep]


def _position_keys(post, docs: np.ndarray, fmt) -> np.ndarray:
    """Return ``document << 32 | position`` for each position of ``post`` in the ``docs`` it holds."""
    where = np.searchsorted(post.ids, docs)
    inside = where < len(post.ids)
    where, docs = where[inside], docs[inside]
    held = post.ids[where] == docs
    where, docs = where[held], docs[held]
    if not len(where):
        return np.empty(0, np.int64)
    if post.positions is not None:  # from a hot file: each posting's count, positions end to end
        counts, flat = post.positions
        counts = counts.astype(np.int64)
        firsts = (np.cumsum(counts) - counts)[where]
        counts = counts[where]
        total = int(counts.sum())
        steps = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        positions = flat[np.repeat(firsts, counts) + steps]
    else:
        values = [post.values[i] for i in where.tolist()]
        decoded = None
        if read_in_bulk(fmt):
            decoded = decode_many(b"".join(values), np.cumsum([len(v) for v in values]))
        if decoded is not None:
            counts, positions = decoded
        else:  # another encoding, or values Whoosh stored otherwise: its own decoder, one at a time
            lists = [fmt.decode_positions(v) for v in values]
            counts = np.fromiter(map(len, lists), np.int64, len(lists))
            positions = np.fromiter(chain.from_iterable(lists), np.int64, int(counts.sum()))
    return (np.repeat(docs.astype(np.int64), counts.astype(np.int64)) << 32) | positions.astype(np.int64)


def _steps(query: wq.Query, searcher) -> tuple[str, list[list[bytes]]] | None:
    """Return (field, steps) of a phrase or an ordered, adjacent sequence of terms; None for other queries."""
    if isinstance(query, wq.Phrase) and query.slop == 1:
        field, steps = query.fieldname, [[w] for w in query.words]
    elif isinstance(query, wq.Sequence) and query.slop == 1 and query.ordered:
        field = query.field()
        steps = []
        for sub in query.subqueries:
            terms = [sub] if isinstance(sub, wq.Term) else sub.subqueries if isinstance(sub, wq.Or) else None
            if terms is None or not all(isinstance(t, wq.Term) and t.fieldname == field for t in terms):
                return None
            steps.append([t.text for t in terms])
    else:
        return None
    if field not in searcher.schema or not searcher.schema[field].format.supports("positions"):
        return None
    return field, [[term_bytes(searcher.schema, field, w) for w in step] for step in steps]


def _leaf(query: wq.Query, searcher, budget: "Budget | None") -> np.ndarray:
    """Return the documents a term, phrase or other leaf query matches, segment by segment (ascending).

    What a positional query (phrase, sequence) matched is kept in the budget, so that ranking
    need not find it again. Once the budget is spent, leaves match nothing (the answer is partial).
    """
    if budget is not None and budget.spent():
        return _NONE
    found: list[np.ndarray] = []
    if isinstance(query, wq.Term):
        text = term_bytes(searcher.schema, query.fieldname, query.text)
        for sub, offset in searcher.leaf_searchers():
            ids, _ = term_postings(sub.reader(), query.fieldname, text)
            if len(ids):
                found.append(ids.astype(np.int64) + offset)
        return np.concatenate(found) if len(found) > 1 else found[0] if found else _NONE
    positional = _steps(query, searcher)
    for sub, offset in searcher.leaf_searchers():
        if positional is not None:
            field, steps = positional
            local = phrase_documents(sub.reader(), field, steps, searcher.schema[field].format)
        else:
            local = list(query.matcher(sub, sub.context()).all_ids())
        if len(local):
            found.append(np.asarray(local, dtype=np.int64) + offset)
    docs = np.concatenate(found) if len(found) > 1 else found[0] if found else _NONE  # segments in order
    if budget is not None:
        budget.positional[id(query)] = docs
    return docs
