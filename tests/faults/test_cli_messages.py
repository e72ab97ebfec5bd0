"""Expected faults at the command line end in one line that names the cause and the fix, with a
non-zero exit status; a writer that must wait says whom it waits for."""

import os
import subprocess
import sys
import time

from indexer.lock import writer_lock
from tests.faults.conftest import one_line_error, poisk
from tests.live import REPO


def test_a_folder_named_writer_lock_is_named_in_one_line(site, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    (index / "writer.lock").mkdir()
    line = one_line_error(poisk("index", "--content", str(site), "--index", str(index)))
    assert "writer.lock is a folder" in line and "remove it" in line, line
    os.rmdir(index / "writer.lock")
    assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0


def test_a_second_writer_says_whom_it_waits_for(site, tmp_path):
    index = tmp_path / "index"
    assert poisk("index", "--content", str(site), "--index", str(index)).returncode == 0
    with writer_lock(index):
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "index", "--content", str(site), "--index", str(index)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert proc.poll() is None  # it waits for the lock ...
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    waiting = [line for line in err.splitlines() if "waiting for" in line]
    assert len(waiting) == 1, err  # ... and said so once, naming this process
    assert f"waiting for process {os.getpid()} (" in waiting[0] and str(index) in waiting[0], waiting


def test_content_that_is_not_there_is_named(tmp_path):
    line = one_line_error(poisk("index", "--content", str(tmp_path / "nowhere"), "--index", str(tmp_path / "ix")))
    assert "content folder not found" in line and "--content" in line, line
