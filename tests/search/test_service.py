"""What the search service answers: totals over every hit, language limits, cached answers, spellings."""

import pytest
from whoosh.writing import NO_MERGE

from indexer.documents import to_document
from search import query as visitor_query
from search import store
from search.highlight import snippet
from search.service import SearchRequest, SearchService
from tests.search.conftest import page as make_page

FILLER = "Пациентам рассказали о режиме работы отделения и приёме анализов. "


@pytest.mark.parametrize("exact", [40, 300])
def test_total_counts_pages_found_only_through_the_family_level(tiny_index, exact):
    # Pages saying the word itself outrank five that only share its family; the five must still be
    # counted (a ranking shortcut that drops low-scoring parts of the query must not shrink the
    # total or the facets).
    docs = [(f"02.news/e{i}/item.kk.md", "kk", f"Гематологтар {i} кеңес берді. " * 3) for i in range(exact)]
    docs += [(f"02.news/f{i}/item.kk.md", "kk", f"Гематологиялық бөлім {i} жұмыс істейді. " * 3) for i in range(5)]
    service = tiny_index(docs)
    page = service.search(SearchRequest(q="гематологтар", per_page=10))
    assert page.total == exact + 5
    assert sum(f.count for f in page.facets["year"]) == exact + 5
    assert all("/e" in h.path for h in page.results)  # the word itself still ranks first


def test_a_long_query_finds_pages_missing_at_most_one_of_its_words(tiny_index):
    service = tiny_index(
        [
            ("02.news/all/item.en.md", "en", "Nurses presented their research at the conference."),
            ("02.news/two/item.en.md", "en", "Nurses met at the annual conference in Almaty."),
            ("02.news/one/item.en.md", "en", "The conference hall was renovated this spring."),
        ]
    )
    page = service.search(SearchRequest(q="nurses conference presentation"))
    assert [h.path.split("/")[1] for h in page.results] == ["all", "two"] and page.total == 2
    assert [h.missing for h in page.results] == [None, ["presentation"]] and page.relaxed == ["presentation"]


def test_paging_through_every_result_gives_the_total(corpus_index):
    from search.service import SearchService

    service = SearchService(corpus_index, cache_size=0)
    for q in ["гематология", "школа пациентов миелома", "орталығы", "hematology conference", "лейкоз"]:
        first = service.search(SearchRequest(q=q, per_page=100))
        seen = [
            h.path
            for p in range(1, first.total // 100 + 2)
            for h in service.search(SearchRequest(q=q, per_page=100, page=p)).results
        ]
        assert len(seen) == len(set(seen)) == first.total, q


def test_a_search_limited_to_one_language_ranks_as_the_full_query_would(corpus_index, monkeypatch):
    from search.service import SearchService

    queries = ["гематология", "костный мозг", "орталығы", "hematology", "Silk Road", "лейкоз 2019", "ХМЛ"]
    pruned = SearchService(corpus_index, cache_size=0)
    answers = {(q, lang): pruned.search(SearchRequest(q=q, lang=lang)) for q in queries for lang in ("kk", "ru", "en")}
    monkeypatch.setattr(visitor_query, "only_language", lambda query, lang: query)
    full = SearchService(corpus_index, cache_size=0)
    for (q, lang), page in answers.items():
        other = full.search(SearchRequest(q=q, lang=lang))
        assert page.total == other.total, (q, lang)
        assert [(h.path, h.score) for h in page.results] == [(h.path, h.score) for h in other.results], (q, lang)


def test_only_language_leaves_out_other_languages_fields():
    q = visitor_query.to_whoosh(visitor_query.parse("гематология орталығы"))
    fields = {f for f, _ in visitor_query.only_language(q, "ru").iter_all_terms()}
    assert "body_ru" in fields and "code" in fields
    assert not fields & {"body_kk", "title_kk", "family_kk", "body_en", "title_en"}


def test_a_repeated_search_is_answered_from_the_cache(tiny_index, monkeypatch):
    service = tiny_index([("02.news/a/item.ru.md", "ru", "вакцинация детей " + FILLER)])
    runs = []
    original = service._search
    monkeypatch.setattr(service, "_search", lambda *a: runs.append(a) or original(*a))
    first = service.search(SearchRequest(q="вакцинация"))
    second = service.search(SearchRequest(q="вакцинация"))
    assert len(runs) == 1 and second.total == first.total == 1
    assert [h.snippet for h in second.results] == [h.snippet for h in first.results]
    service.search(SearchRequest(q="вакцинация", lang="ru"))  # another request: searched afresh
    assert len(runs) == 2


def test_a_cached_answer_is_not_served_after_the_index_changed(tiny_index):
    from whoosh import index

    from indexer.documents import to_document
    from search import store
    from tests.search.conftest import page

    service = tiny_index([("02.news/a/item.ru.md", "ru", "вакцинация детей " + FILLER)])
    assert service.search(SearchRequest(q="вакцинация")).total == 1
    service.refresh_interval = 0
    ix = index.open_dir(str(store.current(service.index_dir)))
    with ix.writer() as w:
        w.add_document(**to_document(page("02.news/b/item.ru.md", "ru", "Вакцинацию провели в школе.")))
    assert service.search(SearchRequest(q="вакцинация")).total == 2


def test_no_cache_when_its_size_is_zero(tiny_index, monkeypatch):
    service = tiny_index([("02.news/a/item.ru.md", "ru", "вакцинация " + FILLER)])
    service.cache.size = 0
    runs = []
    original = service._search
    monkeypatch.setattr(service, "_search", lambda *a: runs.append(a) or original(*a))
    service.search(SearchRequest(q="вакцинация"))
    service.search(SearchRequest(q="вакцинация"))
    assert len(runs) == 2


@pytest.mark.parametrize(
    "typed, indexed", [("Караганды", "Қарағанды"), ("Талдыкорган", "Талдықорған"), ("Оскемен", "Өскемен")]
)
def test_kazakh_words_typed_with_russian_letters_find_their_kazakh_spelling(tiny_index, typed, indexed):
    service = tiny_index([("02.news/a/item.kk.md", "kk", f"{indexed} қаласында жаңа орталық ашылды.")])
    page = service.search(SearchRequest(q=typed))
    assert page.total == 1 and "<mark>" in page.results[0].title + page.results[0].snippet


def test_snippet_finds_the_words_deep_in_a_long_body():
    body = FILLER * 150 + "Новый гематологический центр открыт в Астане. " + FILLER * 20
    terms = {"body_ru": {"гематологический"}, "family_ru": {"гематолог"}}
    html = snippet(body, "ru", terms)
    assert "<mark>гематологический</mark>" in html and html.startswith("…") and html.endswith("…")


def test_snippet_prefers_the_passage_holding_more_of_the_query_words():
    body = (
        "Донор пришёл утром. "
        + FILLER * 10
        + "Донор крови и костный мозг: о донорстве рассказали врачи. "
        + FILLER * 10
    )
    terms = {"body_ru": {"донор", "костный", "мозг"}}
    html = snippet(body, "ru", terms)
    assert "<mark>костный</mark> <mark>мозг</mark>" in html


def test_a_thread_never_answers_from_an_older_index_than_another_thread_saw(tiny_index):
    import threading

    from whoosh import index

    from indexer.documents import to_document
    from search import store
    from tests.search.conftest import page

    service = tiny_index([("02.news/a/item.ru.md", "ru", "вакцинация детей " + FILLER)])
    service.refresh_interval = 100  # no thread looks for new commits on its own in this test
    service.cache.size = 0
    assert service.search(SearchRequest(q="прививка")).total == 0  # this thread's searcher predates the commit
    ix = index.open_dir(str(store.current(service.index_dir)))
    with ix.writer() as w:
        w.add_document(**to_document(page("02.news/b/item.ru.md", "ru", "Прививка от гриппа.")))
    # A thread opening its searcher now sees the commit ...
    seen = []
    t = threading.Thread(target=lambda: seen.append(service.search(SearchRequest(q="прививка")).total))
    t.start()
    t.join()
    assert seen == [1]
    # ... and so must every other thread from then on (here, this thread with its older searcher).
    assert service.search(SearchRequest(q="прививка")).total == 1


SWAPPED = [
    ("01.donors/item.ru.md", "ru", "Каждый донор крови спасает жизни"),
    ("02.center/item.ru.md", "ru", "Центр гематологии принимает пациентов"),
]


def test_a_word_with_two_letters_swapped_is_corrected_in_one_segment(tiny_index):
    service = tiny_index(SWAPPED)
    page = service.search(SearchRequest(q="доонр"))  # «донор», its third and fourth letters swapped
    assert page.corrected == "донор"
    assert [h.path for h in page.results] == ["01.donors/item.ru.md"]


def test_a_misspelt_word_is_corrected_alike_over_several_segments(tiny_index):
    index_dir = tiny_index(SWAPPED).index_dir
    writer = store.open_index(index_dir, readonly=False).writer()
    writer.add_document(**to_document(make_page("03.school/item.ru.md", "ru", "Школа пациентов")))
    writer.commit(mergetype=NO_MERGE)
    store.write_manifest(store.current(index_dir))
    service = SearchService(index_dir)
    assert len(service._searcher()[0].reader().leaf_readers()) == 2
    assert service.search(SearchRequest(q="доонр")).corrected == "донор"
    assert service.search(SearchRequest(q="гемaтологии")).corrected is None  # a Latin «a» inside: not a typo
    found = service.search(SearchRequest(q="шклоа"))
    assert found.corrected == "школа" and [h.path for h in found.results] == ["03.school/item.ru.md"]


def _publish(path, docs) -> None:
    """Build a new generation of the index at ``path`` from ``docs`` and serve it (a full rebuild)."""
    gen = store.new_generation(path)
    ix = store.create_index(gen)
    with ix.writer() as w:
        for doc_path, lang, text in docs:
            w.add_document(**to_document(make_page(doc_path, lang, text)))
    store.write_meta(gen, {"timezone": "UTC"})
    store.write_manifest(gen)
    store.publish(path, gen)


def test_a_word_the_index_comes_to_know_is_no_longer_corrected(tiny_index):
    index_dir = tiny_index(SWAPPED).index_dir
    service = SearchService(index_dir, refresh_interval=0)
    assert service.search(SearchRequest(q="доонр")).corrected == "донор"  # not a word of this index
    # A rebuild (its Whoosh generation numbered as the last one's) holds the word: it is searched as typed.
    _publish(index_dir, [*SWAPPED, ("04.odd/item.ru.md", "ru", "Слово доонр встречается")])
    found = service.search(SearchRequest(q="доонр"))
    assert found.corrected is None and [h.path for h in found.results] == ["04.odd/item.ru.md"]
    # So does a commit that adds it.
    _publish(index_dir, SWAPPED)
    assert service.search(SearchRequest(q="доонр")).corrected == "донор"
    writer = store.open_index(index_dir, readonly=False).writer()
    writer.add_document(**to_document(make_page("05.save/item.ru.md", "ru", "Снова доонр")))
    writer.commit(mergetype=NO_MERGE)
    store.write_manifest(store.current(index_dir))
    found = service.search(SearchRequest(q="доонр"))
    assert found.corrected is None and [h.path for h in found.results] == ["05.save/item.ru.md"]
