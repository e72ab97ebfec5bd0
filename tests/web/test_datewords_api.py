"""Date words in a query narrow the results by date."""


def test_date_words_filter_the_search(client):
    data = client.get("/api/search?q=июль+2019&lang=ru").get_json()
    assert data["total"] >= 1 and all(h["date"].startswith("2019-07") for h in data["results"])
    assert [f["value"] for f in data["facets"]["month"]] == ["2019-07"]
    kk = client.get("/api/search", query_string={"q": "шілде 2019", "lang": "kk"}).get_json()
    assert kk["total"] == data["total"]
