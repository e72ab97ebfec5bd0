"""Navigational queries: the page whose title is what the visitor typed comes first."""

from search import store
from search.navigation import SiteName, names
from search.service import SearchRequest


def test_a_title_is_named_when_the_query_says_all_of_it_in_any_form():
    assert names("Филиалы", "ru", ["филиалов"], ["филиалов"])
    assert names("Price list", "en", ["price", "lists"], ["price", "lists"])
    assert not names("Филиалы и контакты", "ru", ["филиалы"], ["филиалы"])  # the title says more
    assert not names("Контакты", "ru", ["контакты", "Алматы"], ["контакты", "Алматы"])  # a telling word is not in it


def test_the_site_name_is_known_in_every_language_and_form():
    site = SiteName({"ru": "Центр гематологии", "kk": "Гематология орталығы", "en": "Hematology Center"})
    assert site.holds("центра") and site.holds("гематологии") and site.holds("орталығының") and site.holds("center")
    assert not site.holds("филиалы")
    assert not SiteName(None).holds("центр")


def test_the_section_page_named_by_the_query_outranks_news_that_mention_it(tiny_index):
    news = [
        (
            f"02.news/n{i}/item.ru.md",
            "ru",
            f"Филиалы центра гематологии работают, новость {i}. Филиалы открыты.",
            f"Филиалы центра гематологии: новость {i}",
        )
        for i in range(4)
    ]
    service = tiny_index(news + [("06.branches/default.ru.md", "ru", "Астана, Караганда.", "Филиалы")])
    meta_path = store.current(service.index_dir)
    store.write_meta(meta_path, {"timezone": "UTC", "site_titles": {"ru": "Центр гематологии"}})
    page = service.search(SearchRequest(q="филиалы центра гематологии"))
    assert page.results[0].path == "06.branches/default.ru.md"
    assert " ".join(page.results[0].missing).split() == ["центра", "гематологии"]
    assert all(h.missing is None for h in page.results[1:])
