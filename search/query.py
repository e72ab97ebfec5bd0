"""The visitor's query syntax, and its translation into a Whoosh query.

Visitors get a small, safe language: words, "exact phrases", ``-excluded`` words and
``OR`` between alternatives. Everything else (wildcards, ranges, field names, regular
expressions, fuzzy marks) is plain text: it never reaches the engine as syntax.
"""

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from search.analysis import LANGUAGES, analyze
from search.errors import QueryError
from search.schema import body_field, title_field

MAX_QUERY_CHARS = 256
MAX_TERMS = 32
TITLE_BOOST = 2.0

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

    def words(self) -> list[str]:
        """Return the searched (not excluded) clauses' text, in order."""
        return [c.text for group in self.groups for c in group]


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


def _clause_query(clause: Clause, lang: str) -> wq.Query | None:
    keys = analyze(lang, clause.text, mode="query")
    if not keys:
        return None
    title, body = title_field(lang), body_field(lang)
    if len(keys) == 1:
        return wq.Or([wq.Term(title, keys[0], boost=TITLE_BOOST), wq.Term(body, keys[0])])
    # Several keys from one clause (a phrase, or a hyphenated word): they stand together.
    return wq.Or([wq.Phrase(title, keys, boost=TITLE_BOOST), wq.Phrase(body, keys)])


def clause_query(clause: Clause, languages=LANGUAGES) -> wq.Query | None:
    """Return the query matching ``clause`` in any of ``languages``, or None if it is only stop words."""
    parts = [q for lang in languages if (q := _clause_query(clause, lang)) is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def to_whoosh(parsed: ParsedQuery, languages=LANGUAGES) -> wq.Query | None:
    """Return the Whoosh query of ``parsed``, or None when nothing is left to search."""
    required = []
    for group in parsed.groups:
        alternatives = [q for c in group if (q := clause_query(c, languages)) is not None]
        if alternatives:
            required.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
    if not required:
        return None
    positive = required[0] if len(required) == 1 else wq.And(required)
    excluded = [q for c in parsed.excluded if (q := clause_query(c, languages)) is not None]
    if excluded:
        return wq.AndNot(positive, wq.Or(excluded))
    return positive
