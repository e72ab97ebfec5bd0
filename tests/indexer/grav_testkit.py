"""Small Grav sites built in tmp_path for the indexer tests, and reading an index back."""

import os
from pathlib import Path

import yaml

from indexer.site import Site
from indexer.sync import reindex
from search.doctable import iter_pages
from search.store import open_index

DEFAULT_SYSTEM = {
    "timezone": "Asia/Almaty",
    "force_lowercase_urls": True,
    "languages": {"supported": ["kk", "ru", "en"], "default_lang": "kk", "include_default_lang": True},
    "home": {"alias": "/home", "hide_in_urls": False},
    "pages": {"publish_dates": True},
}


def page_text(header: str | dict | None = None, body: str = "Some body text.\n") -> str:
    """Return the text of a Grav page: a YAML header (raw text or a mapping) between '---' lines, then the body."""
    if header is None:
        return body
    if isinstance(header, dict):
        header = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    if not header.endswith("\n"):
        header += "\n"
    return f"---\n{header}---\n{body}"


class GravSite:
    """A Grav site in a temporary folder: ``user/config/system.yaml`` and pages under ``user/pages``."""

    def __init__(self, root: Path, system: dict | None = None):
        self.root = root
        self.pages = root / "user" / "pages"
        self.pages.mkdir(parents=True, exist_ok=True)
        self.index_dir = root.parent / f"{root.name}-index"
        self._mtime_tick = 0
        if system is not None:
            self.write_system(system)

    def write_system(self, system: dict) -> None:
        config = self.root / "user" / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "system.yaml").write_text(yaml.safe_dump(system, sort_keys=False), encoding="utf-8")

    def write(self, rel: str, content: str | bytes, header=None) -> Path:
        """Write the page file ``rel`` (below user/pages); ``header`` given → ``content`` is the body."""
        path = self.pages / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if header is not None:
            content = page_text(header, content)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        # Give every write a distinct, later mtime so that change detection never depends on
        # the file system's timestamp resolution.
        self._mtime_tick += 1
        stamp = 1_700_000_000_000_000_000 + self._mtime_tick * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
        return path

    def path(self, rel: str) -> Path:
        return self.pages / rel

    def site(self) -> Site:
        return Site.load(self.root)

    def reindex(self, **kwargs):
        return reindex(self.site(), self.index_dir, **kwargs)

    def documents(self) -> dict[str, dict]:
        """Return the stored documents of the index, by path."""
        return read_documents(self.index_dir)


def read_documents(index_dir: Path) -> dict[str, dict]:
    ix = open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            return {doc["path"]: doc for _, doc in iter_pages(searcher.reader())}
    finally:
        ix.close()
