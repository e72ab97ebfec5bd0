"""Finding page files: editor leftovers and hidden folders ignored, nothing outside the pages folder read."""

import os
import time

from grav_testkit import page_text

from indexer.walk import files_in, page_files

PAGE = page_text("title: T", "Real page text.\n")


def walked(grav) -> list[str]:
    site = grav.site()
    return [p.relative_to(site.pages_dir).as_posix() for p in page_files(site.pages_dir)]


def test_editor_artefacts_and_hidden_folders_are_ignored(grav):
    grav.write("02.news/01.post/item.ru.md", PAGE)
    for leftover in (
        "02.news/01.post/item.ru.md~",
        "02.news/01.post/.#item.ru.md",
        "02.news/01.post/.item.ru.md.swp",
        "02.news/01.post/.item.ru.md.swx",
        "02.news/01.post/#item.ru.md#",
        "02.news/01.post/.hidden.md",
        "02.news/01.post/notes.txt",
        ".git/01.post/item.en.md",
        "02.news/.drafts/item.en.md",
    ):
        grav.write(leftover, PAGE)
    assert walked(grav) == ["02.news/01.post/item.ru.md"]
    report = grav.reindex()
    assert report.errors == [] and report.indexed == 1
    assert list(grav.documents()) == ["02.news/01.post/item.ru.md"]


def test_walk_order_is_stable(grav):
    for rel in ("02.b/item.en.md", "01.a/item.ru.md", "01.a/item.en.md", "03.c/01.d/item.kk.md"):
        grav.write(rel, PAGE)
    assert walked(grav) == ["01.a/item.en.md", "01.a/item.ru.md", "02.b/item.en.md", "03.c/01.d/item.kk.md"]


def test_symlinks_never_lead_outside_the_pages_folder(grav, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(page_text("title: Secret", "Outside secret text.\n"), encoding="utf-8")
    (outside / "sub").mkdir()
    (outside / "sub" / "item.en.md").write_text(page_text("title: Secret2", "Outside folder text.\n"))

    grav.write("01.post/item.en.md", PAGE)
    os.symlink(outside / "secret.md", grav.path("01.post/item.ru.md"))  # file link to outside
    os.symlink(outside / "secret.md", grav.path("01.post/item.kk.md"))
    os.symlink(outside / "sub", grav.path("02.linked-outside"))  # folder link to outside
    os.symlink("/etc", grav.path("03.etc"))
    os.symlink(grav.path("01.post/missing.md"), grav.path("01.post/dangling.md"))  # broken link

    assert walked(grav) == ["01.post/item.en.md"]
    report = grav.reindex()
    docs = grav.documents()
    assert list(docs) == ["01.post/item.en.md"]
    assert all("secret" not in d["body"].lower() and "outside" not in d["body"].lower() for d in docs.values())
    assert report.indexed == 1


def test_symlink_loop_ends_the_walk(grav):
    grav.write("01.post/item.en.md", PAGE)
    grav.write("01.post/02.child/item.en.md", PAGE)
    os.symlink("..", grav.path("01.post/02.child/loop"))  # folder link to its parent
    os.symlink(grav.pages, grav.path("01.post/root-loop"))
    a, b = grav.path("01.post/a.md"), grav.path("01.post/b.md")
    os.symlink(b, a)  # file links pointing at each other
    os.symlink(a, b)
    assert walked(grav) == ["01.post/item.en.md", "01.post/02.child/item.en.md"]
    report = grav.reindex()
    assert report.indexed == 2
    assert sorted(grav.documents()) == ["01.post/02.child/item.en.md", "01.post/item.en.md"]


def test_file_link_inside_the_pages_folder_is_followed(grav):
    grav.write("01.post/item.en.md", PAGE)
    os.symlink(grav.path("01.post/item.en.md"), grav.path("01.post/item.ru.md"))
    assert walked(grav) == ["01.post/item.en.md", "01.post/item.ru.md"]
    assert grav.reindex().errors == []
    assert grav.documents()["01.post/item.ru.md"]["lang"] == "ru"


def _aged(folder, seconds: float = 60.0) -> None:
    """Date the folder's last change ``seconds`` back (as a folder left alone that long)."""
    then = time.time() - seconds
    os.utime(folder, (then, then))


def test_a_folder_lists_its_files_sorted_not_its_sub_folders(tmp_path):
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "a.jpg").write_text("x")
    (tmp_path / "01.post").mkdir()
    assert files_in(tmp_path) == ("a.jpg", "b.md")
    assert files_in(tmp_path / "missing") == ()


def test_a_listed_folder_is_listed_again_when_a_file_comes_or_goes(tmp_path):
    (tmp_path / "item.md").write_text("x")
    _aged(tmp_path)
    assert files_in(tmp_path) == ("item.md",)
    (tmp_path / "photo.jpg").write_text("x")
    assert files_in(tmp_path) == ("item.md", "photo.jpg")
    _aged(tmp_path)
    (tmp_path / "item.md").unlink()
    assert files_in(tmp_path) == ("photo.jpg",)


def test_an_unchanged_folder_is_not_read_again(tmp_path, monkeypatch):
    (tmp_path / "item.md").write_text("x")
    _aged(tmp_path)
    files_in(tmp_path)
    scans = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: scans.append(path) or real(path))
    assert files_in(tmp_path) == ("item.md",)
    assert scans == []


def test_a_folder_changed_within_the_clock_tick_is_read_again(tmp_path):
    # A change may leave the folder's time as it was (the clock ticks every few milliseconds): a
    # folder changed moments before it is listed is never kept, so the change is not missed.
    (tmp_path / "item.md").write_text("x")
    before = os.stat(tmp_path).st_mtime_ns
    assert files_in(tmp_path) == ("item.md",)
    (tmp_path / "photo.jpg").write_text("x")
    os.utime(tmp_path, ns=(before, before))
    assert files_in(tmp_path) == ("item.md", "photo.jpg")


def test_a_folder_swapped_in_with_the_same_time_is_listed_anew(tmp_path):
    # A deploy that renames a new copy of a folder into place may keep the old one's time.
    folder, fresh = tmp_path / "section", tmp_path / "fresh"
    folder.mkdir()
    fresh.mkdir()
    (folder / "old.md").write_text("x")
    (fresh / "new.md").write_text("x")
    _aged(folder)
    then = os.stat(folder).st_mtime_ns
    os.utime(fresh, ns=(then, then))
    assert files_in(folder) == ("old.md",)
    folder.rename(tmp_path / "aside")
    fresh.rename(folder)
    assert os.stat(folder).st_mtime_ns == then
    assert files_in(folder) == ("new.md",)
