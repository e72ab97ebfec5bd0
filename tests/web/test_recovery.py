"""A damaged index found at start is rebuilt aside from content while /healthz says so; the damaged
copy is kept for inspection."""

import shutil

from indexer.site import Site
from indexer.sync import reindex
from indexer.walk import page_files
from search import store
from tests.conftest import CONTENT
from web import create_app, settings
from web.cli import _start_indexing


def test_damaged_index_is_rebuilt_while_healthz_says_so(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    segment = max(
        (p for p in store.current(root).iterdir() if p.name.startswith("MAIN_") and p.name.endswith(".pst")),
        key=lambda p: p.stat().st_size,
    )  # the postings
    segment.write_bytes(segment.read_bytes()[:2000])  # truncated

    config = settings.load({"CONTENT": str(site), "INDEX": str(root)}, environ={})
    reindexer, _watcher = _start_indexing(config, watch=False)
    try:
        client = create_app({**config, "REINDEXER": reindexer, "TESTING": True}).test_client()
        first = client.get("/healthz")
        if first.status_code == 503:  # the rebuild had not finished yet
            assert first.get_json()["status"] in ("degraded", "rebuilding", "unavailable")
            assert client.get("/api/search?q=клиника").status_code in (200, 503)
        assert reindexer.wait_idle(60)
        ok = client.get("/healthz")
        pages = len(list(page_files(Site.load(site).pages_dir)))
        assert ok.status_code == 200 and ok.get_json()["documents"] == pages
        assert ok.get_json()["indexer"]["state"] == "ok"
        assert client.get("/api/search?q=клиника").get_json()["total"] > 0
        assert store.verify(root) == []
        kept = [p for p in root.iterdir() if p.name.startswith("damaged-gen-000001-")]
        assert kept and (kept[0] / segment.name).stat().st_size == 2000  # moved aside as it was
    finally:
        reindexer.stop()


def test_changes_made_while_down_are_picked_up_at_start(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    page = site / "user" / "pages" / "03.about" / "default.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nserendipitous\n", encoding="utf-8")
    config = settings.load({"CONTENT": str(site), "INDEX": str(root)}, environ={})
    reindexer, _ = _start_indexing(config, watch=False)
    try:
        assert reindexer.wait_idle(30)
        client = create_app({**config, "REINDEXER": reindexer, "TESTING": True}).test_client()
        assert client.get("/api/search?q=serendipitous&correct=0").get_json()["total"] == 1
    finally:
        reindexer.stop()
