"""Fixes for searches that find nothing: a word-list entry that, tried, makes the query match.

For each query word that no page holds, the archive's words that begin as it does (shorter and
shorter stems, then the meaning's nearest pages' title words when the model is on) are tried
as a synonym of it — each with the query searched again with that line added to the synonyms
in force (:meth:`search.lists.LiveLists.trial`). Only a line that makes the query match is
offered, with how many pages it finds; nothing is written.
"""

from search.matching import Budget, matching
from search.service import SearchRequest, SearchService

MIN_STEM = 4
TRIED = 12  # candidate lines tried per query


def _candidates(service: SearchService, word: str, lang: str | None) -> list[str]:
    """Return archive words a visitor typing ``word`` may have meant: completions of its shorter stems."""
    seen: list[str] = []
    stem = word.casefold()
    while len(stem) >= MIN_STEM and len(seen) < TRIED:
        for found in service.suggest(stem, lang, limit=4):
            if found != word.casefold() and found not in seen:
                seen.append(found)
        stem = stem[:-1]
    return seen[:TRIED]


def suggest(service: SearchService, query: str, lang: str | None = None) -> dict | None:
    """Return a tried fix for ``query`` finding nothing: ``{"list", "line", "word", "matches"}``; None if none."""
    try:
        req = SearchRequest(q=query, lang=lang)
    except ValueError:
        return None
    page, trace = service.traced(req)
    if page.total or not trace.get("parts"):
        return None
    searcher, filters = trace["searcher"], trace.get("filters", set())
    lacking = [p for p in trace["parts"].parts if not matching(p.query, searcher, filters, Budget()) & filters]
    base = service.lists.text("synonyms").rstrip("\n")
    for part in lacking:
        word = part.words.strip('"')
        for candidate in _candidates(service, word, lang):
            line = f"{word} | {candidate}"
            trial = service.lists.trial("synonyms", f"{base}\n{line}\n")
            found = service.traced(req, trial)[0].total
            if found:
                return {"list": "synonyms", "line": line, "word": word, "matches": found}
    return None
