"""Analytics for editors: what visitors look for and do not find; private, token-protected."""

import sqlite3

import pytest

from web import create_app
from web.cli import main

TOKEN = "editor-token-for-tests"


@pytest.fixture
def app(corpus_index, tmp_path):
    return create_app(
        {
            "INDEX": str(corpus_index),
            "ANALYTICS": str(tmp_path / "a.sqlite3"),
            "ADMIN_TOKEN": TOKEN,
            "RATE_LIMIT": "",
            "TESTING": True,
        }
    )


def test_zero_result_queries_show_on_the_stats_page(app):
    client = app.test_client()
    client.get("/api/search?q=гематология&lang=ru")
    client.get("/api/search?q=zzqqxxnothing")
    client.get("/search?q=zzqqxxnothing")
    html = client.get("/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    zero = html.split("Запросы без результатов", 1)[1].split("</ol>", 1)[0]
    assert "«zzqqxxnothing» — 2" in zero and "гематология" not in zero
    assert "<svg" in html and "Частые запросы" in html


def test_the_stats_page_refuses_without_the_token(app, corpus_index):
    client = app.test_client()
    assert client.get("/admin/stats").status_code == 401
    assert client.get("/admin/stats", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(f"/admin/stats?token={TOKEN}").status_code == 200
    off = create_app({"INDEX": str(corpus_index), "RATE_LIMIT": ""}).test_client()
    assert off.get(f"/admin/stats?token={TOKEN}").status_code == 404


def test_clicks_count_towards_the_click_share(app):
    client = app.test_client()
    data = client.get("/api/search?q=Silk+Road&lang=ru").get_json()
    sid = data["search_id"]
    assert sid and client.get(f"/api/click?sid={sid}&rank=1").status_code == 204
    html = client.get("/search?q=Silk+Road&lang=ru").get_data(as_text=True)
    go = html.split('<h3><a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert go.startswith("/go?")
    r = client.get(go)
    # (to the page, scrolled to the snippet's words by a text fragment)
    assert r.status_code == 302 and r.headers["Location"].partition("#:~:text=")[0].endswith(
        "/ru/news/2019-07-22-silk-road-central-asia-hematology-forum"
    )
    report = app.extensions["poisk.analytics"].report()
    assert report["weeks"][-1]["searches"] == 2 and report["weeks"][-1]["click_share"] == 1.0


def test_go_is_no_open_redirect(app):
    client = app.test_client()
    assert client.get("/go?sid=nope&rank=1").status_code == 404
    sid = client.get("/api/search?q=Silk+Road&lang=ru").get_json()["search_id"]
    assert client.get(f"/go?sid={sid}&rank=99").status_code == 404


def test_no_addresses_or_cookies_are_kept_and_old_rows_go(app, tmp_path):
    client = app.test_client()
    r = client.get(
        "/api/search?q=тромбоз", environ_base={"REMOTE_ADDR": "203.0.113.5"}, headers={"User-Agent": "secret-agent"}
    )
    assert "Set-Cookie" not in r.headers
    db = sqlite3.connect(tmp_path / "a.sqlite3")
    dump = "\n".join(db.iterdump())
    assert "203.0.113.5" not in dump and "secret-agent" not in dump
    store = app.extensions["poisk.analytics"]
    store.clock = lambda: 10**10  # far in the future: past the retention period
    assert store.purge() >= 1
    assert db.execute("SELECT COUNT(*) FROM searches").fetchone()[0] == 0
    db.close()


def test_poisk_stats_prints_the_report(app, tmp_path, corpus_index, capsys, monkeypatch):
    app.test_client().get("/api/search?q=zzqqxxnothing")
    app.extensions["poisk.analytics"].flush()  # the service writes within FLUSH_SECONDS; another reader sees it then
    monkeypatch.setenv("POISK_ANALYTICS", str(tmp_path / "a.sqlite3"))
    assert main(["stats", "--index", str(corpus_index)]) == 0
    out = capsys.readouterr().out
    assert "queries with no results:" in out and "zzqqxxnothing" in out


def test_searches_reach_the_file_within_a_second_without_waiting_on_it(app, tmp_path):
    import sqlite3
    import time
    from contextlib import closing

    from web.analytics import FLUSH_SECONDS

    app.test_client().get("/api/search?q=вакцинация")
    path = app.extensions["poisk.analytics"].path
    deadline = time.monotonic() + FLUSH_SECONDS + 2
    rows = []
    while time.monotonic() < deadline and not rows:
        with closing(sqlite3.connect(path)) as db:
            rows = db.execute("SELECT query FROM searches").fetchall()
        time.sleep(0.05)
    assert rows == [("вакцинация",)]


def test_searches_go_to_the_file_at_the_path_after_it_was_replaced(tmp_path):
    from web.analytics import Analytics

    path = tmp_path / "a.sqlite3"
    store = Analytics(path)
    store.record_search("первый", "ru", 1, [])
    store.flush()
    path.rename(tmp_path / "old.sqlite3")  # an editor moves the file away; a fresh one takes its name
    Analytics(path)
    store.record_search("второй", "ru", 1, [])
    store.flush()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT query FROM searches").fetchall() == [("второй",)]
