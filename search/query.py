"""The visitor's query syntax, and its translation into a Whoosh query over every level.

Visitors get a small, safe language: words, "exact phrases", ``-excluded`` words and
``OR`` between alternatives. Everything else (wildcards, ranges, field names, regular
expressions, fuzzy marks) is plain text: it never reaches the engine as syntax.

Each searched word is analysed by every language's analysers — a short query's language is
never guessed — and looked for at every level: the exact lemma or stem (title boosted),
the derivational family (lower boost, so exact matches rank first) and the code level.
"""

import copy
import re
from dataclasses import dataclass, field

from whoosh import query as wq

from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyze_positions
from search.analysis.tokenizer import HYPHENS, dehyphenate
from search.errors import QueryError
from search.schema import CODE_FIELD, CROSS_FIELD, CROSS_TITLE_FIELD, body_field, family_field, title_field

MAX_QUERY_CHARS = 256
MAX_TERMS = 32

TITLE_BOOST = 2.0
FAMILY_BOOST = 0.4
CODE_BOOST = 1.0
CROSS_BOOST = 0.3
CROSS_TITLE_BOOST = 1.0  # a title naming the term in the other script (a ru post titled "… Hematology Forum")
SYNONYM_BOOST = 0.9
JOINED_BOOST = 0.8

_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_OR_WORDS = frozenset({"OR", "ИЛИ", "НЕМЕСЕ", "|"})


@dataclass(frozen=True)
class Clause:
    """One searched unit: a word, or several words that must stand together."""

    text: str
    phrase: bool = False


@dataclass
class ParsedQuery:
    """A visitor's query: every group must match (one clause of it), no excluded clause may."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups


def parse(text: str) -> ParsedQuery:
    """Parse a visitor's query; raise :class:`QueryError` when it is too long."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long: {len(text)} characters, at most {MAX_QUERY_CHARS}")
    pieces: list[tuple[Clause, bool] | str] = []
    for m in _PIECE.finditer(text):
        minus, quoted, bare = m.groups()
        if bare is not None:
            if bare in _OR_WORDS:
                pieces.append("OR")
                continue
            negated = bare.startswith("-") and len(bare) > 1
            word = bare[1:] if negated else bare
            pieces.append((Clause(word), negated))
        elif quoted.strip():
            pieces.append((Clause(" ".join(quoted.split()), phrase=True), bool(minus)))
    if sum(1 for p in pieces if p != "OR") > MAX_TERMS:
        raise QueryError(f"too many words in the query: at most {MAX_TERMS}")

    parsed = ParsedQuery()
    join_next = False
    for piece in pieces:
        if piece == "OR":
            join_next = bool(parsed.groups)
            continue
        clause, negated = piece
        if negated:
            parsed.excluded.append(clause)
        elif join_next:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        join_next = False
    return parsed


def unparse(parsed: ParsedQuery) -> str:
    """Return query text that parses back to ``parsed``."""

    def show(c: Clause) -> str:
        return f'"{c.text}"' if c.phrase else c.text

    out = [" OR ".join(show(c) for c in group) for group in parsed.groups]
    out += ["-" + show(c) for c in parsed.excluded]
    return " ".join(out)


def _sequence(fieldname: str, positions: list[list[str]], boost: float = 1.0) -> wq.Query | None:
    """Return the query of keys standing one after another in ``fieldname``."""
    if not positions:
        return None
    if len(positions) == 1:
        keys = positions[0]
        if len(keys) == 1:
            return wq.Term(fieldname, keys[0], boost=boost)
        return wq.Or([wq.Term(fieldname, k) for k in keys], boost=boost)
    if all(len(keys) == 1 for keys in positions):
        return wq.Phrase(fieldname, [keys[0] for keys in positions], boost=boost)
    # An ambiguous word has several keys at its position: a sequence of alternatives.
    steps = [
        wq.Term(fieldname, keys[0]) if len(keys) == 1 else wq.Or([wq.Term(fieldname, k) for k in keys])
        for keys in positions
    ]
    return wq.Sequence(steps, boost=boost)


def levels_query(text: str, boost: float = 1.0, cross: bool = True) -> wq.Query | None:
    """Return the query of ``text`` (one word or a phrase) at every level and in every language.

    ``cross`` adds the cross-script level; alternatives that are themselves another script's
    spelling of the visitor's word (transliterations) leave it out, or they would cross back.
    """
    parts = []
    for lang in LANGUAGES:
        positions = analyze_positions(lang, text, "exact")
        parts.append(_sequence(title_field(lang), positions, TITLE_BOOST))
        parts.append(_sequence(body_field(lang), positions))
    for lang in FAMILY_LANGUAGES:
        parts.append(_sequence(family_field(lang), analyze_positions(lang, text, "family"), FAMILY_BOOST))
    parts.append(_sequence(CODE_FIELD, analyze_positions(None, text, "code"), CODE_BOOST))
    cross = analyze_positions(None, text, "cross") if cross else []
    if len(cross) == 1:  # one international term; in a phrase, every word would need a key
        parts.append(_sequence(CROSS_TITLE_FIELD, cross, CROSS_TITLE_BOOST))
        parts.append(_sequence(CROSS_FIELD, cross, CROSS_BOOST))
    parts = _unique(p for p in parts if p is not None)
    if not parts:
        return None
    return wq.Or(parts, boost=boost) if len(parts) > 1 or boost != 1.0 else parts[0]


def _unique(queries) -> list:
    seen, out = set(), []
    for q in queries:
        key = repr(q)
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


def clause_query(clause: Clause, synonyms=None, expansions=()) -> wq.Query | None:
    """Return the query matching ``clause``: its levels, its joined form, its synonyms; None if only stop words."""
    alternatives = [levels_query(clause.text)]
    if any(h in clause.text for h in HYPHENS):
        alternatives.append(levels_query(dehyphenate(clause.text), JOINED_BOOST))
    if synonyms is not None:
        for member in synonyms.expand(clause.text):
            alternatives.append(levels_query(member, SYNONYM_BOOST, cross=False))
    for text, boost in expansions:
        alternatives.append(levels_query(text, boost, cross=False))
    alternatives = [q for q in alternatives if q is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


MAX_SYNONYM_WORDS = (
    10  # the longest member searched as one name (Европейское общество трансплантации крови и костного мозга)
)


def _synonym_run(groups, start: int, synonyms) -> int:
    """Return how many single-word groups from ``start`` on form a synonym member (0 if none)."""
    if synonyms is None:
        return 0
    for length in range(min(MAX_SYNONYM_WORDS, len(groups) - start), 1, -1):
        run = groups[start : start + length]
        if all(len(g) == 1 and not g[0].phrase for g in run) and synonyms.groups_of(" ".join(g[0].text for g in run)):
            return length
    return 0


@dataclass(frozen=True)
class Part:
    """One thing a page must hold to match the whole query: a word (with its alternatives), a phrase,
    or several words that together name a term with synonyms."""

    words: str  # as the visitor typed them
    query: wq.Query
    clauses: tuple[Clause, ...]


@dataclass
class QueryParts:
    """A query as its required parts (each a Whoosh query) and what no page may hold."""

    parts: list[Part]
    excluded: wq.Query | None = None

    def combined(self) -> wq.Query | None:
        """Return the query of pages holding every part and nothing excluded (None: nothing to search)."""
        if not self.parts:
            return None
        positive = self.parts[0].query if len(self.parts) == 1 else wq.And([p.query for p in self.parts])
        return self.without_excluded(positive)

    def without_excluded(self, query: wq.Query) -> wq.Query:
        return wq.AndNot(query, self.excluded) if self.excluded is not None else query


def to_parts(parsed: ParsedQuery, synonyms=None, expansions=None) -> QueryParts:
    """Return the parts of ``parsed`` a page must hold, in the visitor's order (stop words leave none).

    ``expansions`` maps a clause to extra (text, boost) alternatives (transliterations).
    """
    expansions = expansions or {}
    parts: list[Part] = []
    groups = parsed.groups
    i = 0
    while i < len(groups):
        run = _synonym_run(groups, i, synonyms)
        if run:  # several words that together name a term with synonyms (хронический миелолейкоз = ХМЛ)
            clauses = tuple(g[0] for g in groups[i : i + run])
            words = " ".join(c.text for c in clauses)
            subs = [q for c in clauses if (q := clause_query(c, synonyms, expansions.get(c, ())))]
            alternatives = [wq.And(subs)] if subs else []
            alternatives += [q for m in synonyms.expand(words) if (q := levels_query(m, SYNONYM_BOOST, cross=False))]
            parts.append(Part(words, wq.Or(alternatives), clauses))
            i += run
            continue
        group = groups[i]
        alternatives = [q for c in group if (q := clause_query(c, synonyms, expansions.get(c, ()))) is not None]
        if alternatives:
            words = " OR ".join(f'"{c.text}"' if c.phrase else c.text for c in group)
            query = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
            parts.append(Part(words, query, tuple(group)))
        i += 1
    excluded = [q for c in parsed.excluded if (q := clause_query(c, synonyms)) is not None]
    return QueryParts(parts, wq.Or(excluded) if excluded else None)


def to_whoosh(parsed: ParsedQuery, synonyms=None, expansions=None) -> wq.Query | None:
    """Return the Whoosh query of pages holding every word of ``parsed``, or None when nothing is left to search."""
    return to_parts(parsed, synonyms, expansions).combined()


def language_fields(lang: str) -> frozenset[str]:
    """Return the text fields that only pages in ``lang`` have."""
    names = {title_field(lang), body_field(lang)}
    if lang in FAMILY_LANGUAGES:
        names.add(family_field(lang))
    return frozenset(names)


def only_language(query: wq.Query, lang: str) -> wq.Query | None:
    """Return ``query`` without the parts looking in other languages' fields (None if nothing is left).

    A page has the text fields of its own language only, so when a search is limited to ``lang``
    the other languages' terms can match nothing that is shown: leaving them out changes no
    result and no score, and spares reading their postings.
    """
    others = frozenset().union(*(language_fields(other) for other in LANGUAGES if other != lang))
    return _prune(query, others)


def _prune(q: wq.Query, fields: frozenset[str]) -> wq.Query | None:
    if q.field() in fields:
        return None
    if isinstance(q, (wq.AndNot, wq.AndMaybe)):
        a = _prune(q.a, fields)
        if a is None:
            return None
        b = _prune(q.b, fields)
        return a if b is None else q.__class__(a, b, boost=q.boost)
    if isinstance(q, (wq.And, wq.Or)) and not isinstance(q, wq.Sequence):
        pruned_parts = [_prune(s, fields) for s in q.subqueries]
        kept = [p for p in pruned_parts if p is not None]
        if isinstance(q, wq.And):
            if len(kept) < len(q.subqueries):
                return None  # a part that cannot match in this language: nothing can
        elif not kept or len(kept) < getattr(q, "minmatch", 0):
            return None
        if all(p is s for p, s in zip(pruned_parts, q.subqueries)):
            return q
        pruned = copy.copy(q)
        pruned.subqueries = kept
        return pruned
    return q
