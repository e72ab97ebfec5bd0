"""Request parameters → a validated :class:`SearchRequest` (bad values raise QueryError → 400)."""

from datetime import date

from search.errors import QueryError
from search.service import SearchRequest

PARAMETERS = (
    "q",
    "lang",
    "year",
    "month",
    "from",
    "to",
    "sort",
    "page",
    "per_page",
    "correct",
    "prefer_lang",
    "others",
    "category",
    "tag",
    "taxonomy",
    "collapse",
)


def _int(args, name: str) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 9:
        raise QueryError(f"{name} must be a whole number, got {raw[:20]!r}")
    return int(raw)


def _date(args, name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise QueryError(f"{name} must be a date as YYYY-MM-DD, got {raw[:20]!r}") from None


def _month(args, year: int | None) -> str | None:
    raw = args.get("month", "").strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) <= 2:
        if year is None:
            raise QueryError("month as a number needs year too (or give month as YYYY-MM)")
        return f"{year:04d}-{int(raw):02d}"
    return raw


def _flag(args, name: str, default: bool) -> bool:
    raw = args.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise QueryError(f"{name} must be 1 or 0, got {raw[:20]!r}")


def _taxonomy(args) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the taxonomy filters: ``category=``, ``tag=`` and ``taxonomy=name:value``, each repeatable."""
    chosen: dict[str, list[str]] = {}
    for name in ("category", "tag"):
        for value in args.getlist(name):
            if value.strip():
                chosen.setdefault(name, []).append(value.strip())
    for raw in args.getlist("taxonomy"):
        if not raw.strip():
            continue
        name, sep, value = raw.partition(":")
        if not sep or not value.strip():
            raise QueryError(f"taxonomy must be name:value (as author:Ivanov), got {raw[:40]!r}")
        chosen.setdefault(name.strip().lower(), []).append(value.strip())
    return tuple(sorted((name, tuple(dict.fromkeys(values))) for name, values in chosen.items()))


def search_request(
    args,
    default_per_page: int = 10,
    strict: bool = False,
    prefer_lang: str | None = None,
    others: bool = False,
    collapse: str | None = None,
) -> SearchRequest:
    """Return the search request described by query-string ``args`` (a multi-dict: filters may repeat).

    With ``strict`` (the API), a parameter the API does not know is an error.
    """
    if strict:
        unknown = sorted(set(args.keys()) - set(PARAMETERS))
        if unknown:
            raise QueryError(f"unknown parameter {unknown[0]!r}: use {', '.join(PARAMETERS)}")
    year = _int(args, "year")
    page = _int(args, "page")
    per_page = _int(args, "per_page")
    return SearchRequest(
        q=args.get("q", ""),
        lang=args.get("lang", "").strip() or None,
        year=year,
        month=_month(args, year),
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        sort=args.get("sort", "").strip() or "relevance",
        page=1 if page is None else page,
        per_page=default_per_page if per_page is None else per_page,
        correct=_flag(args, "correct", True),
        prefer_lang=args.get("prefer_lang", "").strip() or prefer_lang,
        others=_flag(args, "others", others),
        taxonomy=_taxonomy(args),
        collapse=args.get("collapse", "").strip() or collapse,
    )
