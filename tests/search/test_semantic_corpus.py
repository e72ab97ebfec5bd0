"""Search by meaning on the real archive, with the bundled model (multilingual-e5-small)."""

import pytest

from indexer.embedding import Embedding, Plan
from indexer.site import Site
from indexer.sync import reindex
from search import semantic, store, vectors
from search.service import SearchRequest, SearchService
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("meaning") / "index"
    reindex(Site.load(CORPUS), path)
    progress = Embedding(path, Plan(mode="on")).run()
    assert progress.state == "ready", progress
    return path


@pytest.fixture(scope="module")
def hybrid(index):
    service = SearchService(index, cache_size=0)
    yield service
    service.close()


@pytest.fixture(scope="module")
def words(index):
    service = SearchService(index, cache_size=0, semantic=False)
    yield service
    service.close()


def _paths(service, q, lang):
    return [h.path for h in service.search(SearchRequest(q=q, lang=lang)).results]


def test_every_page_has_a_vector_of_the_model(index):
    data = vectors.read(vectors.latest(store.current(index)))
    assert data.model == semantic.MODEL and data.vectors.shape[1] == semantic.DIMENSION
    assert len(set(data.keys.tolist())) == SearchService(index).document_count()  # every page
    assert len(data) > len(set(data.keys.tolist()))  # long pages have more than one passage


@pytest.mark.parametrize(
    ("q", "lang", "page"),
    [
        ("годовщина центра гематологии", "ru", "02.news/26.2021-10-21-6-years-old/item.ru.md"),
        ("anniversary of the Hematology Center", "en", "02.news/26.2021-10-21-6-years-old/item.en.md"),
        # Kazakh words no Kazakh page holds together: the story is found and given in Kazakh.
        ("гематология орталығының мерейтойы", "kk", "02.news/26.2021-10-21-6-years-old/item.kk.md"),
    ],
)
def test_a_page_that_says_it_in_other_words_is_found(hybrid, words, q, lang, page):
    assert page not in _paths(words, q, lang)
    found = hybrid.search(SearchRequest(q=q, lang=lang)).results
    assert page in [h.path for h in found[:3]]
    hit = next(h for h in found if h.path == page)
    assert hit.match == "semantic" and hit.missing


def test_pages_with_every_word_stay_first(hybrid, words):
    by_words = words.search(SearchRequest(q="жүкті әйелдерге аспирин", lang="kk")).results
    with_meaning = hybrid.search(SearchRequest(q="жүкті әйелдерге аспирин", lang="kk")).results
    exact = [h.path for h in by_words if h.match == "all"]
    assert exact and [h.path for h in with_meaning[: len(exact)]] == exact


@pytest.mark.parametrize("q", ["qwxzvbn", "ячсмитьбю", "ғқңұһөә", "фывапролдж"])
def test_keyboard_mashing_still_answers_nothing(hybrid, q):
    assert hybrid.search(SearchRequest(q=q)).results == []
