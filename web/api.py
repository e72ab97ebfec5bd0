"""The JSON API: ``/api/search`` and ``/healthz``."""

from flask import Blueprint, current_app, jsonify, request

from search.errors import IndexUnavailable
from web.app import engine
from web.errors import UNAVAILABLE
from web.params import search_request

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    """Search; the answer is :meth:`SearchPage.to_dict` (the JSON contract in README.md)."""
    req = search_request(request.args, current_app.config["PER_PAGE"], strict=True)
    page = engine(current_app).service().search(req)
    return jsonify(page.to_dict())


@bp.get("/healthz")
def healthz():
    """Say whether the service can search, and how many documents the index holds."""
    try:
        service = engine(current_app).service()
        documents = service.document_count()
    except IndexUnavailable:
        return jsonify(status="unavailable", error=UNAVAILABLE), 503
    return jsonify(status="ok", documents=documents, updated_at=service.meta().get("updated_at"))
