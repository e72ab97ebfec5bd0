"""Links that land on the words, in real Chromium: text fragments and section anchors on a rendered page."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from markdown_it import MarkdownIt

from indexer.text import body_and_summary
from search.fragments import best_sentence, link, text_fragment
from search.highlight import query_terms, snippet
from search.query import parse, to_whoosh
from search.sections import split
from search.synonyms import default
from tests.live import free_port

FILLER = "\n\n".join(
    f"Абзац {i}: обычные новости центра, ничего особенного в этот день не случилось." for i in range(40)
)

BODY = f"""Вступление к длинной новости центра.

{FILLER}

## Итоги года: ЛКБэ-нің жұмысы

В 2024 году врачи центра провели **более пятисот** [трансплантаций](https://example.org/tx) костного мозга, что
стало рекордом для всей страны.

{FILLER}

## Планы – 2025

Центр откроет новое отделение детской гематологии, COVID-19 и грипп больше не мешают.

{FILLER}
"""


class Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The page as Grav with the anchors plugin would show it, served from 127.0.0.1."""
    folder = tmp_path_factory.mktemp("fragments")
    html = MarkdownIt("commonmark", {"html": True}).render(BODY)
    sections = split(BODY)
    for section in sections:  # the ids AnchorJS would set, in document order
        html = html.replace("<h2>", f'<h2 id="{section.anchor}">', 1)
    (folder / "news.html").write_text(
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Новость</title></head>'
        f"<body><main><h1>Новость</h1>{html}</main></body></html>",
        encoding="utf-8",
    )
    (folder / "favicon.ico").write_bytes(b"")
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{port}/news.html", "sections": sections}
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    yield page
    context.close()


IN_VIEW = """needle => {
    const el = [...document.querySelectorAll('main p, main h2')].find(e => e.textContent.includes(needle));
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
}"""


def landed(page, needle):
    page.wait_for_function("window.scrollY > 0", timeout=5_000)
    return page.evaluate(IN_VIEW, needle)


def test_text_fragment_scrolls_to_the_words(page, site):
    page.goto(site["url"] + text_fragment("Центр откроет новое отделение детской гематологии, COVID-19"))
    assert landed(page, "новое отделение детской")


def test_start_end_fragment_spans_markup_and_line_breaks(page, site):
    sentence = "В 2024 году врачи центра провели более пятисот трансплантаций костного мозга, что стало рекордом"
    fragment = text_fragment(sentence)
    assert fragment.count(",") == 1  # textStart,textEnd
    page.goto(site["url"] + fragment)
    assert landed(page, "костного мозга")


def test_a_snippet_link_lands_on_the_marked_words(page, site):
    text, _ = body_and_summary(BODY)
    marked = snippet(text, "ru", query_terms(to_whoosh(parse("трансплантация"), default())))
    assert "<mark>трансплантаций</mark>" in marked
    page.goto(link(site["url"], marked))
    assert landed(page, "трансплантаций")


def test_section_anchor_lands_on_its_heading(page, site):
    plans = site["sections"][1]
    assert plans.anchor == "планы-–-2025"
    page.goto(site["url"] + "#" + plans.anchor)
    assert landed(page, "Планы – 2025")


def test_anchor_with_a_text_fragment_lands_on_the_text(page, site):
    results = site["sections"][0]
    assert results.anchor == "итоги-года-лкбэ-нің-жұмысы"
    page.goto(link(site["url"] + "#" + results.anchor, "… центр откроет новое <mark>отделение</mark> детской …"))
    assert landed(page, "новое отделение детской")


def test_text_not_on_the_page_does_not_scroll(page, site):
    page.goto(site["url"] + text_fragment("Этого текста на странице нет"))
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0


def test_the_marked_word_is_the_fallback(page, site):
    # The indexer's text may hold words the page does not show (an image's alt): the sentence then fails to
    # match, and the second directive, the marked word alone, still lands.
    snippet_html = "Центр откроет новое фото <mark>отделение</mark> детской гематологии"
    page.goto(site["url"] + text_fragment(best_sentence(snippet_html)))
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0  # the sentence alone misses
    out = link(site["url"], snippet_html)
    assert "&text=" in out
    page.goto(out)
    assert landed(page, "новое отделение детской")
