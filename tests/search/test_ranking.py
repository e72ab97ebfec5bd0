"""Counting and ranking on posting arrays give exactly what Whoosh's own matchers give."""

import numpy as np
import pytest
from whoosh import query as wq

from search import postings, synonyms
from search import query as visitor_query
from search.matching import matching, phrase_documents
from search.ranking import best_first, rank
from search.service import SearchService

QUERIES = [
    "гематология",
    "костный мозг",
    "орталығы",
    "hematology conference",
    "Silk Road",
    "ХМЛ",
    "B12",
    '"школа пациентов"',
    '"сүйек кемігін"',
    "лейкоз -миелома",
    "вакцинация OR прививка",
    "школа пациентов миелома",
    "ұотғо",
    "Пивоварова",
]


@pytest.fixture(scope="module")
def searcher(corpus_index):
    service = SearchService(corpus_index, cache_size=0)
    s, table = service._searcher()
    yield s, table  # the service keeps its searcher open while it lives
    service.close()


def whoosh_query(text: str) -> wq.Query:
    return visitor_query.to_whoosh(visitor_query.parse(text), synonyms.default())


def test_bulk_postings_are_the_matchers_postings(searcher):
    s, _ = searcher
    reader = s.reader()
    checked = 0
    for field in ("body_ru", "body_kk", "family_ru", "code", "cross", "title_en"):
        for text in list(reader.lexicon(field))[::97][:15]:
            for sub, _ in s.leaf_searchers():
                got = postings.postings(sub.reader(), field, text, values=True)
                m = sub.reader().postings(field, text) if (field, text) in sub.reader() else None
                ids, weights, values = [], [], []
                while m is not None and m.is_active():
                    ids.append(m.id())
                    weights.append(m.weight())
                    values.append(m.value())
                    m.next()
                assert got.ids.tolist() == ids and got.weights.tolist() == pytest.approx(weights)
                assert list(got.values) == values
                checked += 1
    assert checked > 50


def test_field_lengths_read_at_once_are_the_per_document_lengths(searcher):
    s, _ = searcher
    for sub, _ in s.leaf_searchers():
        for field in ("body_ru", "title_kk", "family_kk", "code", "cross", "spell"):
            every = np.arange(sub.reader().doc_count_all())
            assert np.array_equal(
                postings.field_lengths(sub.reader(), field, every), postings.lengths_one_by_one(sub.reader(), field)
            )


@pytest.mark.parametrize("text", QUERIES)
def test_matching_finds_what_whoosh_finds(searcher, text):
    s, table = searcher
    q = whoosh_query(text)
    whoosh = set(s.docs_for_query(q)) & table.live
    ours = matching(q, s, table.live) & table.live
    assert ours == whoosh


@pytest.mark.parametrize("words", [["школ", "пациент"], ["сүйек", "кемік"], ["silk", "road"], ["костн", "мозг"]])
def test_phrases_found_from_positions_are_whooshs_phrases(searcher, words):
    s, _ = searcher
    for field in ("body_ru", "body_kk", "body_en", "family_ru"):
        q = wq.Phrase(field, words)
        for sub, _ in s.leaf_searchers():
            reader = sub.reader()
            fmt = s.schema[field].format
            ours = phrase_documents(reader, field, [[w.encode()] for w in words], fmt)
            assert ours == list(q.matcher(sub, sub.context()).all_ids())


def test_sequences_of_alternatives_found_from_positions_are_whooshs(searcher):
    s, _ = searcher
    steps = [["костн", "кость"], ["мозг", "мозга"]]
    for field in ("body_ru", "family_ru", "title_ru"):
        q = wq.Sequence([wq.Or([wq.Term(field, w) for w in step]) for step in steps])
        for sub, _ in s.leaf_searchers():
            ours = phrase_documents(
                sub.reader(), field, [[w.encode() for w in step] for step in steps], s.schema[field].format
            )
            assert ours == list(q.matcher(sub, sub.context()).all_ids())


@pytest.mark.parametrize("prefer", [None, "kk"])
@pytest.mark.parametrize("text", QUERIES)
def test_ranking_on_arrays_gives_whooshs_scores_and_order(searcher, text, prefer):
    s, table = searcher
    q = whoosh_query(text)
    if prefer:  # the visitor's interface language ranks its pages first (a field without lengths)
        q = wq.AndMaybe(q, wq.Term("lang", prefer, boost=3.0))
    found = matching(q, s, table.live) & table.live
    ours = rank(q, s, found)
    theirs = [(hit.docnum, hit.score) for hit in s.search(q, filter=found, limit=None)]
    assert [d for d, _ in ours] == [d for d, _ in theirs]
    assert [score for _, score in ours] == pytest.approx([score for _, score in theirs], rel=1e-9)


def _whole_order(docs, scores):
    best = np.lexsort((docs, -scores))
    return docs[best], scores[best]


@pytest.mark.parametrize("count", [1, 10, 37, 500, 5000])
def test_the_best_few_are_the_start_of_the_whole_order_ties_included(count):
    rng = np.random.default_rng(count)
    docs = np.arange(2000, dtype=np.int64)
    scores = np.round(rng.random(2000) * 20) / 2  # many ties
    top, top_scores = best_first(docs, scores, count)
    whole, whole_scores = _whole_order(docs, scores)
    assert len(top) >= min(count, len(docs))
    assert top.tolist() == whole[: len(top)].tolist()
    assert top_scores.tolist() == whole_scores[: len(top)].tolist()
    if len(top) < len(docs):  # what was left out scores below the last one kept
        assert whole_scores[len(top)] < top_scores[-1]


class _Copies:
    """The copies part of a DocTable: each document's text code."""

    def __init__(self, same_text):
        self.same_text = np.array(same_text, dtype=np.int64)

    def distinct(self, docnums):
        _, first = np.unique(self.same_text[docnums], return_index=True)
        return np.sort(first)


def _best_by_sorting_all(columns, docs, scores, count, named, taken):
    docs, scores = _whole_order(docs, scores)
    first = columns.distinct(docs)
    docs, scores = docs[first], scores[first]
    return [
        (d, s)
        for d, s in zip(docs.tolist(), scores.tolist())
        if d not in named and int(columns.same_text[d]) not in taken
    ][:count]


def test_a_page_of_hits_skips_copies_named_pages_and_texts_shown_however_many_lead():
    # The 400 best hits are copies of one text: a page of results needs hits from far below them.
    n = 3000
    same_text = [0 if d < 400 else d for d in range(n)]
    scores = np.array([100.0 - d / 10 if d < 400 else 50.0 - d / 1000 for d in range(n)])
    columns = _Copies(same_text)
    docs = np.arange(n, dtype=np.int64)
    for count, named, taken in [(10, set(), set()), (10, {401, 402}, {403}), (30, set(), {0}), (5000, set(), set())]:
        got = SearchService._best(columns, docs, scores, count, named, taken)
        assert got == _best_by_sorting_all(columns, docs, scores, count, named, taken)
    assert [d for d, _ in SearchService._best(columns, docs, scores, 3, set(), set())] == [0, 400, 401]
