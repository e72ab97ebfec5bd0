"""The watcher follows the pages folder itself: deleted and restored, swapped by a deploy
(``mv pages pages.old; mv pages.new pages``), a symbolic link re-pointed to another release, and
``user/config`` replaced. Live cases run a real ``poisk serve --watch`` and look through the API."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from indexer.watch import Watcher
from tests.conftest import CONTENT
from tests.live import LiveServer

pytestmark = pytest.mark.slow

WITHIN = 5.0  # seconds for a change to be searchable


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    for path in dst.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return dst


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{text}\n", encoding="utf-8")


def _news(pages: Path, n: int) -> Path:
    """The English file of the n-th news item (by folder name), as a path relative to ``pages``."""
    folders = sorted(p for p in (pages / "02.news").iterdir() if (p / "item.en.md").is_file())
    return (folders[n] / "item.en.md").relative_to(pages)


def _healthy(server: LiveServer) -> dict:
    status, body = server.get("/healthz")
    assert status == 200 and body["status"] == "ok", body
    assert body["indexer"].get("state") != "failing", body
    return body


@pytest.fixture
def site(tmp_path):
    return _copy(CONTENT, tmp_path / "site")


def _serve(site: Path, tmp_path: Path) -> LiveServer:
    server = LiveServer(site, tmp_path / "index", "--watch")
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


# -- a real `poisk serve --watch` ------------------------------------------------------------


def test_pages_deleted_then_restored_are_followed(site, tmp_path):
    pages = site / "user" / "pages"
    original = _copy(pages, tmp_path / "pages-backup")
    first, second = _news(pages, 2), _news(pages, 7)
    with _serve(site, tmp_path) as server:
        kept = server.total("mission", correct=0)
        assert kept > 0

        shutil.rmtree(pages)

        def says_missing():
            status, body = server.get("/healthz")
            return status == 503 and body["status"] == "degraded" and "pages folder" in body["reason"]

        server.wait_for(says_missing, timeout=WITHIN)  # /healthz says why nothing is indexed
        assert server.total("mission", correct=0) == kept  # the index keeps what it has meanwhile

        _append(original / first, "Vorpalnix restored.")
        shutil.copytree(original, pages)
        seconds = server.wait_for(lambda: server.total("vorpalnix", correct=0) == 1, timeout=WITHIN)
        print(f"restored pages searchable after {seconds:.2f} s")

        _append(pages / second, "Quillotrope later.")  # the restored folder is watched too
        server.wait_for(lambda: server.total("quillotrope", correct=0) == 1, timeout=WITHIN)
        assert server.total("mission", correct=0) == kept
        _healthy(server)


def test_deploy_swap_is_followed(site, tmp_path):
    user = site / "user"
    changed, removed, later = _news(user / "pages", 1), _news(user / "pages", 4), _news(user / "pages", 9)
    _append(user / "pages" / removed, "Brillgrove farewell.")
    with _serve(site, tmp_path) as server:
        assert server.total("brillgrove", correct=0) == 1
        documents = _healthy(server)["documents"]

        new = _copy(user / "pages", user / "pages.new")
        _append(new / changed, "Snarkwhistle deployed.")
        (new / removed).unlink()
        os.rename(user / "pages", user / "pages.old")
        os.rename(new, user / "pages")

        seconds = server.wait_for(
            lambda: server.total("snarkwhistle", correct=0) == 1 and server.total("brillgrove", correct=0) == 0,
            timeout=WITHIN,
        )
        print(f"swapped-in pages searchable after {seconds:.2f} s")
        assert _healthy(server)["documents"] == documents - 1

        _append(user / "pages" / later, "Tumtumtree fresh.")  # the new tree is watched
        server.wait_for(lambda: server.total("tumtumtree", correct=0) == 1, timeout=WITHIN)

        _append(user / "pages.old" / changed, "Jabberwold stale.")  # the old tree is not the site any more
        time.sleep(1.5)
        assert server.total("jabberwold", correct=0) == 0
        assert server.total("snarkwhistle", correct=0) == 1
        _healthy(server)


def test_pages_symlink_repointed_is_followed(site, tmp_path):
    pages = site / "user" / "pages"
    releases = tmp_path / "releases"
    releases.mkdir()
    shutil.move(pages, releases / "1")
    pages.symlink_to(releases / "1", target_is_directory=True)
    item = _news(releases / "1", 3)
    with _serve(site, tmp_path) as server:
        assert server.total("mimsyborogove", correct=0) == 0
        _copy(releases / "1", releases / "2")
        _append(releases / "2" / item, "Mimsyborogove released.")
        link = site / "user" / "pages.tmp"
        link.symlink_to(releases / "2", target_is_directory=True)  # ln -sfn releases/2 pages.tmp
        os.replace(link, pages)  # mv -T pages.tmp pages
        seconds = server.wait_for(lambda: server.total("mimsyborogove", correct=0) == 1, timeout=WITHIN)
        print(f"re-pointed release searchable after {seconds:.2f} s")

        _append(releases / "2" / _news(releases / "2", 6), "Outgribing edit.")  # the new release is watched
        server.wait_for(lambda: server.total("outgribing", correct=0) == 1, timeout=WITHIN)
        _healthy(server)


# -- the Watcher alone, with a reindexer that records what it is asked ---------------------


class Recorder:
    def __init__(self):
        self.calls: list[tuple[float, set[str] | None]] = []
        self._lock = threading.Lock()

    def request(self, paths=None, **_):
        with self._lock:
            self.calls.append((time.monotonic(), None if paths is None else set(paths)))

    def asked(self) -> list:
        with self._lock:
            return [paths for _, paths in self.calls]


def _small_site(root: Path) -> Path:
    (root / "user" / "config").mkdir(parents=True)
    (root / "user" / "config" / "system.yaml").write_text("languages:\n  supported: [en]\n", encoding="utf-8")
    for n in range(3):
        folder = root / "user" / "pages" / f"0{n}.page{n}"
        folder.mkdir(parents=True)
        (folder / "default.en.md").write_text(f"---\ntitle: Page {n}\n---\nText {n}\n", encoding="utf-8")
    return root


def _until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def watched(tmp_path):
    site = _small_site(tmp_path / "site")
    recorder = Recorder()
    watcher = Watcher(site, site / "user" / "pages", recorder, debounce=0.3).start()
    try:
        yield site / "user", watcher, recorder
    finally:
        watcher.stop()


def test_unit_swap_asks_for_one_reconciliation_after_the_debounce(watched):
    user, watcher, recorder = watched
    _copy(user / "pages", user / "pages.new")
    time.sleep(0.5)  # nothing asked for a folder beside the pages
    assert recorder.asked() == []

    swapped = time.monotonic()
    os.rename(user / "pages", user / "pages.old")
    os.rename(user / "pages.new", user / "pages")
    assert _until(lambda: recorder.calls, timeout=3), "no request after the swap"
    time.sleep(1.0)
    assert recorder.asked() == [None]
    assert recorder.calls[0][0] - swapped >= watcher.debounce

    _append(user / "pages.old" / "00.page0" / "default.en.md", "old")  # not followed any more
    _append(user / "pages" / "01.page1" / "default.en.md", "new")
    assert _until(lambda: len(recorder.calls) == 2, timeout=3)
    time.sleep(0.5)
    later = recorder.asked()[1:]
    assert len(later) == 1 and "01.page1/default.en.md" in later[0], later
    assert all(rel.startswith("01.page1") for rel in later[0]), later


def test_unit_missing_pages_hold_requests_until_they_are_back(watched, tmp_path):
    user, watcher, recorder = watched
    backup = _copy(user / "pages", tmp_path / "backup")
    assert watcher.missing is None

    shutil.rmtree(user / "pages")
    assert _until(lambda: watcher.missing == user / "pages", timeout=2)
    _append(backup / "02.page2" / "default.en.md", "meanwhile")
    time.sleep(1.5)
    # One run, which fails saying the folder is missing (so /healthz says so); the changes wait.
    assert recorder.asked() == [None]
    assert watcher.missing == user / "pages"

    back = time.monotonic()
    shutil.copytree(backup, user / "pages")
    assert _until(lambda: len(recorder.calls) == 2, timeout=3), "no request when the pages came back"
    time.sleep(1.0)
    assert recorder.asked() == [None, None]
    assert recorder.calls[1][0] - back >= watcher.debounce
    assert watcher.missing is None

    _append(user / "pages" / "02.page2" / "default.en.md", "edited")  # the restored folder is watched
    assert _until(lambda: len(recorder.calls) == 3, timeout=3), "an edit in the restored folder was not seen"
    assert "02.page2/default.en.md" in recorder.asked()[2]


def test_unit_pages_deleted_and_made_again_at_once_are_followed(watched, tmp_path):
    """``rm -rf pages`` and an immediate copy back: the new folder often gets the old one's inode
    (ext4 reuses it), so only the events on the folder's entry tell that it is another folder."""
    user, _, recorder = watched
    backup = _copy(user / "pages", tmp_path / "backup")
    shutil.rmtree(user / "pages")
    shutil.copytree(backup, user / "pages")
    assert _until(lambda: None in recorder.asked(), timeout=3), recorder.asked()
    time.sleep(0.5)
    asked = len(recorder.calls)
    _append(user / "pages" / "01.page1" / "default.en.md", "edited")
    assert _until(lambda: len(recorder.calls) > asked, timeout=3), "an edit in the new folder was not seen"
    assert "01.page1/default.en.md" in recorder.asked()[-1]


def test_unit_config_replaced_asks_for_everything(watched):
    user, _, recorder = watched
    new = _copy(user / "config", user / "config.new")
    (new / "system.yaml").write_text("languages:\n  supported: [en, kk]\n", encoding="utf-8")
    time.sleep(0.5)
    assert recorder.asked() == []
    os.rename(user / "config", user / "config.old")
    os.rename(new, user / "config")
    assert _until(lambda: recorder.calls, timeout=3)
    time.sleep(0.5)
    assert recorder.asked() == [None]

    (user / "config" / "site.yaml").write_text("title: x\n", encoding="utf-8")  # the new config is watched
    assert _until(lambda: len(recorder.calls) == 2, timeout=3)
    assert recorder.asked()[1] is None


def test_unit_a_watch_that_cannot_be_set_is_tried_again(watched, monkeypatch):
    """The new folder vanishing between the look and the watch (watchdog raises): tried at the next check."""
    user, watcher, recorder = watched
    schedule, refused = watcher._observer.schedule, []

    def flaky(handler, path, **kw):
        if Path(path).name == "pages" and not refused:
            refused.append(path)
            raise FileNotFoundError(2, "No such file or directory", path)
        return schedule(handler, path, **kw)

    monkeypatch.setattr(watcher._observer, "schedule", flaky)
    _copy(user / "pages", user / "pages.new")
    os.rename(user / "pages", user / "pages.old")
    os.rename(user / "pages.new", user / "pages")
    assert _until(lambda: None in recorder.asked(), timeout=3), recorder.asked()
    assert refused
    time.sleep(0.5)
    asked = len(recorder.calls)
    _append(user / "pages" / "02.page2" / "default.en.md", "edited")
    assert _until(lambda: len(recorder.calls) > asked, timeout=3), "the new folder is not watched"
    assert "02.page2/default.en.md" in recorder.asked()[-1]


def test_a_site_moved_or_a_release_re_pointed_is_updated_not_rebuilt(tmp_path):
    from indexer.site import Site
    from indexer.sync import reindex

    first = _copy(CONTENT, tmp_path / "one")
    reindex(Site.load(first), tmp_path / "index")
    second = _copy(CONTENT, tmp_path / "two")
    _append(second / "user" / "pages" / _news(second / "user" / "pages", 3), "Jabberwocky moved.")
    report = reindex(Site.load(second), tmp_path / "index")
    assert not report.rebuilt and report.indexed == 1
