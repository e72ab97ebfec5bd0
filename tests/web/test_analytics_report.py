"""After a scripted session of searches and clicks the stats show the counts, click-through, mean click
position, trending and badly ranked queries; a zero-result query comes with a fix that, applied, makes it match."""

import csv
import io
import json

import pytest

from tests.conftest import Clock, at
from web import create_app
from web.cli import main

TOKEN = "stats-token-123456"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(content_index, tmp_path):
    app = create_app(
        {
            "INDEX": str(content_index),
            "ANALYTICS": str(tmp_path / "a.sqlite3"),
            "LISTS": str(tmp_path / "lists"),
            "ADMIN_TOKEN": TOKEN,
            "RATE_LIMIT": "",
            "TESTING": True,
        }
    )
    store = app.extensions["poisk.analytics"]
    store.clock = Clock(at(2026, 12, 6, 12))
    return app


def search(client, q, clicks=(), lang="ru"):
    sid = client.get("/api/search", query_string={"q": q, "lang": lang}).get_json()["search_id"]
    for rank in clicks:
        assert client.get(f"/api/click?sid={sid}&rank={rank}").status_code == 204


def session(app):
    client = app.test_client()
    store = app.extensions["poisk.analytics"]
    store.clock.now = at(2026, 11, 20, 12)  # two weeks ago: «донор» was rare
    search(client, "донор", clicks=[1])
    store.clock.now = at(2026, 12, 6, 12)
    for clicks in ([1], [2], [], [1], []):  # «донор» this week: 5 searches, 3 clicked, positions 1, 2, 1
        search(client, "донор", clicks)
    for _ in range(4):  # «кардиология»: visitors open the 7th result
        search(client, "кардиология", clicks=[7])
    search(client, "кардиошкола")
    search(client, "кардиошкола")
    return client


def test_counts_click_through_and_positions(app):
    client = session(app)
    report = client.get("/admin/stats?format=json", headers=AUTH).get_json()
    by_query = {q["query"]: q for q in report["queries"]}
    donor = by_query["донор"]
    assert donor["searches"] == 6 and donor["clicks"] == 4
    assert donor["ctr"] == pytest.approx(4 / 6, abs=1e-3) and donor["mean_position"] == pytest.approx(5 / 4)
    cardio = by_query["кардиология"]
    assert cardio["ctr"] == 1.0 and cardio["mean_position"] == 7.0 and cardio["deep_share"] == 1.0
    assert [q["query"] for q in report["bad_ranking"]] == ["кардиология"]
    zero = {k: v for k, v in report["zero_results"][0].items() if k != "fix"}
    assert zero == {"query": "кардиошкола", "searches": 2, "lang": "ru"}
    trending = {t["query"]: t for t in report["trending"]}
    assert trending["донор"]["this_week"] == 5 and trending["донор"]["usual_week"] == 0.25


def test_the_zero_result_fix_applied_makes_the_query_match(app):
    client = session(app)
    fix = client.get("/admin/stats?format=json", headers=AUTH).get_json()["zero_results"][0]["fix"]
    assert fix["list"] == "synonyms" and fix["line"].startswith("кардиошкола | ")
    text = client.get("/admin/api/lists/synonyms", headers=AUTH).get_data(as_text=True)
    assert client.put("/admin/api/lists/synonyms", data=text + fix["line"] + "\n", headers=AUTH).status_code == 200
    assert client.get("/api/search?q=кардиошкола&lang=ru").get_json()["total"] == fix["matches"] > 0


def test_the_page_shows_the_sections_and_the_exports_agree(app):
    client = session(app)
    html = client.get("/admin/stats?lang=en", headers=AUTH).get_data(as_text=True)
    assert "Clicked far down" in html and "«кардиология» — mean position 7.0" in html
    assert "Trending this week" in html and "кардиошкола | " in html
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/stats?format=csv&table=queries", headers=AUTH).text)))
    assert {r["query"]: r["searches"] for r in rows}["донор"] == "6"
    r = client.get("/admin/stats?format=csv&table=zero_results", headers=AUTH)
    assert r.headers["Content-Disposition"] == 'attachment; filename="poisk-zero_results.csv"'
    assert "кардиошкола | " in r.text
    assert client.get("/admin/stats?format=csv&table=nope", headers=AUTH).status_code == 400
    assert client.get("/admin/stats?format=xml", headers=AUTH).status_code == 400


def test_poisk_stats_json_and_csv(app, tmp_path, content_index, capsys, monkeypatch):
    session(app)
    app.extensions["poisk.analytics"].flush()
    monkeypatch.setenv("POISK_ANALYTICS", str(tmp_path / "a.sqlite3"))
    assert main(["stats", "--index", str(content_index), "--weeks", "520"]) == 0
    out = capsys.readouterr().out
    assert "clicked below the fifth result" in out and "кардиология" in out
    assert main(["stats", "--index", str(content_index), "--weeks", "520", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["queries"][0]["query"] == "донор"
    assert main(["stats", "--index", str(content_index), "--weeks", "520", "--csv", "bad_ranking"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("кардиология,")


def test_an_injected_fix_suggester_is_asked_and_shown_everywhere(app):
    asked = []

    def suggest(query: str, lang: str | None) -> dict | None:
        asked.append((query, lang))
        return {"list": "synonyms", "line": f"{query} | кардиология", "matches": 7}

    app.extensions["poisk.fix_suggester"] = suggest
    client = session(app)
    fix = client.get("/admin/stats?format=json", headers=AUTH).get_json()["zero_results"][0]["fix"]
    assert fix == {"list": "synonyms", "line": "кардиошкола | кардиология", "matches": 7}
    assert asked == [("кардиошкола", "ru")]
    html = client.get("/admin/stats?lang=kk", headers=AUTH).get_data(as_text=True)
    assert "<code>кардиошкола | кардиология</code> → 7" in html
    rows = list(
        csv.DictReader(io.StringIO(client.get("/admin/stats?format=csv&table=zero_results", headers=AUTH).text))
    )
    assert rows == [{"query": "кардиошкола", "searches": "2", "lang": "ru", "fix": "кардиошкола | кардиология"}]
    assert asked == [("кардиошкола", "ru")]  # remembered while the lists and the index stay as they are


def test_a_suggester_without_a_list_shows_the_line_alone(app):
    app.extensions["poisk.fix_suggester"] = lambda query, lang: {"line": "try «кардиология»"}
    html = session(app).get("/admin/stats?lang=ru", headers=AUTH).get_data(as_text=True)
    assert "<code>try «кардиология»</code></span>" in html


def test_poisk_stats_reads_the_file_it_is_given(app, tmp_path, content_index, capsys, monkeypatch):
    session(app)
    app.extensions["poisk.analytics"].flush()
    monkeypatch.setenv("POISK_ANALYTICS", "")  # off in the settings: --analytics still reads a file
    args = ["stats", "--index", str(content_index), "--analytics", str(tmp_path / "a.sqlite3"), "--weeks", "520"]
    assert main([*args, "--csv", "queries"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["query"]: (r["searches"], r["clicks"]) for r in rows}["донор"] == ("6", "4")
    assert main(["stats", "--index", str(content_index)]) == 2
    assert "--analytics PATH" in capsys.readouterr().err
