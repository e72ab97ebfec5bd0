"""What the visitor meant: a query typed on the wrong keyboard layout, a misspelt word, a name in the other script.

Every decision rests on the index's own vocabulary (and pymorphy3's dictionary for Russian):
a word that exists at any level is never "corrected".
"""

from dataclasses import dataclass, replace

from rapidfuzz.distance import DamerauLevenshtein

from search import transliteration
from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyze
from search.analysis import layout
from search.analysis.filters import has_cyrillic, is_latin_word
from search.query import Clause, ParsedQuery, unparse
from search.schema import CODE_FIELD, SPELL_FIELD, body_field, family_field, title_field

TRANSLITERATION_BOOST = 0.6


@dataclass(frozen=True)
class Correction:
    """The query that was searched instead of the one typed, and why."""

    text: str
    kind: str  # "layout" or "spelling"


class Vocabulary:
    """The words and keys of one index reader."""

    def __init__(self, reader):
        self.reader = reader

    def _has(self, field: str, key: str) -> bool:
        try:
            return self.reader.doc_frequency(field, key) > 0
        except KeyError:
            return False

    def surface(self, word: str) -> int:
        """Return in how many documents ``word`` occurs as written (folded)."""
        keys = analyze(None, word, level="spell")
        return self.reader.doc_frequency(SPELL_FIELD, keys[0]) if len(keys) == 1 else 0

    def knows(self, text: str) -> bool:
        """Return whether ``text`` (a word) matches anything at any level."""
        if self.surface(text):
            return True
        for lang in LANGUAGES:
            keys = analyze(lang, text, mode="query")
            if keys and all(self._has(body_field(lang), k) or self._has(title_field(lang), k) for k in keys):
                return True
        for lang in FAMILY_LANGUAGES:
            keys = analyze(lang, text, mode="query", level="family")
            if keys and all(self._has(family_field(lang), k) for k in keys):
                return True
        keys = analyze(None, text, mode="query", level="code")
        return bool(keys) and all(self._has(CODE_FIELD, k) for k in keys)

    def nearest(self, word: str) -> str | None:
        """Return the indexed word nearest to ``word`` (1 edit, 2 for long words), the commonest on ties."""
        keys = analyze(None, word, level="spell")
        if len(keys) != 1:
            return None
        word = keys[0]
        maxdist = 1 if len(word) <= 6 else 2
        best = None
        for candidate in self.reader.terms_within(SPELL_FIELD, word, maxdist, prefix=1):
            if candidate == word:
                continue
            dist = DamerauLevenshtein.distance(word, candidate)
            rank = (dist, -self.reader.doc_frequency(SPELL_FIELD, candidate), candidate)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None


def _russian_known(word: str) -> bool:
    from search.analysis.russian import morph

    return morph().word_is_known(word.lower())


def fix_layout(text: str, vocab: Vocabulary) -> str | None:
    """Return ``text`` converted to the other keyboard layout when that is clearly what was meant."""
    words = text.split()
    if not words or sum(len(w) for w in words) < 3:
        return None
    if all(layout.typed_on_latin(w) for w in words):
        converted = [layout.to_cyrillic(w) for w in words]
        if any(vocab.knows(w) for w in words if is_latin_word(w)):
            return None  # a real (indexed) Latin word: leave the query alone
        if all(_russian_known(c) or vocab.knows(c) for c in converted):
            return " ".join(converted)
        return None
    if all(layout.typed_on_cyrillic(w) and len(w) >= 2 for w in words):
        if any(_russian_known(w) or vocab.knows(w) for w in words):
            return None
        converted = [layout.to_latin(w) for w in words]
        if all(c.isalpha() and vocab.knows(c) for c in converted):
            return " ".join(converted)
    return None


def fix_spelling(parsed: ParsedQuery, vocab: Vocabulary) -> ParsedQuery | None:
    """Return ``parsed`` with each word that matches nothing replaced by its nearest indexed word."""
    changed = False
    groups = []
    for group in parsed.groups:
        new_group = []
        for clause in group:
            text = clause.text
            if not clause.phrase and len(text) >= 4 and text.isalpha() and not vocab.knows(text):
                near = vocab.nearest(text)
                if near:
                    clause = replace(clause, text=near)
                    changed = True
            new_group.append(clause)
        groups.append(new_group)
    return ParsedQuery(groups, parsed.excluded) if changed else None


def correct(text: str, parsed: ParsedQuery, vocab: Vocabulary) -> tuple[ParsedQuery, Correction | None]:
    """Return the query to search and the correction made, if any."""
    from search.query import parse

    converted = fix_layout(text, vocab) if parsed.groups and not parsed.excluded else None
    if converted:
        return parse(converted), Correction(converted, "layout")
    fixed = fix_spelling(parsed, vocab)
    if fixed:
        return fixed, Correction(unparse(fixed), "spelling")
    return parsed, None


def transliterations(parsed: ParsedQuery, vocab: Vocabulary) -> dict[Clause, list[tuple[str, float]]]:
    """Return, per word, its spellings in the other script that the index knows (Pivovarova ↔ Пивоварова)."""
    out: dict[Clause, list[tuple[str, float]]] = {}
    for group in parsed.groups:
        for clause in group:
            if clause.phrase or len(clause.text) < 3:
                continue
            if is_latin_word(clause.text) and clause.text.isalpha():
                candidates = transliteration.to_cyrillic(clause.text)
            elif has_cyrillic(clause.text) and clause.text.isalpha():
                candidates = transliteration.to_latin(clause.text)
            else:
                continue
            known = [(c, TRANSLITERATION_BOOST) for c in candidates if vocab.knows(c)]
            if known:
                out[clause] = known[:2]
    return out
