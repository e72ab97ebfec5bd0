"""Files the indexer cannot use are skipped with a message naming the file and why; the rest is indexed."""

import pytest
from grav_testkit import page_text

import indexer.frontmatter_yaml
import indexer.pages
from indexer.errors import ContentError
from indexer.pages import read_page

GOOD = "02.news/01.good/item.en.md"
BAD = "02.news/02.bad/item.en.md"


def index_with_bad_file(grav, content: bytes | str):
    """Index a site holding one good page and ``content`` at BAD; return (report, docs)."""
    grav.write(GOOD, page_text("title: Good page", "Good text about hemophilia.\n"))
    grav.write("02.news/01.good/item.ru.md", page_text("title: Хорошая", "Хороший текст.\n"))
    grav.write(BAD, content)
    report = grav.reindex()
    return report, grav.documents()


def assert_skipped(report, docs, *reason_words):
    assert BAD not in docs
    assert GOOD in docs and "02.news/01.good/item.ru.md" in docs
    assert report.indexed == 2
    assert len(report.errors) == 1, report.errors
    message = report.errors[0]
    assert BAD in message
    for word in reason_words:
        assert word.lower() in message.lower(), message


def test_bad_yaml(grav):
    report, docs = index_with_bad_file(grav, "---\ntitle: 'unclosed\ndate: [1, 2\n---\nBody.\n")
    assert_skipped(report, docs, "yaml")


def test_header_not_closed(grav):
    report, docs = index_with_bad_file(grav, "---\ntitle: Open\n\nBody without the closing line.\n")
    assert_skipped(report, docs, "not closed")


def test_python_tag_is_refused_and_nothing_runs(grav, tmp_path):
    target = tmp_path / "hacked"
    header = f'title: Evil\nrun: !!python/object/apply:os.system ["echo hacked > {target}"]'
    report, docs = index_with_bad_file(grav, page_text(header, "Body.\n"))
    assert not target.exists()
    assert_skipped(report, docs, "yaml")


def test_yaml_alias_bomb_is_refused(grav):
    header = (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "title: *h\n"
    )
    report, docs = index_with_bad_file(grav, page_text(header, "Body.\n"))
    assert_skipped(report, docs, "alias")


def test_latin1_bytes(grav):
    report, docs = index_with_bad_file(grav, page_text("title: Caf\u00e9", "Caf\u00e9 cr\u00e8me.\n").encode("latin-1"))
    assert_skipped(report, docs, "utf-8")


def test_utf16_file(grav):
    report, docs = index_with_bad_file(grav, page_text("title: Wide", "Wide text.\n").encode("utf-16"))
    assert_skipped(report, docs, "utf-16")


def test_nul_bytes(grav):
    report, docs = index_with_bad_file(grav, b"---\ntitle: Binary\n---\nText\x00\x00more text.\n")
    assert_skipped(report, docs, "nul")


def test_header_that_is_a_list(grav):
    report, docs = index_with_bad_file(grav, "---\n- title\n- Post\n---\nBody.\n")
    assert_skipped(report, docs, "mapping")


def test_file_larger_than_the_cap(grav, monkeypatch):
    monkeypatch.setattr(indexer.pages, "MAX_FILE_BYTES", 2048)
    report, docs = index_with_bad_file(grav, page_text("title: Huge", "word " * 1000))
    assert_skipped(report, docs, "larger than")


def test_header_larger_than_the_cap(grav, monkeypatch):
    monkeypatch.setattr(indexer.frontmatter_yaml, "MAX_HEADER_BYTES", 1024)
    header = "title: Big header\n" + "".join(f"key{i}: value number {i}\n" for i in range(100))
    report, docs = index_with_bad_file(grav, page_text(header, "Body.\n"))
    assert_skipped(report, docs, "header is larger")


def test_read_page_raises_content_error_naming_the_file(grav):
    grav.write(BAD, "---\ntitle: [unclosed\n---\nBody.\n")
    site = grav.site()
    with pytest.raises(ContentError, match=r"02\.news/02\.bad/item\.en\.md"):
        read_page(site, site.pages_dir / BAD)


def test_bom_before_the_header_is_read_as_a_header(grav):
    raw = "\ufeff---\ntitle: Hidden draft\npublished: false\n---\nDraft body text.\n".encode("utf-8")
    grav.write(BAD, raw)
    site = grav.site()
    page = read_page(site, site.pages_dir / BAD)
    assert page.published is False
    assert page.title == "Hidden draft"
    assert page.body == "Draft body text."
    assert page.summary == "Draft body text."

    report, docs = index_with_bad_file(grav, raw)
    assert report.errors == []
    doc = docs[BAD]
    assert doc["published"] is False
    for field in ("body", "summary", "title"):
        assert "published" not in doc[field] and "---" not in doc[field]


def test_file_without_header_is_all_body(grav):
    report, docs = index_with_bad_file(grav, "Just text, no header at all.\n")
    assert report.errors == []
    assert docs[BAD]["body"] == "Just text, no header at all."
    assert docs[BAD]["published"] is True
    assert docs[BAD]["title"] == "Bad"  # from the folder name, without its order prefix


def test_html_comments_twig_and_shortcodes_stay_out_of_the_text(grav):
    body = (
        "<!-- editor note: do not publish the phone -->\n"
        "Visible <!-- inline secret --> words. {{ page.header.secret }} {% set x = 'twig' %}\n\n"
        '[safe-email autolink="true"]office@example.org[/safe-email]\n\n'
        "[plugin:page-inject](/home/_reminders)\n\n"
        '<div class="box"><b>Boxed</b> text</div>\n\n'
        "<script>var leaked = 1;</script>\n"
    )
    report, docs = index_with_bad_file(grav, page_text("title: Markup", body))
    assert report.errors == []
    text = docs[BAD]["body"]
    assert "Visible words." in text
    assert "office@example.org" in text
    assert "Boxed text" in text
    for leak in (
        "editor note",
        "inline secret",
        "secret",
        "twig",
        "{{",
        "{%",
        "safe-email",
        "page-inject",
        "<",
        "leaked",
    ):
        assert leak not in text, leak


def test_html_block_with_blank_line_and_indented_cells(grav):
    """Raw HTML laid out with indentation and a blank line inside (as on the archive's home page)."""
    body = (
        "Intro.\n\n"
        "<table>\n"
        "    <tr>\n"
        '        <td width="50%">First cell</td>\n'
        "        \n"
        '        <td width="50%">Second cell</td>\n'
        "    </tr>\n"
        "</table>\n"
    )
    _report, docs = index_with_bad_file(grav, page_text("title: Table", body))
    text = docs[BAD]["body"]
    assert "First cell" in text and "Second cell" in text
    assert "<td" not in text and "width=" not in text and "</tr>" not in text


def test_markup_never_reaches_a_title(grav):
    """HTML, comments, Twig and shortcodes in a title leave only their text; entities become characters."""
    from indexer.text import plain_title

    assert plain_title('<img src=x onerror="alert(1)">Report') == "Report"
    assert plain_title("{{ page.title }} News <!-- internal -->") == "News"
    assert plain_title("[center]Heading[/center]") == "Heading"
    assert plain_title("Q&amp;A &lt;b&gt;") == "Q&A <b>"
    assert plain_title("A < B and C > D") == "A < B and C > D"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        "".join("  " * i + "- x\n" for i in range(2000)),
        ">" * 50_000,
        "<div>\n" * 20_000,
        "*a" * 50_000,
        "`" * 50_000,
    ],
    ids=["brackets", "nested-list", "quotes", "unclosed-divs", "emphasis", "backticks"],
)
def test_pathological_markdown_is_read_within_budget(grav, body):
    import time

    from indexer.text import body_and_summary

    started = time.monotonic()
    body_and_summary(body)
    assert time.monotonic() - started < 2.0


def test_many_stray_brackets_leave_the_text_and_its_links_as_written(grav):
    from indexer.text import body_and_summary

    stray = "[" * 500
    body, _ = body_and_summary(
        f"See [the report](/report) and ![chart](/c.png) {stray} [open\n\nnext [end](/e) [a [b](/b)"
    )
    assert body == f"See the report and chart {stray} [open\nnext end [a b"
