"""The language of a page: the file name's suffix first, then the site default, detection last."""

import pytest
from grav_testkit import page_text, read_documents

from indexer.pages import read_page
from indexer.site import Site
from indexer.sync import reindex

KAZAKH = (
    "Гематология орталығы Қазақстан Республикасында қан аурулары бар науқастарға "
    "медициналық көмек көрсететін алғашқы жекеменшік клиника болып табылады."
)
RUSSIAN = (
    "Центр гематологии является первой в Республике Казахстан негосударственной "
    "гематологической клиникой, предоставляющей медицинские услуги пациентам с заболеваниями крови."
)
ENGLISH = (
    "The Hematology Center is the first private hematology clinic in the Republic of Kazakhstan "
    "providing medical services to patients with blood disorders."
)


def langs(site: Site, index_dir) -> dict[str, tuple[str, str]]:
    report = reindex(site, index_dir)
    assert report.errors == []
    return {path: (doc["lang"], doc["url"]) for path, doc in read_documents(index_dir).items()}


def test_suffix_wins_over_default_and_content(grav):
    grav.write("02.news/01.post/item.ru.md", page_text("title: T", ENGLISH))  # English words, ru file
    grav.write("02.news/01.post/item.en.md", page_text("title: T", KAZAKH))  # Kazakh words, en file
    got = langs(grav.site(), grav.index_dir)
    assert got["02.news/01.post/item.ru.md"] == ("ru", "/ru/news/post")
    assert got["02.news/01.post/item.en.md"] == ("en", "/en/news/post")


def test_no_suffix_takes_the_site_default(make_grav):
    grav = make_grav({"languages": {"supported": ["ru", "kk", "en"], "default_lang": "ru"}})
    grav.write("footer/default.md", page_text("title: Footer", ENGLISH))
    grav.write("about/page.md", page_text("title: About", KAZAKH))
    got = langs(grav.site(), grav.index_dir)
    assert got == {"footer/default.md": ("ru", "/ru/footer"), "about/page.md": ("ru", "/ru/about")}


def test_default_is_the_first_supported_language_when_not_named(make_grav):
    grav = make_grav({"languages": {"supported": ["en", "kk", "ru"]}})
    grav.write("footer/default.md", page_text("title: Footer", KAZAKH))
    assert langs(grav.site(), grav.index_dir) == {"footer/default.md": ("en", "/en/footer")}


def test_suffix_outside_the_site_languages_is_reported(grav):
    grav.write("01.post/item.en.md", page_text("title: T", ENGLISH))
    grav.write("01.post/item.de.md", page_text("title: T", "Ein deutscher Text über Blutkrankheiten."))
    report = grav.reindex()
    assert list(grav.documents()) == ["01.post/item.en.md"]
    assert len(report.errors) == 1 and "01.post/item.de.md" in report.errors[0] and "'de'" in report.errors[0]


@pytest.fixture
def bare_pages(tmp_path):
    """A pages folder alone: no user/config, so no site default language."""
    pages = tmp_path / "pages"
    for rel, text in {
        "01.kk-news/default.md": KAZAKH,
        "02.ru-news/default.md": RUSSIAN,
        "03.en-news/default.md": ENGLISH,
        "04.tagged/item.ru.md": ENGLISH,
    }.items():
        path = pages / rel
        path.parent.mkdir(parents=True)
        path.write_text(page_text("title: T", text + "\n"), encoding="utf-8")
    return pages


def test_pages_folder_alone_has_no_default(bare_pages):
    site = Site.load(bare_pages)
    assert site.pages_dir == bare_pages.resolve()
    assert site.default_lang is None


def test_without_site_config_the_language_is_detected(bare_pages, tmp_path):
    got = langs(Site.load(bare_pages), tmp_path / "index")
    assert got["01.kk-news/default.md"][0] == "kk"
    assert got["02.ru-news/default.md"][0] == "ru"
    assert got["03.en-news/default.md"][0] == "en"
    assert got["04.tagged/item.ru.md"][0] == "ru"  # a suffix still wins
    assert got["02.ru-news/default.md"][1] == "/ru/ru-news"


def test_detection_is_recorded_as_such(bare_pages):
    site = Site.load(bare_pages)
    page = read_page(site, site.pages_dir / "01.kk-news/default.md")
    assert (page.lang, page.lang_source) == ("kk", "detected")
    page = read_page(site, site.pages_dir / "04.tagged/item.ru.md")
    assert (page.lang, page.lang_source) == ("ru", "suffix")
