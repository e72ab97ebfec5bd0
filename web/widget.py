"""The embeddable widget: its script (versioned, cacheable, SRI-ready), the /embed page, and CORS."""

import base64
import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, send_file, url_for
from flask_cors import CORS

from web.i18n import strings, ui_language

bp = Blueprint("widget", __name__)

WIDGET_VERSION = "v1"
SCRIPT = Path(__file__).parent / "static" / "widget" / WIDGET_VERSION / "poisk.js"
YEAR = 365 * 24 * 3600


@cache
def integrity() -> str:
    """Return the script's Subresource Integrity value (sha384)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(SCRIPT.read_bytes()).digest()).decode()


def allowed_origins(app) -> list[str]:
    """Return the origins allowed to call the API from a browser (``allowed_origins``, comma-separated)."""
    return [o.strip().rstrip("/") for o in (app.config.get("ALLOWED_ORIGINS") or "").split(",") if o.strip()]


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
LOOPBACK_ORIGINS = r"^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$"


def enable_cors(app) -> None:
    """Answer cross-origin API calls only for allow-listed origins: GET only, no credentials, Vary: Origin.

    With no list set and the service listening on loopback (a developer's machine, `make serve`),
    pages served from loopback may call it, so the /embed snippet can be tried at once.
    """
    origins = allowed_origins(app)
    if not origins and app.config.get("HOST") in LOOPBACK_HOSTS:
        origins = [LOOPBACK_ORIGINS]
    CORS(
        app,
        resources={r"/api/(search|suggest|click)": {"origins": origins or []}},
        methods=["GET"],
        supports_credentials=False,
        vary_header=True,
        send_wildcard=False,
        max_age=600,
    )

    @app.after_request
    def vary_on_origin(response):
        # Answers differ by Origin (allowed or not): caches must keep them apart, for every origin.
        if request.path.startswith("/api/"):
            response.vary.add("Origin")
        return response


@bp.get(f"/widget/{WIDGET_VERSION}/poisk.js")
def script():
    """Serve the widget script: immutable for a year, usable cross-origin with integrity=."""
    response = send_file(SCRIPT, mimetype="text/javascript", max_age=YEAR, conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script; needed for crossorigin + integrity
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed")
def embed():
    """Show a site owner the snippet to paste, with a live preview (``?format=json``: the script's address and hash)."""
    lang = ui_language()
    src = url_for("widget.script", _external=True)
    if request.args.get("format") == "json":  # for plugins that add the script themselves (the Grav plugin)
        response = jsonify(src=src, integrity=integrity(), version=WIDGET_VERSION, element="poisk-search")
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
    snippet = (
        f'<script src="{src}" integrity="{integrity()}" crossorigin="anonymous" defer></script>\n'
        f'<poisk-search lang="{lang}"></poisk-search>'
    )
    return render_template(
        "embed.html",
        t=strings(lang),
        ui_lang=lang,
        snippet=snippet,
        src=src,
        integrity=integrity(),
        origins=allowed_origins(current_app),
        host=request.host_url,
    )
