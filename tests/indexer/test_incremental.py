"""Incremental reindexing on a small site: changes, deletions, additions, broken files, new settings."""

import copy
import shutil

import pytest
from grav_testkit import DEFAULT_SYSTEM, page_text

from search.doctable import COLUMN_FIELDS, page_fields
from search.store import open_index

POST = "02.news/01.first-post/item.en.md"


@pytest.fixture
def site(grav):
    """A three-page site, indexed once."""
    grav.write(POST, page_text("title: First post\ndate: '01-02-2024 10:00'", "Original text about platelets.\n"))
    grav.write("02.news/01.first-post/item.ru.md", page_text("title: Первый", "Текст о тромбоцитах.\n"))
    grav.write("02.news/02.second-post/item.en.md", page_text("title: Second", "Second text about anemia.\n"))
    report = grav.reindex()
    assert (report.rebuilt, report.indexed, report.errors) == (True, 3, [])
    return grav


def counts(report):
    return report.indexed, report.unchanged, report.removed


def test_nothing_changed(site):
    report = site.reindex()
    assert report.rebuilt is False
    assert counts(report) == (0, 3, 0)


def test_changed_body_is_reindexed(site):
    site.write(POST, page_text("title: First post\ndate: '01-02-2024 10:00'", "Corrected text about leukemia.\n"))
    report = site.reindex()
    assert report.rebuilt is False and report.errors == []
    assert counts(report) == (1, 2, 0)
    docs = site.documents()
    assert len(docs) == 3
    assert docs[POST]["body"] == "Corrected text about leukemia."
    assert "platelets" not in docs[POST]["body"]


def test_same_size_change_is_noticed(site):
    old = site.path(POST).read_text(encoding="utf-8")
    new = old.replace("platelets", "plateletz")
    assert len(new) == len(old)
    site.write(POST, new)
    report = site.reindex()
    assert counts(report) == (1, 2, 0)
    assert "plateletz" in site.documents()[POST]["body"]


def test_touched_but_identical_file_counts_as_unchanged(site):
    site.write(POST, site.path(POST).read_bytes())  # new mtime, same bytes
    report = site.reindex()
    assert counts(report) == (0, 3, 0)


def test_deleted_file_leaves_the_index(site):
    site.path("02.news/02.second-post/item.en.md").unlink()
    report = site.reindex()
    assert counts(report) == (0, 2, 1)
    assert "02.news/02.second-post/item.en.md" not in site.documents()


def test_renamed_folder_moves_the_page(site):
    shutil.move(site.path("02.news/02.second-post"), site.path("02.news/03.second-post-renamed"))
    report = site.reindex()
    assert counts(report) == (1, 2, 1)
    docs = site.documents()
    assert "02.news/02.second-post/item.en.md" not in docs
    assert docs["02.news/03.second-post-renamed/item.en.md"]["url"] == "/en/news/second-post-renamed"
    assert all(d["url"] != "/en/news/second-post" for d in docs.values())


def test_added_file_is_indexed(site):
    site.write("02.news/03.third/item.kk.md", page_text("title: Үшінші", "Жаңа мәтін.\n"))
    report = site.reindex()
    assert counts(report) == (1, 3, 0)
    doc = site.documents()["02.news/03.third/item.kk.md"]
    assert (doc["lang"], doc["url"], doc["body"]) == ("kk", "/kk/news/third", "Жаңа мәтін.")


def test_file_that_becomes_unreadable_leaves_the_index(site):
    site.write(POST, "---\ntitle: [broken\n---\nCorrected text.\n")
    report = site.reindex()
    assert report.removed == 1 and report.indexed == 0
    assert len(report.errors) == 1 and POST in report.errors[0]
    docs = site.documents()
    assert POST not in docs
    assert len(docs) == 2
    # fixed again: back in the index
    site.write(POST, page_text("title: First post", "Fixed text.\n"))
    report = site.reindex()
    assert report.errors == [] and report.indexed == 1
    assert site.documents()[POST]["body"] == "Fixed text."


def test_page_that_becomes_unpublished_is_updated(site):
    site.write(POST, page_text("title: First post\npublished: false", "Original text about platelets.\n"))
    report = site.reindex()
    assert counts(report) == (1, 2, 0)
    assert site.documents()[POST]["published"] is False


def test_changed_site_settings_rebuild_everything(site):
    config = copy.deepcopy(DEFAULT_SYSTEM)
    config["languages"]["include_default_lang"] = False
    site.write("02.news/02.second-post/item.kk.md", page_text("title: Екінші", "Екінші мәтін.\n"))
    assert site.reindex().indexed == 1
    site.write_system(config)
    report = site.reindex()
    assert report.rebuilt is True
    assert counts(report) == (4, 0, 0)
    docs = site.documents()
    assert docs["02.news/02.second-post/item.kk.md"]["url"] == "/news/second-post"
    assert docs[POST]["url"] == "/en/news/first-post"


def test_changed_timezone_rebuilds_dates(site):
    before = site.documents()[POST]["date"]
    config = copy.deepcopy(DEFAULT_SYSTEM)
    config["timezone"] = "UTC"
    site.write_system(config)
    report = site.reindex()
    assert report.rebuilt is True and report.indexed == 3
    doc = site.documents()[POST]
    assert doc["date_iso"] == "2024-02-01T10:00:00+00:00"
    assert doc["date"] - before == 6 * 3600  # 10:00 in Almaty (UTC+6 then) is six hours before 10:00 UTC


def test_rebuild_flag_forces_a_full_build(site):
    report = site.reindex(rebuild=True)
    assert report.rebuilt is True and counts(report) == (3, 0, 0)
    assert len(site.documents()) == 3


def test_changed_parent_slug_moves_the_children(site):
    site.write("02.news/blog.en.md", page_text("title: News", "All news.\n"))
    assert site.reindex().indexed == 3  # the section page, and its two posts (now of the section "News")
    assert site.documents()[POST]["url"] == "/en/news/first-post"
    site.write("02.news/blog.en.md", page_text("title: News\nslug: articles", "All news.\n"))
    report = site.reindex()
    assert report.errors == []
    docs = site.documents()
    assert docs["02.news/blog.en.md"]["url"] == "/en/articles"
    assert docs[POST]["url"] == "/en/articles/first-post"
    assert docs["02.news/02.second-post/item.en.md"]["url"] == "/en/articles/second-post"


def test_values_kept_as_columns_are_stored_once(site):
    """A page's stored document leaves out what its columns hold (path, URL, title, dates, …) and its
    folder (read from its path), after a full build and after an edit alike; the page's fields read
    back whole."""
    site.write(POST, page_text("title: First post, edited\ndate: '03-04-2024 10:00'", "Text about platelets.\n"))
    assert counts(site.reindex()) == (1, 2, 0)
    ix = open_index(site.index_dir)
    try:
        with ix.reader() as reader:
            live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
            assert len(live) == 3 and len(reader.leaf_readers()) > 1  # the edit is in a segment of its own
            for d in live:
                assert not set(reader.stored_fields(d)) & {*COLUMN_FIELDS, "folder"}
            edited = next(page_fields(reader, d) for d in live if page_fields(reader, d)["path"] == POST)
    finally:
        ix.close()
    assert edited["title"] == "First post, edited" and edited["url"] == "/en/news/first-post"
    assert edited["folder"] == "02.news/01.first-post"  # read from the path: translations share it
    assert (edited["year"], edited["month"], edited["lang"]) == ("2024", "2024-04", "en")
    assert edited["date"] > 0 and edited["visible_from"] == 0 and edited["body"] == "Text about platelets."
    assert site.documents()[POST]["title"] == "First post, edited"
