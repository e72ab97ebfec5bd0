"""Search analytics for editors: recording searches and clicks, ``/go`` for result links, ``/admin/stats``."""

import hmac
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request

from web.analytics import Analytics
from web.errors import error_response

bp = Blueprint("admin", __name__)


def analytics(app) -> Analytics | None:
    """Return the app's analytics store, or None when analytics are off."""
    return app.extensions.get("poisk.analytics")


def install(app) -> None:
    setting = (app.config.get("ANALYTICS") or "").strip()
    if setting:
        path = Path(app.config["INDEX"]).parent / "analytics.sqlite3" if setting == "auto" else Path(setting)
        app.extensions["poisk.analytics"] = Analytics(path, app.config["ANALYTICS_RETENTION_DAYS"])


def record(page, lang: str | None) -> str | None:
    """Record a first page of results; return the search's id (None when not recorded)."""
    store = analytics(current_app)
    if store is None or not page.query.strip() or page.page != 1:
        return None
    # (each result's link: its page, scrolled to the words by a text fragment, where /go sends the click)
    return store.record_search(page.query, lang, page.total, [h.link or h.url for h in page.results])


def _rank() -> int:
    raw = request.args.get("rank", "")
    return int(raw) if raw.isdigit() and len(raw) < 4 else 0


@bp.get("/go")
def go():
    """Record a click on a result of the search page, then open the result."""
    store = analytics(current_app)
    url = store.click(request.args.get("sid", "")[:32], _rank()) if store else None
    if url is None:
        abort(404)
    return redirect(current_app.config["SITE_URL"].rstrip("/") + url, code=302)


@bp.get("/api/click")
def click():
    """Record that the widget opened a result (204, whatever happened: it is only a count)."""
    store = analytics(current_app)
    if store:
        store.click(request.args.get("sid", "")[:32], _rank())
    return "", 204


@bp.get("/admin/stats")
def stats():
    """Top queries, zero-result queries and the share of searches that led to a click, per week."""
    token = current_app.config.get("ADMIN_TOKEN") or ""
    if not token:
        return error_response(404, "the stats page is off: set POISK_ADMIN_TOKEN to turn it on")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or request.args.get("token", "")
    if not given:
        return error_response(401, "a token is required: Authorization: Bearer TOKEN")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return error_response(403, "wrong token")
    store = analytics(current_app)
    report = store.report() if store else {"weeks": [], "top": [], "zero_results": []}
    from web.i18n import strings, ui_language

    lang = ui_language()
    top = max((w["searches"] for w in report["weeks"]), default=0)
    response = current_app.make_response(
        render_template(
            "admin_stats.html", report=report, t=strings(lang), ui_lang=lang, chart_max=top, enabled=store is not None
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token may be in the URL
    return response
