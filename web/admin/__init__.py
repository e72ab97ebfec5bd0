"""The admin pages: search analytics (``/admin/stats``, ``/go``), and, behind named tokens, the editors' rules,
word lists and explanations (see :mod:`web.admin.auth`)."""

from pathlib import Path

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from web.admin import auth, changes
from web.admin.auth import require
from web.analytics import Analytics
from web.errors import error_response
from web.i18n import strings, ui_language

bp = Blueprint("admin", __name__)

# The admin pages' navigation: (endpoint, the i18n key of its name).
ADMIN_PAGES = [
    ("admin.stats", "stats_title"),
    ("admin_rules.rules_page", "rules_title"),
    ("admin_lists.lists_page", "lists_title"),
    ("admin_explain.explain_page", "explain_title"),
]


def analytics(app) -> Analytics | None:
    """Return the app's analytics store, or None when analytics are off."""
    return app.extensions.get("poisk.analytics")


def install(app) -> None:
    setting = (app.config.get("ANALYTICS") or "").strip()
    if setting:
        path = Path(app.config["INDEX"]).parent / "analytics.sqlite3" if setting == "auto" else Path(setting)
        app.extensions["poisk.analytics"] = Analytics(path, app.config["ANALYTICS_RETENTION_DAYS"])
    app.jinja_env.globals["admin_pages"] = ADMIN_PAGES
    app.add_template_filter(changes.when, "timestamp")


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


def _page(template: str, status: int = 200, **context):
    lang = ui_language()
    body = render_template(template, t=strings(lang), ui_lang=lang, **context)
    return body, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


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


@bp.get("/admin")
@require("read")
def index():
    """The admin pages, and who is logged in."""
    return _page("admin_index.html", editor=auth.editor())


@bp.get("/admin/login")
def login():
    if not auth.tokens():
        return error_response(404, "admin is off: set POISK_ADMIN_TOKEN or POISK_ADMIN_TOKENS")
    return _page("admin_login.html", next=auth.safe_next(request.args.get("next")), failed=False)


@bp.post("/admin/login")
def login_post():
    """Check a token typed into the login form; a session cookie remembers its name (never the token)."""
    if not auth.tokens():
        return error_response(404, "admin is off: set POISK_ADMIN_TOKEN or POISK_ADMIN_TOKENS")
    target = auth.safe_next(request.form.get("next"))
    if not auth.csrf_ok():  # no signing in from another site's form (login CSRF)
        return error_response(403, "the form has expired or did not come from this site: reload the page")
    token = auth.match(request.form.get("token", "").strip())
    if token is None:
        return _page("admin_login.html", 403, next=target, failed=True)
    auth.log_in(token)
    return redirect(target, code=303)


@bp.post("/admin/logout")
@require("read")
def logout():
    from flask import session

    session.clear()
    return redirect(url_for("admin.login"), code=303)


@bp.get("/admin/stats")
@require("read")
def stats():
    """What visitors search for and do not find, clicks and their positions; ``format=json`` or ``format=csv``
    (``table=`` one of :data:`web.admin.report.TABLES`) for export."""
    from web.admin import report as exports

    store = analytics(current_app)
    weeks = request.args.get("weeks", "")
    weeks = min(int(weeks), 104) if weeks.isdigit() and int(weeks) > 0 else 8
    report = store.report(weeks=weeks) if store else {"weeks": [], "top": [], "zero_results": []}
    report = exports.with_fixes(report, current_app)
    kind = request.args.get("format", "")
    if kind == "json":
        return jsonify(report)
    if kind == "csv":
        table = request.args.get("table", "queries")
        if table not in exports.TABLES:
            return error_response(400, f"table must be one of {', '.join(exports.TABLES)}")
        response = current_app.response_class(exports.as_csv(report, table), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="poisk-{table}.csv"'
        response.headers["Cache-Control"] = "no-store"
        return response
    if kind:
        return error_response(400, "format must be json or csv")
    top = max((w["searches"] for w in report["weeks"]), default=0)
    purged = request.args.get("purged", "")
    return _page(
        "admin_stats.html",
        report=report,
        chart_max=top,
        enabled=store is not None,
        may_write=auth.role() == "write" and g.get("poisk_via") == "session",  # a form posts with the session
        retention=current_app.config["ANALYTICS_RETENTION_DAYS"],
        purged=int(purged) if purged.isdigit() and len(purged) < 10 else None,
    )


@bp.post("/admin/stats/purge")
@require("write")
def purge():
    """Delete the searches and clicks older than the retention period now (the store also does so as it writes)."""
    store = analytics(current_app)
    if store is None:
        return error_response(404, "analytics are off: set POISK_ANALYTICS (auto keeps them beside the index)")
    deleted = store.purge()
    changes.record(current_app.config, auth.editor(), "stats.purge", {"searches": deleted})
    if g.get("poisk_via") != "session":  # a script: the count; a form: back to the page
        return jsonify(purged=deleted, retention_days=current_app.config["ANALYTICS_RETENTION_DAYS"])
    return redirect(url_for("admin.stats", lang=request.args.get("lang") or None, purged=deleted), code=303)
