"""Checking an index never races a writer: while another process commits update after update, the
checks made by `poisk index` and by `poisk serve` at start (holding the writer lock) never judge the
live index damaged, so nothing is rebuilt, set aside or withdrawn, and searches never stop."""

import os
import subprocess
import sys
import textwrap
import time

from indexer.site import Site
from indexer.sync import reindex
from search.service import SearchRequest, SearchService
from tests.faults.conftest import poisk
from tests.live import REPO, LiveServer

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from indexer.site import Site
    from indexer.sync import reindex
    site, root, seconds = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    page = site / "user" / "pages" / "03.about" / "default.ru.md"
    text = page.read_text(encoding="utf-8")
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
        page.write_text(text + f"\\nправка{n}\\n", encoding="utf-8")
        reindex(Site.load(site), root)
        time.sleep(0.03)  # a moment between commits, in which a check can take the lock
    print(n)
""")


def writer(site, root, seconds: float) -> subprocess.Popen:
    """Another process committing one update after another."""
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(site), str(root), str(seconds)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )


def test_checks_never_judge_a_writers_index_damaged(site, tmp_path):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    service = SearchService(root, refresh_interval=0)
    proc = writer(site, root, 12)
    checks = 0
    try:
        while proc.poll() is None:
            report = reindex(Site.load(site), root, verify=True)  # what `poisk index` and a start-up do
            checks += 1
            assert report.damaged == [] and not report.rebuilt, report.damaged
            assert service.search(SearchRequest(q="клиника")).total > 0
    finally:
        out, _ = proc.communicate(timeout=30)
    commits = int(out)
    print(f"{checks} checks during {commits} commits of another process")
    assert checks >= 10 and commits >= 20
    assert not [p for p in root.iterdir() if p.name.startswith("damaged-")]


def test_serve_started_during_updates_never_withdraws_the_index(site, tmp_path):
    root = tmp_path / "index"
    assert poisk("index", "--content", str(site), "--index", str(root)).returncode == 0
    proc = writer(site, root, 15)
    starts = 0
    try:
        while proc.poll() is None and starts < 4:
            with LiveServer(site, root) as server:
                server.wait_ready(timeout=30)
                deadline = time.monotonic() + 1.5
                while time.monotonic() < deadline:  # it keeps answering while it checks and catches up
                    assert server.get("/api/search", q="клиника")[0] == 200
                starts += 1
            assert "damaged" not in server.log.read_text(), server.log.read_text()
    finally:
        proc.communicate(timeout=30)
    assert starts >= 3
    assert not [p for p in root.iterdir() if p.name.startswith("damaged-")]
