"""GET /api/search on the real archive: the JSON contract, filters, facets, paging, errors."""

import re

import pytest

SILK_ROAD = "02.news/13.2019-07-22-silk-road-central-asia-hematology-forum/item.ru.md"


def search(client, **params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/json"
    return r.get_json()


def test_contract_shape(client):
    data = search(client, q="гематология", lang="ru")
    assert list(data) == [
        "query",
        "total",
        "page",
        "per_page",
        "took_ms",
        "results",
        "facets",
        "corrected",
        "partial",
        "relaxed",
        "search_id",
    ]
    assert data["corrected"] is None and data["relaxed"] is None
    assert data["query"] == "гематология" and data["page"] == 1 and data["per_page"] == 10
    assert data["total"] > 10 and len(data["results"]) == 10
    hit = data["results"][0]
    for key in ("path", "url", "lang", "title", "snippet", "date", "score", "translations", "duplicates", "missing"):
        assert key in hit
    assert hit["missing"] is None
    assert hit["lang"] == "ru" and hit["url"].startswith("/ru")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", hit["date"])
    assert set(data["facets"]) == {"year", "month", "lang", "category", "tag"}


def test_silk_road_post_is_found_with_its_address(client):
    data = search(client, q="Silk Road", lang="ru")
    hit = next(h for h in data["results"] if h["path"] == SILK_ROAD)
    assert hit["url"] == "/ru/news/2019-07-22-silk-road-central-asia-hematology-forum"
    assert hit["title"] == "2019 <mark>Silk</mark> <mark>Road</mark> Central Asia Hematology Forum"
    assert hit["date"] == "2019-07-22T10:00:00+06:00"
    assert "<mark>Silk</mark>" in hit["snippet"]


def test_inflected_query_finds_other_forms(client):
    data = search(client, q="гематологии", lang="ru", per_page=100)
    snippets = " ".join(h["snippet"] for h in data["results"])
    assert "<mark>гематология</mark>" in snippets.lower() or "<mark>гематологию</mark>" in snippets.lower()


def test_year_facet_adds_up_to_total(client):
    for q in ("гематология", "Silk Road", "пациент", "hematology"):
        data = search(client, q=q)
        assert sum(f["count"] for f in data["facets"]["year"]) == data["total"]
        assert sum(f["count"] for f in data["facets"]["month"]) == data["total"]
        assert sum(f["count"] for f in data["facets"]["lang"]) == data["total"]


def test_lang_restricts_results(client):
    data = search(client, q="hematology", lang="en", per_page=50)
    assert data["results"] and {h["lang"] for h in data["results"]} == {"en"}
    assert [f["value"] for f in data["facets"]["lang"]] == ["en"]


def test_without_lang_every_language_is_searched(client):
    data = search(client, q="гематология", per_page=100)
    assert {f["value"] for f in data["facets"]["lang"]} >= {"ru", "kk"}


def test_year_and_month_filters(client):
    data = search(client, q="гематология", year=2019, per_page=100)
    assert data["total"] > 0 and all(h["date"].startswith("2019-") for h in data["results"])
    month = search(client, q="гематология", year=2019, month=7, per_page=100)
    assert month["total"] > 0 and all(h["date"].startswith("2019-07") for h in month["results"])
    same = search(client, q="гематология", month="2019-07", per_page=100)
    assert same["total"] == month["total"]


def test_date_range_filter_is_inclusive(client):
    data = search(client, q="Silk Road", **{"from": "2019-07-22", "to": "2019-07-22"})
    assert data["total"] > 0 and all(h["date"].startswith("2019-07-22") for h in data["results"])
    assert search(client, q="Silk Road", **{"from": "2019-07-23"})["total"] == 0


def test_sort_by_date_is_newest_first(client):
    data = search(client, q="гематология", sort="date", per_page=50)
    dates = [h["date"] for h in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_pages_do_not_overlap_and_cover_all(client):
    first = search(client, q="гематология", lang="ru", per_page=5, page=1)
    second = search(client, q="гематология", lang="ru", per_page=5, page=2)
    assert first["total"] == second["total"]
    paths1 = [(h["path"]) for h in first["results"]]
    paths2 = [(h["path"]) for h in second["results"]]
    assert len(paths2) == 5 and not set(paths1) & set(paths2)
    last_page = -(-first["total"] // 5)
    assert len(search(client, q="гематология", lang="ru", per_page=5, page=last_page)["results"]) >= 1
    assert search(client, q="гематология", lang="ru", per_page=5, page=last_page + 1)["results"] == []


def test_title_and_snippet_are_safe_html(client):
    data = search(client, q="гематология", per_page=100)
    for hit in data["results"]:
        for field in ("title", "snippet"):
            markup = re.findall(r"<[^>]*>", hit[field])
            assert set(markup) <= {"<mark>", "</mark>"}, (hit["path"], markup)


def test_unknown_word_finds_nothing(client):
    data = search(client, q="zxqvjkw")
    assert data["total"] == 0 and data["results"] == [] and data["facets"]["year"] == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x", "page": "abc"}, "page"),
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "page": "-1"}, "page"),
        ({"q": "x", "per_page": "1000000000"}, "per_page"),
        ({"q": "x", "lang": "de"}, "lang"),
        ({"q": "x", "sort": "random"}, "sort"),
        ({"q": "x", "year": "20x9"}, "year"),
        ({"q": "x", "month": "13"}, "month"),
        ({"q": "x", "month": "2019-13"}, "month"),
        ({"q": "x", "from": "yesterday"}, "from"),
        ({"q": "x", "from": "2020-01-02", "to": "2020-01-01"}, "from"),
        ({"q": "x", "colour": "red"}, "colour"),
        ({"q": "я" * 300}, "too long"),
    ],
)
def test_bad_parameters_get_400_with_one_error_shape(client, params, message):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 400
    body = r.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 400
    assert message in body["error"]


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.get_json()["status"] == 404


def test_healthz_counts_documents(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json()["status"] == "ok" and r.get_json()["documents"] == 340


def test_missing_index_is_503_without_paths(tmp_path):
    from web import create_app

    missing = tmp_path / "no-index-here"
    client = create_app({"INDEX": str(missing), "TESTING": True}).test_client()
    for url in ("/api/search?q=x", "/healthz", "/search?q=x"):
        r = client.get(url)
        assert r.status_code == 503
        assert str(tmp_path) not in r.get_data(as_text=True)
        assert "Traceback" not in r.get_data(as_text=True)
    assert "error" in client.get("/api/search?q=x").get_json()
