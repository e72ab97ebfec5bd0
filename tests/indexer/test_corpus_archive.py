"""The real Grav archive (hemcenter-kz): every file indexed, with the URL, language, dates and text a visitor sees."""

import hashlib
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from grav_testkit import read_documents

from indexer.pages import read_page
from indexer.site import Site
from indexer.sync import reindex

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "hemcenter-kz"
PAGES = CORPUS / "user" / "pages"
ALMATY = ZoneInfo("Asia/Almaty")
SILK_ROAD = "02.news/13.2019-07-22-silk-road-central-asia-hematology-forum/item.ru.md"


def corpus_files() -> list[str]:
    return sorted(p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*.md"))


@pytest.fixture(scope="module")
def site() -> Site:
    return Site.load(CORPUS)


@pytest.fixture(scope="module")
def built(site, tmp_path_factory):
    """The archive indexed once: (first report, index folder)."""
    index_dir = tmp_path_factory.mktemp("hemcenter") / "index"
    report = reindex(site, index_dir)
    return report, index_dir


@pytest.fixture(scope="module")
def docs(built) -> dict[str, dict]:
    return read_documents(built[1])


def read(site, rel):
    return read_page(site, site.pages_dir / rel)


# --- the whole archive ---------------------------------------------------------------------------


def test_site_configuration_is_read(site):
    assert site.languages == ("kk", "ru", "en")
    assert site.default_lang == "kk"
    assert site.include_default_lang is True
    assert site.timezone == "Asia/Almaty"
    assert site.summary_delimiter == "==="
    assert dict(site.titles) == {"kk": "Гематология орталығы", "ru": "Центр гематологии", "en": "Hematology Center"}


def test_every_page_file_is_indexed_without_errors(built, docs):
    report, _ = built
    files = corpus_files()
    assert len(files) == 340
    assert report.errors == []
    assert report.rebuilt is True
    assert report.indexed == 340
    assert report.unchanged == 0 and report.removed == 0
    assert sorted(docs) == files


def test_no_markup_leaks_into_any_body(docs):
    """Raw HTML tags, HTML comments, Twig and shortcode closers never reach the text a visitor reads."""
    leaks = []
    for path, doc in docs.items():
        for field in ("body", "summary", "title"):
            text = doc[field]
            for pattern in (r"<[A-Za-z!/]", r"\{\{", r"\{%", r"\[/", r"!\[", r"-->"):
                m = re.search(pattern, text)
                if m:
                    leaks.append((path, field, text[max(0, m.start() - 30) : m.start() + 50]))
    assert leaks == []


# --- one news item in detail ---------------------------------------------------------------------


def test_news_item_url_language_title(site, docs):
    page = read(site, SILK_ROAD)
    assert page.url == "/ru/news/2019-07-22-silk-road-central-asia-hematology-forum"
    assert page.lang == "ru" and page.lang_source == "suffix"
    assert page.title == "2019 Silk Road Central Asia Hematology Forum"
    assert page.published is True
    assert page.routable is True
    doc = docs[SILK_ROAD]
    assert doc["url"] == page.url
    assert doc["lang"] == "ru"
    assert doc["title"] == page.title


def test_news_item_date_is_in_almaty_time(site, docs):
    page = read(site, SILK_ROAD)
    expected = datetime(2019, 7, 22, 10, 0, tzinfo=ALMATY)
    assert page.date == expected
    assert page.date.utcoffset() == expected.utcoffset()
    assert page.publish_date == expected
    assert page.unpublish_date is None
    doc = docs[SILK_ROAD]
    assert doc["date"] == int(expected.timestamp())
    assert doc["date_iso"] == expected.isoformat(timespec="seconds")
    assert (doc["year"], doc["month"]) == ("2019", "2019-07")
    assert doc["visible_from"] == int(expected.timestamp())


def test_news_item_summary_is_the_text_before_the_delimiter(site):
    page = read(site, SILK_ROAD)
    assert page.summary.startswith("20-21 июля Председатель Правления Пивоварова И. А.")
    assert page.summary.endswith("Синьцзян-Уйгурского автономного района.")
    assert "Развитие гематологической помощи" not in page.summary
    assert "===" not in page.summary and "===" not in page.body


def test_news_item_body_drops_carousel_and_image_syntax_but_keeps_alt_text(site):
    page = read(site, SILK_ROAD)
    body = page.body
    assert "[owl-carousel" not in body and "[/owl-carousel]" not in body
    assert "gallery-owl" not in body and "autoplay" not in body
    assert "![" not in body and ".jpg" not in body
    assert "Silk Road Central Asia Hematology Forum" in body.split("\n", 1)[1]  # the alt text, after the summary
    assert body.startswith(page.summary)
    assert "Развитие гематологической помощи" in body
    assert "профессор Kaiyan Liu, профессор He Huang" in body


# --- languages and URLs --------------------------------------------------------------------------


def test_default_language_pages_have_the_kk_prefix(docs):
    kk = [d for d in docs.values() if d["lang"] == "kk"]
    assert len(kk) > 100
    assert all(d["url"] == "/kk" or d["url"].startswith("/kk/") for d in kk), [
        d["url"] for d in kk if not d["url"].startswith("/kk")
    ]
    for lang in ("ru", "en"):
        assert all(
            d["url"] == f"/{lang}" or d["url"].startswith(f"/{lang}/") for d in docs.values() if d["lang"] == lang
        )


def test_home_page_is_the_language_root(site, docs):
    assert read(site, "01.home/default.ru.md").url == "/ru"
    assert docs["01.home/default.kk.md"]["url"] == "/kk"
    assert docs["01.home/default.en.md"]["url"] == "/en"
    assert docs["01.home/default.ru.md"]["title"] == "Центр гематологии"
    # a folder whose name merely contains "home" is not the home page
    assert docs["lms-home/page.md"]["url"] == "/kk/lms-home"


@pytest.mark.parametrize(
    "rel", ["footer/default.md", "lms-home/page.md", "sidebar/default.md", "headerimage/default.md"]
)
def test_files_without_language_suffix_take_the_site_default(site, docs, rel):
    page = read(site, rel)
    assert page.lang == "kk"
    assert page.lang_source == "default"
    assert docs[rel]["lang"] == "kk"


@pytest.mark.parametrize("rel", ["footer/default.md", "sidebar/default.md", "headerimage/default.md"])
def test_non_routable_pages_are_marked(site, docs, rel):
    assert read(site, rel).routable is False
    assert docs[rel]["routable"] is False


def test_routable_pages_are_marked(docs):
    assert docs["lms-home/page.md"]["routable"] is True
    assert docs[SILK_ROAD]["routable"] is True


def test_folder_mixing_page_types_indexes_both(docs):
    folders = defaultdict(set)
    for rel in corpus_files():
        folder, name = rel.rsplit("/", 1)
        folders[folder].add(name)
    mixed = [f for f, names in folders.items() if "item.ru.md" in names and "default.en.md" in names]
    assert mixed == ["02.news/2023-11-23-o-provedenii-programmy"]
    folder = mixed[0]
    ru, en = docs[f"{folder}/item.ru.md"], docs[f"{folder}/default.en.md"]
    assert ru["lang"] == "ru" and en["lang"] == "en"
    assert ru["url"] == "/ru/news/2023-11-23-o-provedenii-programmy"
    assert en["url"] == "/en/news/2023-11-23-o-provedenii-programmy"
    assert "Караганда" in ru["body"] and "Karaganda" in en["body"]
    assert ru["folder"] == en["folder"] == folder


# --- text that must survive ----------------------------------------------------------------------


def test_emoji_survive(docs):
    body = docs["02.news/51.minister-of-health-visited-hematology-senter-in-astana/item.ru.md"]["body"]
    assert "📊" in body and "✅" in body
    assert "📞" in docs["06.branches/contacts-astana/default.en.md"]["body"]


def test_latin_homoglyph_in_kazakh_name_survives(docs):
    # "Есiмбекова" is written with a Latin "i" (U+0069) in the archive: kept as written.
    body = docs["02.news/45.2022-10-18-international-workshop/item.ru.md"]["body"]
    assert "Ес\u0069мбекова" in body  # Latin i, as written
    assert "Ес\u0456мбекова" not in body  # not silently "corrected" to the Cyrillic і


def test_latin_words_in_russian_text_survive(docs):
    body = docs[SILK_ROAD]["body"]
    assert "CAR-T терапия" in body
    assert "Silk Road Central Asia Hematology Forum, организованного" in body


# --- duplicates and incremental runs -------------------------------------------------------------


def test_byte_identical_duplicates_are_both_indexed(docs):
    by_hash = defaultdict(list)
    for rel in corpus_files():
        by_hash[hashlib.sha1((PAGES / rel).read_bytes()).hexdigest()].append(rel)
    groups = [sorted(v) for v in by_hash.values() if len(v) > 1]
    assert sum(len(g) for g in groups) == 108 and all(len(g) == 2 for g in groups)  # 54 pairs
    for a, b in groups:
        assert a in docs and b in docs
        assert docs[a]["sha1"] == docs[b]["sha1"]
        assert docs[a]["url"] == docs[b]["url"]  # numeric prefixes differ, the route does not
        assert docs[a]["folder"] != docs[b]["folder"]
    assert (
        docs[SILK_ROAD]["url"]
        == docs[SILK_ROAD.replace("13.2019", "14.2019")]["url"]
        == "/ru/news/2019-07-22-silk-road-central-asia-hematology-forum"
    )


def test_second_run_changes_nothing(site, built):
    _, index_dir = built
    before = read_documents(index_dir)
    report = reindex(site, index_dir)
    assert report.rebuilt is False
    assert report.errors == []
    assert (report.indexed, report.unchanged, report.removed) == (0, 340, 0)
    assert read_documents(index_dir) == before
