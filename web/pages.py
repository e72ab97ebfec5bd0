"""The server-rendered search page: works without JavaScript."""

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


def _link(**changes) -> str:
    """Return the search page URL with the current parameters changed; filters reset the page."""
    params = {k: request.args.get(k) for k in _KEPT if request.args.get(k)}
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for("pages.search", **params)


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
    wants_results = req is not None and any(request.args.get(k) for k in ("q", "year", "month", "from", "to"))
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
            site_url=current_app.config["SITE_URL"].rstrip("/"),
        ),
        status,
    )
