"""``/admin/lists``: editors change synonyms, places, entities and generic words, try a change first, and
every server process follows within seconds; a bad line is refused with its number."""

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from search.explain import explain
from search.lists import INDEXING_LISTS, LISTS, ListError
from search.service import SearchRequest
from web.admin import changes
from web.admin.auth import editor, require
from web.errors import error_response
from web.i18n import strings, ui_language

bp = Blueprint("admin_lists", __name__)


def _service():
    return current_app.extensions["poisk"].service()


def _kind(name: str):
    if name not in LISTS:
        abort(404)
    return LISTS[name]


def _render(name: str, text: str, status: int = 200, message: str | None = None, trial: dict | None = None):
    service = _service()
    lang = ui_language()
    body = render_template(
        "admin_list.html",
        t=strings(lang),
        ui_lang=lang,
        kind=_kind(name),
        text=text,
        source=str(service.lists.path(name)),
        error=service.lists.errors.get(name),
        message=message,
        trial=trial,
        log=changes.recent(current_app.config, f"lists.{name}"),
    )
    return body, status, {"Cache-Control": "no-store"}


@bp.get("/admin/lists")
@require("read")
def lists_page():
    """Every list editors may change, where it is read from, and the lists that shape indexing."""
    service = _service()
    lang = ui_language()
    rows = [
        {
            "name": k.name,
            "help": k.help,
            "source": str(service.lists.path(k.name)),
            "error": service.lists.errors.get(k.name),
        }
        for k in LISTS.values()
    ]
    if request.args.get("format") == "json":
        return jsonify(lists=rows, indexing=list(INDEXING_LISTS))
    body = render_template("admin_lists.html", t=strings(lang), ui_lang=lang, lists=rows, indexing=INDEXING_LISTS)
    return body, 200, {"Cache-Control": "no-store"}


@bp.post("/admin/rebuild")
@require("write")
def rebuild():
    """Rebuild the index from the content (after a list that shapes indexing changed); it runs in the background."""
    reindexer = current_app.extensions["poisk.webhook"]["reindexer"]()
    reindexer.request(full=True, reason="a rebuild asked for on /admin/lists")
    changes.record(current_app.config, editor(), "index.rebuild", {})
    if request.form:
        return redirect(
            url_for("admin_lists.lists_page", lang=request.args.get("lang") or None, rebuilding=1), code=303
        )
    return jsonify(status="accepted"), 202


@bp.get("/admin/lists/<name>")
@require("read")
def list_page(name: str):
    _kind(name)
    return _render(name, _service().lists.text(name))


def save(name: str, text: str) -> None:
    service = _service()
    before = service.lists.text(name)
    service.lists.save(name, text)  # validates first: raises ListError and writes nothing
    added = sorted(set(text.splitlines()) - set(before.splitlines()))
    removed = sorted(set(before.splitlines()) - set(text.splitlines()))
    changes.record(current_app.config, editor(), f"lists.{name}", {"added": added[:50], "removed": removed[:50]})


@bp.post("/admin/lists/<name>")
@require("write")
def save_list(name: str):
    _kind(name)
    text = request.form.get("text", "").replace("\r\n", "\n")
    try:
        save(name, text)
    except ListError as exc:
        return _render(name, text, 400, str(exc))
    return redirect(
        url_for("admin_lists.list_page", name=name, lang=request.args.get("lang") or None, saved=1), code=303
    )


def _summary(result: dict) -> dict:
    return {
        "total": result["total"],
        "relaxed": result["relaxed"],
        "hits": result["hits"],
        "reading": result["reading"],
    }


def trial(name: str, text: str, query: str, lang: str | None) -> dict:
    """Return explain's answer for ``query`` with the list in force and with ``text`` in its place."""
    service = _service()
    req = SearchRequest(q=query, lang=lang)
    before = explain(service, req, top=3)
    after = explain(service, req, top=3, lexicon=service.lists.trial(name, text))
    return {"query": query, "lang": lang, "before": _summary(before), "after": _summary(after)}


@bp.post("/admin/lists/<name>/try")
@require("read")
def try_list(name: str):
    """Explain a query before and after a change, writing nothing."""
    _kind(name)
    text = request.form.get("text", "").replace("\r\n", "\n")
    query = request.form.get("q", "").strip()
    lang = request.form.get("search_lang") or None
    if lang not in (None, "kk", "ru", "en"):
        lang = None
    if not query:
        return _render(name, text, 400, strings(ui_language()).get("lists_try_empty", "type a query to try"))
    try:
        result = trial(name, text, query, lang)
    except ListError as exc:
        return _render(name, text, 400, str(exc))
    return _render(name, text, trial=result)


@bp.put("/admin/api/lists/<name>")
@require("write")
def api_save_list(name: str):
    """Replace a list with the request's body (text/plain, UTF-8): 200, or 400 naming the bad line."""
    _kind(name)
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        return error_response(400, "send the list as UTF-8 text")
    try:
        save(name, text)
    except ListError as exc:
        return error_response(400, str(exc))
    return jsonify(name=name, saved=True)


@bp.get("/admin/api/lists/<name>")
@require("read")
def api_list(name: str):
    _kind(name)
    return current_app.response_class(_service().lists.text(name), mimetype="text/plain")
