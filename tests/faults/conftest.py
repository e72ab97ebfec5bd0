"""Faults made real: a small tmpfs that fills up, an index folder the service may not write, damaged
index files, concurrent processes. Each test replays a fault a site owner met and asserts the recovery."""

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import CONTENT
from tests.live import REPO

PAGES = Path("user") / "pages"


def can_mount() -> bool:
    """Whether this machine lets the tests mount a tmpfs (root with CAP_SYS_ADMIN, as in CI)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    with tempfile.TemporaryDirectory() as probe:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], capture_output=True).returncode:
            return False
        subprocess.run(["umount", probe], check=True)
    return True


MOUNTABLE = can_mount()
needs_mount = pytest.mark.skipif(not MOUNTABLE, reason="mounting a tmpfs needs root with CAP_SYS_ADMIN")
# Root passes every permission check: the service is run without the capabilities that let it.
UNPRIVILEGED = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")
needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="dropping root's permission overrides needs root and setpriv",
)


class SmallDisk:
    """A tmpfs of ``size_mb`` megabytes at ``path``, which :meth:`fill` fills and :meth:`free` frees."""

    def __init__(self, path: Path, size_mb: int):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(self.path)], check=True)
        self.filler = self.path / "filler"

    def fill(self) -> None:
        """Write zeros until the disk is full (ENOSPC)."""
        # Unbuffered: a buffered file keeps what did not fit and raises ENOSPC again when closed.
        with open(self.filler, "ab", buffering=0) as f:
            for size in (1 << 16, 4096, 512, 1):  # big blocks, then the last partial ones
                try:
                    while True:
                        f.write(b"\0" * size)
                except OSError:
                    pass

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@contextmanager
def small_disk(path: Path, size_mb: int = 40):
    disk = SmallDisk(path, size_mb)
    try:
        yield disk
    finally:
        disk.unmount()


@pytest.fixture
def site(tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(CONTENT, copy)
    return copy


def edit(site: Path, word: str, page: str = "03.about/default.ru.md") -> None:
    """Append ``word`` to a page of the site (an editor saving it)."""
    path = site / PAGES / page
    path.write_text(path.read_text(encoding="utf-8") + f"\n{word}\n", encoding="utf-8")


def poisk(*args: str, prefix: tuple = (), timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the ``poisk`` command line as a site owner would."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "web.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """Assert that a command failed with exactly one ``poisk:`` line and no traceback; return that line."""
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("poisk: ")]
    assert len(errors) == 1 and errors == lines[-1:], result.stderr
    return errors[0]
