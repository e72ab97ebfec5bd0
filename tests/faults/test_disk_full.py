"""The index's disk fills up while `poisk serve --watch` runs: searches go on from the last good index,
/healthz and /metrics say why edits are not indexed, and once space is freed an edit is searchable
within seconds — no restart. `poisk index` on a full disk ends in one line naming the cause."""

import time

import pytest

from tests.faults.conftest import edit, needs_mount, one_line_error, poisk, small_disk
from tests.live import LiveServer

pytestmark = needs_mount


def metric(server: LiveServer, name: str) -> float:
    import urllib.request

    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_full_disk_is_reported_and_indexing_resumes_when_space_is_freed(site, tmp_path, workers):
    with (
        small_disk(tmp_path / "disk") as disk,
        LiveServer(site, disk.path / "index", "--watch", "--workers", workers) as server,
    ):
        server.wait_ready()
        assert server.total("клиника") > 0
        disk.fill()
        edit(site, "Барабулька")  # an editor saves a page: the update cannot be written

        def degraded():
            status, body = server.get("/healthz")
            return status == 503 and body["status"] == "degraded" and "no space left" in body["reason"]

        server.wait_for(degraded, timeout=10)
        _, body = server.get("/healthz")
        assert body["indexer"]["state"] == "failing"
        assert metric(server, "poisk_indexer_failing") == 1
        assert server.total("клиника") > 0  # searches are answered from the last good index meanwhile
        assert server.total("барабулька", correct=0) == 0
        time.sleep(2)  # the indexer keeps trying (and keeps failing) without dying
        assert degraded() and server.proc.poll() is None

        disk.free()
        took = server.wait_for(lambda: server.total("барабулька", correct=0) == 1, timeout=5)
        print(f"searchable {took:.2f} s after the space was freed")
        server.wait_for(lambda: server.get("/healthz")[0] == 200, timeout=5)
        assert metric(server, "poisk_indexer_failing") == 0

        edit(site, "Ставридка", "02.news/01.2018-02-12-new-ct-scanner/item.ru.md")  # and it goes on
        server.wait_for(lambda: server.total("ставридка", correct=0) == 1, timeout=5)


def test_poisk_index_on_a_full_disk_says_so_in_one_line(site, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        index = disk.path / "index"
        assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0
        disk.fill()
        edit(site, "Барабулька")
        update = poisk("index", "--content", str(site), "--index", str(index))
        line = one_line_error(update)
        assert "no space left on device" in line and str(index) in line, line

        # a full build (in several processes) on a full disk: the same, and nothing half-written is served
        rebuild = poisk("index", "--rebuild", "--content", str(site), "--index", str(index))
        line = one_line_error(rebuild)
        assert "no space left on device" in line, line
        assert poisk("search", "клиника", "--index", str(index)).returncode == 0

        disk.free()
        assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0
        found = poisk("search", "барабулька", "--index", str(index))
        assert found.stdout.startswith("1 results"), found
