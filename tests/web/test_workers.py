"""`poisk serve --workers 2`: gunicorn processes answer, the indexing runs in a process of its own,
edits become searchable in every worker, and stopping the service stops all of it."""

import json
import os
import shutil
import signal
import time

import pytest

from tests.conftest import CONTENT
from tests.live import LiveServer


def children(pid: int) -> set[int]:
    """Return the process ids whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def site(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(CONTENT, copy)
    return copy


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process tree from /proc")
def test_two_workers_answer_follow_edits_and_stop_together(site, tmp_path):
    with LiveServer(site, tmp_path / "index", "--workers", "2", "--watch") as server:
        server.wait_ready()
        assert server.total("вакцинация") > 0
        time.sleep(1)  # the workers and the watcher start
        processes = children(server.proc.pid)
        assert len(processes) == 3  # two gunicorn workers and the indexing process

        # Both workers answer (many requests reach both) and each sees an edit.
        post = next((site / "user" / "pages" / "02.news").glob("*/item.ru.md"))
        post.write_text(
            post.read_text(encoding="utf-8") + "\nКвазиградиентный метод описан подробно.\n", encoding="utf-8"
        )
        took = server.wait_for(lambda: all(server.total("квазиградиентный") == 1 for _ in range(10)), timeout=10)
        assert took < 5

        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(20)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in processes)


@pytest.mark.parametrize("args", [pytest.param((), id="waitress"), pytest.param(("--workers", "2"), id="workers")])
def test_no_visitor_waits_for_a_process_to_open_the_index(site, tmp_path, args):
    # Each server process opens the index and answers a search before it takes requests: the
    # first searches every process answers take as long as any later one (opening takes ~1 s).
    with LiveServer(site, tmp_path / "index", *args) as server:
        server.wait_ready()
        for word in ["вакцинация", "донор", "hematology", "клиника", "орталығы", "blood", "анализ", "қан"]:
            assert server.get("/api/search", q=word)[0] == 200
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        took = [line["ms"] for line in lines if line.get("endpoint") == "/api/search"]
        assert len(took) == 8
        assert max(took) < 400, f"server-side ms of the first searches: {took}"
