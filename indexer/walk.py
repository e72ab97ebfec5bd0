"""Find the page files of a site, and nothing outside it."""

import os
from collections.abc import Iterator
from pathlib import Path


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
