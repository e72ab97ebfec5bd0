"""URLs as Grav builds them from folders, slugs and the language prefix."""

import re
import unicodedata
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

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


def folder_of(site: Site, route_path: str, slug_of=None) -> tuple[str, bool]:
    """Return the folder (relative to the pages folder) that serves ``route_path``, and whether it exists.

    ``route_path`` is a page's route as Grav names it (``/news/some-post``), with or without a
    language prefix. A folder matches a segment by its ``slug:`` in any language (``slug_of(folder,
    lang)``) or by its name without the order prefix. When the page is gone (deleted, moved away),
    the deepest folder that still matches is returned with False: what was below it is looked at
    again. ``""`` is the pages folder itself.
    """
    parts = [p for p in PurePosixPath("/" + route_path.strip()).parts[1:] if p not in (".", "..")]
    if parts and parts[0] in site.languages:
        parts = parts[1:]
    home = [p for p in site.home_alias.strip("/").split("/") if p]
    tries = [home] if not parts else [parts] + ([home + parts] if site.hide_home_in_urls else [])
    best, best_depth = "", -1
    for segments in tries:
        folder, depth = _walk(site, segments, slug_of)
        if depth == len(segments):
            return folder, True
        if depth > best_depth:
            best, best_depth = folder, depth
    return best, False


def _walk(site: Site, segments: list[str], slug_of) -> tuple[str, int]:
    folder = ""
    for depth, segment in enumerate(segments):
        wanted = segment.lower() if site.force_lowercase_urls else segment
        directory = site.pages_dir / folder if folder else site.pages_dir
        try:
            children = sorted(d.name for d in directory.iterdir() if d.is_dir() and not d.name.startswith("."))
        except OSError:
            return folder, depth
        match = next((c for c in children if folder_slug(c, site.force_lowercase_urls) == wanted), None)
        if match is None and slug_of is not None:
            for child in children:
                rel = f"{folder}/{child}" if folder else child
                if any(slug_of(rel, lang) == segment for lang in site.languages or ("",)):
                    match = child
                    break
        if match is None:
            return folder, depth
        folder = f"{folder}/{match}" if folder else match
    return folder, len(segments)


def page_folder_resolver(content) -> Callable[[str], str | None]:
    """Return a function that finds the folder of a page named as visitors see it (its address, with or
    without the language prefix, or a full URL) or by its folder below the pages folder; None if none."""
    from indexer.headers import FolderHeaders

    state: dict = {}

    def resolve(ref: str) -> str | None:
        ref = ref.strip()
        if "\x00" in ref or len(ref) > 2048:
            return None
        if "://" in ref:
            ref = urlsplit(ref).path
        ref = unquote(ref.split("#")[0].split("?")[0])
        if "site" not in state:
            try:
                state["site"] = Site.load(content)
            except (OSError, ValueError):
                return None
        site = state["site"]
        direct = ref.strip("/")
        if direct and ".." not in direct.split("/") and (site.pages_dir / direct).is_dir():
            return direct
        folder, exists = folder_of(site, ref, FolderHeaders(site))
        return folder if exists else None

    return resolve
