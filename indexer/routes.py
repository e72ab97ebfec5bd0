"""URLs as Grav builds them from folders, slugs and the language prefix."""

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from indexer.site import Site

_ORDER_PREFIX = re.compile(r"^\d+\.")


def folder_slug(name: str, lowercase: bool = True) -> str:
    """Return the slug Grav gives a folder: its name without the numeric order prefix."""
    slug = _ORDER_PREFIX.sub("", unicodedata.normalize("NFC", name))
    return slug.lower() if lowercase else slug


def is_modular(folder: str) -> bool:
    """Return whether a folder holds a modular page part (``_name``), which has no URL of its own."""
    return folder.startswith("_")


def route(site: Site, folders: list[str], slugs: dict[int, str] | None = None) -> str:
    """Return a page's route from its folders below the pages folder.

    ``slugs`` maps a folder's position to the ``slug:`` set in that page's header.
    """
    slugs = slugs or {}
    parts = [slugs.get(i) or folder_slug(name, site.force_lowercase_urls) for i, name in enumerate(folders)]
    path = "/" + "/".join(parts)
    home = site.home_alias.rstrip("/") or "/home"
    if path == home:
        return "/"
    if site.hide_home_in_urls and path.startswith(home + "/"):
        return path[len(home) :]
    return path


def url(site: Site, route_path: str, lang: str) -> str:
    """Return the public URL of ``route_path`` in ``lang``, each segment percent-encoded."""
    segments = [quote(s, safe="-._~!$&'()*+,;=:@") for s in PurePosixPath(route_path).parts[1:]]
    if lang and (site.include_default_lang or lang != site.default_lang):
        segments.insert(0, quote(lang, safe=""))
    return "/" + "/".join(segments)
