"""GET /search.atom: a search as an Atom 1.0 feed that readers poll, valid against RFC 4287's schema."""

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from lxml import etree
from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

from tests.conftest import at
from web import create_app
from web.admin import analytics
from web.feeds import plain

SITE = "https://clinic.example"
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
DRAFT = "hyperbaric-chamber-plan"
SCHEDULED = "proton-therapy-centre-opening"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@pytest.fixture
def app(content_index, clock, tmp_path):
    return create_app(
        {
            "INDEX": str(content_index),
            "CLOCK": clock,
            "SITE_URL": SITE,
            "RATE_LIMIT": "",
            "ANALYTICS": str(tmp_path / "analytics.sqlite3"),
            "TESTING": True,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


def feed(client, **params):
    """Return the feed for ``params``, parsed as a reader parses it, after checking it is valid Atom."""
    r = client.get("/search.atom", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert_valid_atom(r.data)
    parsed = feedparser.parse(r.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    parsed.raw = r.data
    return parsed


def assert_valid_atom(data: bytes) -> None:
    """Validate against RFC 4287 Appendix B: its RELAX NG grammar, and its two Schematron rules by XPath."""
    doc = etree.fromstring(data)
    assert SCHEMA.validate(doc), SCHEMA.error_log
    ns = {"atom": ATOM}
    assert doc.xpath("atom:author or not(atom:entry[not(atom:author)])", namespaces=ns)
    for entry in doc.xpath("atom:entry", namespaces=ns):
        assert entry.xpath("atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content", namespaces=ns)
        assert entry.xpath("atom:author or ../atom:author or atom:source/atom:author", namespaces=ns)


def api(client, **params):
    r = client.get("/api/search", query_string={"sort": "date", "per_page": 100, **params})
    assert r.status_code == 200
    return r.get_json()


def updated(entries) -> list[datetime]:
    return [datetime.fromisoformat(e.updated) for e in entries]


# -- the feed --------------------------------------------------------------------------------------


def test_feed_names_itself_the_query_the_site_and_the_search_page(client):
    f = feed(client, q="hematology", lang="en")
    self_link = next(link.href for link in f.feed.links if link.rel == "self")
    alternate = next(link for link in f.feed.links if link.rel == "alternate")
    assert f.feed.id == self_link == "http://localhost/search.atom?q=hematology&lang=en"
    assert alternate.type == "text/html" and alternate.href == "http://localhost/search?q=hematology&lang=en&sort=date"
    assert f.feed.title == "Search: “hematology” — Altyn Dala Clinical Centre"
    assert f.feed.author_detail.name == "Altyn Dala Clinical Centre" and f.feed.author_detail.href == SITE
    assert f.entries and f.feed.updated == f.entries[0].updated  # the newest entry's date


def test_entries_are_the_searchs_hits_newest_first(client):
    f = feed(client, q="центр")
    dates = updated(f.entries)
    assert len(dates) > 20 and dates == sorted(dates, reverse=True)
    urls = [SITE + h["url"] for h in api(client, q="центр")["results"]]
    assert [e.link for e in f.entries] == [u for u in urls if u in {e.link for e in f.entries}]


def test_entry_is_the_page_absolute_with_its_date_and_language(client):
    f = feed(client, q="hematology", lang="ru")
    hits = {SITE + h["url"]: h for h in api(client, q="hematology", lang="ru")["results"]}
    assert f.entries
    for e in f.entries:
        assert e.id == e.link and e.link.startswith(SITE + "/ru/") and e.link in hits
        link = e.links[0]
        assert link.rel == "alternate" and link.type == "text/html" and link.hreflang == "ru"
        assert e.published == e.updated == hits[e.link]["date"]  # ISO with the site's offset
        assert re.search(r"[+-]\d\d:\d\d$", e.updated)
    doc = etree.fromstring(f.raw)
    assert {entry.get(XML_LANG) for entry in doc.iter(f"{{{ATOM}}}entry")} == {"ru"}


def test_titles_and_summaries_are_plain_text(client):
    f = feed(client, q="Time is brain", lang="en")
    titles = {e.title for e in f.entries}
    assert 'Stroke prevention school: "Time is brain"' in titles  # &quot; unescaped, <mark> gone
    data = api(client, q="Time is brain", lang="en")
    assert any("<mark>" in h["title"] for h in data["results"]) and any("&quot;" in h["title"] for h in data["results"])
    for e in f.entries:
        assert e.title_detail.type == "text/plain" and e.summary_detail.type == "text/plain"
        assert "<" not in e.title and "&quot;" not in e.title and "mark>" not in e.summary
    raw = f.raw.decode("utf-8")
    assert "&lt;mark" not in raw and "<mark" not in raw


def test_plain_strips_marks_and_unescapes_entities():
    assert plain("A &amp; <mark>B</mark> &quot;C&quot; &lt;b&gt;") == 'A & B "C" <b>'
    assert plain("x\x00\x0by") == "xy"  # characters XML cannot carry are dropped, not a 500


def test_languages_of_feed_and_entries_follow_lang(client):
    f = feed(client, q="гематология", lang="kk")
    assert f.feed.title.startswith("Іздеу: «гематология» — ")
    doc = etree.fromstring(f.raw)
    assert doc.get(XML_LANG) == "kk"
    assert f.entries and {e.links[0].hreflang for e in f.entries} == {"kk"}
    assert {entry.get(XML_LANG) for entry in doc.iter(f"{{{ATOM}}}entry")} == {"kk"}


def test_without_lang_every_language_is_listed_each_entry_with_its_own(client):
    f = feed(client, q="hematology")
    doc = etree.fromstring(f.raw)
    langs = [entry.get(XML_LANG) for entry in doc.iter(f"{{{ATOM}}}entry")]
    assert set(langs) == {"kk", "ru", "en"}
    assert [e.links[0].hreflang for e in f.entries] == langs
    assert all(e.link.startswith(f"{SITE}/{lang}/") for e, lang in zip(f.entries, langs))


def test_at_most_fifty_entries_or_per_page(client):
    assert len(feed(client).entries) == 50  # an empty query lists every visible page
    assert len(feed(client, per_page=5).entries) == 5


def test_pages_without_a_date_of_their_own_are_left_out(client):
    # contacts, about, the home page: dated by their file's time, they would top every feed at each deploy
    found = {h["url"] for h in api(client, q="contacts", lang="en")["results"]}
    assert "/en/contacts" in found
    f = feed(client, q="contacts", lang="en")
    assert f"{SITE}/en/contacts" not in {e.link for e in f.entries}
    assert all(not e.link.rstrip("/").endswith(("/contacts", "/about", "/news", "/en")) for e in feed(client).entries)


def test_without_site_url_links_point_at_this_host(content_index):
    client = create_app({"INDEX": str(content_index), "RATE_LIMIT": "", "TESTING": True}).test_client()
    f = feed(client, q="hematology", lang="en")
    assert f.entries and all(e.link.startswith("http://localhost/en/") for e in f.entries)
    assert f.feed.author_detail.name == "Altyn Dala Clinical Centre"


# -- visibility --------------------------------------------------------------------------------------


def test_drafts_never_appear(client):
    assert feed(client, q="hyperbaric", lang="en").entries == []
    assert feed(client, q="барокамера").entries == []
    everything = feed(client)  # every visible page, newest first: the 2025 draft would be near the top
    assert not any(DRAFT in e.link for e in everything.entries)


def test_a_scheduled_post_appears_when_its_time_comes(client, clock):
    assert not any(SCHEDULED in e.link for e in feed(client).entries)
    assert not any(SCHEDULED in e.link for e in feed(client, q="proton therapy", lang="en").entries)
    clock.now = at(2031, 3, 15, 10, 0, 1)  # no reindex
    f = feed(client)
    assert SCHEDULED in f.entries[0].link and f.entries[0].updated == "2031-03-15T10:00:00+05:00"
    assert f.feed.updated == f.entries[0].updated


# -- stable bytes, polls, errors -------------------------------------------------------------------


def test_an_empty_result_is_a_valid_feed_dated_at_a_fixed_epoch(client):
    f = feed(client, q="zzqqxxnothing", correct=0)
    assert f.entries == [] and f.feed.updated == "1970-01-01T00:00:00+00:00"
    assert f.feed.title == "Поиск: «zzqqxxnothing» — Клинический центр «Алтын Дала»"


def test_a_poll_of_an_unchanged_search_gives_the_same_bytes_and_a_304(client):
    first = client.get("/search.atom?q=hematology&lang=en")
    second = client.get("/search.atom?q=hematology&lang=en")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    again = client.get("/search.atom?q=hematology&lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_polls_are_not_recorded_as_searches(app, client):
    for _ in range(3):
        feed(client, q="hematology", lang="en")
    assert analytics(app).report()["top"] == []
    client.get("/api/search?q=hematology")  # the API does record: the store is on
    assert [t["query"] for t in analytics(app).report()["top"]] == ["hematology"]


@pytest.mark.parametrize(
    "params, says",
    [
        ({"q": "x", "bogus": "1"}, "unknown parameter 'bogus'"),
        ({"year": "abc"}, "year must be a whole number"),
        ({"month": "13", "year": "2019"}, "month"),
        ({"from": "2020-02-30"}, "from must be a date"),
        ({"from": "2020-03-01", "to": "2020-01-01"}, "from must not be after to"),
        ({"lang": "de"}, "lang must be one of"),
        ({"sort": "relevance"}, "sort must be date"),
        ({"page": "2"}, "page must be 1"),
        ({"per_page": "51"}, "per_page must be between 1 and 50"),
        ({"per_page": "0"}, "per_page must be between"),
        ({"correct": "maybe"}, "correct must be 1 or 0"),
        ({"q": "x" * 300}, "256"),
    ],
)
def test_bad_parameters_answer_the_json_error_shape(client, params, says):
    r = client.get("/search.atom", query_string=params)
    assert r.status_code == 400 and r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 400 and says in body["error"]


@pytest.mark.parametrize(
    "q",
    [
        "x\x01\x0b\x1f",
        "\ufffe\uffff",
        "((((",
        '"><script>alert(1)</script>',
        "title:барокамера",
        "a*",
        "-",
        "OR",
        "🩸 кровь",
        "\u200b",
    ],
)
def test_no_input_makes_a_500(client, q):
    r = client.get("/search.atom", query_string={"q": q})
    assert r.status_code in (200, 400), r.get_data(as_text=True)
    if r.status_code == 200:
        assert_valid_atom(r.data)
        assert "<script>" not in r.get_data(as_text=True)


def test_raw_bytes_that_are_not_utf8_make_no_500(client):
    for query in ("q=%ED%A0%80", "q=%FF%FE", "q=%00", "lang=%00&q=a", "q=%E0%A4"):
        r = client.get("/search.atom?" + query)
        assert r.status_code in (200, 400), query
        if r.status_code == 200:
            assert_valid_atom(r.data)


def test_openapi_documents_the_feed(client):
    doc = client.get("/api/openapi.json").get_json()
    op = doc["paths"]["/search.atom"]["get"]
    assert "application/atom+xml" in op["responses"]["200"]["content"]
    assert op["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    names = [p["name"] for p in op["parameters"]]
    assert names == [p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]]
    per_page = next(p for p in op["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 50


# -- the search page links to its feed --------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.head = []
        self.anchors = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("type") == "application/atom+xml":
            self.head.append(a)
        elif tag == "a" and a.get("type") == "application/atom+xml":
            self.anchors.append(a)


def page_links(client, url):
    r = client.get(url)
    links = Links()
    links.feed(r.get_data(as_text=True))
    return r, links


def test_the_search_page_links_its_feed_in_head_and_in_view(client):
    r, links = page_links(client, "/search?q=hematology&lang=en&year=2019")
    html = r.get_data(as_text=True)
    (head,) = links.head
    assert head["rel"] == "alternate" and head["title"] == "Search: “hematology” — Altyn Dala Clinical Centre"
    assert head["href"] == "/search.atom?q=hematology&lang=en&year=2019"
    assert html.index(head["href"].replace("&", "&amp;")) < html.index("</head>")
    (anchor,) = links.anchors
    assert anchor["href"] == head["href"]
    assert "Follow this search" in html.split("</head>", 1)[1]
    f = feed(client, q="hematology", lang="en", year="2019")  # and it answers
    assert f.entries and all(e.updated.startswith("2019-") for e in f.entries)


def test_the_follow_link_is_localised(client):
    html = client.get("/search?q=гематология&lang=kk").get_data(as_text=True)
    assert "Осы іздеуге жазылу" in html
    html = client.get("/search?q=гематология&lang=ru").get_data(as_text=True)
    assert "Подписаться на этот поиск" in html


@pytest.mark.parametrize("url", ["/", "/search", "/search?year=2019", "/search?q=", "/search?q=x&year=abc"])
def test_no_feed_link_without_results_for_a_query(client, url):
    _, links = page_links(client, url)
    assert links.head == [] and links.anchors == []


# -- the real archive --------------------------------------------------------------------------------


def test_real_archive_feed_parses_newest_first(corpus_index):
    client = create_app(
        {"INDEX": str(corpus_index), "SITE_URL": "https://hemcenter.kz", "RATE_LIMIT": "", "TESTING": True}
    ).test_client()
    f = feed(client, q="гематология", lang="ru")
    assert len(f.entries) >= 10
    dates = updated(f.entries)
    assert dates == sorted(dates, reverse=True)
    assert all(e.link.startswith("https://hemcenter.kz/ru/") and e.id == e.link for e in f.entries)
    assert all("<" not in e.title for e in f.entries)
    assert "Центр гематологии" in f.feed.title


def test_feed_conforms_to_its_openapi_description(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = next(
        op.ok() for op in schema.get_all_operations() if op.ok().definition.raw.get("operationId") == "search_feed"
    )
    statuses = []

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        statuses.append(response.status_code)
        if response.status_code == 200:
            assert_valid_atom(response.content)

    check()
    assert 500 not in statuses and 200 in statuses
