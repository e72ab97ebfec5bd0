"""The cross-script level: international terms written in Cyrillic and in Latin letters meet.

«гематология» and "hematology", «полицитемия» and "polycythemia", «трансплантация» and
"transplantation" are one word in two scripts. Each word's stem is transliterated and reduced
to a consonant skeleton, with the sound correspondences such loans follow (Latin h ~ Russian г,
ph ~ ф, th ~ т, c ~ ц/к), and tagged with its script: a query word is looked up among the
words of the *other* script only, so the level never blurs words within one language.
"""

import re

from whoosh.analysis import Filter

from search.analysis import kazakh
from search.analysis.english import english_key
from search.analysis.filters import has_cyrillic, is_latin_word
from search.analysis.memory import memoized
from search.analysis.russian import lemma
from search.analysis.stemmers import snowball

MIN_CONSONANTS = 5  # shorter skeletons collide (протон ~ protein, кровь ~ корова)

_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "c",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "",
        "ы": "i",
        "ь": "",
        "э": "e",
        "ю": "u",
        "я": "a",
        "ә": "a",
        "ғ": "g",
        "қ": "k",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
    }
)
_SOUNDS = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ch"), "h"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"h"), "g"),
    (re.compile(r"zh"), "z"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"z"), "s"),
]
_VOWELS = re.compile(r"[aeiouyj]")
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(latin: str) -> str:
    """Return the consonant skeleton of a Latin-letter stem."""
    for pattern, repl in _SOUNDS:
        latin = pattern.sub(repl, latin)
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", latin))


@memoized
def cross_key(word: str) -> str | None:
    """Return the cross-script key of a lower-cased word, or None for short and mixed words."""
    if is_latin_word(word) and word.isalpha():
        key = skeleton(english_key(word))
        tag = "L"
    elif has_cyrillic(word) and word.isalpha():
        if kazakh.has_kazakh_letters(word):
            stem = kazakh.family(word)
        else:
            from search.analysis.russian import morph

            key_word = lemma(word)  # an unknown word's "lemma" is already its stem
            stem = snowball("russian", key_word) if morph().word_is_known(word) else key_word
            stem = re.sub(r"(ац|ическ|ческ)$", "", stem)  # -ация ~ -ation, -ический ~ -ic(al)
        key = skeleton(stem.translate(_CYRILLIC_TO_LATIN))
        tag = "C"
    else:
        return None
    return f"{tag}:{key}" if len(key) >= MIN_CONSONANTS else None


# How many consonants of a word's key its own letters tell (see key_start).
START = 2
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


def key_start(word: str) -> str | None:
    """Return the first START consonants of the cross-script key of ``word`` as written, read from its
    own letters without its stem (None when its letters mix scripts or hold more than letters).

    A key's skeleton is its stem's, and a word's stem starts as the word does (lemmas and endings
    change the end of a word), so a word whose own skeleton starts otherwise cannot have the key:
    most words are ruled out before their lemma is looked up. Held on every word of the real archive.
    """
    low = word.lower()
    if low.isascii():
        return skeleton(low)[:START] if low.isalpha() else None
    if _CYRILLIC_WORD.fullmatch(low):
        return skeleton(low.translate(_CYRILLIC_TO_LATIN))[:START]
    return None


def other_script(key: str) -> str:
    """Return the key under which the other script's words with the same skeleton are indexed."""
    tag, _, rest = key.partition(":")
    return ("C:" if tag == "L" else "L:") + rest


class CrossScriptFilter(Filter):
    """Replace each word with its cross-script key (indexing), or the other script's key (querying)."""

    def __call__(self, tokens):
        for t in tokens:
            key = cross_key(t.text)
            if key:
                t.text = other_script(key) if t.mode == "query" else key
                yield t
