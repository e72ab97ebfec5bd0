"""What a news reader gets on /api/search: taxonomy facets and filters, recency, pictures and
sections on result cards, one hit per story — on content/ (which has taxonomy, authors and
pictures) and on the real archive (which has almost none)."""

import re
from collections import Counter
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from indexer.dates import parse_date
from indexer.frontmatter_yaml import split_page
from indexer.site import Site
from tests.conftest import CONTENT, CORPUS
from web import create_app

PAGES = CONTENT / "user" / "pages"
TZ = ZoneInfo(Site.load(CONTENT).timezone)


@pytest.fixture(scope="module")
def content(content_index):
    return create_app({"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": ""}).test_client()


def search(client, **params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _headers() -> dict[str, dict]:
    """Every page file of content/ → its front matter."""
    return {
        f.relative_to(PAGES).as_posix(): split_page(f.read_text(encoding="utf-8"))[0]
        for f in PAGES.rglob("*.md")
        if f.parent != PAGES
    }


def _values(header: dict, name: str) -> list[str]:
    values = (header.get("taxonomy") or {}).get(name) or []
    return [values] if isinstance(values, str) else list(values)


def _listed(headers: dict, path: str) -> bool:
    """Whether a visitor sees the page now: published, routable, past its publish date, before its unpublish date."""
    h = headers[path]
    now = datetime.now(TZ)
    if h.get("published", True) is False or h.get("routable", True) is False or "/_" in f"/{path}":
        return False
    start, end = h.get("publish_date"), h.get("unpublish_date")
    return (not start or parse_date(start, TZ) <= now) and (not end or now < parse_date(end, TZ))


def test_taxonomy_facets_count_the_visible_pages_that_carry_each_value(content):
    headers = _headers()
    data = search(content, q="", per_page=1)  # every visible page
    expected = {name: Counter() for name in ("category", "tag", "author")}
    shown = search(content, q="", per_page=100)["total"]
    for path, header in headers.items():
        if _listed(headers, path):
            for name, counter in expected.items():
                counter.update({v: 1 for v in _values(header, name)})
    assert shown == data["total"]
    for name, counter in expected.items():
        got = {f["value"]: f["count"] for f in data["facets"][name]}
        assert got == dict(counter), name
        assert got, f"{name}: no values counted"
    # most frequent first
    counts = [f["count"] for f in data["facets"]["tag"]]
    assert counts == sorted(counts, reverse=True)


def test_a_tag_filter_narrows_to_the_pages_carrying_it_and_its_count_matches(content):
    everything = search(content, q="", per_page=1)
    mri = next(f for f in everything["facets"]["tag"] if f["value"] == "mri")
    narrowed = search(content, q="", tag="mri", per_page=100)
    assert narrowed["total"] == mri["count"] > 0
    assert all("mri" in hit["tag"] for hit in narrowed["results"])
    # The chosen tag's facet still offers the other tags (with their own counts), to add to the choice.
    tags = {f["value"]: f["count"] for f in narrowed["facets"]["tag"]}
    assert tags["mri"] == mri["count"] and len(tags) > 3
    # Other facets count the narrowed hits only.
    assert sum(f["count"] for f in narrowed["facets"]["lang"]) == narrowed["total"]


def test_values_of_one_taxonomy_are_alternatives_and_taxonomies_must_all_hold(content):
    mri = search(content, q="", tag="mri", per_page=100)["total"]
    flu = search(content, q="", tag="flu", per_page=100)["total"]
    either = search(content, q="", tag=["mri", "flu"], per_page=100)
    assert either["total"] == mri + flu  # no post carries both
    both_ways = search(content, q="", tag="mri", category="news", per_page=100)
    assert 0 < both_ways["total"] <= mri
    assert all("news" in h["category"] and "mri" in h["tag"] for h in both_ways["results"])
    assert search(content, q="", tag="mri", category="events")["total"] == 0
    # any case
    assert search(content, q="", tag="MRI", per_page=100)["total"] == mri


def test_a_taxonomy_the_site_declares_is_a_facet_and_a_filter(content):
    data = search(content, q="", per_page=1)
    authors = {f["value"]: f["count"] for f in data["facets"]["author"]}
    assert authors == {"Aigerim Nurlanova": 6, "Dmitry Sokolov": 3}
    hits = search(content, q="", taxonomy="author:Aigerim Nurlanova", per_page=100)["results"]
    assert len(hits) == 6 and all(h["taxonomy"]["author"] == ["Aigerim Nurlanova"] for h in hits)
    assert {h["taxonomy"]["tag"][-1] for h in hits} == {"mri"}


def test_taxonomy_filters_apply_to_word_searches_and_respect_visibility(content):
    hits = search(content, q="МРТ", tag="mri", per_page=100)["results"]
    assert hits and all("mri" in h["tag"] for h in hits)
    headers = _headers()
    assert all(_listed(headers, h["path"]) for h in search(content, q="", tag="vaccination", per_page=100)["results"])


@pytest.mark.parametrize(
    "params",
    [
        {"taxonomy": "author"},
        {"taxonomy": ":x"},
        {"taxonomy": "no such:name:x"},
        {"tag": "x" * 201},
        {"tag": [f"t{i}" for i in range(21)]},
        {"collapse": "stories"},
    ],
)
def test_bad_taxonomy_and_collapse_parameters_are_400s_that_say_why(content, params):
    r = content.get("/api/search", query_string=params)
    assert r.status_code == 400
    assert r.get_json()["status"] == 400 and len(r.get_json()["error"]) > 20


def test_hits_carry_their_picture_section_and_taxonomy(content):
    hits = search(content, q="МРТ 3 Тесла", lang="ru")["results"]
    hit = next(h for h in hits if "3-tesla" in h["path"])
    assert hit["image"] == {
        "url": "/user/pages/02.news/43.2025-02-18-new-3-tesla-mri/2025-02-18-1.jpg",
        "alt": "Кабинет с аппаратом МРТ 3 Тесла",
    }
    assert hit["section"] == "Новости"
    assert hit["taxonomy"] == {"category": ["news"], "tag": ["equipment", "mri"], "author": ["Aigerim Nurlanova"]}
    donor = next(h for h in search(content, q="donor day", lang="en")["results"] if "/04.2018" in h["path"])
    assert donor["image"]["url"].endswith("/04.2018-06-14-world-blood-donor-day/donor-day.jpg")  # header_image


def test_every_picture_names_a_file_in_its_pages_folder(content):
    hits = search(content, q="", per_page=100)["results"] + search(content, q="", per_page=100, page=2)["results"]
    pictured = [h for h in hits if h["image"]]
    assert len(pictured) >= 15
    for hit in pictured:
        url = hit["image"]["url"]
        assert url.startswith("/user/pages/"), url
        file = CONTENT / "user" / "pages" / url.removeprefix("/user/pages/")
        assert file.is_file() and file.parent == (PAGES / hit["path"]).parent, url
        assert hit["image"]["alt"]
    unpictured = [h for h in hits if not h["image"]]
    assert unpictured and all(h["image"] is None for h in unpictured)


def test_top_level_pages_have_no_section(content):
    hit = next(h for h in search(content, q="", per_page=100)["results"] if h["path"].count("/") == 1)
    assert hit["section"] is None


def test_collapse_gives_one_hit_per_story_in_the_visitors_language(content):
    every = search(content, q="МРТ", per_page=100)
    collapsed = search(content, q="МРТ", prefer_lang="en", collapse="translations", per_page=100)
    folders = {h["folder"] if "folder" in h else h["path"].rsplit("/", 1)[0] for h in every["results"]}
    stories = [h["path"].rsplit("/", 1)[0] for h in collapsed["results"]]
    assert len(stories) == len(set(stories)) == collapsed["total"] == len(folders)
    assert every["total"] > collapsed["total"]
    for hit in collapsed["results"]:
        siblings = {p.name.split(".")[-2] for p in (PAGES / hit["path"]).parent.glob("*.md")}
        if "en" in siblings:
            assert hit["lang"] == "en", hit["path"]
        assert set(hit["translations"]) == siblings - {hit["lang"]} or not hit["translations"]
    assert sum(f["count"] for f in collapsed["facets"]["lang"]) == collapsed["total"]
    # The second page continues where the first stopped, never repeating a story.
    first = search(content, q="", prefer_lang="kk", collapse="translations", per_page=5)
    second = search(content, q="", prefer_lang="kk", collapse="translations", per_page=5, page=2)
    seen = [h["path"].rsplit("/", 1)[0] for h in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 10


def test_collapse_needs_the_visitors_language_and_leaves_a_language_filter_alone(content):
    def paths(data):
        return [h["path"] for h in data["results"]]

    plain = search(content, q="МРТ", lang="ru", per_page=100)
    kept = search(content, q="МРТ", lang="ru", prefer_lang="ru", collapse="translations", per_page=100)
    assert paths(kept) == paths(plain) and kept["total"] == plain["total"]
    without = search(content, q="МРТ", collapse="translations", per_page=100)
    assert paths(without) == paths(search(content, q="МРТ", per_page=100))


def test_among_comparably_relevant_posts_the_newer_comes_first(content_index):
    fading = create_app({"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": ""}).test_client()
    flat = create_app(
        {"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": "", "RECENCY_WEIGHT": 0}
    ).test_client()
    # Two posts on a new MRI scanner, 2019 and 2025: as relevant as each other to "MRI scanner".
    newer, older = "43.2025-02-18-new-3-tesla-mri", "10.2019-07-22-new-mri-scanner"
    order = [h["path"].split("/")[1] for h in search(fading, q="new MRI scanner", lang="en")["results"]]
    assert order.index(newer) < order.index(older)
    flat_scores = {h["path"].split("/")[1]: h["score"] for h in search(flat, q="new MRI scanner", lang="en")["results"]}
    faded = {h["path"].split("/")[1]: h["score"] for h in search(fading, q="new MRI scanner", lang="en")["results"]}
    assert faded[older] < flat_scores[older]  # age took some of the older post's relevance
    assert faded[newer] / flat_scores[newer] > faded[older] / flat_scores[older]


def test_section_pages_do_not_age(content_index, tmp_path):
    # A page dated by its file (contacts) is weighed as the average post among the hits, whatever its
    # file's time: every such page of one answer keeps the same share of its relevance.
    fading = create_app({"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": ""}).test_client()
    flat = create_app(
        {"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": "", "RECENCY_WEIGHT": 0}
    ).test_client()
    faded = {h["path"]: h["score"] for h in search(fading, q="центр", lang="ru", per_page=100)["results"]}
    same = {h["path"]: h["score"] for h in search(flat, q="центр", lang="ru", per_page=100)["results"]}
    headers = _headers()
    undated = [p for p in faded if "date" not in headers[p]]
    dated = [p for p in faded if "date" in headers[p]]
    assert len(undated) >= 3 and len(dated) >= 3
    # (a page named by the query, ranked first on its own, is left as it is; scores are rounded to 0.001)
    shares = [faded[p] / same[p] for p in undated if faded[p] != same[p]]
    assert len(shares) >= 3 and max(shares) - min(shares) < 1e-3
    dated_shares = [faded[p] / same[p] for p in dated]
    assert min(dated_shares) < shares[0] < max(dated_shares)


def test_bad_recency_settings_stop_the_app_with_what_to_fix(content_index):
    with pytest.raises(ValueError, match="weight"):
        create_app({"INDEX": str(content_index), "RECENCY_WEIGHT": 1.5})


def test_the_real_archive_without_taxonomy_or_pictures_answers_no_empty_values(client):
    data = search(client, q="гематология", lang="ru", per_page=50)
    for name in ("category", "tag"):
        assert all(f["value"].strip() and f["count"] > 0 for f in data["facets"][name])
    for hit in data["results"]:
        assert all(values and all(v.strip() for v in values) for values in hit["taxonomy"].values())
        assert hit["image"] is None  # the archive has no media files, and no header names a URL
        assert hit["section"] is None or hit["section"].strip()
        assert hit["link"].startswith(hit["url"]) and not re.search(r"\s", hit["link"])
    assert CORPUS.is_dir()


# -- the search page ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_client(content_index):
    return create_app(
        {"INDEX": str(content_index), "TESTING": True, "RATE_LIMIT": "", "SITE_URL": "https://clinic.example"}
    ).test_client()


def html_of(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_the_page_offers_taxonomy_facets_and_a_chosen_value_narrows_and_can_be_removed(page_client):
    html = html_of(page_client, "/search?q=МРТ&lang=ru")
    assert "<h2>Рубрика</h2>" in html and "<h2>Метка</h2>" in html and "<h2>Автор</h2>" in html
    mri = re.search(r'<a href="([^"]*tag=mri[^"]*)">mri</a> <span class="count">(\d+)</span>', html)
    assert mri, "the tag facet offers mri"
    narrowed = html_of(page_client, mri[1].replace("&amp;", "&"))
    hits = re.findall(r'<li class="hit', narrowed)
    assert len(hits) == int(mri[2])
    assert '<strong aria-current="true">mri</strong>' in narrowed
    remove = re.search(r'<a class="remove" href="([^"]+)" aria-label="[^"]+ mri">', narrowed)
    assert "tag=" not in remove[1]


def test_more_than_eight_values_fold_under_more(page_client):
    html = html_of(page_client, "/search?q=&year=&tag=&category=&lang=en&sort=date&from=2000-01-01")
    tags = html.split("<h2>Tag</h2>", 1)[1].split("</section>", 1)[0]
    shown = tags.split("<details", 1)[0].count("<li>")
    assert shown == 8 and '<details class="more"><summary>' in tags


def test_result_cards_show_the_picture_from_the_site_with_its_size_and_alt(page_client):
    html = html_of(page_client, "/search?q=МРТ+3+Тесла&lang=ru")
    img = re.search(r'<img class="picture" src="([^"]+)" alt="([^"]+)" width="160" height="100" loading="lazy"', html)
    assert img and img[1] == "https://clinic.example/user/pages/02.news/43.2025-02-18-new-3-tesla-mri/2025-02-18-1.jpg"
    assert img[2] == "Кабинет с аппаратом МРТ 3 Тесла"
    assert '<span class="section">Новости</span>' in html


def test_a_long_pages_matching_sections_are_sub_results_linked_to_their_headings(page_client):
    html = html_of(page_client, "/search?q=контрастное+вещество&lang=ru")
    parts = html.split('<ul class="parts"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', parts)
    assert links and links[0][1] == "Контрастное вещество"
    url = unquote(links[0][0])
    assert url.startswith("https://clinic.example/ru/patients/mri-preparation#контрастное-вещество:~:text=")
    assert "<mark>" in parts


def test_section_pages_show_no_file_date(page_client):
    html = html_of(page_client, "/search?q=контакты&lang=ru")
    card = html.split('<li class="hit', 2)[1]
    assert "contacts" in card and "<time" not in card


def test_the_real_archive_looks_finished_without_taxonomy_or_pictures(client):
    html = client.get("/search?q=гематология&lang=ru").get_data(as_text=True)
    assert "<h2>Метка</h2>" not in html  # no page of these hits has a tag: no empty facet
    for section in html.split('<section class="taxonomy">')[1:]:
        assert "<li>" in section.split("</section>", 1)[0]
    assert '<p class="chips"></p>' not in html and "<img" not in html
