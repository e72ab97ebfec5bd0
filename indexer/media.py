"""A page's picture for its result card: which image, and the URL Grav serves it at.

Grav keeps a page's media (images, documents) in the page's folder and serves each at
``/user/pages/<folder>/<file>`` — the URL its ``Medium::url()`` gives and the one a markdown
image ``![alt](file.jpg)`` in the page's text is rendered with. The picture is the first of:

1. the header's ``header_image``, ``image`` or ``hero_image``: a URL (``https://…``, ``//…`` or a
   path from the site's root) taken as given, or a file name that exists in the page's folder;
2. the first image of the text whose file exists in the page's folder (``![alt](file)`` or
   ``<img src="file">``; Grav's media actions after ``?`` are left out);
3. the first image file in the page's folder, by name.

A name whose file is not there gives no picture (never a broken link).
"""

from pathlib import Path
from urllib.parse import quote, unquote

from indexer.walk import files_in

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"})
_SUFFIXES = tuple(IMAGE_SUFFIXES)
HEADER_KEYS = ("header_image", "image", "hero_image")


def picture(header: dict, images: list[tuple[str, str]], folder: Path, pages_dir: Path) -> tuple[str | None, str]:
    """Return (the URL path of the page's picture, its alternative text), or (None, "") when it has none.

    ``images``: the (alternative text, source) of the images of the page's text, in order, as its
    rendered markdown has them (markdown images and HTML ``<img>`` alike).
    """
    for key in HEADER_KEYS:
        value = header.get(key)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if _is_url(value):
                return value, ""
            url = _media_url(value, folder, pages_dir)
            if url:
                return url, ""
    for alt, src in images:
        url = None if _is_url(src) else _media_url(src, folder, pages_dir)
        if url:
            return url, " ".join(alt.split())
    first = next((name for name in files_in(folder) if name.lower().endswith(_SUFFIXES)), None)
    if first:
        return _media_url(first, folder, pages_dir), ""
    return None, ""


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://", "//", "/"))


def _media_url(name: str, folder: Path, pages_dir: Path) -> str | None:
    """Return the URL Grav serves ``name`` of ``folder`` at, if it is an image file there (else None)."""
    name = unquote(name.split("?", 1)[0].split("#", 1)[0]).strip()
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None  # only the page's own media: not another folder's file
    path = folder / name
    if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
        return None
    try:
        relative = path.relative_to(pages_dir).as_posix()
    except ValueError:
        return None
    return "/user/pages/" + quote(relative)
