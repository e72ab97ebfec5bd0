"""Who may use the admin pages: named tokens, each read-only or read-write.

Tokens come from ``ADMIN_TOKEN`` (one read-write token named "admin"), ``ADMIN_TOKENS``
(``name:role:token`` entries separated by commas or new lines) and ``ADMIN_TOKENS_FILE`` (the same,
one a line, ``#`` comments); a malformed entry stops the start with its line number. A request
authenticates with ``Authorization: Bearer TOKEN`` (scripts: no CSRF, no cookie), with the signed
session cookie set by ``/admin/login`` (browsers: every form that changes something must carry the
session's CSRF token), or — for reading only — with ``?token=``. Every candidate is compared with
every token in constant time; failed attempts are rate-limited per client; no token is ever
logged (the request log holds no query string and no header).
"""

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from web.errors import error_response
from web.settings import SettingsError

ROLES = ("read", "write")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SESSION_HOURS = 12


class TokensError(SettingsError):
    """A malformed token entry: the message names where and what to fix."""


@dataclass(frozen=True)
class Token:
    name: str
    role: str
    secret: str

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(self.secret.encode()).digest()

    @property
    def version(self) -> str:
        """A digest of the secret kept in the session: a changed or removed token ends its sessions."""
        return hashlib.sha256(b"poisk-session:" + self.secret.encode()).hexdigest()[:16]


def parse_tokens(text: str, where: str) -> list[Token]:
    """Return the tokens of ``name:role:token`` entries (one a line, or separated by commas)."""
    tokens = []
    for number, line in enumerate(text.splitlines(), 1):
        for entry in line.split(","):
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            name, role, secret = (entry.split(":", 2) + ["", ""])[:3]
            name, role, secret = name.strip(), role.strip(), secret.strip()
            if not name or role not in ROLES or len(secret) < 8:
                raise TokensError(
                    f"{where}, line {number}: write name:role:token, role read or write, a token of 8 characters or more"
                )
            tokens.append(Token(name, role, secret))
    return tokens


def load_tokens(config) -> list[Token]:
    """Return every admin token the settings give; raise :class:`TokensError` on a malformed entry."""
    tokens = []
    if config.get("ADMIN_TOKEN"):
        tokens.append(Token("admin", "write", str(config["ADMIN_TOKEN"])))
    if config.get("ADMIN_TOKENS"):
        tokens += parse_tokens(str(config["ADMIN_TOKENS"]), "POISK_ADMIN_TOKENS")
    if config.get("ADMIN_TOKENS_FILE"):
        path = Path(config["ADMIN_TOKENS_FILE"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TokensError(f"cannot read the admin tokens file {path}: {exc.strerror or exc}") from None
        tokens += parse_tokens(text, str(path))
    names = [t.name for t in tokens]
    if len(set(names)) != len(names):
        raise TokensError(
            f"two admin tokens are named {next(n for n in names if names.count(n) > 1)!r}: names must differ"
        )
    return tokens


def secret_key(config) -> str:
    """Return the key that signs sessions: ``SECRET_KEY``, else one made once and kept beside the index (0600),
    so that every server process of one service shares it."""
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    path = Path(config["INDEX"]).resolve().parent / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()


def tokens() -> list[Token]:
    return current_app.extensions["poisk.admin_tokens"]


def match(candidate: str) -> Token | None:
    """Return the token equal to ``candidate``, comparing with every token in constant time."""
    found = None
    # (digests of one length: the time taken tells neither which token matched nor how long the tokens are)
    given = hashlib.sha256(candidate.encode()).digest()
    for token in tokens():
        if hmac.compare_digest(given, token.digest):
            found = token
    return found


def _from_session() -> Token | None:
    name, version = session.get("editor"), session.get("version")
    if not name or not version:
        return None
    token = next((t for t in tokens() if t.name == name), None)
    if token is None or not hmac.compare_digest(str(version), token.version):
        return None
    return token


def csrf_token() -> str:
    """Return the session's CSRF token (made on first use), for forms: field ``csrf_token``."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok() -> bool:
    """Whether the form (or the X-CSRF-Token header) carries the session's CSRF token."""
    expected = session.get("csrf")
    given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


def _wants_html() -> bool:
    """Whether a browser asks (it names text/html; a script sends no Accept or */*)."""
    return (
        request.method in SAFE_METHODS
        and "text/html" in request.headers.get("Accept", "")
        and not request.args.get("format")
    )


def editor() -> str:
    """Return the name of the token the current request authenticated with."""
    return getattr(g, "poisk_editor", "")


def role() -> str:
    """Return the role (read or write) of the token the current request authenticated with ("" for none)."""
    return getattr(g, "poisk_role", "")


def authenticate() -> tuple[Token | None, str]:
    """Return the request's token and how it came (bearer, session, query), or None and why not."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "bearer"
        return match(value.strip()), "bearer"
    query = request.args.get("token", "")
    if query and request.method in SAFE_METHODS:
        return match(query), "query"
    token = _from_session()
    return token, "session" if token else ""


def require(role: str):
    """Protect an admin view: 404 while admin is off, 401 without a token (a browser goes to the login page),
    403 for a wrong token, a read token on a write view, or a form without the session's CSRF token."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not tokens():
                return error_response(404, "admin is off: set POISK_ADMIN_TOKEN or POISK_ADMIN_TOKENS")
            token, how = authenticate()
            if token is None:
                if not how:
                    if _wants_html():
                        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
                    return error_response(401, "a token is required: Authorization: Bearer TOKEN")
                return error_response(403, "wrong token")
            if role == "write" and token.role != "write":
                return error_response(403, f"the token {token.name!r} may only read: use a read-write token")
            if how == "session" and request.method not in SAFE_METHODS and not csrf_ok():
                return error_response(403, "the form has expired or did not come from this site: reload the page")
            g.poisk_editor, g.poisk_role, g.poisk_via = token.name, token.role, how
            return view(*args, **kwargs)

        wrapper.poisk_role = role
        return wrapper

    return decorate


def safe_next(target: str | None) -> str:
    """Return a place on this site to go after logging in (never another site)."""
    if not target:
        return url_for("admin.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("admin.index")
    return target


def log_in(token: Token) -> None:
    session.clear()
    session.permanent = True
    session["editor"] = token.name
    session["version"] = token.version
    session["csrf"] = secrets.token_urlsafe(32)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def install(app) -> None:
    """Load the tokens, sign sessions, make ``csrf_token()`` available to templates, rate-limit failures."""
    from datetime import timedelta

    app.extensions["poisk.admin_tokens"] = load_tokens(app.config)
    app.config["SECRET_KEY"] = secret_key(app.config) if app.extensions["poisk.admin_tokens"] else secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_NAME="poisk_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/admin",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    app.session_interface = SessionCookies()
    app.jinja_env.globals["csrf_token"] = csrf_token
    limit = app.config.get("ADMIN_RATE_LIMIT") or ""
    limiter = app.extensions.get("poisk.limiter")
    if limit and limiter is not None:  # failed attempts only: a wrong or missing token, a refused form
        for blueprint in app.blueprints.values():
            if blueprint.name == "admin" or blueprint.name.startswith("admin_"):
                limiter.limit(limit, deduct_when=lambda response: response.status_code in (401, 403))(blueprint)
