"""The server-rendered search page (no JavaScript needed)."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))


def get(client, url, **kw):
    r = client.get(url, **kw)
    return r.status_code, r.get_data(as_text=True)


def test_home_shows_a_labelled_search_box(client):
    status, html = get(client, "/")
    assert status == 200
    assert '<label for="q">' in html and 'id="q" name="q"' in html
    assert 'role="search"' in html


def test_results_have_title_link_date_and_marked_snippet(client):
    status, html = get(client, "/search?q=Silk+Road&lang=ru")
    assert status == 200
    # the title links through /go (which counts the click, nothing else) to the post, scrolled to the words
    go = re.search(r'<h3><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    page, _, fragment = client.get(go).headers["Location"].partition("#:~:text=")
    assert page.endswith("/ru/news/2019-07-22-silk-road-central-asia-hematology-forum")
    assert "Silk" in unquote(fragment)
    assert "<mark>Silk</mark>" in html
    assert '<time datetime="2019-07-22T10:00:00+06:00">22 июля 2019\u202fг.</time>' in html


def test_interface_language_from_lang_parameter(client):
    _, kk = get(client, "/search?q=гематология&lang=kk")
    _, en = get(client, "/search?q=hematology&lang=en")
    assert '<html lang="kk">' in kk and "Табылды:" in kk
    assert '<html lang="en">' in en and "Results:" in en


def test_interface_language_from_accept_language(client):
    _, html = get(client, "/search?q=hematology", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in html
    _, html = get(client, "/", headers={"Accept-Language": "kk-KZ"})
    assert '<html lang="kk">' in html


def test_year_facet_links_narrow_the_results(client):
    _, html = get(client, "/search?q=гематология&lang=ru")
    parser = Links()
    parser.feed(html)
    year_links = [h for h in parser.links if "year=2019" in h]
    assert year_links
    status, narrowed = get(client, year_links[0].replace("&amp;", "&"))
    assert status == 200
    dates = re.findall(r'<time datetime="(\d{4})', narrowed)
    assert dates and set(dates) == {"2019"}
    assert "<h2>Месяц</h2>" in narrowed  # months appear once a year is chosen


def test_pagination_links(client):
    _, html = get(client, "/search?q=гематология&lang=ru")
    assert 'rel="next"' in html and "page=2" in html
    _, second = get(client, "/search?q=гематология&lang=ru&page=2")
    assert 'rel="prev"' in second


def test_nothing_found_is_helpful(client):
    status, html = get(client, "/search?q=zxqvjkw&lang=ru")
    assert status == 200
    assert "ничего не найдено" in html and "Проверьте написание" in html


def test_query_is_escaped_everywhere(client):
    evil = '"><script>alert(1)</script>'
    status, html = get(client, "/search", query_string={"q": evil, "lang": "en"})
    assert status == 200
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html or "&quot;&gt;&lt;script&gt;" in html


def test_bad_parameter_is_a_friendly_400(client):
    status, html = get(client, "/search?q=x&page=abc")
    assert status == 400
    assert "page must be a whole number" in html and "<form" in html


def test_unknown_page_is_a_friendly_404(client):
    status, html = get(client, "/no/such/page")
    assert status == 404 and "Traceback" not in html and "<html" in html


def test_query_syntax_help_is_on_the_page(client):
    _, html = get(client, "/?lang=en")
    assert "How to search" in html and '<code>"Silk Road"</code>' in html and "July 2019" in html
