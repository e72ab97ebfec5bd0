"""kill -9 at random moments of a full rebuild: the index served is always the complete old one or the
complete new one, and the next run needs no manual step."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from search import store
from search.service import SearchRequest, SearchService
from tests.conftest import CONTENT
from tests.live import REPO

pytestmark = pytest.mark.slow
RUNS = 50


def leftovers(root) -> list[int]:
    """Return the live processes whose command line names the index folder ``root``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if str(root).encode() in f.read():
                        with open(f"/proc/{entry}/stat") as s:
                            if s.read().rsplit(")", 1)[1].split()[0] != "Z":
                                found.append(int(entry))
            except OSError:
                pass
    return found


def test_kill_9_during_full_rebuilds(tmp_path, record_property):
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    extra = site / "user" / "pages" / "03.about" / "99.extra" / "default.ru.md"
    root = tmp_path / "index"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "web.cli", "index", "--rebuild", "--content", str(site), "--index", str(root)]
    started = time.monotonic()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    # Kills land from just after the start to a little past a whole rebuild's time on this machine, so that some
    # come before the switch and some after it, whatever the machine's speed.
    whole = time.monotonic() - started

    def count() -> int:
        return SearchService(root).document_count()

    rng = random.Random(20261127)
    outcomes = {"old": 0, "new": 0}
    for run in range(RUNS):
        with_extra = run % 2 == 0
        if with_extra:
            extra.parent.mkdir(exist_ok=True)
            extra.write_text("---\ntitle: Extra\n---\nДополнительная страница.\n", encoding="utf-8")
        else:
            shutil.rmtree(extra.parent, ignore_errors=True)
        before = count()
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.3 * whole))
        proc.send_signal(signal.SIGKILL)
        proc.wait()

        assert store.exists(root), f"run {run}: no index served"
        assert store.verify(root) == [], f"run {run}: {store.verify(root)}"
        after = count()  # the versions alternate, so the old and the new index differ by one page
        assert after in (before, before + 1 if with_extra else before - 1), (run, before, after)
        outcomes["old" if after == before else "new"] += 1
        assert SearchService(root).search(SearchRequest(q="клиника")).total > 0

    # no writer process outlives the killed command (a parallel build's forked writers die with it)
    deadline = time.monotonic() + 5
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftovers(root) == []

    # the next run completes with no manual step, and nothing is left over
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    assert store.verify(root) == [] and not [p for p in root.iterdir() if p.name.endswith(".tmp")]
    record_property("kill9_outcomes", outcomes)
    print(f"{RUNS} kill -9 runs: {outcomes}")
    assert outcomes["new"] > 0 and outcomes["old"] > 0  # the kills landed both before and after the switch
