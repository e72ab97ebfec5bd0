"""`poisk serve --watch` on a copy of the real archive: edits, deletions and a git-pull-sized change
become searchable within seconds, and searches never fail during a full rebuild and switch."""

import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import CORPUS
from tests.live import REPO, LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(CORPUS, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


@pytest.fixture
def server(site, tmp_path):
    with LiveServer(site, tmp_path / "index", "--watch") as live:
        live.wait_ready()
        yield live


def news_files(site, lang="ru"):
    return sorted((site / "user" / "pages" / "02.news").glob(f"*/item.{lang}.md"))


def test_edit_and_delete_are_searchable_within_two_seconds(server, site, record_property):
    post = news_files(site)[5]
    assert server.total("квазиградиентный") == 0
    post.write_text(post.read_text(encoding="utf-8") + "\nКвазиградиентный метод.\n", encoding="utf-8")
    seconds = server.wait_for(lambda: server.total("квазиградиентный") == 1, timeout=2)
    record_property("edit_to_searchable_s", round(seconds, 2))
    print(f"edit searchable after {seconds:.2f} s")

    post.unlink()
    seconds = server.wait_for(lambda: server.total("квазиградиентный") == 0, timeout=2)
    record_property("delete_to_gone_s", round(seconds, 2))
    print(f"deletion gone after {seconds:.2f} s")


def test_a_git_pull_of_300_files_is_one_update_within_ten_seconds(server, site, record_property):
    files = news_files(site, "ru") + news_files(site, "kk") + news_files(site, "en")
    files = files[:300]
    assert len(files) >= 200
    _, before = server.get("/healthz")
    runs_before = before["indexer"]["runs"]
    for n, path in enumerate(files):  # like git: each file rewritten, all within a moment
        # a word shared by a third of the files, and a mark of its own (so no two copies stay identical)
        path.write_text(path.read_text(encoding="utf-8") + f"\nгиперболоид{n % 3} отметка{n}\n", encoding="utf-8")
    seconds = server.wait_for(
        lambda: server.total("гиперболоид0 OR гиперболоид1 OR гиперболоид2") == len(files), timeout=10
    )
    record_property("pull_300_to_searchable_s", round(seconds, 2))
    print(f"{len(files)} changed files searchable after {seconds:.2f} s")
    time.sleep(0.5)
    _, after = server.get("/healthz")
    assert after["indexer"]["runs"] - runs_before <= 2, after  # coalesced, not hundreds of runs


def test_folder_move_and_editor_leftovers(server, site):
    folder = news_files(site)[3].parent
    word = "мегалобластный"
    (folder / "item.ru.md").write_text(
        (folder / "item.ru.md").read_text(encoding="utf-8") + f"\n{word}\n", encoding="utf-8"
    )
    server.wait_for(lambda: server.total(word) == 1, timeout=3)
    _, data = server.get("/api/search", q=word)
    old_url = data["results"][0]["url"]

    moved = folder.parent / "99.2030-01-01-moved-folder"
    folder.rename(moved)
    server.wait_for(lambda: server.get("/api/search", q=word)[1]["results"][0]["url"] != old_url, timeout=3)
    assert server.get("/api/search", q=word)[1]["results"][0]["url"] == "/ru/news/2030-01-01-moved-folder"

    for name in ("item.ru.md~", ".#item.ru.md", ".item.ru.md.swp"):
        (moved / name).write_text(f"---\ntitle: x\n---\nзебровидный {name}\n", encoding="utf-8")
    time.sleep(1.0)
    assert server.total("зебровидный", correct="0") == 0  # no correction to some other word

    shutil.rmtree(moved)
    server.wait_for(lambda: server.total(word) == 0, timeout=3)


def test_searches_never_fail_during_full_rebuilds(server, site, tmp_path, record_property):
    errors, zero, done = [], [], []
    stop = threading.Event()

    def client():
        for _ in range(200):
            try:
                status, data = server.get("/api/search", q="гематология")
                if status != 200:
                    errors.append(status)
                elif data["total"] == 0:
                    zero.append(1)
            except Exception as exc:
                errors.append(repr(exc))
        done.append(1)

    def rebuild_loop():
        runs = 0
        while not stop.is_set():
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "web.cli",
                    "index",
                    "--rebuild",
                    "--content",
                    str(site),
                    "--index",
                    str(tmp_path / "index"),
                ],
                cwd=REPO,
                check=True,
                capture_output=True,
            )
            runs += 1
        record_property("rebuilds_during_searches", runs)

    rebuilder = threading.Thread(target=rebuild_loop)
    rebuilder.start()
    clients = [threading.Thread(target=client) for _ in range(5)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    stop.set()
    rebuilder.join()
    print(f"1000 searches during rebuilds: {len(errors)} errors, {len(zero)} with no hits")
    assert errors == [] and zero == []
