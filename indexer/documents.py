"""A :class:`Page` → the fields of its index document."""

import hashlib

from indexer.pages import Page
from search.analysis import FAMILY_LANGUAGES
from search.schema import (
    CODE_FIELD,
    CROSS_FIELD,
    CROSS_TITLE_FIELD,
    FOREVER,
    SPELL_FIELD,
    body_field,
    family_field,
    taxonomy_value,
    title_field,
)


def same_text_key(page: Page) -> str:
    """Return a key shared by pages of one language whose title and text are the same, whitespace and case aside."""
    text = " ".join(f"{page.title}\n{page.body}".casefold().split())
    return page.lang + ":" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def context_sha(page: Page) -> str:
    """Return a digest of what the page's neighbours say of it (its context, its section's title, its
    picture among its folder's files), to tell when it changed."""
    around = "\0".join((page.context, page.section, page.image or "", page.image_alt))
    return hashlib.sha1(around.encode("utf-8")).hexdigest()[:16] if around.strip("\0") else ""


def to_document(page: Page) -> dict:
    """Return the Whoosh document of ``page``."""
    date = page.date
    text = f"{page.title}\n{page.body}"
    # The section's and sub-pages' titles are searched with the body (after it: phrases never
    # run across), but the stored body, shown in snippets, is the page's own.
    body = f"{page.body}\n\n{page.context}" if page.context else page.body
    levels = {CODE_FIELD: text, CROSS_FIELD: page.body, CROSS_TITLE_FIELD: page.title, SPELL_FIELD: text}
    if page.lang in FAMILY_LANGUAGES:
        levels[family_field(page.lang)] = f"{text}\n\n{page.context}" if page.context else text
    return {
        **levels,
        "path": page.path,
        "same_text": same_text_key(page),
        "lang": page.lang,
        "url": page.url,
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "date_iso": date.isoformat(timespec="seconds"),
        "date": int(date.timestamp()),
        "year": f"{date.year:04d}",
        "month": f"{date.year:04d}-{date.month:02d}",
        "published": page.published,
        "routable": page.routable,
        "visible_from": (int(page.publish_date.timestamp()) if page.publish_date else 0)
        if page.published and page.routable
        else FOREVER,
        "visible_until": int(page.unpublish_date.timestamp()) if page.unpublish_date else FOREVER,
        "category": ",".join(page.category),
        "tag": ",".join(page.tag),
        "taxonomy": taxonomy_value(page.taxonomy),
        "dated": int(page.dated),
        "image": page.image or "",
        "image_alt": page.image_alt if page.image else "",
        "section": page.section,
        "parts": page.parts or None,
        "mtime_ns": page.mtime_ns,
        "size": page.size,
        "sha1": page.sha1,
        "context_sha": context_sha(page),
        title_field(page.lang): page.title,
        body_field(page.lang): body,
    }
