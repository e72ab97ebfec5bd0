"""Searches as Atom feeds: ``/search.atom`` answers what ``/api/search`` would, newest first, for feed readers.

A poll of an unchanged search gives the same bytes (and the same ETag): nothing in the feed says when it was
made, and a feed with no entries is dated at a fixed epoch. Polls are not recorded as searches.
"""

import html
import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, jsonify, request, url_for

from search.errors import QueryError, SearchError
from search.service import MAX_PER_PAGE, SearchRequest
from web.app import engine
from web.i18n import strings, ui_language
from web.params import PARAMETERS, search_request

bp = Blueprint("feeds", __name__)

ENTRIES = 50  # the newest hits a feed holds (and the most per_page may ask for)
SCANNED = 500  # the most hits looked through for them (pages without a date of their own are skipped)
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # `updated` of a feed without entries: never "now"
# What the search page passes on to its feed: the query and the filters, not its paging, ordering or ranking.
NOT_FROM_PAGE = ("sort", "page", "per_page", "prefer_lang", "others", "collapse")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TAG = re.compile(r"<[^>]*>")
# Characters XML 1.0 cannot carry at all (lxml refuses them): control characters, lone surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _NoFeedExtension(BaseExtension):
    """The feed half of :class:`_EntryExtras` (feedgen registers extensions in pairs)."""


class _EntryExtras(BaseEntryExtension):
    """Put on an entry what feedgen 1.0 leaves out: ``xml:lang``, and its link's attributes (it writes only
    ``href`` of an entry's links: lkiesow/python-feedgen#135)."""

    def __init__(self):
        self.lang = None
        self.link: dict[str, str] = {}

    def extend_atom(self, entry):
        if self.lang:
            entry.set(_XML_LANG, self.lang)
        for element in entry:  # feedgen's elements carry no namespace in the tree: match the local name
            if element.tag.rpartition("}")[2] == "link" and element.get("href") == self.link.get("href"):
                for name, value in self.link.items():
                    element.set(name, value)
        return entry


def plain(markup: str) -> str:
    """Return a hit's title or snippet (safe HTML whose only markup is ``<mark>``) as plain text."""
    return _xml(html.unescape(_TAG.sub("", markup or ""))).strip()


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def feed_request(args) -> SearchRequest:
    """Return the search a feed answers: the API's parameters, always newest first, at most :data:`ENTRIES`."""
    req = search_request(args, ENTRIES, strict=True)
    if args.get("sort", "").strip() and req.sort != "date":
        raise QueryError("sort must be date (or left out): a feed is always newest first")
    if req.page != 1:
        raise QueryError("page must be 1 (or left out): a feed holds the newest results")
    if req.per_page > ENTRIES:
        raise QueryError(f"per_page must be between 1 and {ENTRIES} in a feed")
    return replace(req, sort="date")


def _canonical(args, req: SearchRequest) -> dict[str, list[str]]:
    """Return the feed's parameters as its id spells them: in a fixed order, blanks and defaults left out."""
    out = {}
    for name in PARAMETERS:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if values and name not in ("sort", "page", "per_page"):
            out[name] = values  # a repeatable filter (category, tag) keeps every value, in the order given
    if req.per_page != ENTRIES:
        out["per_page"] = [str(req.per_page)]
    return out


def _site_base() -> str:
    """Return the Grav site's address, before result URLs: ``SITE_URL``, else this host (as the page's links)."""
    return current_app.config["SITE_URL"].rstrip("/") or request.host_url.rstrip("/")


def _absolute(url: str, base: str) -> str:
    if urlsplit(url).scheme in ("http", "https"):
        return url
    return base + (url if url.startswith("/") else "/" + url)


def _meta() -> dict:
    try:
        return engine(current_app).service().meta()
    except SearchError:
        return {}


def site_name(lang: str, meta: dict | None = None) -> str:
    """Return the site's name in ``lang``: its Grav title, else the host of ``SITE_URL``, else the search's own."""
    titles = (_meta() if meta is None else meta).get("site_titles") or {}
    name = titles.get(lang) or titles.get("") or urlsplit(current_app.config["SITE_URL"]).netloc
    return _xml(str(name or strings(lang)["site_title"])).strip()


def feed_title(q: str, lang: str, site: str) -> str:
    """Return the feed's title in ``lang``: the query and the site."""
    t = strings(lang)
    q = _xml(" ".join(q.split()))
    return t["feed_title"].format(q=q, site=site) if q else t["feed_title_all"].format(site=site)


def _hits(service, req: SearchRequest):
    """Yield the search's hits newest first, a page of :data:`MAX_PER_PAGE` at a time, :data:`SCANNED` at most."""
    for number in range(1, SCANNED // MAX_PER_PAGE + 1):
        page = service.search(replace(req, page=number, per_page=MAX_PER_PAGE))
        yield from page.results
        if number * MAX_PER_PAGE >= page.total or page.partial:
            return


def _entries(hits, wanted: int, base: str):
    """Yield ``(hit, absolute URL, date)`` of the first ``wanted`` hits a feed lists, newest first.

    Pages without a date of their own (section pages, contacts, the home page) are left out: dated by their
    file's time, as Grav dates them, they would come first in every feed that matches them and come back as
    "new" whenever the site is deployed, though nothing was published.
    """
    seen = set()
    for hit in hits:
        if len(seen) == wanted:
            return
        if not hit.date or not hit.url:  # Atom requires a date and a link: never the case for an indexed page
            continue
        try:
            when = datetime.fromisoformat(hit.date)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        link = _xml(_absolute(hit.url, base))
        if link in seen or not hit.dated:
            continue
        seen.add(link)
        yield hit, link, when


@bp.get("/search.atom")
def search():
    """Answer a search as an Atom 1.0 feed of its newest :data:`ENTRIES` hits."""
    req = feed_request(request.args)
    hits = _hits(engine(current_app).service(), req)  # visibility (drafts, schedules) is the service's
    meta = _meta()
    lang = ui_language()
    site = site_name(lang, meta)
    params = _canonical(request.args, req)
    self_url = url_for("feeds.search", **params, _external=True)
    page_params = {k: v for k, v in params.items() if k != "per_page"}
    html_url = url_for("pages.search", **page_params, sort="date", _external=True)

    fg = FeedGenerator()
    fg.register_extension("poisk", _NoFeedExtension, _EntryExtras, atom=True, rss=False)
    fg.id(self_url)
    fg.title(feed_title(req.q, lang, site))
    fg.language(lang)  # xml:lang of the feed's own texts; each entry carries its page's language
    author = {"name": site}
    if current_app.config["SITE_URL"]:
        author["uri"] = current_app.config["SITE_URL"]
    fg.author(author)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=html_url, rel="alternate", type="text/html", **({"hreflang": req.lang} if req.lang else {}))
    fg.generator("Poisk")  # without feedgen's version: an upgrade must not change every feed

    newest = EPOCH
    for hit, link, when in _entries(hits, req.per_page, _site_base()):
        newest = max(newest, when)
        entry = fg.add_entry(order="append")
        entry.id(link)  # the page's address: stable across polls, reindexing and wording changes
        entry.title(plain(hit.title) or link)
        entry.poisk.link = {"href": link, "rel": "alternate", "type": "text/html", "hreflang": hit.lang}
        entry.link(**entry.poisk.link)
        entry.published(when)
        entry.updated(when)
        summary = plain(hit.snippet)
        if summary:
            entry.summary(summary)
        entry.poisk.lang = hit.lang
    fg.updated(newest)

    response = Response(fg.atom_str(pretty=True), content_type=CONTENT_TYPE)
    response.vary.add("Accept-Language")  # the feed's own title follows it when lang is not given
    response.add_etag()
    return response.make_conditional(request)


@bp.app_template_global()
def search_feed() -> dict[str, str]:
    """Return the feed of the search the page shows: ``{"href": ..., "title": ...}``."""
    args = {}
    for name in PARAMETERS:
        values = [v.strip() for v in request.args.getlist(name) if v.strip()]
        if values and name not in NOT_FROM_PAGE:
            args[name] = values
    lang = ui_language()
    q = request.args.get("q", "")
    return {"href": url_for("feeds.search", **args), "title": feed_title(q, lang, site_name(lang))}


@bp.errorhandler(QueryError)
def bad_request(exc):
    """Answer a bad parameter in the API's one error shape (feed readers and people both read it)."""
    response = jsonify(error=str(exc), status=400)
    response.status_code = 400
    return response
