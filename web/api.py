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
    """Say whether the service can search and keeps up with the content, what the index holds and what the
    indexer is doing.

    200 ``ok``; 503 ``degraded`` while searches are answered but edits are not being indexed (the
    indexer is failing: ``reason`` says why) or the served index was found damaged and is being
    rebuilt; 503 ``rebuilding`` or ``unavailable`` while there is nothing to search.
    """
    indexer = indexer_state(current_app)
    try:
        service = engine(current_app).service()
        documents = service.document_count()
    except IndexUnavailable:
        status = "rebuilding" if indexer.get("state") == "rebuilding" else "unavailable"
        body = {"status": status, "error": UNAVAILABLE, "indexer": indexer}
        if indexer.get("error"):
            body["reason"] = indexer["error"]
        return jsonify(body), 503
    meta = service.meta()
    body = {
        "status": "ok",
        "documents": documents,
        "updated_at": meta.get("updated_at"),
        "indexer": indexer,
        "semantic": semantic_state(current_app, service),
    }
    reason = degraded_reason(indexer)
    if service.damage and not reason:
        reason = "the served index cannot be read (damaged): the indexer is checking it and rebuilds it if need be"
    if reason:
        return jsonify({**body, "status": "degraded", "reason": reason}), 503
    return jsonify(body)


@bp.get("/readyz")
def readyz():
    """Say whether searches can be answered (for a load balancer): 200 while an index is served, even a
    degraded one; 503 while there is none."""
    try:
        documents = engine(current_app).service().document_count()
    except IndexUnavailable:
        return jsonify(status="unavailable", error=UNAVAILABLE), 503
    return jsonify(status="ok", documents=documents)


def semantic_state(app, service) -> dict:
    """Say how far search by meaning is: what the served index holds, and why it is off when it is."""
    state = service.semantic_state()
    reindexer = app.config.get("REINDEXER")
    embedding = reindexer.state().get("semantic", {}) if reindexer is not None else {}
    if state["state"] in ("waiting", "embedding") and embedding.get("state") in ("off", "failing"):
        state.update(state=embedding["state"], reason=embedding.get("reason"))
    return state


def degraded_reason(indexer: dict) -> str | None:
    """Return why the service is degraded although it answers searches (None when it is not)."""
    if indexer.get("state") == "failing":
        return f"edits are not being indexed: {indexer.get('error') or 'the indexer is failing'} (retrying)"
    if indexer.get("state") == "rebuilding" and indexer.get("reason") == DAMAGED:
        return "the index was found damaged: it is being rebuilt from the content, searches answer from it meanwhile"
    return None


DAMAGED = "the index was damaged"


def indexer_state(app) -> dict:
    """Return what the indexer says it is doing, without messages that could name files or folders.

    The indexer of this process (``poisk serve`` in one process) answers from memory; otherwise the
    status the indexing process wrote (in the index folder and in memory, whichever is newer).
    """
    status = store.read_status(app.config["INDEX"])
    state = {"state": status.get("state", "unknown"), "since": status.get("since")}
    for key in ("reason", "error", "failures"):
        if status.get(key) is not None:
            state[key] = status[key]
    reindexer = app.config.get("REINDEXER")
    if reindexer is not None:
        runs = reindexer.state()
        state.update(
            runs=runs["runs"],
            running=runs["running"],
            pending=runs["pending"],
            last_run_at=runs["last_run_at"],
            last_summary=runs["last_summary"],
            failed=runs["failing"],
        )
        if runs["failing"]:
            state.update(
                state="failing",
                since=runs["failing_since"],
                error=runs["error"],
                failures=runs["failures"],
                next_retry_in=runs["next_retry_in"],
            )
        elif state["state"] == "failing":  # the file is older than what this process knows
            state.update(state="ok")
            for key in ("error", "failures"):
                state.pop(key, None)
    return state
