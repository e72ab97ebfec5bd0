"""The stats report as editors use it: zero-result queries with a tried fix, and exports (JSON, CSV)."""

import csv
import functools
import io
import time

from search import fixes

TABLES = ("queries", "zero_results", "weeks", "bad_ranking", "trending", "top")
FIX_BUDGET_SECONDS = 3.0  # looking for fixes while the page waits; the rest are found on a later visit
MAX_REMEMBERED = 2000


def with_fixes(report: dict, app) -> dict:
    """Add to each zero-result query a fix that, tried, makes it match (``fix``: None when none was found).

    The fixes come from ``app.extensions["poisk.fix_suggester"]`` when set — a callable
    ``(query, lang) -> {"list", "line", "matches", …} | None`` — else from :func:`search.fixes.suggest`
    on the served index."""
    suggest = app.extensions.get("poisk.fix_suggester")
    try:
        service = app.extensions["poisk"].service()
        state = (service.lists.current().version, service.document_count())
    except Exception:  # no index yet: the report still shows, without fixes of its own
        if suggest is None:
            return report
        service, state = None, None
    if suggest is None:
        suggest = functools.partial(fixes.suggest, service)
    remembered: dict = app.extensions.setdefault("poisk.fixes", {})
    deadline = time.monotonic() + FIX_BUDGET_SECONDS
    for row in report.get("zero_results", []):
        key = (row["query"], row.get("lang"), state)
        if key not in remembered and time.monotonic() < deadline:
            if len(remembered) >= MAX_REMEMBERED:
                remembered.clear()
            remembered[key] = suggest(row["query"], row.get("lang"))
        row["fix"] = remembered.get(key)
    return report


def as_csv(report: dict, table: str) -> str:
    """Return one of the report's tables as CSV with a header row."""
    rows = report.get(table, [])
    out = io.StringIO()
    if rows:
        flat = [{k: (v["line"] if k == "fix" and isinstance(v, dict) else v) for k, v in r.items()} for r in rows]
        writer = csv.DictWriter(out, fieldnames=list(flat[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
    return out.getvalue()
