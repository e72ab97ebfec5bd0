"""English: British spellings folded to American, then the Snowball stem."""

import re
from functools import lru_cache

from whoosh.analysis import Filter

from search.analysis.stemmers import snowball

# (pattern, replacement) applied in order to a lower-cased word. Medical British
# spellings are the ones this archive is full of: haematology, anaemia, paediatric.
BRITISH_TO_US = [
    (re.compile(r"^(an|h|leuk|septic|isch|hyper|hypo|pol)?aem"), r"\1em"),
    (re.compile(r"aem"), "em"),
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"^oesoph"), "esoph"),
    (re.compile(r"^oestr"), "estr"),
    (re.compile(r"^programme(s?)$"), r"program\1"),
    (re.compile(r"(?<=[a-z]{3})is(ation|e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"^(col|behavi|fav|hum|lab|neighb|hon|rum|tum)our"), r"\1or"),
    (re.compile(r"^(cen|fib|li|me|thea)tre(s?)$"), r"\1ter\2"),
]


@lru_cache(maxsize=200_000)
def us_spelling(word: str) -> str:
    """Return the American spelling of a lower-cased British word (unchanged otherwise)."""
    if not word.isascii():
        return word
    for pattern, repl in BRITISH_TO_US:
        word = pattern.sub(repl, word)
    return word


class EnglishSpellingFilter(Filter):
    """Fold British spellings to American ones (haematology → hematology)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = us_spelling(t.text)
            yield t


class EnglishStemFilter(Filter):
    """Replace each Latin-script token with its English Snowball stem."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text.isascii() and t.text.isalpha():
                t.text = snowball("english", t.text)
            yield t
