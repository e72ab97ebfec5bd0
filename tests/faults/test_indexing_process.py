"""With `--workers`, the indexing process beside gunicorn's workers is started again if it ends (a crash,
the out-of-memory killer): edits keep being indexed with no restart of the service."""

import os
import signal

import pytest

from tests.faults.conftest import edit
from tests.live import LiveServer

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process tree from /proc")


def indexing_processes(parent: int) -> list[int]:
    """The `poisk watch` processes whose parent is ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    command = f.read().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z" and b"watch" in command and b"web.cli" in command:
                found.append(int(entry))
    return found


def test_a_killed_indexing_process_is_started_again(site, tmp_path):
    with LiveServer(site, tmp_path / "index", "--workers", "2", "--watch") as server:
        server.wait_ready()
        server.wait_for(lambda: len(indexing_processes(server.proc.pid)) == 1, timeout=10)
        [first] = indexing_processes(server.proc.pid)
        os.kill(first, signal.SIGKILL)
        server.wait_for(lambda: indexing_processes(server.proc.pid) not in ([], [first]), timeout=10)
        edit(site, "Барабулька")
        server.wait_for(lambda: server.total("барабулька", correct=0) == 1, timeout=10)
        assert "starting it again" in server.log.read_text()
