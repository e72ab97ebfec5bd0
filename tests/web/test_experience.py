"""What visitors expect of mature search: one hit per text, translations, suggestions."""

import re

SILK = "02.news/13.2019-07-22-silk-road-central-asia-hematology-forum/item.ru.md"
SILK_COPY = "02.news/14.2019-07-22-silk-road-central-asia-hematology-forum/item.ru.md"


def api(client, endpoint="/api/search", **params):
    r = client.get(endpoint, query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_byte_identical_copies_are_one_hit_listing_both_addresses(client):
    data = api(client, q="Silk Road", lang="ru")
    assert data["total"] == 1 and len(data["results"]) == 1
    hit = data["results"][0]
    addresses = {hit["path"], *(d["path"] for d in hit["duplicates"])}
    assert addresses == {SILK, SILK_COPY}
    assert sum(f["count"] for f in data["facets"]["year"]) == data["total"]


def test_collapsed_pages_do_not_overlap_or_come_short(client):
    first = api(client, q="гематология", lang="ru", per_page=7)
    second = api(client, q="гематология", lang="ru", per_page=7, page=2)
    assert len(first["results"]) == 7 and len(second["results"]) == 7
    texts = [h["path"] for h in first["results"] + second["results"]]
    dups = [d["path"] for h in first["results"] + second["results"] for d in h["duplicates"]]
    assert len(set(texts)) == 14 and not set(texts) & set(dups)


def test_every_hit_carries_its_translations(client):
    hit = api(client, q="Silk Road", lang="ru")["results"][0]
    assert hit["translations"] == {
        "en": "/en/news/2019-07-22-silk-road-central-asia-hematology-forum",
        "kk": "/kk/news/2019-07-22-silk-road-central-asia-hematology-forum",
    }


def test_translations_of_hidden_pages_are_not_shown(content_index):
    from web import create_app

    client = create_app({"INDEX": str(content_index), "RATE_LIMIT": ""}).test_client()
    for hit in api(client, q="клиника", per_page=50)["results"]:
        assert all("hyperbaric" not in u and "proton" not in u for u in hit["translations"].values())


def test_the_page_shows_also_in(client):
    html = client.get("/search?q=Silk+Road&lang=ru").get_data(as_text=True)
    assert "Также на языках:" in html
    assert 'href="/kk/news/2019-07-22-silk-road-central-asia-hematology-forum" lang="kk"' in html
    assert html.count('<li class="hit"') == 1


def test_suggestions_complete_the_last_word_commonest_first(client):
    import time

    client.get("/api/suggest?q=гемат")
    started = time.perf_counter()
    data = api(client, "/api/suggest", q="гемат")
    elapsed = time.perf_counter() - started
    assert data["query"] == "гемат"
    assert data["suggestions"] and all(s.startswith("гемат") for s in data["suggestions"])
    assert "гематологии" in data["suggestions"][:3]
    assert elapsed < 0.1
    two = api(client, "/api/suggest", q="костного моз")
    assert two["suggestions"] and all(s.startswith("костного моз") for s in two["suggestions"])
    assert all(s.startswith("hemat") for s in api(client, "/api/suggest", q="hemat")["suggestions"])


def test_suggestions_never_come_from_hidden_pages(content_index):
    from web import create_app

    client = create_app({"INDEX": str(content_index), "RATE_LIMIT": ""}).test_client()
    assert api(client, "/api/suggest", q="бароками")["suggestions"] == []  # only the draft has барокамера
    assert api(client, "/api/suggest", q="hyperb")["suggestions"] == []
    assert api(client, "/api/suggest", q="клини")["suggestions"]


def test_suggest_refuses_bad_parameters(client):
    assert client.get("/api/suggest?q=x&lang=de").status_code == 400
    assert client.get("/api/suggest?q=x&page=2").status_code == 400
    assert client.get("/api/suggest", query_string={"q": "я" * 300}).status_code == 400


def test_related_posts_are_similar_visible_and_distinct(client):
    data = api(client, "/api/related", path=SILK)
    related = data["related"]
    assert 1 <= len(related) <= 5
    paths = [r["path"] for r in related]
    assert SILK not in paths and SILK_COPY not in paths  # not itself, not its copy
    assert all(r["lang"] == "ru" for r in related)
    assert any("forum" in p or "symposium" in p or "eha" in p for p in paths)  # other meetings of hematologists


def test_related_refuses_unknown_or_hidden_pages(content_index):
    from web import create_app

    client = create_app({"INDEX": str(content_index), "RATE_LIMIT": ""}).test_client()
    assert client.get("/api/related?path=nope.md").status_code == 400
    draft = "02.news/45.2025-06-02-hyperbaric-chamber-plan/item.ru.md"
    assert client.get(f"/api/related?path={draft}").status_code == 400
    for r in api(client, "/api/related", path="02.news/10.2019-07-22-new-mri-scanner/item.ru.md")["related"]:
        assert "hyperbaric" not in r["path"] and "proton" not in r["path"]


def test_the_page_shows_related_posts_under_the_best_hit(client):
    html = client.get("/search?q=Silk+Road&lang=ru").get_data(as_text=True)
    assert "Похожие публикации:" in html


def test_the_page_offers_completions_when_nothing_is_found(client):
    html = client.get("/search", query_string={"q": "гематол", "lang": "ru", "correct": "0"}).get_data(as_text=True)
    assert "ничего не найдено" in html and "Попробуйте:" in html
    offered = re.findall(r">([^<]+)</a>", html.split("Попробуйте:", 1)[1].split("</p>", 1)[0])
    assert offered and all(o.startswith("гематол") for o in offered)


def test_pages_only_in_another_language_come_after_and_are_marked(client):
    # lms-home/page.md exists in no Russian version (a page without a language suffix: Kazakh, the default)
    strict = api(client, q="Home in LMS", lang="ru")
    assert all(h["lang"] == "ru" for h in strict["results"])
    mixed = api(client, q="Home in LMS", lang="ru", others=1, per_page=100)
    langs = [h["lang"] for h in mixed["results"]]
    assert "lms-home/page.md" in [h["path"] for h in mixed["results"]]
    first_other = langs.index("kk")
    assert all(lang == "ru" for lang in langs[:first_other]) and all(lang != "ru" for lang in langs[first_other:])
    html = client.get("/search", query_string={"q": "Home in LMS", "lang": "ru"}).get_data(as_text=True)
    assert "только на языке: Қазақша" in html
