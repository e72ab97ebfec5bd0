"""One Grav page file → one :class:`Page`: language, URL, dates, publish state, taxonomy and text."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from indexer import media, routes
from indexer.dates import parse_date
from indexer.errors import ContentError
from indexer.frontmatter_yaml import split_page
from indexer.language import language_of
from indexer.site import Site
from indexer.text import paragraphs, plain_title, read_body
from search import sections
from search.analysis import LANGUAGES

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 4 * 1024 * 1024

# Strings an editor may write for "no" (Grav itself would take any non-empty string as
# true; we fail closed so that a quoted 'false' never publishes a draft).
_FALSE_WORDS = frozenset({"false", "no", "off", "0", "n", ""})
_TRUE_WORDS = frozenset({"true", "yes", "on", "1", "y"})


@dataclass
class Page:
    """What the index needs to know of one page file."""

    path: str  # relative to the pages folder, with '/'
    folder: str
    lang: str
    lang_source: str
    url: str
    title: str
    date: datetime
    published: bool
    routable: bool
    publish_date: datetime | None
    unpublish_date: datetime | None
    summary: str
    body: str
    category: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    taxonomy: dict[str, list[str]] = field(default_factory=dict)  # every declared taxonomy's values
    dated: bool = False  # its header gives a date (a post); else it is dated by its file (a section page)
    image: str | None = None  # the URL path of its picture, as Grav serves page media
    image_alt: str = ""
    section: str = ""  # the title of the top-level page it sits under, in its language
    # A long page's parts: (heading, the heading's id on the page or "", plain text), else empty.
    parts: list[tuple[str, str, str]] = field(default_factory=list)
    mtime_ns: int = 0
    size: int = 0
    sha1: str = ""
    warnings: list[str] = field(default_factory=list)
    context: str = ""  # its section's title and its sub-pages' titles: searched, never shown


def decode(raw: bytes, path: str) -> str:
    """Return a page file's text; reject what is not UTF-8 text."""
    if b"\x00" in raw:
        raise ContentError(f"{path}: holds NUL bytes (a binary or UTF-16 file?): save it as UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not valid UTF-8 at byte {exc.start}: save it as UTF-8") from None
    text = text.removeprefix("\ufeff")  # a BOM would hide the header from the YAML reader
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Header keys that decide whether a page is shown: given twice, the page is hidden.
VISIBILITY_KEYS = frozenset({"published", "publish_date", "unpublish_date", "routable"})


def read_page(site: Site, file: Path, slug_of=None) -> Page:
    """Read one page file; raise :class:`ContentError` naming the file when it cannot be used.

    ``slug_of(folder_path, lang)`` returns the ``slug:`` of an ancestor page, for routes.
    """
    rel = file.relative_to(site.pages_dir).as_posix()
    stat = file.stat()
    if stat.st_size > MAX_FILE_BYTES:
        raise ContentError(f"{rel}: {stat.st_size // 1024} KB is larger than the {MAX_FILE_BYTES // 2**20} MB limit")
    raw = file.read_bytes()
    text = decode(raw, rel)
    try:
        header, markdown_source = split_page(text)
    except ValueError as exc:
        raise ContentError(f"{rel}: {exc}") from None

    tz = ZoneInfo(site.timezone)
    warnings: list[str] = []
    lang, lang_source = language_of(file, site.default_lang, markdown_source)
    if lang not in LANGUAGES:
        raise ContentError(f"{rel}: language {lang!r} has no analyser: Poisk indexes {', '.join(LANGUAGES)}")
    if site.languages and lang not in site.languages and lang_source == "suffix":
        raise ContentError(f"{rel}: language {lang!r} is not among the site's languages {list(site.languages)}")

    body, summary, images = read_body(markdown_source, site.summary_delimiter)
    markdown = header.get("markdown") if isinstance(header.get("markdown"), dict) else {}
    parts = _parts(markdown_source, bool(markdown.get("extra", site.markdown_extra)))

    folders = list(Path(rel).parent.parts)
    slugs = {}
    if slug_of is not None:
        for i in range(len(folders) - 1):
            s = slug_of("/".join(folders[: i + 1]), lang)
            if s:
                slugs[i] = s
    own_slug = header.get("slug")
    if folders and isinstance(own_slug, (str, int)) and str(own_slug).strip():
        slugs[len(folders) - 1] = str(own_slug).strip().strip("/")
    route = routes.route(site, folders, slugs) if folders else "/"

    published = _flag(header, "published", True, rel, warnings)
    routable = _flag(header, "routable", True, rel, warnings) and not any(routes.is_modular(f) for f in folders)
    for key, first, again in getattr(header, "duplicates", ()):
        if key in VISIBILITY_KEYS:  # which one the editor meant is not clear: fail closed
            published = False
            warnings.append(
                f"{rel}: {key} is given twice (lines {first} and {again}); the page stays hidden until "
                "one of them is removed"
            )
        else:
            warnings.append(f"{rel}: {key} is given twice (lines {first} and {again}); the second one is used")

    def when(key):
        if header.get(key) in (None, ""):
            return None
        try:
            return parse_date(header[key], tz)
        except ValueError as exc:
            warnings.append(f"{rel}: {key}: {exc}; the page stays unpublished until it is fixed")
            return False

    publish_date, unpublish_date, date = when("publish_date"), when("unpublish_date"), when("date")
    if False in (publish_date, unpublish_date, date):
        published = False
        publish_date = publish_date or None
        unpublish_date = unpublish_date or None
        date = date or None
    if not site.publish_dates:
        publish_date = unpublish_date = None
    dated = date is not None
    if date is None:
        # Grav dates a page without a date by its file's modification time.
        date = datetime.fromtimestamp(stat.st_mtime, tz)

    title = header.get("title")
    title = plain_title(str(title)) if title not in (None, "") else ""
    title = title or _title_from_folder(folders, file)
    taxonomy = header.get("taxonomy") if isinstance(header.get("taxonomy"), dict) else {}
    taxonomy = {name: values for name in site.taxonomies if (values := _terms(taxonomy.get(name)))}
    image, image_alt = media.picture(header, images, file.parent, site.pages_dir)

    for w in warnings:
        log.warning(w)
    return Page(
        path=rel,
        folder=Path(rel).parent.as_posix(),
        lang=lang,
        lang_source=lang_source,
        url=routes.url(site, route, lang),
        title=title,
        date=date,
        published=published,
        routable=routable,
        publish_date=publish_date,
        unpublish_date=unpublish_date,
        summary=summary,
        body=body,
        category=taxonomy.get("category", []),
        tag=taxonomy.get("tag", []),
        taxonomy=taxonomy,
        dated=dated,
        image=image,
        image_alt=image_alt or title,
        parts=parts,
        mtime_ns=stat.st_mtime_ns,
        size=stat.st_size,
        sha1=hashlib.sha1(raw).hexdigest(),
        warnings=warnings,
    )


def _parts(markdown_source: str, extra: bool) -> list[tuple[str, str, str]]:
    """Return the sections of a long page as (heading, its id, plain text); none for a short one."""
    found = sections.split(markdown_source, extra=extra)
    if not sections.long_page(found):
        return []
    return [(s.title, s.anchor, text) for s in found if s.title and (text := "\n".join(paragraphs(s.text)))]


def _flag(header: dict, key: str, default: bool, rel: str, warnings: list[str]) -> bool:
    if key not in header:
        return default
    value = header[key]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS:
        return True
    if isinstance(value, int) and value == 1:
        return True
    if not (isinstance(value, str) and value.strip().lower() in _FALSE_WORDS) and value != 0:
        warnings.append(f"{rel}: {key}: {value!r} is not true or false; taken as false")
    return False


def _terms(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [" ".join(str(v).split()).replace(",", " ") for v in value if v not in (None, "")]


def _title_from_folder(folders: list[str], file: Path) -> str:
    name = routes.folder_slug(folders[-1], lowercase=False) if folders else file.stem
    return name.replace("-", " ").replace("_", " ").strip().capitalize()
