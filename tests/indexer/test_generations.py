"""Crash safety of the index folder: atomic switches, leftovers, damage detection, one writer."""

import os
import shutil
import threading

import pytest

from indexer.lock import LockTimeout, writer_lock
from indexer.site import Site
from indexer.sync import reindex
from search import store
from search.service import SearchRequest, SearchService

CONTENT = __import__("pathlib").Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def site(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(CONTENT, copy)
    return copy


def served_count(root) -> int:
    return SearchService(root).document_count()


def test_full_rebuild_switches_generations_and_keeps_one_previous(site, tmp_path):
    root = tmp_path / "index"
    for _ in range(4):
        reindex(Site.load(site), root, rebuild=True)
    gens = sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))
    assert gens == ["gen-000003", "gen-000004"]
    assert store.current(root).name == "gen-000004"
    assert store.verify(root) == []


@pytest.mark.parametrize("step", ["fsync_tree", "replace_generation", "pointer", "after_pointer"])
def test_a_crash_at_any_step_of_the_switch_leaves_a_complete_index(site, tmp_path, monkeypatch, step):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    old = store.current(root)
    count = served_count(root)

    class Crash(Exception):
        pass

    real_replace, real_write_atomic = os.replace, store.write_atomic

    def crash(*args, **kwargs):
        raise Crash(step)

    if step == "fsync_tree":
        monkeypatch.setattr(store, "fsync_tree", crash)
    elif step == "replace_generation":
        monkeypatch.setattr(
            store.os,
            "replace",
            lambda a, b: crash() if str(a).endswith(".tmp") and "gen-" in str(a) else real_replace(a, b),
        )
    elif step == "pointer":
        monkeypatch.setattr(
            store, "write_atomic", lambda p, t: crash() if p.name == store.POINTER_FILE else real_write_atomic(p, t)
        )
    else:
        monkeypatch.setattr(store, "cleanup", crash)

    with pytest.raises(Crash):
        reindex(Site.load(site), root, rebuild=True)
    monkeypatch.undo()

    served = store.current(root)
    assert served is not None and store.verify(root) == []
    assert served == old or step == "after_pointer"
    assert served_count(root) == count
    # the next run needs no manual step and leaves no leftovers
    reindex(Site.load(site), root, rebuild=True)
    leftovers = [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == [] and store.verify(root) == []


def test_leftovers_are_cleaned(site, tmp_path):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    (root / "gen-000099.tmp").mkdir()
    (root / ".CURRENT-abc.tmp").write_text("x")
    gen = store.current(root)
    (gen / "_MAIN_1.toc.1690000000.5").write_text("half-written TOC")
    removed = store.cleanup(root)
    assert "gen-000099.tmp" in removed and ".CURRENT-abc.tmp" in removed
    assert not (gen / "_MAIN_1.toc.1690000000.5").exists()
    assert store.verify(root) == []


def _segment(gen):
    """Return the biggest file of a segment (its postings)."""
    return max((p for p in gen.iterdir() if p.name.startswith("MAIN_")), key=lambda p: p.stat().st_size)


def _toc(gen):
    return next(p for p in gen.iterdir() if p.name.startswith("_MAIN_") and p.name.endswith(".toc"))


@pytest.mark.parametrize(
    "damage",
    [
        ("truncated TOC", lambda gen: _toc(gen).write_bytes(_toc(gen).read_bytes()[:100])),
        ("empty TOC", lambda gen: _toc(gen).write_bytes(b"")),
        ("deleted segment", lambda gen: _segment(gen).unlink()),
        ("truncated segment", lambda gen: _segment(gen).write_bytes(_segment(gen).read_bytes()[:5000])),
        ("flipped bytes", lambda gen: _flip(_segment(gen))),
    ],
    ids=lambda d: d[0],
)
def test_damage_is_detected_and_a_rebuild_repairs_it(site, tmp_path, damage):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    count = served_count(root)
    damage[1](store.current(root))
    problems = store.verify(root)
    assert problems, "damage went unnoticed"
    assert str(tmp_path) not in " ".join(problems)  # messages name the generation, not the disk
    reindex(Site.load(site), root, rebuild=True)
    assert store.verify(root) == [] and served_count(root) == count


def _flip(path):
    data = bytearray(path.read_bytes())
    for i in range(1000, 1200):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_an_incremental_update_keeps_the_manifest_true(site, tmp_path):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    page = site / "user" / "pages" / "03.about" / "default.ru.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nбаракуда\n", encoding="utf-8")
    report = reindex(Site.load(site), root)
    assert report.indexed == 1 and not report.rebuilt
    assert store.verify(root) == []


def test_a_second_writer_waits_for_the_first(site, tmp_path):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    with writer_lock(root):
        with pytest.raises(LockTimeout, match="is writing the index at"):
            reindex(Site.load(site), root, lock_timeout=0.2)
        done = []
        waiter = threading.Thread(target=lambda: done.append(reindex(Site.load(site), root)))
        waiter.start()
        waiter.join(0.5)
        assert not done  # still waiting, no LockError
    waiter.join(10)
    assert done and not done[0].errors


def test_a_failed_commit_keeps_the_old_index_served(site, tmp_path, monkeypatch):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    count = served_count(root)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_manifest", disk_full)
    with pytest.raises(OSError, match="No space left"):
        reindex(Site.load(site), root, rebuild=True)
    monkeypatch.undo()
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]  # partial files removed
    assert served_count(root) == count and store.verify(root) == []


def test_file_handles_stay_bounded_over_many_refreshes(site, tmp_path):
    root = tmp_path / "index"
    reindex(Site.load(site), root)
    service = SearchService(root, refresh_interval=0)
    page = site / "user" / "pages" / "03.about" / "default.ru.md"
    text = page.read_text(encoding="utf-8")

    def open_files():
        return len(os.listdir("/proc/self/fd"))

    service.search(SearchRequest(q="клиника"))
    before = open_files()
    for n in range(30):
        page.write_text(text + f"\nслово{n}\n", encoding="utf-8")
        reindex(Site.load(site), root)
        assert service.search(SearchRequest(q=f"слово{n}", correct=False)).total == 1
    import gc

    gc.collect()
    assert open_files() - before < 15
