"""``/admin/rules``: editors pin and hide pages for a query, with dates; every change is logged."""

from datetime import date, datetime

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from search.rules import RulesError, parse, with_rule, without_rule, write
from web import settings
from web.admin import changes
from web.admin.auth import editor, require
from web.engine import Engine
from web.errors import error_response
from web.i18n import strings, ui_language

bp = Blueprint("admin_rules", __name__)

MAX_FORM_LINES = 20


def _file():
    return settings.beside_index(current_app.config, "RULES", "rules.toml")


def _service():
    engine: Engine = current_app.extensions["poisk"]
    return engine.service()


def _moment(value: str, field: str):
    """Return a form's date or date-and-time (``2026-12-31`` or ``2026-12-31T18:00``), or None when empty."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None) if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise RulesError(f"{field} must be a date (2026-12-31) or a date and time (2026-12-31T18:00)") from None


def _pages(text: str, field: str, positions: bool) -> list:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_FORM_LINES:
        raise RulesError(f"at most {MAX_FORM_LINES} pages in {field}")
    out = []
    for line in lines:
        page, _, position = line.rpartition(" ")
        if positions and page and position.isdigit():
            out.append({"page": page.strip(), "position": int(position)})
        else:
            out.append(line)
    return out


def table_of(form) -> dict:
    """Return a rule's TOML table from a form (or a JSON object with the same keys)."""
    pins, hides = form.get("pin", ""), form.get("hide", "")
    table = {
        "query": str(form.get("query", "")).strip(),
        "match": str(form.get("match", "exact")).strip() or "exact",
        "pin": _pages(pins, "pin", True) if isinstance(pins, str) else pins,
        "hide": _pages(hides, "hide", False) if isinstance(hides, str) else hides,
        "from": _moment(str(form.get("from") or ""), "from"),
        "until": _moment(str(form.get("until") or ""), "until"),
        "note": str(form.get("note", "")).strip(),
    }
    return table


def _current_text(path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def add(table: dict) -> int:
    """Add a rule (validated with every page found) and return its number; raise :class:`RulesError`."""
    path = _file()
    service = _service()
    text = with_rule(_current_text(path), table)
    rules = parse(text, service.tz, service.rules.resolve)
    new = rules[-1]
    unknown = [p.page for p in new.pins if p.folder is None] + [page for page, folder in new.hides if folder is None]
    if unknown:
        raise RulesError(f"no page {unknown[0]!r}: give its address as on the site (/news/…) or its folder")
    write(path, text)
    service.rules._refresh(force=True)
    changes.record(current_app.config, editor(), "rules.add", {"rule": new.to_dict(service.tz)})
    return new.number


def remove(number: int) -> None:
    path = _file()
    service = _service()
    text = without_rule(_current_text(path), number)
    old = next((r for r in service.rules.rules if r.number == number), None)
    write(path, text)
    service.rules._refresh(force=True)
    changes.record(
        current_app.config, editor(), "rules.remove", {"rule": old.to_dict(service.tz) if old else {"number": number}}
    )


def _off():
    return error_response(404, "rules are off: set POISK_RULES (auto keeps rules.toml beside the index)")


def _page(status: int = 200, message: str | None = None, form=None):
    service = _service()
    service.rules.check()  # the save just made may have gone to another server process
    lang = ui_language()
    now = service.clock()
    rules = [{**r.to_dict(service.tz), "active": r.active(now)} for r in service.rules.rules]
    body = render_template(
        "admin_rules.html",
        t=strings(lang),
        ui_lang=lang,
        rules=rules,
        error=service.rules.error,
        message=message,
        form=form or {},
        log=changes.recent(current_app.config, "rules."),
        path=_file(),
    )
    return body, status, {"Cache-Control": "no-store"}


@bp.get("/admin/rules")
@require("read")
def rules_page():
    """The rules in force, a form to add one, and the log of changes."""
    if _file() is None:
        return _off()
    if request.args.get("format") == "json":
        service = _service()
        service.rules.check()
        return jsonify(
            rules=[r.to_dict(service.tz) for r in service.rules.rules],
            error=service.rules.error,
            log=changes.recent(current_app.config, "rules."),
        )
    return _page()


@bp.post("/admin/rules")
@require("write")
def add_rule():
    if _file() is None:
        return _off()
    try:
        add(table_of(request.form))
    except RulesError as exc:
        return _page(400, str(exc), request.form)
    return redirect(url_for("admin_rules.rules_page", lang=request.args.get("lang") or None, saved=1), code=303)


@bp.post("/admin/rules/<int:number>/delete")
@require("write")
def delete_rule(number: int):
    if _file() is None:
        return _off()
    try:
        remove(number)
    except RulesError as exc:
        return _page(400, str(exc))
    return redirect(url_for("admin_rules.rules_page", lang=request.args.get("lang") or None), code=303)


@bp.post("/admin/api/rules")
@require("write")
def api_add_rule():
    """Add a rule from JSON: ``{"query", "match", "pin": [...], "hide": [...], "from", "until", "note"}``."""
    if _file() is None:
        return _off()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error_response(
            400, "send the rule as a JSON object: query, pin or hide, and optional match, from, until"
        )
    try:
        number = add(table_of(data))
    except (RulesError, TypeError, ValueError) as exc:
        return error_response(400, str(exc))
    service = _service()
    return jsonify(next(r.to_dict(service.tz) for r in service.rules.rules if r.number == number)), 201


@bp.delete("/admin/api/rules/<int:number>")
@require("write")
def api_delete_rule(number: int):
    if _file() is None:
        return _off()
    try:
        remove(number)
    except RulesError as exc:
        return error_response(404, str(exc))
    return "", 204
