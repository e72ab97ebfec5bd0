"""``POST /api/reindex``: a deploy hook or a CMS asks for a reindex, signed with a shared secret.

Two signatures are accepted, both compared in constant time, and nothing is read or done before
one checks out:

- GitHub's ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``: every change is
  looked for (a deploy, the Grav plugin's "Reindex now" and nightly reconciliation);
- Grav 2.0's ``X-Grav-Signature: <hex HMAC-SHA256 of the raw body>`` with ``X-Grav-Event``: a
  ``page.*`` event updates just the named route's files (a moved page: the old and the new), as
  the Grav API plugin and Poisk's own Grav plugin send them; other events are acknowledged (202)
  and ignored.

The answer (202) comes at once: the reindex runs in the background, and calls that arrive
meanwhile are merged into one more run. A delivery seen before (``X-GitHub-Delivery``,
``X-Grav-Delivery`` and the like) is acknowledged and not run again.
"""

import hashlib
import hmac
import json
import threading
from collections import OrderedDict

from flask import Blueprint, current_app, jsonify, request

from indexer.routes import folder_of
from indexer.site import Site
from web.errors import error_response

bp = Blueprint("webhook", __name__)

MAX_BODY_BYTES = 1024 * 1024
DELIVERY_HEADERS = (
    "X-GitHub-Delivery",
    "X-Grav-Delivery",
    "X-Gitea-Delivery",
    "X-Gitlab-Event-UUID",
    "X-Delivery-Id",
    "X-Request-Id",
)
ACCEPTED_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain")
REMEMBERED_DELIVERIES = 1000
GRAV_PAGE_EVENTS = ("page.created", "page.updated", "page.deleted", "page.moved", "page.translated")
MAX_ROUTES = 100  # routes named in one call; more ask for every change to be looked for


class Deliveries:
    """The delivery ids seen lately (a bounded memory), safe across request threads."""

    def __init__(self, size: int = REMEMBERED_DELIVERIES):
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def seen_before(self, delivery: str) -> bool:
        with self._lock:
            if delivery in self._seen:
                return True
            self._seen[delivery] = None
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return False


def signature_of(secret: str, body: bytes) -> str:
    """Return the ``X-Hub-Signature-256`` value of ``body``."""
    return "sha256=" + grav_signature_of(secret, body)


def grav_signature_of(secret: str, body: bytes) -> str:
    """Return the ``X-Grav-Signature`` value of ``body``: the hex HMAC-SHA256, no prefix."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def routes_of(payload) -> list[str]:
    """Return the page routes a Grav webhook's JSON names (``data.route``, ``routes``, a move's old and new)."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        return []
    found = [data.get(k) for k in ("route", "old_route", "new_route")]
    page = data.get("page")
    if isinstance(page, dict):
        found.append(page.get("route"))
    if isinstance(data.get("routes"), list):
        found.extend(data["routes"])
    routes = []
    for route in found:
        if isinstance(route, str) and route.strip() and len(route) <= 1024 and route not in routes:
            routes.append(route.strip())
    return routes


def folders_of(content: str, routes: list[str]) -> set[str] | None:
    """Return the page folders to look at again for ``routes`` (None: look at every page)."""
    if not routes or len(routes) > MAX_ROUTES:
        return None
    try:
        site = Site.load(content)
    except (OSError, ValueError):
        return None  # the reindexer reports what is wrong with the content folder
    from indexer.headers import FolderHeaders

    slugs = FolderHeaders(site)
    folders = set()
    for route in routes:
        folder, _ = folder_of(site, route, slugs)
        if not folder:
            return None  # nothing of the route is left: every page is looked at
        folders.add(folder)
    return folders


@bp.post("/api/reindex")
def reindex():
    """Check the signature, then ask the reindexer for a run; answer 202 at once."""
    secret = current_app.config.get("REINDEX_SECRET") or ""
    if not secret:
        return error_response(404, "the reindex webhook is disabled: set POISK_REINDEX_SECRET to enable it")
    length = request.content_length
    if length is None:
        return error_response(411, "a Content-Length is required")
    if length > MAX_BODY_BYTES:
        return error_response(413, f"the body is larger than {MAX_BODY_BYTES // 1024} KB")
    hub = request.headers.get("X-Hub-Signature-256", "")
    grav = request.headers.get("X-Grav-Signature", "")
    if not hub and not grav:
        return error_response(
            401,
            "missing X-Hub-Signature-256 (or Grav's X-Grav-Signature): sign the body with HMAC-SHA256 and the shared secret",
        )
    body = request.get_data(cache=False)
    expected = signature_of(secret, body) if hub else grav_signature_of(secret, body)
    if not hmac.compare_digest((hub or grav).encode(), expected.encode()):
        return error_response(403, "the signature does not match the body: check the shared secret")
    if request.mimetype and request.mimetype not in ACCEPTED_TYPES:
        return error_response(400, f"unsupported content type {request.mimetype!r}: send application/json")
    folders = None
    if grav:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return error_response(400, "the body is not JSON: send the webhook's JSON payload")
        event = request.headers.get("X-Grav-Event", "") or (payload.get("event") if isinstance(payload, dict) else "")
        if event not in GRAV_PAGE_EVENTS:
            return jsonify(status="ignored", event=str(event)[:100]), 202
        folders = folders_of(current_app.config["CONTENT"], routes_of(payload))

    delivery = next((request.headers[h] for h in DELIVERY_HEADERS if request.headers.get(h)), None)
    state = current_app.extensions["poisk.webhook"]
    if delivery and state["deliveries"].seen_before(delivery[:200]):
        return jsonify(status="duplicate", delivery=delivery[:200]), 202
    reindexer = state["reindexer"]()
    if folders is None:
        reindexer.request()
    else:
        reindexer.request(sorted(folders))
    return jsonify(status="accepted", delivery=delivery and delivery[:200]), 202
