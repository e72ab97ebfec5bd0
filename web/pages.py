"""The server-rendered search page: works without JavaScript."""

import functools
from datetime import date, datetime

from babel.dates import format_date
from flask import Blueprint, current_app, render_template, request, url_for

from search.errors import QueryError
from web import admin
from web.app import engine
from web.i18n import UI_LANGUAGES, strings, ui_language
from web.params import search_request

bp = Blueprint("pages", __name__)

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
_KEPT = ("q", "lang", "year", "month", "from", "to", "sort", "per_page", "correct")
_TAXONOMY_PARAMETERS = ("category", "tag")  # the other taxonomies go as taxonomy=name:value
# Taxonomy values a facet shows before "more".
FACET_SHOWN = 8
# The facets that are not taxonomies.
_NOT_TAXONOMIES = ("year", "month", "lang")


def _link(**changes) -> str:
    """Return the search page URL with the current parameters changed; filters reset the page."""
    params: dict = {k: request.args.get(k) for k in _KEPT if request.args.get(k)}
    for k in (*_TAXONOMY_PARAMETERS, "taxonomy"):
        values = [v for v in request.args.getlist(k) if v.strip()]
        if values:
            params[k] = values
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == []:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for("pages.search", **params)


def _toggle(chosen: dict[str, tuple[str, ...]], name: str, value: str) -> str:
    """Return the page URL with ``value`` of taxonomy ``name`` added to the filter, or taken out if it is in
    (``chosen``: the request's taxonomy filters, by name)."""
    kept = [v for v in chosen.get(name, ()) if v.casefold() != value.casefold()]
    if len(kept) == len(chosen.get(name, ())):
        kept.append(value)
    if name in _TAXONOMY_PARAMETERS:
        return _link(**{name: kept})
    others = [f"{n}:{v}" for n, values in chosen.items() if n not in (*_TAXONOMY_PARAMETERS, name) for v in values]
    return _link(taxonomy=others + [f"{name}:{v}" for v in kept])


def _taxonomy_names(facets: dict) -> list[str]:
    return [name for name in facets if name not in _NOT_TAXONOMIES]


def _media_url(url: str) -> str:
    """Return a page picture's URL as the visitor's browser loads it: from the Grav site."""
    if url.startswith(("https://", "http://", "//")):
        return url
    return current_app.config["SITE_URL"].rstrip("/") + url


def _page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Return the page numbers to show, with None where a gap is."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/")
@bp.get("/search")
def search():
    """Show the search box, and the results when there is a query or a filter."""
    lang = ui_language()
    t = strings(lang)
    error = None
    page = None
    req = None
    try:
        req = search_request(request.args, current_app.config["PER_PAGE"], prefer_lang=lang, others=True)
    except QueryError as exc:
        error = str(exc)
    wants_results = req is not None and any(
        request.args.get(k) for k in ("q", "year", "month", "from", "to", *_TAXONOMY_PARAMETERS, "taxonomy")
    )
    related = []
    suggestions = []
    search_id = None
    if wants_results:
        service = engine(current_app).service()
        page = service.search(req)
        if page.results and page.page == 1:  # pages like the best hit, under it
            related = service.related(page.results[0].path, limit=3)
        search_id = admin.record(page, req.lang)
        if page.total == 0 and req.q.strip():  # nothing found: offer completions of what was typed
            suggestions = service.suggest(req.q, req.lang, limit=5)
        status = 200
    else:
        status = 400 if error else 200

    chosen = dict(req.taxonomy) if req else {}

    def when(iso: str | None, fmt: str = "long") -> str:
        if not iso:
            return ""
        return format_date(datetime.fromisoformat(iso).date(), fmt, locale=lang)

    def month_name(value: str) -> str:
        y, m = value.split("-")
        return format_date(date(int(y), int(m), 1), "LLLL", locale=lang)

    return (
        render_template(
            "search.html",
            t=t,
            ui_lang=lang,
            ui_languages=UI_LANGUAGES,
            language_names=LANGUAGE_NAMES,
            req=req,
            page=page,
            related=related,
            search_id=search_id,
            suggestions=suggestions,
            error=error,
            q=request.args.get("q", ""),
            args=request.args,
            link=_link,
            when=when,
            month_name=month_name,
            page_numbers=_page_numbers,
            taxonomy_names=_taxonomy_names,
            chosen_values=lambda name: list(chosen.get(name, ())),
            toggle_value=functools.partial(_toggle, chosen),
            taxonomy_label=lambda name: t.get(f"taxonomy_{name}") or name.replace("_", " ").capitalize(),
            media_url=_media_url,
            facet_shown=FACET_SHOWN,
            site_url=current_app.config["SITE_URL"].rstrip("/"),
        ),
        status,
    )
