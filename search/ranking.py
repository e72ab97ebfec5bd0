"""Rank the documents a query matched by Whoosh's BM25F score, computed on arrays.

Whoosh scores a document by walking a tree of matchers, one Python call per document and
term. Here each term's postings are read in bulk (:mod:`search.postings`), scored with the
very BM25F formula and statistics of the searcher's weighting, and summed as the matcher
tree would sum them (a compound's boost multiplies its children's sum) — over the candidate
documents only. Phrases and sequences count where matching found them; any other positional
part is scored by Whoosh's own matcher, for the candidates only. Only BM25F (Whoosh's default
weighting, the one every Poisk searcher uses, with its plain weights for fields without lengths
such as ``lang``) is reproduced.
"""

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from search.matching import Budget
from search.postings import field_lengths, term_bytes, term_postings


def order(query: wq.Query, searcher, cand: np.ndarray, budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the candidates (a sorted array of document numbers) best first for ``query``, and their scores.

    Ties go to the lower document number, as in Whoosh. The candidates must be documents the
    query matches; a candidate it does not match scores 0. ``budget`` (the one matching used) gives
    what positional parts matched and the time left: once it is spent, parts not yet scored add 0.
    """
    return best_first(cand, scores(query, searcher, cand, budget), len(cand))


def scores(query: wq.Query, searcher, cand: np.ndarray, budget: Budget | None = None) -> np.ndarray:
    """Return each candidate's score for ``query`` (as :func:`order` gives them, in the candidates' order)."""
    if not len(cand):
        return np.zeros(0)
    return _evaluate(query, searcher, cand, budget or Budget())[0]


def best_first(docs: np.ndarray, scores: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the first ``count`` or more of ``docs`` by score (descending, then by document number),
    in that order, and their scores: exactly the start of the whole order, every document tied with
    the last one kept. Only those are sorted: a common word matches a fifth of a large archive, and
    a page of results needs a few dozen of them.
    """
    if count < len(docs):
        edge = -np.partition(-scores, count - 1)[count - 1]  # the count-th best score
        keep = np.flatnonzero(scores >= edge)
        docs, scores = docs[keep], scores[keep]
    best = np.lexsort((docs, -scores))  # score descending, then docnum ascending
    return docs[best], scores[best]


def rank(
    query: wq.Query, searcher, candidates: set[int], limit: int | None = None, budget: Budget | None = None
) -> list[tuple[int, float]]:
    """Return the best ``limit`` (all when None) of ``candidates`` as (docnum, score) pairs."""
    cand = np.array(sorted(candidates), dtype=np.int64)
    docs, scores = order(query, searcher, cand, budget)
    return list(zip(docs[:limit].tolist(), scores[:limit].tolist()))


def _evaluate(q: wq.Query, searcher, cand: np.ndarray, budget: Budget) -> tuple[np.ndarray, np.ndarray]:
    """Return the scores and the matched mask of the candidates for ``q``."""
    if isinstance(q, wq.Term):
        return _term(q, searcher, cand) if not budget.spent() else _nothing(cand)
    if q is wq.NullQuery:
        return np.zeros(len(cand)), np.zeros(len(cand), dtype=bool)
    if isinstance(q, wq.AndNot):
        scores, matched = _evaluate(q.a, searcher, cand, budget)
        _, excluded = _evaluate(q.b, searcher, cand, budget)
        matched &= ~excluded
        return np.where(matched, scores, 0.0) * q.boost, matched
    if isinstance(q, wq.AndMaybe):
        scores, matched = _evaluate(q.a, searcher, cand, budget)
        extra, _ = _evaluate(q.b, searcher, cand, budget)
        return np.where(matched, scores + extra, 0.0) * q.boost, matched
    if isinstance(q, (wq.And, wq.Or)) and not isinstance(q, wq.Sequence):
        parts = [_evaluate(sub, searcher, cand, budget) for sub in q.subqueries]
        if not parts:
            return np.zeros(len(cand)), np.zeros(len(cand), dtype=bool)
        total = np.sum([s for s, _ in parts], axis=0)
        counts = np.sum([m for _, m in parts], axis=0)
        if isinstance(q, wq.And):
            matched = counts == len(parts)
        else:
            matched = counts >= max(1, getattr(q, "minmatch", 0) or 1)
        return np.where(matched, total, 0.0) * q.boost, matched
    if budget.spent():
        return _nothing(cand)
    if isinstance(q, (wq.Phrase, wq.Sequence)) and id(q) in budget.positional:
        # Whoosh scores a phrase or sequence as the sum of its parts' scores where it stands.
        matched = np.isin(cand, budget.positional[id(q)])
        if isinstance(q, wq.Phrase):
            parts = [_term(wq.Term(q.fieldname, w), searcher, cand)[0] for w in q.words]
        else:
            parts = [_evaluate(sub, searcher, cand, budget)[0] for sub in q.subqueries]
        return np.where(matched, np.sum(parts, axis=0), 0.0) * q.boost, matched
    return _positional(q, searcher, cand)


def _nothing(cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(len(cand)), np.zeros(len(cand), dtype=bool)


def _term(q: wq.Term, searcher, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = np.zeros(len(cand))
    matched = np.zeros(len(cand), dtype=bool)
    if q.fieldname not in searcher.schema:
        return scores, matched
    text = term_bytes(searcher.schema, q.fieldname, q.text)
    if (q.fieldname, text) not in searcher.reader():
        return scores, matched
    scorer = searcher.weighting.scorer(searcher, q.fieldname, text)
    if isinstance(scorer, scoring.BM25FScorer):
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    elif not isinstance(scorer, scoring.WeightScorer):  # BM25F's scorer for fields without lengths (lang)
        raise TypeError(f"ranking reproduces BM25F only; the searcher weights with {type(searcher.weighting).__name__}")
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        ids, weights = term_postings(reader, q.fieldname, text)
        if not len(ids):
            continue
        where = np.searchsorted(cand, ids + offset)
        inside = where < len(cand)
        inside[inside] = cand[where[inside]] == ids[inside] + offset
        if not inside.any():
            continue
        ids, weights, where = ids[inside], weights[inside].astype(np.float64), where[inside]
        if isinstance(scorer, scoring.WeightScorer):
            scores[where] = weights
        else:
            lengths = field_lengths(reader, q.fieldname, ids)
            scores[where] = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        matched[where] = True
    return scores * q.boost, matched


def _positional(q: wq.Query, searcher, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score a phrase, sequence or other part with Whoosh's matcher, visiting the candidates only."""
    scores = np.zeros(len(cand))
    matched = np.zeros(len(cand), dtype=bool)
    for sub, offset in searcher.leaf_searchers():
        size = sub.reader().doc_count_all()
        lo, hi = np.searchsorted(cand, [offset, offset + size])
        if lo == hi:
            continue
        m = q.matcher(sub, sub.context())
        for i in range(lo, hi):
            if not m.is_active():
                break
            doc = int(cand[i]) - offset
            if m.id() < doc:
                m.skip_to(doc)
                if not m.is_active():
                    break
            if m.id() == doc:
                scores[i] = m.score()
                matched[i] = True
    return scores, matched
