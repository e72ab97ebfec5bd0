"""Explain: a hit's score accounted for part by part, and why a page is not shown."""

import csv

import pytest

from search.explain import as_text, explain
from search.service import SearchRequest, SearchService
from tests.conftest import DRAFT, REPO, content_with_draft
from web import create_app

QUERIES = REPO / "benchmarks/relevance/queries.tsv"


def judged_queries(limit: int = 40) -> list[tuple[str, str]]:
    with open(QUERIES, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["query"], r["lang"]) for r in rows[:limit]]


@pytest.fixture(scope="module")
def archive(corpus_index):
    app = create_app({"INDEX": str(corpus_index), "TESTING": True, "QUERY_CACHE": 0})
    return app.test_client(), SearchService(corpus_index, semantic=False)


def test_the_top_hits_score_is_accounted_for_within_one_percent_on_the_real_archive(archive):
    client, service = archive
    checked = 0
    for q, lang in judged_queries():
        for params in ({"lang": lang}, {"prefer_lang": lang}):
            answer = client.get("/api/search", query_string={"q": q, **params}).get_json()
            if not answer["results"] or answer["results"][0]["score"] is None:
                continue
            req = SearchRequest(q=q, **params)
            top = explain(service, req, top=1)["hits"][0]
            assert top["path"] == answer["results"][0]["path"], q
            reported = answer["results"][0]["score"]
            assert top["explained"] == pytest.approx(reported, rel=0.01, abs=0.002), (q, params, top)
            if top["terms"]:
                assert sum(t["share"] for t in top["terms"]) == pytest.approx(1.0, abs=0.02) or len(top["terms"]) == 12
            checked += 1
    assert checked >= 60


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = content_with_draft(tmp_path_factory.mktemp("explain"))
    return SearchService(root / "index", semantic=False)


def reasons(service, q, page, **req) -> dict:
    return {p["lang"]: p["reason"] for p in explain(service, SearchRequest(q=q, **req), page)["page"]}


def test_a_draft_is_named_as_a_draft(site):
    assert reasons(site, "доноры крови", DRAFT, lang="ru")["ru"] == "not visible: a draft (published: false)"


def test_a_page_in_another_language_is_named_as_filtered_by_language(site):
    why = reasons(site, "доноры крови", "02.news/18.2020-08-14-blood-donation-appeal", lang="ru")
    assert why["kk"] == "filtered by language: the page is in kk, the search in ru"
    assert why["ru"] == "shown at position 1"


def test_a_page_lacking_a_word_is_named_with_the_word(site):
    why = reasons(site, "доноры крови", "03.about", lang="ru")
    assert why["ru"].startswith("missing a word: it lacks 'доноры', 'крови'")


def test_a_page_ranked_below_the_first_page_says_where(site):
    answer = site.search(SearchRequest(q="центр", lang="ru", per_page=100))
    assert answer.total > 12
    twelfth = answer.results[11].path.rsplit("/", 1)[0]
    why = reasons(site, "центр", twelfth, lang="ru")
    assert why["ru"] == "ranked 12th (page 2)"


def test_a_year_filter_is_named(site):
    why = reasons(site, "доноры крови", "02.news/18.2020-08-14-blood-donation-appeal", lang="ru", year=2023)
    assert why["ru"] == "filtered by year: the page is of 2020, the search asks for 2023"


def test_the_text_for_a_terminal_names_words_fields_and_reasons(site):
    text = as_text(explain(site, SearchRequest(q="доноры крови", lang="ru"), "03.about"))
    assert "word 'доноры':" in text and "title_ru: донор" in text
    assert "#1 02.news/18.2020-08-14-blood-donation-appeal/item.ru.md" in text
    assert "page 03.about/default.ru.md [ru]: missing a word" in text
