"""The JSON API: ``/api/search`` and ``/healthz``."""

from flask import Blueprint, current_app, jsonify, request

from search import store
from search.errors import IndexUnavailable, QueryError
from web import admin
from web.app import engine
from web.errors import UNAVAILABLE
from web.params import search_request

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    """Search; the answer is :meth:`SearchPage.to_dict` (the JSON contract in README.md)."""
    req = search_request(request.args, current_app.config["PER_PAGE"], strict=True)
    page = engine(current_app).service().search(req)
    data = page.to_dict()
    data["search_id"] = admin.record(page, req.lang)  # for /api/click; null when analytics are off
    return jsonify(data)


@bp.get("/api/suggest")
def suggest():
    """Complete the last word typed: ``{"query": "гемат", "suggestions": ["гематология", ...]}``."""
    unknown = sorted(set(request.args) - {"q", "lang"})
    if unknown:
        raise QueryError(f"unknown parameter {unknown[0]!r}: use q, lang")
    q = request.args.get("q", "")
    lang = request.args.get("lang", "").strip() or None
    suggestions = engine(current_app).service().suggest(q, lang)
    return jsonify(query=q, suggestions=suggestions)


@bp.get("/api/related")
def related():
    """The published pages most like the one at ``path``: ``{"path": ..., "related": [{path, url, lang, title, date}]}``."""
    unknown = sorted(set(request.args) - {"path"})
    if unknown:
        raise QueryError(f"unknown parameter {unknown[0]!r}: use path")
    path = request.args.get("path", "").strip()
    if not path or len(path) > 1000:
        raise QueryError("path is required: a page's path as /api/search gives it")
    return jsonify(path=path, related=engine(current_app).service().related(path))


@bp.get("/healthz")
def healthz():
    """Say whether the service can search, what the index holds and what the indexer is doing."""
    indexer = _indexer_state()
    try:
        service = engine(current_app).service()
        documents = service.document_count()
    except IndexUnavailable:
        status = "rebuilding" if indexer.get("state") == "rebuilding" else "unavailable"
        return jsonify(status=status, error=UNAVAILABLE, indexer=indexer), 503
    meta = service.meta()
    return jsonify(status="ok", documents=documents, updated_at=meta.get("updated_at"), indexer=indexer)


def _indexer_state() -> dict:
    """Return what the indexer says it is doing, without messages that could name files or folders."""
    status = store.read_status(current_app.config["INDEX"])
    state = {"state": status.get("state", "unknown"), "since": status.get("since")}
    if status.get("reason"):
        state["reason"] = status["reason"]
    reindexer = current_app.config.get("REINDEXER")
    if reindexer is not None:
        runs = reindexer.state()
        state.update(runs=runs["runs"], running=runs["running"], pending=runs["pending"],
                     last_run_at=runs["last_run_at"], last_summary=runs["last_summary"],
                     failed=runs["last_error"] is not None)
    return state
