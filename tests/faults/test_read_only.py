"""The index folder stops being writable for the service's user (the service runs without root's
permission overrides, as an unprivileged user would): /healthz says so, searches go on, and once
the permission is back an edit is searchable within seconds — no restart."""

import stat

from tests.faults.conftest import UNPRIVILEGED, edit, needs_setpriv, one_line_error, poisk
from tests.live import LiveServer

pytestmark = needs_setpriv


def set_writable(index, writable: bool) -> None:
    """chmod the index folder and its generations (what an operator's wrong chown/chmod does)."""
    for folder in [index, *(p for p in index.iterdir() if p.is_dir())]:
        mode = folder.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        folder.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


def test_read_only_index_is_reported_and_indexing_resumes_when_writable(site, tmp_path):
    index = tmp_path / "index"
    assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0
    with LiveServer(site, index, "--watch", prefix=UNPRIVILEGED) as server:
        server.wait_ready()
        set_writable(index, False)
        edit(site, "Барабулька")

        def degraded():
            status, body = server.get("/healthz")
            return status == 503 and body["status"] == "degraded" and "not writable" in body["reason"]

        server.wait_for(degraded, timeout=10)
        assert server.total("клиника") > 0
        assert server.proc.poll() is None

        set_writable(index, True)
        took = server.wait_for(lambda: server.total("барабулька", correct=0) == 1, timeout=5)
        print(f"searchable {took:.2f} s after the permission came back")
        server.wait_for(lambda: server.get("/healthz")[0] == 200, timeout=5)


def test_poisk_index_on_a_read_only_index_says_so_in_one_line(site, tmp_path):
    index = tmp_path / "index"
    assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0
    set_writable(index, False)
    edit(site, "Барабулька")
    try:
        line = one_line_error(poisk("index", "--content", str(site), "--index", str(index), prefix=UNPRIVILEGED))
        assert "not writable" in line and str(index) in line, line
    finally:
        set_writable(index, True)
