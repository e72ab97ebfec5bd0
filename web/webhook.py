"""``POST /api/reindex``: a deploy hook asks for a reindex, signed with a shared secret.

The signature is GitHub's ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``,
compared in constant time; nothing is read or done before it checks out. The answer (202) comes
at once: the reindex runs in the background, and calls that arrive meanwhile are merged into
one more run. A delivery seen before (``X-GitHub-Delivery`` and the like) is acknowledged and
not run again.
"""

import hashlib
import hmac
import threading
from collections import OrderedDict

from flask import Blueprint, current_app, jsonify, request

from web.errors import error_response

bp = Blueprint("webhook", __name__)

MAX_BODY_BYTES = 1024 * 1024
DELIVERY_HEADERS = ("X-GitHub-Delivery", "X-Gitea-Delivery", "X-Gitlab-Event-UUID", "X-Delivery-Id", "X-Request-Id")
ACCEPTED_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain")
REMEMBERED_DELIVERIES = 1000


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
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature:
        return error_response(401, "missing X-Hub-Signature-256: sign the body with HMAC-SHA256 and the shared secret")
    body = request.get_data(cache=False)
    if not hmac.compare_digest(signature.encode(), signature_of(secret, body).encode()):
        return error_response(403, "the signature does not match the body: check the shared secret")
    if request.mimetype and request.mimetype not in ACCEPTED_TYPES:
        return error_response(400, f"unsupported content type {request.mimetype!r}: send application/json")

    delivery = next((request.headers[h] for h in DELIVERY_HEADERS if request.headers.get(h)), None)
    state = current_app.extensions["poisk.webhook"]
    if delivery and state["deliveries"].seen_before(delivery[:200]):
        return jsonify(status="duplicate", delivery=delivery[:200]), 202
    reindexer = state["reindexer"]()
    reindexer.request()
    return jsonify(status="accepted", delivery=delivery and delivery[:200]), 202
