"""Drafts, scheduled and expired posts of content/ stay hidden, decided at query time against the clock."""

import pytest

from tests.conftest import at
from web import create_app

DRAFT = "02.news/45.2025-06-02-hyperbaric-chamber-plan/"
SCHEDULED = "02.news/46.2031-03-15-proton-therapy-centre-opening/"
EXPIRED = "02.news/17.2020-06-08-summer-nurse-vacancy/"


@pytest.fixture
def api(content_index, clock):
    client = create_app({"INDEX": str(content_index), "CLOCK": clock, "TESTING": True}).test_client()

    def search(**params):
        r = client.get("/api/search", query_string={"per_page": 100, **params})
        assert r.status_code == 200
        return r.get_json()

    search.client = client
    return search


def paths(data):
    return {h["path"] for h in data["results"]}


@pytest.mark.parametrize("q", ["барокамера", "барокамерада", "hyperbaric", "гипербарической"])
def test_draft_is_never_found(api, q):
    data = api(q=q)
    assert data["total"] == 0 and data["results"] == []
    assert set(data["facets"]) >= {"year", "month", "lang", "category", "tag"}
    assert all(values == [] for values in data["facets"].values())  # a draft's values counted nowhere


def with_every_word(data):
    """Return the paths of the hits holding every word (pages lacking some follow, marked ``missing``)."""
    return {h["path"] for h in data["results"] if not h["missing"]}


def not_shown(data, prefix):
    return not with_every_word(data) and not any(p.startswith(prefix) for p in paths(data))


@pytest.mark.parametrize("q", ["протонная терапия", "протондық", "proton therapy"])
def test_scheduled_post_is_hidden_until_its_time(api, clock, q):
    assert not_shown(api(q=q), SCHEDULED)
    clock.now = at(2031, 3, 15, 9, 59)
    assert not_shown(api(q=q), SCHEDULED)
    clock.now = at(2031, 3, 15, 10, 0, 1)  # no reindex, no file change
    data = api(q=q)
    assert with_every_word(data) and all(p.startswith(SCHEDULED) for p in with_every_word(data))
    assert data["results"][0]["path"].startswith(SCHEDULED)
    assert "2031" in {f["value"] for f in data["facets"]["year"]}


@pytest.mark.parametrize("q", ["вакансия", "vacancy", "бос орын"])
def test_expired_post_disappears_when_its_time_passes(api, clock, q):
    assert not_shown(api(q=q), EXPIRED)
    clock.now = at(2020, 12, 31, 23, 0)
    data = api(q=q)
    assert with_every_word(data) and all(p.startswith(EXPIRED) for p in with_every_word(data))
    clock.now = at(2021, 1, 1, 0, 0, 1)
    assert not_shown(api(q=q), EXPIRED)


def test_hidden_posts_are_not_in_totals_or_facets(api):
    everything = api(q="")  # an empty query lists every visible page
    hidden = [p for p in paths(api(q="", per_page=100, page=1)) if p.startswith((DRAFT, SCHEDULED, EXPIRED))]
    assert hidden == []
    years = {f["value"]: f["count"] for f in everything["facets"]["year"]}
    assert "2031" not in years
    assert sum(years.values()) == everything["total"]
    news = api(q="", per_page=100, lang="en")
    news_posts = {p for p in paths(news) if p.startswith("02.news/") and "/item." in p}
    assert len(news_posts) == 43


def test_routable_false_page_is_not_found(api):
    assert api(q="Poisk")["total"] == 0


def test_hidden_words_not_in_snippets_of_other_pages(api):
    for q in ("центр", "clinic", "орталығы"):
        data = api(q=q)
        for hit in data["results"]:
            assert not hit["path"].startswith((DRAFT, SCHEDULED, EXPIRED))


def test_search_page_hides_the_draft_too(api):
    html = api.client.get("/search?q=барокамера&lang=ru").get_data(as_text=True)
    assert "ничего не найдено" in html
    assert '<li class="hit"' not in html and "гипербарическ" not in html


def test_custom_slug_gives_the_url(api):
    data = api(q="денситометрия", lang="ru")
    assert [h["url"] for h in data["results"]] == ["/ru/news/free-screening-for-women"]
