"""The language-neutral code level: abbreviations, letter+digit codes and numbers."""

from whoosh.analysis import Filter

from search.analysis.filters import CYRILLIC_TO_LATIN

MAX_FOLDED_CODE = 8


def _is_code(word: str) -> bool:
    """Return whether a word as written is a code: has a digit, or is an ALL-CAPS abbreviation (MPNs too)."""
    if any(ch.isdigit() for ch in word):
        return True
    if len(word) >= 3 and word.endswith("s") and word[:-1].isupper():
        return True
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and word.isupper()


def code_key(word: str) -> str:
    """Return the code-level key of a word: lower-cased; a short letter+digit code in Latin letters (В12 → b12)."""
    if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word) and len(word) <= MAX_FOLDED_CODE:
        word = "".join(CYRILLIC_TO_LATIN.get(ch, ch) for ch in word)
    return word.casefold()


def letter_prefix(key: str) -> str | None:
    """Return the letters before a code's trailing digits when there are at least three (abl1 → abl)."""
    stripped = key.rstrip("0123456789")
    if stripped != key and len(stripped) >= 3 and stripped.isalpha():
        return stripped
    return None


class CodeFilter(Filter):
    """Keep only codes (indexing) or every word (querying), as code-level keys.

    Indexing keeps ALL-CAPS abbreviations (ХМЛ, CML), words with digits (B12, BCR-ABL1) and
    numbers; a code ending in digits is also indexed by its letters at the same position, so
    ``BCR-ABL`` finds ``BCR-ABL1``. A query's words are all looked up at this level, in any case.

    An abbreviation written in capitals that spells a stop word (WHO, ALL: the World Health
    Organization, acute lymphoblastic leukaemia) gets the key ``=who``: it survives the stop list,
    while the word "who" typed in lower case is still left out.
    """

    def __init__(self, stoplist: frozenset[str] = frozenset()):
        self.stoplist = stoplist

    def __call__(self, tokens):
        for t in tokens:
            word = t.text
            if t.mode != "query" and not _is_code(word):
                continue
            if len(word) >= 3 and word.endswith("s") and word[:-1].isupper():
                word = word[:-1]  # a plural abbreviation: MPNs is MPN
            key = code_key(word)
            if key in self.stoplist and word.isupper() and len(word) >= 2:
                key = "=" + key
            t.text = key
            yield t
            if t.mode != "query":
                prefix = letter_prefix(key)
                if prefix:
                    t.text = prefix
                    yield t
