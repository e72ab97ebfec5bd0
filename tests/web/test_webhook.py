"""POST /api/reindex: signed deploy hooks start a reindex in the background; bad ones do nothing."""

import json
import shutil
import time

import pytest

from indexer.site import Site
from indexer.sync import reindex
from tests.conftest import CONTENT
from web import create_app
from web.webhook import grav_signature_of, signature_of

SECRET = "s3cr3t-for-tests"


class CountingReindexer:
    def __init__(self):
        self.requests = 0

    def request(self, paths=None, full=False):
        self.requests += 1

    def state(self):
        return {
            "runs": 0,
            "running": False,
            "pending": False,
            "last_run_at": None,
            "last_summary": None,
            "last_error": None,
        }


@pytest.fixture
def counting(corpus_index):
    reindexer = CountingReindexer()
    app = create_app({"INDEX": str(corpus_index), "REINDEX_SECRET": SECRET, "REINDEXER": reindexer, "TESTING": True})
    return app.test_client(), reindexer


def post(client, body: bytes, signature: str | None = None, **headers):
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post("/api/reindex", data=body, headers=headers, content_type="application/json")


def test_signed_call_is_accepted_and_runs_outside_the_request(counting):
    client, reindexer = counting
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    r = post(client, body, signature_of(SECRET, body))
    assert r.status_code == 202 and r.get_json()["status"] == "accepted"
    assert reindexer.requests == 1


@pytest.mark.parametrize(
    "signature, status", [(None, 401), ("sha256=" + "0" * 64, 403), ("sha1=abc", 403), ("garbage", 403)]
)
def test_missing_or_wrong_signature_is_refused_before_any_work(counting, signature, status):
    client, reindexer = counting
    r = post(client, b'{"ref": "main"}', signature)
    assert r.status_code == status and set(r.get_json()) == {"error", "status"}
    assert reindexer.requests == 0


def test_a_signature_of_another_body_is_refused(counting):
    client, reindexer = counting
    assert post(client, b'{"ref": "evil"}', signature_of(SECRET, b'{"ref": "main"}')).status_code == 403
    assert reindexer.requests == 0


def test_replayed_delivery_is_acknowledged_not_rerun(counting):
    client, reindexer = counting
    body = b'{"ref": "main"}'
    for _ in range(3):
        r = post(client, body, signature_of(SECRET, body), **{"X-GitHub-Delivery": "abc-123"})
        assert r.status_code == 202
    assert reindexer.requests == 1 and r.get_json()["status"] == "duplicate"


def test_too_large_or_wrong_type_is_refused(counting):
    client, reindexer = counting
    big = b"x" * (1024 * 1024 + 1)
    assert post(client, big, signature_of(SECRET, big)).status_code == 413
    r = client.post(
        "/api/reindex",
        data=b"<x/>",
        content_type="application/xml",
        headers={"X-Hub-Signature-256": signature_of(SECRET, b"<x/>")},
    )
    assert r.status_code == 400
    assert reindexer.requests == 0


def test_disabled_without_a_secret(corpus_index):
    client = create_app({"INDEX": str(corpus_index), "TESTING": True}).test_client()
    r = client.post("/api/reindex", data=b"{}", content_type="application/json")
    assert r.status_code == 404 and "POISK_REINDEX_SECRET" in r.get_json()["error"]


def test_secret_from_the_environment(corpus_index, monkeypatch):
    monkeypatch.setenv("POISK_REINDEX_SECRET", SECRET)
    reindexer = CountingReindexer()
    client = create_app({"INDEX": str(corpus_index), "REINDEXER": reindexer}).test_client()
    assert post(client, b"{}", signature_of(SECRET, b"{}")).status_code == 202


def test_a_hundred_calls_in_a_second_cause_at_most_two_runs(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    app = create_app({"INDEX": str(root), "CONTENT": str(site), "REINDEX_SECRET": SECRET, "TESTING": True})
    client = app.test_client()
    started = time.monotonic()
    for n in range(100):
        body = json.dumps({"n": n}).encode()
        r = post(client, body, signature_of(SECRET, body))
        assert r.status_code == 202
    elapsed = time.monotonic() - started
    reindexer = app.config["REINDEXER"]
    assert reindexer.wait_idle(30)
    print(f"100 calls in {elapsed:.2f} s → {reindexer.runs} reindex runs")
    assert elapsed < 1.5 and 1 <= reindexer.runs <= 2
    reindexer.stop()


# --- Grav 2.0's own webhooks: X-Grav-Signature (hex, no prefix), X-Grav-Event, routes in the body ---


class RecordingReindexer(CountingReindexer):
    def __init__(self):
        super().__init__()
        self.paths = []

    def request(self, paths=None, full=False):
        super().request(paths, full)
        self.paths.append(None if paths is None else sorted(paths))


def grav_post(client, payload: dict, secret: str = SECRET, event: str | None = None, **headers):
    body = json.dumps(payload).encode()
    headers["X-Grav-Signature"] = grav_signature_of(secret, body)
    headers["X-Grav-Event"] = event or payload.get("event", "")
    return client.post("/api/reindex", data=body, headers=headers, content_type="application/json")


@pytest.fixture
def recording(corpus_index):
    reindexer = RecordingReindexer()
    config = {"INDEX": str(corpus_index), "CONTENT": str(CONTENT), "REINDEX_SECRET": SECRET, "REINDEXER": reindexer}
    return create_app({**config, "TESTING": True}).test_client(), reindexer


def test_grav_page_event_updates_just_that_pages_folder(recording):
    client, reindexer = recording
    r = grav_post(client, {"event": "page.updated", "data": {"route": "/about", "lang": "ru"}})
    assert r.status_code == 202 and r.get_json()["status"] == "accepted"
    assert reindexer.paths == [["03.about"]]


def test_grav_route_with_a_language_prefix_and_a_nested_page(recording):
    client, reindexer = recording
    grav_post(client, {"event": "page.updated", "data": {"route": "/ru/news/2019-01-25-charity-concert-paediatrics"}})
    assert reindexer.paths == [["02.news/07.2019-01-25-charity-concert-paediatrics"]]


def test_grav_move_names_the_old_and_the_new_route(recording):
    client, reindexer = recording
    payload = {"event": "page.moved", "data": {"old_route": "/news/gone-away", "new_route": "/contacts"}}
    assert grav_post(client, payload).status_code == 202
    # the old page's folder is gone: its section is looked at again; the new one is read
    assert reindexer.paths == [["02.news", "04.contacts"]]


def test_grav_deleted_page_outside_any_section_looks_at_every_page(recording):
    client, reindexer = recording
    grav_post(client, {"event": "page.deleted", "data": {"route": "/no-such-page"}})
    assert reindexer.paths == [None]


def test_grav_non_page_events_are_acknowledged_and_ignored(recording):
    client, reindexer = recording
    r = grav_post(client, {"event": "user.updated", "data": {"username": "x"}})
    assert r.status_code == 202 and r.get_json()["status"] == "ignored"
    assert reindexer.requests == 0


@pytest.mark.parametrize("signature", ["0" * 64, "sha256=" + "0" * 64, ""])
def test_grav_wrong_signature_does_no_work(recording, signature):
    client, reindexer = recording
    body = json.dumps({"event": "page.updated", "data": {"route": "/about"}}).encode()
    headers = {"X-Grav-Signature": signature, "X-Grav-Event": "page.updated"} if signature else {}
    r = client.post("/api/reindex", data=body, headers=headers, content_type="application/json")
    assert r.status_code == (403 if signature else 401)
    assert reindexer.requests == 0


def test_grav_signature_with_another_secret_is_refused(recording):
    client, reindexer = recording
    r = grav_post(client, {"event": "page.updated", "data": {"route": "/about"}}, secret="another")
    assert r.status_code == 403 and reindexer.requests == 0


def test_grav_signed_body_that_is_not_json_is_refused(recording):
    client, reindexer = recording
    body = b"not json"
    headers = {"X-Grav-Signature": grav_signature_of(SECRET, body), "X-Grav-Event": "page.updated"}
    assert client.post("/api/reindex", data=body, headers=headers, content_type="application/json").status_code == 400
    assert reindexer.requests == 0


def test_grav_replayed_delivery_runs_once(recording):
    client, reindexer = recording
    payload = {"event": "page.updated", "data": {"route": "/about"}}
    for _ in range(3):
        grav_post(client, payload, **{"X-Grav-Delivery": "dlv_0123456789abcdef"})
    assert reindexer.requests == 1


def test_grav_page_updated_makes_new_words_searchable_within_two_seconds(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    app = create_app({"INDEX": str(root), "CONTENT": str(site), "REINDEX_SECRET": SECRET, "REFRESH_INTERVAL": 0.2})
    client = app.test_client()
    assert client.get("/api/search?q=барабулька&lang=ru").get_json()["total"] == 0
    page = site / "user/pages/03.about/default.ru.md"
    page.write_text(page.read_text() + "\nНовое слово барабулька.\n")
    started = time.monotonic()
    r = grav_post(
        client,
        {"event": "page.updated", "timestamp": "2026-12-06T10:00:00+00:00", "data": {"route": "/about", "lang": "ru"}},
    )
    assert r.status_code == 202
    found = 0
    while time.monotonic() - started < 5 and not found:
        found = client.get("/api/search?q=барабульки&lang=ru").get_json()["total"]
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    app.config["REINDEXER"].stop()
    assert found == 1 and elapsed < 2.0, elapsed
