"""POST /api/reindex: signed deploy hooks start a reindex in the background; bad ones do nothing."""

import json
import shutil
import time

import pytest

from indexer.site import Site
from indexer.sync import reindex
from tests.conftest import CONTENT
from web import create_app
from web.webhook import signature_of

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
