"""axe-core finds no violation on any HTML page the service serves, in any state, in real Chromium.

Each page and state is a test of its own: the search page (empty, results with facets, a correction, the
relaxed note, no results, a bad parameter, page 2, each interface language), /embed with its live widget,
/admin/stats and the error pages. States a live server cannot be put in (the index unavailable, a rate
limit hit, no searches recorded yet) are answered by an app in this process and served on the live origin.
"""

import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.browser.conftest import ADMIN_TOKEN, run_axe

WIDGET = "poisk-search"
STATUS_SHOWN = (
    "() => /\\d|No|Ничего|Ештеңе/.test("
    "document.querySelector('poisk-search').shadowRoot.querySelector('[role=status]').textContent)"
)


@dataclass
class State:
    path: str
    shows: str = "main"  # a selector that proves the page is in the state the test is named after
    status: int = 200
    act: Callable | None = field(default=None, repr=False)  # what a visitor does after the page loads
    width: int = 1000  # of the viewport: 360 is a phone's, where the layout is one column


def widget_search(query: str, then: Callable | None = None) -> Callable:
    def act(page):
        box = page.locator(f"{WIDGET} input")
        box.click()
        box.type(query, delay=10)
        page.wait_for_function(STATUS_SHOWN, timeout=10_000)
        if then:
            then(page)

    return act


def pick_year(page):
    page.locator(f"{WIDGET} .years:not(.suggestions) button").nth(1).click()
    page.wait_for_function(
        "() => document.querySelector('poisk-search').shadowRoot"
        ".querySelector('.years button[aria-pressed=true]:not(:first-child)')",
        timeout=10_000,
    )
    page.wait_for_function(STATUS_SHOWN, timeout=10_000)


def arrow_down(page):
    page.locator(f"{WIDGET} input").press("ArrowDown")


def open_help(page):
    page.locator("details.help summary").click()


LIVE = {
    # the search page
    "home": State("/"),
    "search-empty-kk": State("/search?lang=kk", "html[lang=kk] form.search"),
    "search-empty-ru": State("/search?lang=ru", "html[lang=ru] form.search"),
    "search-empty-en": State("/search?lang=en", "html[lang=en] form.search"),
    "search-help-open": State("/search?lang=en", "details.help[open] table", act=open_help),
    "search-results-kk": State("/search?q=гематология&lang=kk", "html[lang=kk] ol.hits .snippet mark"),
    "search-results-ru": State("/search?q=гематология&lang=ru", "html[lang=ru] ol.hits .snippet mark"),
    "search-results-en": State("/search?q=hematology&lang=en", "html[lang=en] ol.hits .snippet mark"),
    "search-results-all-languages": State("/search?q=клиника", ".facets a[lang]"),
    "search-year-selected": State("/search?q=клиника&year=2024", ".facets strong[aria-current] ~ a.remove"),
    "search-month-selected": State("/search?q=клиника&year=2024&month=2024-03", ".facets section:nth-of-type(2)"),
    "search-sorted-by-date": State("/search?q=клиника&sort=date", ".sort a"),
    "search-page-2": State("/search?q=клиника&page=2", ".pager strong[aria-current=page]"),
    "search-filters-only": State("/search?year=2024", "ol.hits"),
    "search-correction": State("/search?q=vfvvjuhfabz", ".corrected a"),
    "search-relaxed": State("/search?q=vaccination+information&lang=en", ".relaxed ~ .summary"),
    "search-missing-words": State("/search?q=vaccination+information&lang=en", ".hit .missing s"),
    "search-no-results-suggestions": State("/search?q=vaccination+-vaccination&lang=en", ".empty a"),
    "search-no-results-filters": State("/search?q=vaccination&year=1990", ".empty a"),
    "search-bad-parameter": State("/search?year=abc", "[role=alert]", 400),
    "search-bad-page": State("/search?q=x&page=abc", "[role=alert]", 400),
    "search-results-phone": State("/search?q=клиника&year=2024", ".facets strong[aria-current]", width=360),
    "search-cards-and-tags": State("/search?q=МРТ&lang=ru", ".hit.pictured img.picture"),
    "search-tag-chosen": State("/search?q=МРТ&lang=ru&tag=mri", ".taxonomy strong[aria-current] ~ a.remove"),
    "search-taxonomy-more": State("/search?q=&lang=en&from=2000-01-01", ".taxonomy details.more summary"),
    "search-sub-results": State("/search?q=контрастное+вещество&lang=ru", ".hit ul.parts li a"),
    "search-cards-phone": State("/search?q=МРТ&lang=ru&tag=mri", ".hit.pictured img.picture", width=360),
    # /embed and its live widget
    "embed-closed-kk": State("/embed?lang=kk", f"{WIDGET}[lang=kk]"),
    "embed-closed-ru": State("/embed?lang=ru", f"{WIDGET}[lang=ru]"),
    "embed-closed-en": State("/embed?lang=en", f"{WIDGET}[lang=en]"),
    "embed-results": State("/embed?lang=en", f"{WIDGET} li[role=option]", act=widget_search("vaccination")),
    "embed-option-active": State(
        "/embed?lang=en",
        f"{WIDGET} li[aria-selected=true]",
        act=widget_search("vaccination", then=arrow_down),
    ),
    "embed-year-chosen": State(
        "/embed?lang=en", f"{WIDGET} .years button[aria-pressed=true]", act=widget_search("vaccination", pick_year)
    ),
    "embed-relaxed": State("/embed?lang=en", f"{WIDGET} .note .relaxed", act=widget_search("vaccination information")),
    "embed-correction": State("/embed?lang=ru", f"{WIDGET} .note a", act=widget_search("vfvvjuhfabz")),
    "embed-empty": State("/embed?lang=en", f"{WIDGET} .note strong", act=widget_search("qqqzzzxxx")),
    "embed-results-phone": State(
        "/embed?lang=kk", f"{WIDGET} li[role=option]", act=widget_search("гематология"), width=360
    ),
    # /admin/stats: without a token, with a wrong one, with the right one (searches recorded first)
    "admin-no-token": State("/admin/stats?lang=en", "#admin-token"),  # a browser is sent to the login page
    "admin-wrong-token": State("/admin/stats?lang=en&token=wrong", "h1", 403),
    "admin-stats-en": State(f"/admin/stats?lang=en&token={ADMIN_TOKEN}", "svg.chart"),
    "admin-stats-kk": State(f"/admin/stats?lang=kk&token={ADMIN_TOKEN}", "table.stats"),
    "admin-stats-phone": State(f"/admin/stats?lang=ru&token={ADMIN_TOKEN}", "svg.chart", width=360),
    "admin-login-kk": State("/admin/login?lang=kk", "#admin-token"),
    "admin-index-ru": State(f"/admin?lang=ru&token={ADMIN_TOKEN}", "nav.admin-nav"),
    "admin-rules-ru": State(f"/admin/rules?lang=ru&token={ADMIN_TOKEN}", "#rule-query"),
    "admin-rules-phone": State(f"/admin/rules?lang=kk&token={ADMIN_TOKEN}", "#rule-until", width=360),
    "admin-lists-en": State(f"/admin/lists?lang=en&token={ADMIN_TOKEN}", "ul.stats-list"),
    "admin-list-kk": State(f"/admin/lists/synonyms?lang=kk&token={ADMIN_TOKEN}", "#list-text"),
    "admin-explain-en": State(
        f"/admin/explain?q=vaccination&lang=en&path=/contacts&token={ADMIN_TOKEN}", "pre.explain"
    ),
    # error pages
    "not-found-kk": State("/no/such/page?lang=kk", "h1", 404),
    "not-found-ru": State("/no/such/page?lang=ru", "h1", 404),
    "not-found-en": State("/no/such/page?lang=en", "h1", 404),
    "go-unknown-search": State("/go?sid=nope&rank=1", "h1", 404),
    "query-too-long": State("/search?q=" + "x" * 2100, "h1", 413),
}

# (app settings, requests made first, the request shown, its status, a selector proving the state)
IN_PROCESS = {
    "index-unavailable-en": ({}, [], "/search?q=x&lang=en", 503, "h1"),
    "index-unavailable-kk": ({}, [], "/?q=x&lang=kk", 503, "h1"),
    "rate-limited": ({"RATE_LIMIT": "1/minute"}, ["/embed"], "/embed?lang=en", 429, "h1"),
    "admin-stats-nothing-yet": ({"ADMIN_TOKEN": "t"}, [], "/admin/stats?token=t&lang=ru", 200, "h1 ~ p"),
    "admin-stats-recording-off": ({"ADMIN_TOKEN": "t", "ANALYTICS": ""}, [], "/admin/stats?token=t", 200, "h1 + p"),
}


@pytest.fixture(scope="module")
def server(widget_setup):
    """The live server, with searches and a click recorded so that /admin/stats has a chart and tables."""
    server = widget_setup["server"]
    for q in ("гематология", "vaccination", "qqqzzzxxx", "клиника"):
        urllib.request.urlopen(f"{server.base}/search?q={urllib.parse.quote(q)}", timeout=10).close()
    return server


@pytest.fixture
def open_page(browser):
    """Return a new page of the given width; axe is injected inline, so the page's CSP is bypassed."""
    contexts = []

    def open_page(width: int = 1000):
        contexts.append(browser.new_context(bypass_csp=True, locale="en-US", viewport={"width": width, "height": 900}))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def assert_no_violations(page):
    violations = run_axe(page)
    assert violations == [], "\n".join(f"{v['id']}: {v['nodes']}" for v in violations)


@pytest.mark.parametrize("name", LIVE)
def test_page_has_no_axe_violations(open_page, server, name):
    state = LIVE[name]
    page = open_page(state.width)
    response = page.goto(server.base + state.path)
    assert response.status == state.status
    if state.act:
        state.act(page)
    assert page.locator(state.shows).count() > 0, f"{name}: nothing matches {state.shows!r}"
    assert_no_violations(page)


@pytest.mark.parametrize("name", IN_PROCESS)
def test_in_process_page_has_no_axe_violations(open_page, server, tmp_path, name):
    from web import create_app

    settings, before, path, status, shows = IN_PROCESS[name]
    config = {"INDEX": str(tmp_path / "no-index-here"), "ANALYTICS": str(tmp_path / "a.sqlite3"), **settings}
    client = create_app({"TESTING": True, **config}).test_client()
    for url in before:
        client.get(url)
    answer = client.get(path)
    assert answer.status_code == status
    # Served on the live origin, so that the page's stylesheet and links resolve as they would.
    page = open_page()
    url = f"{server.base}/in-process/{name}"
    page.route(url, lambda route: route.fulfill(status=status, body=answer.data, content_type=answer.content_type))
    page.goto(url)
    assert page.locator(shows).count() > 0, f"{name}: nothing matches {shows!r}"
    assert_no_violations(page)


def test_embed_page_works_under_its_own_csp(browser, server):
    """The /embed preview (the widget on the service's own page) runs under the page's CSP, without errors."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.base + "/embed?lang=en")
    widget_search("vaccination")(page)
    assert page.locator(f"{WIDGET} li[role=option]").count() > 0
    assert errors == []
    context.close()
