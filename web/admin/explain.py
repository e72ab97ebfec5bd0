"""``GET /admin/explain?q=&lang=&path=``: why a search answers what it does (see :mod:`search.explain`)."""

from flask import Blueprint, current_app, jsonify, render_template, request

from search.explain import as_text, explain
from web.admin.auth import require
from web.errors import error_response
from web.i18n import strings, ui_language
from web.params import search_request

bp = Blueprint("admin_explain", __name__)

OWN = ("path", "top", "format")


@bp.get("/admin/explain")
@require("read")
def explain_page():
    """The search's parameters as ``/api/search`` takes them, plus ``path`` (a page) and ``top``."""
    args = request.args.copy()
    own = {k: args.pop(k, None) for k in OWN}
    top = int(own["top"]) if (own["top"] or "").isdigit() else 5
    service = current_app.extensions["poisk"].service()
    page = own["path"].strip() if own["path"] and own["path"].strip() else None
    if page:
        page = service.rules.resolve(page) or page
    req = search_request(args, current_app.config["PER_PAGE"], strict=False) if args.get("q") else None
    result = explain(service, req, page, top=min(top, 20)) if req else None
    if own["format"] == "json" or "text/html" not in request.headers.get("Accept", ""):  # programs get JSON
        if result is None:
            return error_response(400, "q is required: /admin/explain?q=words&lang=ru&path=/news/page")
        return jsonify(result)
    lang = ui_language()
    body = render_template(
        "admin_explain.html",
        t=strings(lang),
        ui_lang=lang,
        text=as_text(result) if result else None,
        q=request.args.get("q", ""),
        search_lang=request.args.get("lang", ""),
        path=own["path"] or "",
    )
    return body, 200, {"Cache-Control": "no-store"}
