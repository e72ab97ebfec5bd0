"""Find the page files of a site, and nothing outside it."""

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

# The file names of the folders listed last (see files_in), each with its folder's modification time.
FOLDERS_KEPT = 256
STABLE_NS = 2_000_000_000
_listed: OrderedDict[str, tuple[tuple, tuple[str, ...]]] = OrderedDict()
_listed_lock = threading.Lock()


def is_page_file(name: str) -> bool:
    """Return whether a file name is a page (``*.md``) and not an editor's leftover."""
    return (
        name.endswith(".md")
        and not name.startswith((".", "#", "~"))  # .#lock, .hidden, #autosave#
        and not name.endswith((".swp", ".swx", "~"))
    )


def page_files(pages_dir: Path, root: Path | None = None) -> Iterator[Path]:
    """Yield the page files under ``pages_dir`` in a stable order.

    Hidden folders are skipped; symbolic links are followed only when they point inside the
    pages folder (``root``, by default ``pages_dir``), and folder links never (so a link loop
    cannot trap the walk).
    """
    root = Path(root or pages_dir).resolve()
    start = Path(pages_dir).resolve()
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not is_page_file(name):
                continue
            path = Path(dirpath, name)
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue
                if not target.is_relative_to(root) or not target.is_file():
                    continue
            yield path


def files_in(folder: Path) -> tuple[str, ...]:
    """Return the names of the files in ``folder`` (not of its sub-folders), sorted; none when it
    cannot be read.

    A folder is listed again only when its own modification time changed (a file added, removed
    or renamed in it): a news section's folder holds a folder per post, 333,334 at a million
    pages, and a save read its list three times (its page files, their header, a picture) for
    0.8 s of the 0.9 s it took. A list is kept only of a folder left unchanged for a while
    (``STABLE_NS``): a change within the clock's tick of the one before would leave the same time.
    """
    key = os.fspath(folder)
    try:
        st = os.stat(key)
    except OSError:
        return ()
    mtime = (st.st_dev, st.st_ino, st.st_mtime_ns)  # (a folder swapped in keeps no list of the old one)
    with _listed_lock:
        found = _listed.get(key)
        if found is not None and found[0] == mtime:
            _listed.move_to_end(key)
            return found[1]
    try:
        with os.scandir(key) as entries:
            names = tuple(sorted(e.name for e in entries if _is_file(e)))
    except OSError:
        return ()
    if time.time_ns() - st.st_mtime_ns < STABLE_NS:
        return names
    with _listed_lock:
        _listed[key] = (mtime, names)
        _listed.move_to_end(key)
        while len(_listed) > FOLDERS_KEPT:
            _listed.popitem(last=False)
    return names


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
