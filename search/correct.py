"""What the visitor meant: a query typed on the wrong keyboard layout, a misspelt word, a name in the other script.

Every decision rests on the index's own vocabulary (and pymorphy3's dictionary for Russian):
a word that exists at any level is never "corrected".
"""

from dataclasses import dataclass, replace
from itertools import combinations, product

from rapidfuzz import process
from rapidfuzz.distance import OSA, DamerauLevenshtein

from search import transliteration
from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyze, analyze_positions, layout
from search.analysis.filters import has_cyrillic, is_latin_word
from search.analysis.kazakh import has_kazakh_letters
from search.lexicon import prefix_terms
from search.query import Clause, ParsedQuery, unparse
from search.schema import CODE_FIELD, SPELL_FIELD, body_field, family_field, title_field

TRANSLITERATION_BOOST = 0.6
# Kazakh letters and the Russian letters people type for them on a Russian keyboard.
# The Kazakh letters a Russian keyboard lacks, by the letter typed instead.
_KAZAKH_UNFOLD = {"а": "ә", "г": "ғ", "к": "қ", "н": "ң", "о": "ө", "у": "ұү", "х": "һ", "и": "і"}


@dataclass(frozen=True)
class Correction:
    """The query that was searched instead of the one typed, and why."""

    text: str
    kind: str  # "layout" or "spelling"


class Vocabulary:
    """The words and keys of one index reader.

    ``memory`` (``get``/``put``, shared between searches) keeps what :meth:`knows` found, under
    ``version``, which must change whenever the reader's words may have (a commit, a switch).
    """

    def __init__(self, reader, memory=None, version=None):
        self.reader = reader
        self.memory, self.version = memory, version

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
        if self.memory is None:
            return self._knows(text)
        key = (self.version, text)
        found = self.memory.get(key)
        if found is None:
            found = self._knows(text)
            self.memory.put(key, found)
        return found

    def _knows(self, text: str) -> bool:
        if self.surface(text):
            return True

        def found(positions, *fields):
            return bool(positions) and all(any(self._has(f, k) for k in keys for f in fields) for keys in positions)

        for lang in LANGUAGES:
            if found(analyze_positions(lang, text), body_field(lang), title_field(lang)):
                return True
        for lang in FAMILY_LANGUAGES:
            if found(analyze_positions(lang, text, "family"), family_field(lang)):
                return True
        return found(analyze_positions(None, text, "code"), CODE_FIELD)

    def kazakh_spellings(self, word: str) -> list[str]:
        """Return indexed words spelt like ``word`` but with Kazakh letters (Талдыкорган → Талдықорған).

        Up to two letters are read as the Kazakh letters a Russian keyboard lacks (к → қ, г → ғ, …);
        each spelling is looked up in the vocabulary, commonest first.
        """
        keys = analyze(None, word, level="spell")
        if len(keys) != 1 or not has_cyrillic(keys[0]) or has_kazakh_letters(keys[0]):
            return []
        word = keys[0]
        places = [i for i, ch in enumerate(word) if ch in _KAZAKH_UNFOLD]
        found = {}
        for count in (1, 2):
            for chosen in combinations(places, count):
                for letters in product(*(_KAZAKH_UNFOLD[word[i]] for i in chosen)):
                    chars = list(word)
                    for i, letter in zip(chosen, letters):
                        chars[i] = letter
                    candidate = "".join(chars)
                    frequency = self.reader.doc_frequency(SPELL_FIELD, candidate)
                    if frequency:
                        found[candidate] = frequency
        return sorted(found, key=lambda c: (-found[c], c))

    def nearest(self, word: str) -> str | None:
        """Return the indexed word nearest to ``word`` (1 edit, 2 for long words), the commonest on ties."""
        keys = analyze(None, word, level="spell")
        if len(keys) != 1:
            return None
        word = keys[0]
        maxdist = 1 if len(word) <= 6 else 2
        best = None
        for candidate in self._within(word, maxdist):
            if candidate == word:
                continue
            dist = DamerauLevenshtein.distance(word, candidate)
            rank = (dist, -self.reader.doc_frequency(SPELL_FIELD, candidate), candidate)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None

    def _within(self, word: str, maxdist: int) -> set[str]:
        """Return the indexed spellings that start with ``word``'s letter and are at most ``maxdist`` edits
        from it (letters inserted, dropped, changed or two neighbours swapped).

        Each segment's words with that first letter (read in bulk: search.lexicon), measured in C
        (rapidfuzz): Whoosh's reader over several segments merges their word lists and measures each
        word in Python (1.2 s a misspelt word at a million pages); over one segment it misses swapped
        letters.
        """
        field = self.reader.schema[SPELL_FIELD]
        leaves = self.reader.leaf_readers() if hasattr(self.reader, "leaf_readers") else [(self.reader, 0)]
        terms: set[bytes] = set()
        first = field.to_bytes(word[:1])
        for leaf, _ in leaves:
            terms.update(prefix_terms(leaf, SPELL_FIELD, first))
        choices = [field.from_bytes(t) for t in terms]
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        return {choice for choice, _, _ in found}


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


_APOSTROPHES = "'’`ʼ"


def _latin_letters(text: str) -> bool:
    """Return whether ``text`` is one word of Latin letters (any alphabet's, with apostrophes inside)."""
    core = text.strip(_APOSTROPHES) if not text.endswith(("'", "’")) or len(text) < 3 else text
    return (
        bool(core)
        and any(ch.isalpha() for ch in core)
        and all((ch.isalpha() and ord(ch) < 0x250) or ch in _APOSTROPHES or ch == "-" for ch in core)
    )


def fix_kazakh_latin(parsed: ParsedQuery, vocab: Vocabulary) -> ParsedQuery | None:
    """Return ``parsed`` with each Latin-letter word that matches nothing as typed read as Kazakh in Latin letters.

    The 2021 alphabet (Qaraǵandy), the 2017/2018 ones (Qarag'andy) and informal ASCII (Karagandy,
    oskemen) become Cyrillic Kazakh (:mod:`search.kazakh_latin`); the index decides which spelling
    is a real word. An English (or any indexed) word is never touched.
    """
    from search.kazakh_latin import to_kazakh_cyrillic

    changed = False
    groups = []
    for group in parsed.groups:
        new_group = []
        for clause in group:
            words = clause.text.split()
            out = []
            for word in words:
                if len(word) >= 2 and _latin_letters(word) and not vocab.knows(word):
                    known = next((c for c in to_kazakh_cyrillic(word) if vocab.knows(c)), None)
                    if known:
                        word, changed = known, True
                out.append(word)
            new_group.append(replace(clause, text=" ".join(out)) if out != words else clause)
        groups.append(new_group)
    return ParsedQuery(groups, parsed.excluded) if changed else None


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
    kazakh = fix_kazakh_latin(parsed, vocab)
    if kazakh:
        parsed = kazakh
        fixed = fix_spelling(kazakh, vocab)
        return (fixed or kazakh), Correction(unparse(fixed or kazakh), "kazakh-latin")
    fixed = fix_spelling(parsed, vocab)
    if fixed:
        return fixed, Correction(unparse(fixed), "spelling")
    return parsed, None


def transliterations(parsed: ParsedQuery, vocab: Vocabulary) -> dict[Clause, list[tuple[str, float]]]:
    """Return, per word, other spellings of it that the index knows.

    A name or place typed in the other script (Pivovarova ↔ Пивоварова, Taldykorgan →
    Талдықорған), spelt by another transliteration (Kemaykin ↔ Kemaikin), or Kazakh typed with
    Russian letters (Талдыкорган → Талдықорған).
    """
    out: dict[Clause, list[tuple[str, float]]] = {}
    for group in parsed.groups:
        for clause in group:
            text = clause.text
            if clause.phrase or len(text) < 3 or not text.isalpha():
                continue
            candidates: list[str] = []
            if is_latin_word(text):
                for cyrillic in transliteration.to_cyrillic(text):
                    candidates.append(cyrillic)
                    candidates.extend(transliteration.to_latin(cyrillic))
            elif has_cyrillic(text):
                candidates.extend(transliteration.to_latin(text))
            known = []
            for c in candidates:
                if c.lower() != text.lower() and c not in known and vocab.knows(c):
                    known.append(c)
            for c in list(known) + ([text] if has_cyrillic(text) else []):
                for spelling in vocab.kazakh_spellings(c):
                    if spelling not in known:
                        known.append(spelling)
            if known:
                out[clause] = [(c, TRANSLITERATION_BOOST) for c in known[:4]]
    return out
