"""Why a search answers what it does: how each word was read, what each top hit's score is made of, and
why a page is not shown.

:func:`explain` runs the search the way ``/api/search`` does (uncached, with a trace of each stage) and
accounts for every hit's score: the BM25F share of each term in each field, the language bonus, the
factor recency kept, a pin. ``explained`` is recomputed from those parts, so an editor can check it
against ``score``. :func:`as_text` writes it for a terminal.
"""

from dataclasses import replace
from datetime import datetime

import numpy as np
from whoosh import query as wq

from search import ranking
from search.matching import Budget, matching
from search.service import MAX_PER_PAGE, SearchRequest, SearchService

TOP = 5
SHARE_LISTED = 12  # terms listed per hit, largest first


def _field_level(field: str) -> tuple[str, str | None]:
    """Return what a field holds (the level of a word it matches) and its language."""
    name, _, lang = field.rpartition("_")
    if not name:
        name, lang = field, None
    kinds = {
        "title": "title (word forms)",
        "body": "text (word forms)",
        "family": "word family (derived words)",
        "cross": "other script (transliteration)",
        "cross_title": "title in another script",
        "code": "codes and numbers",
        "lang": "language bonus",
        "names": "names",
    }
    return kinds.get(name, kinds.get(field, field)), lang if lang in ("kk", "ru", "en") else None


def contributions(query: wq.Query, searcher, doc: int, budget: Budget | None = None) -> list[dict]:
    """Return the score of ``doc`` for ``query`` as the parts it sums: one per matched term (or phrase)."""
    cand = np.array([doc], dtype=np.int64)
    budget = budget or Budget()
    matching(query, searcher, {doc}, budget)  # what phrases and sequences match, as ranking saw it
    out: list[dict] = []

    def walk(q: wq.Query, weight: float) -> None:
        if isinstance(q, wq.Term):
            score = float(ranking._term(q, searcher, cand)[0][0]) * weight
            if score:
                what, lang = _field_level(q.fieldname)
                text = q.text.decode("utf-8", "replace") if isinstance(q.text, bytes) else str(q.text)
                out.append({"field": q.fieldname, "term": text, "what": what, "lang": lang, "score": score})
            return
        if q is wq.NullQuery:
            return
        if isinstance(q, wq.AndNot):
            if ranking._evaluate(q, searcher, cand, budget)[1][0]:
                walk(q.a, weight * q.boost)
            return
        if isinstance(q, wq.AndMaybe):
            if ranking._evaluate(q.a, searcher, cand, budget)[1][0]:
                walk(q.a, weight * q.boost)
                walk(q.b, weight * q.boost)
            return
        if isinstance(q, (wq.And, wq.Or)) and not isinstance(q, wq.Sequence):
            if ranking._evaluate(q, searcher, cand, budget)[1][0]:
                for sub in q.subqueries:
                    walk(sub, weight * q.boost)
            return
        score = float(ranking._evaluate(q, searcher, cand, budget)[0][0]) * weight
        if score:
            out.append({"field": "", "term": str(q), "what": "phrase", "lang": None, "score": score})

    walk(query, 1.0)
    return out


def _reading(trace: dict) -> dict:
    """Return how the query was read: corrections, dates, each word's parts, synonyms, levels and fields."""
    parts = trace.get("parts")
    lexicon = trace.get("lexicon")
    req: SearchRequest = trace["req"]
    words = []
    for part in parts.parts if parts else []:
        fields: dict[str, set[str]] = {}
        for field, text in part.query.iter_all_terms():
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            fields.setdefault(field, set()).add(text)
        also = lexicon.synonyms.expand(part.words) if lexicon else []
        words.append(
            {
                "typed": part.words,
                "searched_as": {f: sorted(t) for f, t in sorted(fields.items())},
                "synonyms": also,
            }
        )
    return {
        "query": req.q,
        "corrected": trace.get("corrected"),
        "date_filter": {"year": req.year, "month": req.month} if req.year else None,
        "words": words,
        "excluded": bool(parts and parts.excluded is not None),
    }


def _hit_detail(trace: dict, hit, rank: int, docnum: int) -> dict:
    searcher, columns = trace["searcher"], trace["columns"]
    detail = {
        "rank": rank,
        "path": hit.path,
        "url": hit.url,
        "lang": hit.lang,
        "score": hit.score,
        "match": hit.match,
        "pinned": hit.pinned,
        "missing": hit.missing,
    }
    if hit.pinned:
        rules = [r.number for r in trace["applied"].rules if any(p.folder == hit.folder for p in r.pins)]
        detail.update(how=f"pinned by rule {', '.join(map(str, rules))}", explained=None, terms=[])
        return detail
    if docnum in trace.get("near", {}) and hit.match == "semantic":
        detail.update(how="near the query's meaning (cosine similarity)", explained=hit.score, terms=[])
        return detail
    if docnum in trace.get("named", ()):
        query, how = trace.get("named_query"), "its title is what the query names"
    elif docnum in trace.get("found", ()):
        query, how = trace["ranked_query"], "holds every word"
    else:
        query, how = trace.get("soft_query"), "holds some of the words"
    if query is None or hit.score is None:
        detail.update(how=how, explained=None, terms=[])
        return detail
    parts = contributions(query, searcher, docnum, trace.get("budget"))
    total = sum(p["score"] for p in parts)
    factor, bonus = trace.get("recency", {}).get(docnum, (1.0, 0.0)) if how == "holds every word" else (1.0, 0.0)
    explained = (total - bonus) * factor + bonus
    relevance = total - bonus
    for p in parts:
        p["share"] = p["score"] / total if total else 0.0
    parts.sort(key=lambda p: -p["score"])
    detail.update(
        how=how,
        explained=round(explained, 3),
        relevance=round(relevance, 3),
        boosts={
            "language": round(bonus, 3),
            "recency": round(factor, 4),
            "dated": bool(columns.dated[docnum]),
        },
        terms=[{**p, "score": round(p["score"], 3), "share": round(p["share"], 4)} for p in parts[:SHARE_LISTED]],
    )
    return detail


def _when(epoch: int, tz) -> str:
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="minutes")


def _page_docs(searcher, page: str) -> list[int]:
    """Return the documents of ``page``: a file (its path) or a folder below the pages folder."""
    page = page.strip().strip("/")
    docs = list(searcher.document_numbers(path=page))
    if not docs:
        docs = sorted(SearchService._folder_docs(searcher, [page]))
    return docs


def _why_not(service: SearchService, trace: dict, page: str, shown_paths: dict[str, int]) -> list[dict]:
    """Return, for each language's version of ``page``, where it is or why it is not shown."""
    searcher, columns, req = trace["searcher"], trace["columns"], trace["req"]
    now = trace["now"]
    docs = _page_docs(searcher, page)
    if not docs:
        return [
            {"page": page, "shown": False, "reason": f"no page {page!r} in the index: is it under the pages folder?"}
        ]
    out = []
    visible = columns.visible(now)
    found = trace.get("found", set())
    missing = trace.get("missing", {})
    words = trace.get("words") or []
    ranked = trace.get("ranked", [])
    positions = {}
    for i, item in enumerate(ranked, 1):
        positions.setdefault(item[-2] if len(item) == 3 else item[0], i)
    for doc in docs:
        fields = columns.page(doc)
        path, lang = fields["path"], fields["lang"]
        entry = {"page": path, "lang": lang, "shown": path in shown_paths}
        if path in shown_paths:
            entry["reason"] = f"shown at position {shown_paths[path]}"
        elif doc not in visible:
            if not fields.get("published", True):
                entry["reason"] = "not visible: a draft (published: false)"
            elif not fields.get("routable", True):
                entry["reason"] = "not visible: not routable (routable: false)"
            elif fields.get("visible_from", 0) > now:
                entry["reason"] = f"not visible yet: scheduled for {_when(fields['visible_from'], service.tz)}"
            elif fields.get("visible_until", 2**62) <= now:
                entry["reason"] = f"not visible: unpublished since {_when(fields['visible_until'], service.tz)}"
            else:
                entry["reason"] = "not visible: it has no address on the site"
        elif trace.get("applied") and fields.get("folder") in trace["applied"].hides:
            rules = [r.number for r in trace["applied"].rules if any(f == fields.get("folder") for _, f in r.hides)]
            entry["reason"] = f"hidden by rule {', '.join(map(str, rules))}"
        elif doc not in trace.get("filters", set()):
            entry["reason"] = _filtered_by(req, fields, service)
        elif doc not in found and doc not in missing:
            lacks = [
                p.words for p in (trace["parts"].parts if trace.get("parts") else []) if not _holds(p, searcher, doc)
            ]
            entry["reason"] = (
                f"missing a word: it lacks {', '.join(repr(w) for w in lacks)}"
                if lacks
                else "excluded by a word the query rules out"
            )
            if trace.get("missing") is not None and lacks:
                entry["reason"] += " (and pages lacking such words follow only when fewer than a page hold every word)"
        elif doc in positions:
            rank = positions[doc]
            entry["reason"] = f"ranked {rank}{_ordinal(rank)} (page {(rank - 1) // req.per_page + 1})"
            if doc in missing:
                entry["reason"] += f", lacking {', '.join(repr(words[i].text) for i in missing[doc])}"
        else:
            copies = [d for d in columns.copies(doc) if d != doc]
            stories = [d for d in columns.in_folder(doc) if d != doc]
            if any(d in positions for d in copies):
                entry["reason"] = "the same text is shown under another address"
            elif req.collapsing and any(d in positions for d in stories):
                entry["reason"] = "its story is shown in another language (one hit per story)"
            else:
                entry["reason"] = f"ranked below {len(ranked)}"
        out.append(entry)
    return out


def _holds(part, searcher, doc: int) -> bool:
    return doc in matching(part.query, searcher, {doc}, Budget())


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _filtered_by(req: SearchRequest, fields: dict, service: SearchService) -> str:
    if req.lang and fields["lang"] != req.lang:
        return f"filtered by language: the page is in {fields['lang']}, the search in {req.lang}"
    if req.year and str(req.year) != fields.get("year"):
        return f"filtered by year: the page is of {fields.get('year')}, the search asks for {req.year}"
    if req.month and req.month != fields.get("month"):
        return f"filtered by month: the page is of {fields.get('month')}, the search asks for {req.month}"
    if req.date_from or req.date_to:
        return f"filtered by date: the page is dated {fields.get('date_iso')}"
    if req.taxonomy:
        return "filtered by " + ", ".join(f"{name} ({', '.join(values)})" for name, values in req.taxonomy)
    return "filtered out"


def explain(service: SearchService, req: SearchRequest, page: str | None = None, top: int = TOP, lexicon=None) -> dict:
    """Return how ``req`` was read, the score of its ``top`` hits part by part and, for ``page``, why it is
    (not) shown. ``lexicon`` tries other word lists (see :meth:`search.lists.LiveLists.trial`)."""
    result, trace = service.traced(req, lexicon)
    deep = replace(req, page=1, per_page=MAX_PER_PAGE)
    if page is not None and (req.page, req.per_page) != (1, MAX_PER_PAGE):
        _, trace = service.traced(deep, lexicon)  # ranks to the 100th
        trace["req"] = req
    explained = {
        "reading": _reading(trace) if "req" in trace and "parts" in trace else {"query": req.q, "words": []},
        "total": result.total,
        "relaxed": result.relaxed,
        "rules": [r.to_dict(service.tz) for r in trace["applied"].rules] if trace.get("applied") else [],
        "hits": [],
    }
    if "searcher" not in trace:
        return explained
    first = (req.page - 1) * req.per_page
    shown = {h.path: first + i for i, h in enumerate(result.results, 1)}
    for i, hit in enumerate(result.results[:top], 1):
        docnum = next(iter(trace["searcher"].document_numbers(path=hit.path)), None)
        if docnum is not None:
            explained["hits"].append(_hit_detail(trace, hit, first + i, docnum))
    if page is not None:
        explained["page"] = _why_not(service, trace, page, shown)
    return explained


def as_text(explained: dict) -> str:
    """Return an explanation for a terminal."""
    r = explained["reading"]
    lines = [f"query: {r['query']}"]
    if r.get("corrected"):
        lines.append(f"  corrected to: {r['corrected']}")
    if r.get("date_filter"):
        lines.append(f"  read as a date filter: {r['date_filter']}")
    for w in r.get("words", []):
        lines.append(f"  word {w['typed']!r}:")
        if w["synonyms"]:
            lines.append(f"    also searched as: {', '.join(w['synonyms'])}")
        for field, terms in w["searched_as"].items():
            lines.append(f"    {field}: {', '.join(terms[:8])}{' …' if len(terms) > 8 else ''}")
    if explained.get("relaxed"):
        lines.append(f"relaxed: some hits lack {', '.join(explained['relaxed'])}")
    for rule in explained.get("rules", []):
        lines.append(f"rule {rule['number']} applies: query {rule['query']!r} ({rule['match']})")
    lines.append(f"{explained['total']} results")
    for h in explained["hits"]:
        lines.append(f"#{h['rank']} {h['path']} [{h['lang']}] score {h['score']} — {h['how']}")
        if h.get("explained") is not None and "boosts" in h:
            b = h["boosts"]
            lines.append(
                f"    = relevance {h['relevance']} × recency {b['recency']} + language bonus {b['language']}"
                f" = {h['explained']}"
            )
        for t in h.get("terms", []):
            lines.append(
                f"    {t['share']:6.1%}  {t['score']:8.3f}  {t['field'] or 'phrase'}: {t['term']}  ({t['what']})"
            )
        if h.get("missing"):
            lines.append(f"    lacks: {', '.join(h['missing'])}")
    for p in explained.get("page", []):
        lines.append(f"page {p['page']}{' [' + p['lang'] + ']' if p.get('lang') else ''}: {p['reason']}")
    return "\n".join(lines)
