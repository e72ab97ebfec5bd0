"""What every response carries and every request is held to: security headers, size caps, rate limits."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.middleware.proxy_fix import ProxyFix

from web.errors import error_response

MAX_QUERY_STRING = 2048  # bytes of a URL's query; a visitor's query is at most 256 characters

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def client_address() -> str:
    """Return the visitor's address: the socket's peer, or (behind ``trusted_proxies`` proxies) what they forward."""
    return request.remote_addr or "unknown"


def install(app) -> None:
    """Install headers, caps and rate limits on ``app``."""
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        # Only the last N X-Forwarded-For entries come from our own proxies; anything before
        # them is the client's say-so, so a spoofed header cannot change the rate-limit key.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)

    limits = app.config.get("RATE_LIMIT") or ""
    limiter = Limiter(
        key_func=client_address,
        app=app,
        default_limits=[limits] if limits else [],
        storage_uri=app.config.get("RATE_LIMIT_STORAGE") or "memory://",
        headers_enabled=True,
        strategy="moving-window",
        swallow_errors=True,  # a storage outage must not take search down with it
    )
    app.extensions["poisk.limiter"] = limiter

    @limiter.request_filter
    def not_limited() -> bool:
        # The webhook is signed and merges bursts itself; health checks and static files are cheap.
        return request.path in (
            "/healthz",
            "/readyz",
            "/api/reindex",
            "/metrics",
            "/opensearch.xml",
        ) or request.path.startswith(("/static/", "/widget/"))

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc):
        return error_response(429, f"too many requests: at most {exc.description}; try again shortly")

    @app.before_request
    def cap_request_size():
        if len(request.query_string) > MAX_QUERY_STRING:
            return error_response(413, f"the query string is longer than {MAX_QUERY_STRING} bytes")
        return None

    @app.after_request
    def headers(response):
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.path.startswith("/widget/"):
            return response
        if response.mimetype == "text/html":
            h.setdefault("Content-Security-Policy", PAGE_CSP)
            h.setdefault("X-Frame-Options", "DENY")
        else:
            h.setdefault("Content-Security-Policy", API_CSP)
        return response
