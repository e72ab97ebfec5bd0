"""What a page's neighbours say of it: its ancestors' slugs (for its URL), its section's title and,
for a section page, its sub-pages' titles (for what the visitor sees around it).

Grav shows a page inside its section (breadcrumbs, menus) and a section page as the list of its
sub-pages: «Контакты Астана» is a page of «Филиалы», and the «Contracts» page holds the three
«Public Offer Agreement» pages. That context is indexed with the page's words (never shown in
its snippet), so a visitor who names the section finds its pages and the section itself.
"""

import os
from pathlib import Path

from indexer.errors import ContentError
from indexer.frontmatter_yaml import split_page
from indexer.language import suffix_language
from indexer.pages import decode
from indexer.site import Site
from indexer.walk import files_in

# A section listing more sub-pages than this is an archive (news), not a menu of named pages.
MAX_LISTED = 12


class FolderHeaders:
    """The headers of the pages around the ones being indexed, each folder and language read once per run."""

    def __init__(self, site: Site):
        self.site = site
        self._cache: dict[tuple[str, str], dict | None] = {}
        self._children: dict[str, list[str]] = {}

    def __call__(self, folder: str, lang: str) -> str | None:
        """Return the ``slug:`` of the page in ``folder`` (in ``lang``), or None."""
        slug = (self._header(folder, lang) or {}).get("slug")
        return str(slug).strip().strip("/") if slug else None

    def title(self, folder: str, lang: str, listed: bool = False) -> str | None:
        """Return the title of the page in ``folder`` (None if none; with ``listed``, None unless it is public)."""
        header = self._header(folder, lang)
        if not header:
            return None
        if listed and (
            header.get("published") is False
            or header.get("routable") is False
            or header.get("publish_date")
            or header.get("unpublish_date")
        ):
            return None  # a draft or scheduled page's title must not make its section findable
        title = header.get("title")
        return " ".join(str(title).split()) if isinstance(title, (str, int, float)) and str(title).strip() else None

    def context(self, folder: str, lang: str) -> str:
        """Return the section's title and, for a section of a few pages, the sub-pages' titles."""
        lines = []
        parent = folder.rpartition("/")[0]
        if parent and (title := self.title(parent, lang)):
            lines.append(title)
        children = self._sub_pages(folder)
        if len(children) <= MAX_LISTED:
            lines += [t for child in children if (t := self.title(child, lang, listed=True))]
        return "\n".join(lines)

    def _sub_pages(self, folder: str) -> list[str]:
        """Return the sub-page folders of ``folder`` in order, or any MAX_LISTED + 1 of them when it has more
        (an archive's folder holds hundreds of thousands: they are neither all listed nor sorted)."""
        if folder not in self._children:
            directory = self.site.pages_dir / folder if folder else self.site.pages_dir
            found = []
            try:
                with os.scandir(directory) as entries:
                    for entry in entries:
                        if not entry.name.startswith((".", "_")) and entry.is_dir():
                            found.append(entry.name)
                            if len(found) > MAX_LISTED:
                                break
            except OSError:
                found = []
            self._children[folder] = [f"{folder}/{name}" if folder else name for name in sorted(found)]
        return self._children[folder]

    def _header(self, folder: str, lang: str) -> dict | None:
        key = (folder, lang)
        if key not in self._cache:
            self._cache[key] = _read_header(self.site.pages_dir / folder, lang)
        return self._cache[key]


def _read_header(directory: Path, lang: str) -> dict | None:
    files = [directory / name for name in files_in(directory) if name.endswith(".md")]
    candidates = [p for p in files if suffix_language(p.name) == lang] + [
        p for p in files if suffix_language(p.name) is None
    ]
    for path in candidates[:1]:
        try:
            header, _ = split_page(decode(path.read_bytes(), path.name))
        except (OSError, ContentError, ValueError):
            return None
        return dict(header) if isinstance(header, dict) else None
    return None
