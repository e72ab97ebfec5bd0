"""Words and meaning in one ranking: when to ask the model, which pages it may add, and in what order.

Pages holding every query word always come first (as ranked by words). Below them come pages
that lack some words — the soft matches of :mod:`search.relax` — and pages the model finds near
the query's meaning, ranked together by their similarity to the query plus a weight for the share
of the query's telling words they hold (:func:`blend`): a page both near in meaning and holding
the rare words rises above one that is only one or the other. Measured on the judged visitors'
queries, this beat reciprocal-rank fusion (MRR 0.867 against 0.840) and both lists one after the
other (0.846).

The model finds *something* near any text, so it is asked only about queries that read as
words: a word the archive knows, or text its tokenizer reads as words of some language rather
than as a string of letter pieces (``ячсмитьбю``, ``qwxzvbn``). And it may add a page only when
the page is near enough: above an absolute similarity floor and within a margin of the best page
found, both calibrated on the judged queries of ``benchmarks/relevance`` (``make
bench-relevance``: recall against how many unrelated queries still answer nothing).
"""

from collections.abc import Callable, Sequence

import numpy as np

# Similarity floor (cosine, multilingual-e5-small): below it a page is not offered. Pages of one
# topical archive all sit between 0.75 and 0.93 from any query, unrelated ones included, so the
# floor alone cannot tell related from unrelated: MARGIN keeps to the pages nearly as near as the best.
FLOOR = 0.82
MARGIN = 0.035
LIMIT = 10  # pages added by meaning to one answer (they fill a page of results, never flood it)
# Pages are added by meaning only when fewer than this many pages hold every word: a word many pages hold
# is what the visitor meant (filling after five pages that say «кровотечения» brought an anaemia page
# judged wrong for it); measured on the judged queries, 3 kept recall and took the must-not pages out.
FILL_BELOW = 3
# Characters per model token below which a word is read as a string of letter pieces, not a word:
# in the judged queries, words (abbreviations aside, which the archive knows) take 2.5 or more
# characters a token, keyboard mashing 1.0–2.0.
WORDLIKE_CHARS_PER_TOKEN = 2.4


def reads_as_words(words: Sequence[str], known: Callable[[str], bool], tokens: Callable[[str], int]) -> bool:
    """Return whether a query is worth asking the model about.

    ``known(word)`` says whether the archive holds the word at any level; ``tokens(word)`` how many
    pieces the model cuts it into.
    """
    for word in words:
        letters = sum(ch.isalpha() for ch in word)
        if letters < 2:
            continue
        if known(word):
            return True
        pieces = tokens(word)
        if pieces and letters / pieces >= WORDLIKE_CHARS_PER_TOKEN:
            return True
    return False


def near_enough(
    found: list[tuple[int, float]], floor: float | None = None, margin: float | None = None
) -> list[tuple[int, float]]:
    """Keep the (document, similarity) pairs above ``floor`` and within ``margin`` of the best one."""
    if not found:
        return []
    floor = FLOOR if floor is None else floor
    margin = MARGIN if margin is None else margin
    best = found[0][1]
    return [(d, s) for d, s in found if s >= floor and s >= best - margin]


def in_language(
    found: list[tuple[int, float]],
    lang: str | None,
    langs: Sequence[str],
    translations: Callable[[int], list[int]],
    allowed: set[int],
) -> list[tuple[int, float]]:
    """Map pages found in any language to the asked one: a page's translation when it exists.

    A page with no allowed translation in ``lang`` stays only if it is itself ``allowed``; one
    story is offered once (its nearest version decides its place).
    """
    out, stories = [], set()
    for doc, sim in found:
        chosen = doc
        if lang and langs[doc] != lang:
            chosen = next((t for t in translations(doc) if langs[t] == lang and t in allowed), doc)
        if chosen not in allowed:
            continue
        story = min(translations(chosen) or [chosen])
        if story in stories:
            continue
        stories.add(story)
        out.append((chosen, sim))
    return out


def mask(docs: set[int], size: int) -> np.ndarray:
    """Return a boolean mask of ``size`` documents holding ``docs``."""
    out = np.zeros(size, dtype=bool)
    if docs:
        out[np.fromiter(docs, np.int64, len(docs))] = True
    return out


# How much holding the query's telling words weighs against nearness in meaning, in cosine units:
# a page holding every telling word but a generic one gains about this much over one holding none.
WORDS_WEIGHT = 0.1


def held_shares(lacking: dict[int, tuple[int, ...]], frequencies: list[int]) -> dict[int, float]:
    """Return, per page, the share of the query's information it holds (words weighed by rarity).

    ``lacking`` gives each page's missing word indices; ``frequencies`` how many pages hold each word.
    """
    total = max(frequencies, default=0) + 1
    weight = [float(np.log1p(total / (1 + f))) for f in frequencies]
    whole = sum(weight) or 1.0
    return {d: 1.0 - sum(weight[i] for i in lacks) / whole for d, lacks in lacking.items()}


def blend(soft: list[int], near: dict[int, float], similarity: dict[int, float], held: dict[int, float]) -> list[int]:
    """Order pages lacking some words (``soft``) and pages near in meaning (``near``) together.

    A page's score is its similarity to the query plus WORDS_WEIGHT times the share of the query's
    information its words hold (a convex fusion of the two scores). Pages with no vector yet keep
    their order by words, below those scored.
    """
    sims = {**similarity, **near}
    docs = list(dict.fromkeys([*soft, *near]))
    order = {d: i for i, d in enumerate(docs)}
    scored = sorted(
        (d for d in docs if d in sims), key=lambda d: (-(sims[d] + WORDS_WEIGHT * held.get(d, 0.0)), order[d])
    )
    return [*scored, *(d for d in docs if d not in sims)]
