"""Publish state, publish/unpublish dates and summaries as read from a page's header and body."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from grav_testkit import page_text

from indexer.documents import to_document
from indexer.pages import read_page
from search.schema import FOREVER

ALMATY = ZoneInfo("Asia/Almaty")


def read(grav, header: str, body: str = "Body text.\n", rel: str = "02.news/01.post/item.en.md"):
    grav.write(rel, page_text(header, body))
    site = grav.site()
    return read_page(site, site.pages_dir / rel)


# --- published ------------------------------------------------------------------------------------


def test_published_by_default(grav):
    page = read(grav, "title: Post")
    assert page.published is True and page.warnings == []


def test_published_false(grav):
    assert read(grav, "title: Post\npublished: false").published is False


@pytest.mark.parametrize(
    "value",
    ["'false'", "'False'", "'no'", "no", "'0'", "0", "'off'", "null", "~", "''", "[]", "{}", "'nope'"],
)
def test_values_that_do_not_publish(grav, value):
    page = read(grav, f"title: Post\npublished: {value}")
    assert page.published is False


@pytest.mark.parametrize("value", ["true", "'true'", "'True'", "yes", "'yes'", "'1'", "1", "on"])
def test_values_that_publish(grav, value):
    assert read(grav, f"title: Post\npublished: {value}").published is True


def test_odd_published_value_is_reported(grav):
    page = read(grav, "title: Post\npublished: [yes]")
    assert page.published is False
    assert any("02.news/01.post/item.en.md" in w and "published" in w for w in page.warnings)


@pytest.mark.parametrize(
    "key, first, second",
    [
        ("published", "false", "true"),
        ("published", "true", "true"),
        ("routable", "false", "true"),
        ("publish_date", "'01-01-2030 10:00'", "'01-01-2020 10:00'"),
        ("unpublish_date", "'01-01-2020'", "'01-01-2040'"),
    ],
)
def test_a_visibility_key_given_twice_hides_the_page_and_names_file_and_key(grav, key, first, second):
    # An editor adds `published: false` at the top and leaves the old `published: true` below:
    # YAML keeps the last; which one was meant is not clear, so the page is hidden.
    page = read(grav, f"{key}: {first}\ntitle: Post\n{key}: {second}")
    assert page.published is False
    assert any(
        "02.news/01.post/item.en.md" in w and f"{key} is given twice (lines 2 and 4)" in w and "hidden" in w
        for w in page.warnings
    ), page.warnings


def test_other_keys_given_twice_are_warned_about(grav):
    page = read(grav, "title: One\ntaxonomy:\n  tag: [a]\n  tag: [b]\ntitle: Two")
    assert page.published is True and page.title == "Two"
    assert any("title is given twice" in w for w in page.warnings)
    assert any("taxonomy.tag is given twice (lines 4 and 5)" in w for w in page.warnings)


@pytest.mark.parametrize("value, expected", [("false", False), ("'false'", False), ("true", True)])
def test_routable_flag(grav, value, expected):
    assert read(grav, f"title: Post\nroutable: {value}").routable is expected


def test_unpublished_page_is_indexed_as_unpublished(grav):
    grav.write("01.draft/item.en.md", page_text("title: Draft\npublished: 'no'", "Secret draft.\n"))
    grav.write("02.live/item.en.md", page_text("title: Live", "Live text.\n"))
    assert grav.reindex().errors == []
    docs = grav.documents()
    assert docs["01.draft/item.en.md"]["published"] is False
    assert docs["02.live/item.en.md"]["published"] is True


# --- publish and unpublish dates -----------------------------------------------------------------


def test_future_publish_date_and_past_unpublish_date_are_kept_as_dates(grav):
    page = read(
        grav,
        "title: Post\ndate: '01-01-2020 09:00'\npublish_date: '01-01-2099 10:00'\nunpublish_date: '31-12-2020 18:30'",
    )
    assert page.published is True  # the clock decides at query time, not the indexer
    assert page.publish_date == datetime(2099, 1, 1, 10, 0, tzinfo=ALMATY)
    assert page.unpublish_date == datetime(2020, 12, 31, 18, 30, tzinfo=ALMATY)
    assert page.date == datetime(2020, 1, 1, 9, 0, tzinfo=ALMATY)
    doc = to_document(page)
    assert doc["visible_from"] == int(datetime(2099, 1, 1, 10, 0, tzinfo=ALMATY).timestamp())
    assert doc["visible_until"] == int(datetime(2020, 12, 31, 18, 30, tzinfo=ALMATY).timestamp())
    assert doc["published"] is True


def test_without_publish_dates_the_page_is_always_visible(grav):
    doc = to_document(read(grav, "title: Post\ndate: '01-01-2020 09:00'"))
    assert doc["visible_from"] == 0
    assert doc["visible_until"] == FOREVER


def test_unquoted_yaml_dates_in_the_header(grav):
    page = read(grav, "title: Post\ndate: 2022-01-06\npublish_date: 2022-01-07 08:00:00")
    assert page.date == datetime(2022, 1, 6, tzinfo=ALMATY)
    assert page.publish_date == datetime(2022, 1, 7, 8, 0, tzinfo=ALMATY)


def test_publish_dates_off_in_the_site_ignores_them(make_grav):
    grav = make_grav(
        {"timezone": "UTC", "languages": {"supported": ["en"], "default_lang": "en"}, "pages": {"publish_dates": False}}
    )
    page = read(grav, "title: Post\npublish_date: '01-01-2099 10:00'\nunpublish_date: '01-01-2000 10:00'")
    assert page.publish_date is None and page.unpublish_date is None
    doc = to_document(page)
    assert (doc["visible_from"], doc["visible_until"]) == (0, FOREVER)


@pytest.mark.parametrize("key", ["publish_date", "unpublish_date", "date"])
def test_unparseable_date_keeps_the_page_unpublished_with_a_warning(grav, caplog, key):
    with caplog.at_level(logging.WARNING, logger="indexer"):
        page = read(grav, f"title: Post\n{key}: 'next tuesday'")
    assert page.published is False
    assert any("02.news/01.post/item.en.md" in w and key in w for w in page.warnings)
    assert any(
        "02.news/01.post/item.en.md" in r.getMessage() and "next tuesday" in r.getMessage() for r in caplog.records
    )


def test_unparseable_publish_date_is_indexed_unpublished(grav):
    grav.write("01.post/item.en.md", page_text("title: Post\npublish_date: '2020-99-99'", "Text.\n"))
    report = grav.reindex()
    assert report.errors == []
    assert grav.documents()["01.post/item.en.md"]["published"] is False


# --- summary ---------------------------------------------------------------------------------------


def test_summary_is_the_text_before_the_delimiter(grav):
    body = "First paragraph of the news.\n\nSecond *intro* paragraph.\n\n===\n\nThe rest of the story.\n"
    page = read(grav, "title: Post", body)
    assert page.summary == "First paragraph of the news. Second intro paragraph."
    assert page.body == "First paragraph of the news.\nSecond intro paragraph.\nThe rest of the story."
    assert "===" not in page.body


def test_summary_without_delimiter_is_the_first_paragraph(grav):
    body = "Opening **paragraph**\nover two lines.\n\nSecond paragraph.\n"
    page = read(grav, "title: Post", body)
    assert page.summary == "Opening paragraph over two lines."
    assert page.body == "Opening paragraph over two lines.\nSecond paragraph."


def test_site_summary_delimiter_is_used(grav):
    (grav.root / "user" / "config" / "site.yaml").write_text("summary:\n  delimiter: '<!-- more -->'\n")
    page = read(grav, "title: Post", "Teaser text.\n\nMore teaser.\n\n<!-- more -->\n\nFull story.\n")
    assert page.summary == "Teaser text. More teaser."
    assert "more" not in page.body.replace("More teaser", "")


def test_summary_delimiter_in_a_file_with_windows_line_endings(grav):
    text = "---\r\ntitle: Post\r\n---\r\nIntro one.\r\n\r\nIntro two.\r\n\r\n===\r\n\r\nThe rest.\r\n"
    grav.write("01.post/item.en.md", text)
    site = grav.site()
    page = read_page(site, site.pages_dir / "01.post/item.en.md")
    assert page.title == "Post"
    assert page.summary == "Intro one. Intro two."
    assert "===" not in page.body
