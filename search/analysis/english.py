"""English: British spellings folded to American, then the Snowball stem."""

import re

from whoosh.analysis import Filter

from search.analysis.memory import memoized
from search.analysis.stemmers import snowball

# (pattern, replacement) applied in order to a lower-cased word. Medical British
# spellings are the ones this archive is full of: haematology, anaemia, paediatric.
BRITISH_TO_US = [
    (re.compile(r"aem"), "em"),  # haematology, anaemia, leukaemia, septicaemia
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"^orthopaed"), "orthoped"),
    (re.compile(r"oesoph"), "esoph"),
    (re.compile(r"^oestr"), "estr"),
    (re.compile(r"oedema"), "edema"),
    (re.compile(r"^programme(s?)$"), r"program\1"),
    (re.compile(r"(?<=[a-z]{3})is(ation|ations|e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"^(col|behavi|fav|hum|lab|neighb|hon|rum|tum)our"), r"\1or"),
    (re.compile(r"^(cen|fib|li|me|thea)tre(s?)$"), r"\1ter\2"),
]

_NOT_IZE = frozenset(
    {
        "advise",
        "advised",
        "advises",
        "advising",
        "exercise",
        "exercised",
        "exercises",
        "exercising",
        "promise",
        "promised",
        "promises",
        "comprise",
        "comprises",
        "comprised",
        "surprise",
        "surprised",
        "surprises",
        "expertise",
        "franchise",
        "revise",
        "revised",
        "supervise",
        "supervised",
        "televise",
        "devise",
        "otherwise",
        "premise",
        "premises",
        "compromise",
        "enterprise",
        "enterprises",
        "merchandise",
        "demise",
        "disguise",
        "noise",
        "raise",
        "raised",
        "praise",
        "cruise",
        "wise",
        "rise",
        "arise",
        "precise",
        "concise",
        "incise",
        "excise",
        "chemise",
        "treatise",
        "paradise",
    }
)


@memoized
def us_spelling(word: str) -> str:
    """Return the American spelling of a lower-cased British word (unchanged otherwise)."""
    if not word.isascii() or word in _NOT_IZE:
        return word
    for pattern, repl in BRITISH_TO_US:
        word = pattern.sub(repl, word)
    return word


@memoized
def english_key(word: str) -> str:
    """Return the exact-level key of a lower-cased English word: Snowball stem of its US spelling."""
    if not word.isalpha():
        return word
    return snowball("english", us_spelling(word))


APOSTROPHES = "'\u2019"


def strip_possessive(word: str) -> str:
    """Return a Latin-script word without its possessive 's or ’s (Ospanova's, WHO’s, children's).

    A trailing apostrophe (patients’) never reaches a filter: the tokenizer keeps an apostrophe
    only between letters. O'Brien and rock'n'roll stay as they are.
    """
    if len(word) > 2 and word[-1] in "sS" and word[-2] in APOSTROPHES:
        base = word[:-2]
        if base[-1].isalnum() and base.replace("\u2019", "'").isascii():
            return base
    return word


class PossessiveFilter(Filter):
    """Strip the English possessive 's / ’s from Latin-script words (WHO’s → WHO, children's → children)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = strip_possessive(t.text)
            yield t


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
