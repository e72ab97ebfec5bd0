"""One JSON error shape for the API, a friendly page for people; never a traceback."""

import logging
import time

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import store
from search.errors import IndexDamaged, IndexUnavailable, QueryError

log = logging.getLogger(__name__)

UNAVAILABLE = "search is temporarily unavailable: the index is missing or being rebuilt"


def wants_json() -> bool:
    """Return whether the request is answered in JSON (the API, health checks, feeds and admin scripts: programs)."""
    if request.path.startswith(("/api/", "/admin/api/")) or request.path in ("/healthz", "/readyz", "/search.atom"):
        return True
    if request.path.startswith("/admin"):  # editors' scripts get JSON, their browsers a page
        return request.args.get("format") == "json" or "text/html" not in request.headers.get("Accept", "")
    return False


def error_response(status: int, message: str):
    """Return the error answer: ``{"error": message, "status": status}`` or an HTML page."""
    if wants_json():
        response = jsonify(error=message, status=status)
        response.status_code = status
        return response
    from web.i18n import strings, ui_language

    lang = ui_language()
    html = render_template("error.html", status=status, message=message, t=strings(lang), ui_lang=lang)
    return html, status


def register(app) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(QueryError)
    def bad_query(exc):
        return error_response(400, str(exc))

    @app.errorhandler(IndexUnavailable)
    def unavailable(exc):
        # The message names a path and a command: right for the operator's log, not for visitors.
        log.error("%s", exc)
        return error_response(503, UNAVAILABLE)

    asked = [float("-inf")]

    @app.errorhandler(IndexDamaged)
    def damaged(exc):
        log.error("%s", exc)
        if time.monotonic() - asked[0] > 30:  # ask the indexer to check it (whichever process it runs in)
            asked[0] = time.monotonic()
            store.ask_for_check(app.config["INDEX"], str(exc))
        return error_response(503, UNAVAILABLE)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        current_app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal error")
