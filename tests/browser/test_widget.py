"""The widget in real Chromium, embedded by a host page on another origin under a strict CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, run_axe

WIDGET = "poisk-search"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def type_query(page, text):
    box = page.locator(f"{WIDGET} input")
    box.click()
    box.fill("")
    box.type(text, delay=20)
    return box


def test_results_as_you_type_with_marks(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "гематология")
    first = page.locator(f"{WIDGET} li[role=option]").first
    first.wait_for(timeout=10_000)
    assert page.locator(f"{WIDGET} li[role=option] mark").count() > 0
    marks = " ".join(page.locator(f"{WIDGET} li[role=option] mark").all_inner_texts()).lower()
    assert "гематолог" in marks or "hematolog" in marks
    # the interface follows <html lang="en"> of the host page
    assert page.locator(f"{WIDGET} [role=status]").inner_text().endswith(("result", "results"))
    links = page.locator(f"{WIDGET} a").evaluate_all("els => els.map(e => e.href)")
    assert all(link.startswith(("http://", "https://")) for link in links)
    assert page.console_errors == [], page.console_errors


def test_keyboard_arrows_enter_and_escape(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    box = type_query(page, "vaccination")
    page.locator(f"{WIDGET} li[role=option]").first.wait_for(timeout=10_000)
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"{WIDGET} #{active}").get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") != active
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == active
    with page.expect_navigation():
        box.press("Enter")  # opens the chosen result on the host site
    assert page.url.startswith(widget_setup["allowed"].origin + "/en/news/")
    page.go_back()
    box = type_query(page, "vaccination")
    page.locator(f"{WIDGET} li[role=option]").first.wait_for(timeout=10_000)
    box.press("Escape")
    assert box.input_value() == "" and box.get_attribute("aria-expanded") == "false"


def test_year_chips_narrow_the_results(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "vaccination")
    chips = page.locator(f"{WIDGET} .years button")
    chips.nth(1).wait_for(timeout=10_000)
    year = chips.nth(1).inner_text().split()[0]
    chips.nth(1).click()
    # Waits for the narrowed list (not an empty one mid-render), then for the chip's state, which can
    # come a moment later (seen failing once in CI while another job loaded the machine).
    page.wait_for_function(
        "y => { const dates = [...document.querySelector('poisk-search').shadowRoot.querySelectorAll('.date')];"
        " return dates.length > 0 && dates.every(d => d.getAttribute('datetime').startsWith(y)); }",
        arg=year,
        timeout=10_000,
    )
    expect(chips.nth(1)).to_have_attribute("aria-pressed", "true", timeout=10_000)


def test_correction_notice(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "vfvvjuhfabz")  # маммография on the Latin layout
    note = page.locator(f"{WIDGET} .note")
    note.wait_for(timeout=10_000)
    page.wait_for_function(
        "() => document.querySelector('poisk-search').shadowRoot.querySelector('.note').textContent.includes('«')"
    )
    assert "маммография" in note.inner_text()


def test_pages_lacking_a_word_are_marked_and_the_note_says_which(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "vaccination information")
    page.wait_for_function(
        "() => document.querySelector('poisk-search').shadowRoot.querySelector('.note .relaxed')", timeout=10_000
    )
    assert "Also showing pages without “information”" in page.locator(f"{WIDGET} .note").inner_text()
    missing = page.locator(f"{WIDGET} .missing")
    assert missing.count() >= 1 and "information" in missing.first.inner_text()


def test_empty_state(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "qqqzzzxxx")
    page.wait_for_function(
        "() => document.querySelector('poisk-search').shadowRoot.querySelector('.note').textContent.length > 0"
    )
    assert "No results" in page.locator(f"{WIDGET} .note").inner_text()


def test_hostile_title_renders_as_text(page, widget_setup):
    page.goto(widget_setup["allowed"].origin + "/index.html")
    type_query(page, "Zanzibarite")
    option = page.locator(f"{WIDGET} li[role=option]").first
    option.wait_for(timeout=10_000)
    assert "<img" in option.inner_text()
    assert page.locator(f"{WIDGET} li img, {WIDGET} li script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_disallowed_origin_gets_no_results_and_is_told(page, widget_setup):
    page.goto(widget_setup["blocked"].origin + "/index.html")
    type_query(page, "гематология")
    page.wait_for_function(
        "() => document.querySelector('poisk-search').shadowRoot.querySelector('.note').textContent.length > 0",
        timeout=10_000,
    )
    assert page.locator(f"{WIDGET} li[role=option]").count() == 0
    assert "недоступен" in page.locator(f"{WIDGET} .note").inner_text()  # lang="ru" on the element


@pytest.mark.parametrize(
    "query",
    ["гематология", "vaccination information", "qqqzzzxxx", None],
    ids=["results", "relaxed", "empty", "closed"],
)
def test_axe_finds_no_violations(browser, widget_setup, query):
    context = browser.new_context(bypass_csp=True)  # only so that the test can inject axe
    page = context.new_page()
    page.goto(widget_setup["allowed"].origin + "/index.html")
    page.locator(f"{WIDGET} input").wait_for()
    if query:
        type_query(page, query)
        page.wait_for_function(
            "() => document.querySelector('poisk-search').shadowRoot.querySelector('[role=status]').textContent.match(/\\d|No/)",
            timeout=10_000,
        )
    assert run_axe(page) == []
    context.close()


@pytest.mark.parametrize("lang, query", [("kk", "гематология"), ("ru", "гематология"), ("en", "hematology")])
def test_the_embed_snippet_works_on_another_origin_in_each_language(browser, widget_setup, lang, query):
    """Paste /embed's snippet (with integrity=) into a plain page on another origin: search works; save a screenshot."""
    import html
    import re
    import urllib.request

    server, host = widget_setup["server"], widget_setup["allowed"]
    with urllib.request.urlopen(f"{server.base}/embed?lang={lang}") as r:
        embed = r.read().decode()
    snippet = html.unescape(re.search(r'<pre class="snippet-code"><code>(.*?)</code></pre>', embed, re.S).group(1))
    assert 'integrity="sha384-' in snippet and f'lang="{lang}"' in snippet
    folder = host.folder / f"embed-{lang}"
    folder.mkdir(exist_ok=True)
    (folder / "index.html").write_text(
        f"<!doctype html><html><head><meta charset=utf-8><title>Host</title></head>"
        f"<body><main><h1>Host page</h1>{snippet}</main></body></html>",
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 700, "height": 800})
    page = context.new_page()
    page.goto(f"{host.origin}/embed-{lang}/index.html")
    type_query(page, query)
    page.locator(f"{WIDGET} li[role=option]").first.wait_for(timeout=10_000)
    expected = {"kk": "нәтиже", "ru": "Найдено", "en": "result"}[lang]
    assert expected in page.locator(f"{WIDGET} [role=status]").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{lang}.png"), full_page=True)
    context.close()


def test_script_is_small_and_cacheable(widget_setup):
    import gzip
    import urllib.request

    with urllib.request.urlopen(f"{widget_setup['server'].base}/widget/v1/poisk.js") as r:
        body = r.read()
        assert len(body) < 28 * 1024 and len(gzip.compress(body)) < 10 * 1024
        assert "immutable" in r.headers["Cache-Control"] and r.headers["Content-Type"].startswith("text/javascript")
    assert b"eval(" not in body and b"innerHTML" not in body and b'credentials: "omit"' in body


def test_visitor_walk_through_suggestion_year_translation(page, widget_setup):
    """Type, pick a suggestion, narrow by year, open the translation."""
    host = widget_setup["allowed"].origin
    page.goto(host + "/index.html")
    type_query(page, "вакцин")
    chip = page.locator(f"{WIDGET} .suggestions button").first
    chip.wait_for(timeout=10_000)
    picked = chip.inner_text()
    assert picked.startswith("вакцин")
    chip.click()
    page.wait_for_function(
        "q => document.querySelector('poisk-search').shadowRoot.querySelector('input').value === q", arg=picked
    )
    page.locator(f"{WIDGET} li[role=option]").first.wait_for(timeout=10_000)
    years = page.locator(f"{WIDGET} .years:not(.suggestions) button")
    years.nth(1).wait_for(timeout=10_000)
    year = years.nth(1).inner_text().split()[0]
    years.nth(1).click()
    page.wait_for_function(
        "y => { const d = [...document.querySelector('poisk-search').shadowRoot.querySelectorAll('.date')];"
        " return d.length && d.every(x => x.getAttribute('datetime').startsWith(y)); }",
        arg=year,
        timeout=10_000,
    )
    translation = page.locator(f"{WIDGET} li[role=option] .also .lang").first
    lang = translation.get_attribute("lang")
    with page.expect_navigation():
        translation.click()
    assert page.url.startswith(f"{host}/{lang}/news/")


# --- One hit per story, taxonomy chips, result cards, sub-results ------------------------------------------------

SHADOW = "document.querySelector('poisk-search').shadowRoot"


def host_variant(widget_setup, name: str, attrs: str) -> str:
    """A page of the allowed host whose widget has these attributes (a Russian page, say); return its address."""
    from tests.browser.conftest import host_page

    host = widget_setup["allowed"]
    folder = host.folder / name
    if not (folder / "index.html").is_file():
        host_page(folder, widget_setup["server"].base, attrs, html_lang="ru")
    return f"{host.origin}/{name}/index.html"


def russian_page(widget_setup) -> str:
    return host_variant(widget_setup, "ru-visitor", ' lang="ru"')


def search_requests(page) -> list:
    """The widget's calls of /api/search, as they are made (their query strings parsed)."""
    from urllib.parse import parse_qs, urlsplit

    seen = []
    page.on("request", lambda r: seen.append(parse_qs(urlsplit(r.url).query)) if "/api/search?" in r.url else None)
    return seen


def settled(page, total_pattern: str = r"\d"):
    """Wait until the status says how many results there are (not «Ищем…»)."""
    page.wait_for_function(
        f"() => /{total_pattern}/.test({SHADOW}.querySelector('[role=status]').textContent)", timeout=10_000
    )


def shown_total(page) -> int:
    import re

    return int(re.search(r"\d+", page.locator(f"{WIDGET} [role=status]").inner_text()).group())


def with_sections(page, widget_setup):
    """Answer /api/search as the service does, but give the first hit without sub-results four of them (the widget
    shows three), one holding markup an editor wrote as text. The real long page keeps its own."""

    def handle(route):
        response = route.fetch()
        data = response.json()
        plain = [h for h in data.get("results") or [] if not h.get("sections")]
        if plain:
            url = plain[0]["url"]
            plain[0]["sections"] = [
                {
                    "title": "Во время <b>исследования</b>",
                    "url": f"{url}#vo-vremia",
                    "snippet": "&lt;img src=x onerror=&quot;window.__pwned=3&quot;&gt; <mark>МРТ</mark> длится 30 минут.",
                },
                {
                    "title": "Перед исследованием",
                    "url": f"{url}#pered",
                    "snippet": "Снимите металлические предметы перед <mark>МРТ</mark>.",
                },
                {"title": "После", "url": f"{url}#posle", "snippet": "Можно сразу вернуться домой."},
                {"title": "Четвёртый", "url": f"{url}#four", "snippet": "Не показывается."},
            ]
        route.fulfill(response=response, json=data)

    page.route(f"{widget_setup['server'].base}/api/search?*", handle)


def test_a_russian_visitor_gets_one_hit_per_story_with_its_other_languages(page, widget_setup):
    from urllib.parse import urlsplit

    server, host = widget_setup["server"], widget_setup["allowed"].origin
    requests = search_requests(page)
    page.goto(russian_page(widget_setup))
    type_query(page, "МРТ")
    settled(page)
    sent = requests[-1]
    assert sent["collapse"] == ["translations"] and sent["prefer_lang"] == ["ru"] and "lang" not in sent
    collapsed = server.total("МРТ", prefer_lang="ru", collapse="translations")
    assert shown_total(page) == collapsed < server.total("МРТ", prefer_lang="ru")
    cards = page.locator(f"{WIDGET} li.card")
    hrefs = cards.evaluate_all("els => els.map(e => e.dataset.href)")
    assert len(hrefs) == min(collapsed, 8) and len(set(hrefs)) == len(hrefs)
    assert all(h.startswith(host) and urlsplit(h).path.split("/")[1] == "ru" for h in hrefs), hrefs  # once, in Russian
    for n in range(cards.count()):
        also = cards.nth(n).locator(".also")
        assert also.inner_text().startswith("Также:")
        others = also.locator(".lang").evaluate_all("els => els.map(e => e.dataset.href)")
        assert others and not set(others) & set(hrefs)
        assert {urlsplit(u).path.split("/")[1] for u in others} == {"kk", "en"}
    assert page.console_errors == [], page.console_errors
    # The result's link scrolls to the words (a text fragment), on the host site.
    assert all("#:~:text=" in h for h in hrefs[:2])
    with page.expect_navigation():
        cards.first.click()
    assert page.url.split("#")[0] == hrefs[0].split("#")[0]


def test_collapse_none_lists_every_language(page, widget_setup):
    requests = search_requests(page)
    page.goto(host_variant(widget_setup, "ru-every-language", ' lang="ru" collapse="none"'))
    type_query(page, "МРТ")
    settled(page)
    assert "collapse" not in requests[-1] and requests[-1]["prefer_lang"] == ["ru"]
    assert shown_total(page) == widget_setup["server"].total("МРТ", prefer_lang="ru")


def test_tag_chips_narrow_the_results_and_stay_until_pressed_again(page, widget_setup):
    page.goto(russian_page(widget_setup))
    type_query(page, "МРТ")
    settled(page)
    labels = page.locator(f"{WIDGET} .chips .name").all_inner_texts()
    assert labels == ["Рубрика", "Тег", "Автор"]  # category, tag, then the site's other taxonomies
    tags = page.get_by_role("group", name="Тег")
    data = widget_setup["server"].get("/api/search", q="МРТ", prefer_lang="ru", collapse="translations")[1]
    assert len(data["facets"]["tag"]) > 8
    # The eight commonest, then "ещё N" (a disclosure) for the rest.
    assert tags.locator("button[aria-pressed]").count() == 8
    toggle = tags.locator("button.toggle")
    assert toggle.inner_text() == f"ещё {len(data['facets']['tag']) - 8}"
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    expect(tags.locator("button[aria-pressed]")).to_have_count(len(data["facets"]["tag"]))
    expect(tags.locator("button.toggle")).to_have_text("свернуть")
    expect(tags.locator("button.toggle")).to_be_focused()  # the row was rebuilt: focus stays on its toggle

    mri = tags.locator("button[aria-pressed]", has_text="mri (")
    count = int(mri.inner_text().split("(")[1].rstrip(")"))
    mri.focus()
    page.keyboard.press("Enter")
    expect(mri).to_have_attribute("aria-pressed", "true", timeout=10_000)
    expect(mri).to_be_focused()
    settled(page, f"Найдено: {count}$")
    assert shown_total(page) == count == page.locator(f"{WIDGET} li.card").count()
    years = page.locator(f"{WIDGET} .years:not(.suggestions) button")
    assert years.count() >= 2  # year chips alongside: a year narrows the tagged results further
    years.nth(1).click()
    expect(years.nth(1)).to_have_attribute("aria-pressed", "true", timeout=10_000)
    settled(page, "Найдено: 1$")
    expect(mri).to_have_attribute("aria-pressed", "true")

    # Another query keeps the chosen tag, shown (at 0) so that it can be let go.
    type_query(page, "донор")
    settled(page, "Ничего")
    expect(mri).to_have_text("mri (0)")
    expect(mri).to_have_attribute("aria-pressed", "true")
    mri.click()
    settled(page)
    assert shown_total(page) > 0
    expect(page.locator(f"{WIDGET} .chips button", has_text="mri (")).to_have_count(0)
    assert page.console_errors == [], page.console_errors


def test_cards_show_pictures_without_layout_shift(page, widget_setup):
    host = widget_setup["allowed"].origin
    held = []
    page.route(f"{host}/user/pages/**", lambda route: held.append(route))  # pictures arrive when we say
    with page.expect_response(lambda r: "/api/suggest?" in r.url):
        page.goto(russian_page(widget_setup))
        type_query(page, "МРТ")
    settled(page)
    cards = page.locator(f"{WIDGET} li.card")
    pictures = page.locator(f"{WIDGET} li.card img")
    assert pictures.count() >= 2
    first = pictures.first
    assert first.get_attribute("alt") and first.get_attribute("loading") == "lazy"
    assert first.get_attribute("decoding") == "async"
    assert (first.get_attribute("width"), first.get_attribute("height")) == ("96", "64")
    srcs = pictures.evaluate_all("els => els.map(e => e.src)")
    assert all(s.startswith(f"{host}/user/pages/02.news/") for s in srcs)  # the host site's, not the service's
    # Hits without a picture have no empty box for one.
    no_picture = cards.filter(has_not=page.locator("img"))
    assert no_picture.count() >= 1
    assert no_picture.first.locator(".thumb").count() == 0
    # Section · date, under the title.
    scanner = cards.filter(has=page.locator("img[src*='2019-07-22-new-mri-scanner']"))
    assert scanner.locator(".meta").inner_text() == "Новости · 22 июля 2019"

    page.wait_for_timeout(100)
    boxes = """() => [...document.querySelector('poisk-search').shadowRoot.querySelectorAll('li[role=option]')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"""
    before = page.evaluate(boxes)
    page.evaluate(
        "() => { window.__shift = 0; new PerformanceObserver(l => l.getEntries()"
        ".forEach(e => { window.__shift += e.value; })).observe({type: 'layout-shift'}); }"
    )
    assert held, "no picture was requested"
    for route in held:
        route.continue_()
    page.wait_for_function(
        f"() => [...{SHADOW}.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)", timeout=10_000
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate(boxes) == before
    assert page.evaluate("window.__shift") == 0
    size = first.evaluate("e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]")
    assert size == [96, 64]
    assert page.console_errors == [], page.console_errors


def test_sub_results_of_a_long_page_are_options_under_it(page, widget_setup):
    host = widget_setup["allowed"].origin
    with_sections(page, widget_setup)
    page.goto(russian_page(widget_setup))
    box = type_query(page, "МРТ")
    settled(page)
    subs = page.locator(f"{WIDGET} li.sub[role=option]")
    expect(subs).not_to_have_count(0)
    # Options in one flat listbox: each card, then its sections (three at most), in the keyboard's order.
    options = page.locator(f"{WIDGET} li[role=option]").evaluate_all(
        "els => els.map(e => [e.classList.contains('sub') ? 'sub' : 'card', e.querySelector('.title').textContent,"
        " e.dataset.href || ''])"
    )
    runs, run = [], 0
    for kind, _, _ in options:
        if kind == "card":
            runs.append(run)
            run = 0
        else:
            run += 1
    runs.append(run)
    assert options[0][0] == "card" and max(runs) == 3 and sum(runs) == subs.count()
    injected = [title for kind, title, _ in options if kind == "sub"]
    assert "Во время <b>исследования</b>" in injected and "Четвёртый" not in injected
    assert all(href.startswith(f"{host}/") for _, _, href in options)
    # Markup written as text stays text, from titles and snippets alike.
    assert page.locator(f"{WIDGET} li.sub img, {WIDGET} li.sub b").count() == 0
    assert page.locator(f"{WIDGET} li.sub mark").count() >= 1
    assert page.evaluate("window.__pwned") is None
    # Indented under their page.
    first_sub = next(n for n, (kind, _, _) in enumerate(options) if kind == "sub")
    card_box = page.locator(f"{WIDGET} li[role=option]").nth(first_sub - 1).bounding_box()
    sub_box = subs.first.bounding_box()
    assert sub_box["x"] > card_box["x"] + 10 and sub_box["y"] >= card_box["y"] + card_box["height"] - 1
    assert page.console_errors == [], page.console_errors
    for _ in range(first_sub + 1):
        box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == subs.first.get_attribute("id")
    target = subs.first.get_attribute("data-href")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.split("#")[0] == target.split("#")[0] and "#" in target


def test_axe_finds_no_violations_with_chips_cards_and_sub_results(browser, widget_setup):
    context = browser.new_context(bypass_csp=True, viewport={"width": 900, "height": 900})
    page = context.new_page()
    with_sections(page, widget_setup)
    page.goto(russian_page(widget_setup))
    type_query(page, "МРТ")
    settled(page)
    page.locator(f"{WIDGET} .chips button.toggle").first.click()
    page.locator(f"{WIDGET} .chips button[aria-pressed]", has_text="mri (").click()
    expect(page.locator(f"{WIDGET} .chips button[aria-pressed=true]")).to_have_count(1, timeout=10_000)
    settled(page)
    page.locator(f"{WIDGET} input").press("ArrowDown")
    assert page.locator(f"{WIDGET} li.sub").count() >= 1 and page.locator(f"{WIDGET} li.card img").count() >= 1
    page.wait_for_function(f"() => [...{SHADOW}.querySelectorAll('img')].every(i => i.complete)", timeout=10_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-cards-ru.png"), full_page=True)
    assert run_axe(page) == []
    context.close()
