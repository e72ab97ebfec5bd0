"""Cyrillic ↔ Latin spellings of a word, for names and places typed in the other script.

Cyrillic → Latin uses the iuliia library's schemas (Wikipedia, BGN/PCGN, ICAO); Latin →
Cyrillic has no such library, so a few rules give candidates. Either way the index's
vocabulary decides which candidates are real words: nothing is guessed blindly.
"""

import re

import iuliia

from search.analysis.memory import memoized

# Kazakh letters first become their Russian look-alikes, so Russian schemas apply.
_KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноууxиАГКНОУУХИ")
_SCHEMAS = (iuliia.WIKIPEDIA, iuliia.BGN_PCGN, iuliia.ICAO_DOC_9303)

_VOWELS = "aeiouy"
# Longest first. Each Latin piece may stand for several Cyrillic letters.
_LATIN_PIECES = [
    ("shch", ("щ",)),
    ("sch", ("щ", "ш")),
    ("zh", ("ж",)),
    ("kh", ("х",)),
    ("ch", ("ч",)),
    ("sh", ("ш",)),
    ("ts", ("ц",)),
    ("tz", ("ц",)),
    ("yu", ("ю",)),
    ("iu", ("ю",)),
    ("ya", ("я",)),
    ("ia", ("ия", "я")),
    ("yo", ("ё",)),
    ("ye", ("е",)),
    ("ei", ("ей",)),
    ("ai", ("ай",)),
    ("oi", ("ой",)),
    ("a", ("а",)),
    ("b", ("б",)),
    ("c", ("к", "ц")),
    ("d", ("д",)),
    ("e", ("е", "э")),
    ("f", ("ф",)),
    ("g", ("г",)),
    ("h", ("х",)),
    ("i", ("и", "і")),
    ("j", ("ж", "й")),
    ("k", ("к",)),
    ("l", ("л",)),
    ("m", ("м",)),
    ("n", ("н",)),
    ("o", ("о",)),
    ("p", ("п",)),
    ("q", ("к",)),
    ("r", ("р",)),
    ("s", ("с",)),
    ("t", ("т",)),
    ("u", ("у",)),
    ("v", ("в",)),
    ("w", ("в",)),
    ("x", ("кс",)),
    ("y", ("ы", "й")),
    ("z", ("з",)),
    ("'", ("ь",)),
]
_ENDINGS = [
    (re.compile(r"(sk|ck)(iy|ii|ij|yi|y)$"), "ский"),
    (re.compile(r"(iy|ii|ij)$"), "ий"),
    (re.compile(r"aya$"), "ая"),
]
MAX_CANDIDATES = 8


@memoized
def to_latin(word: str) -> tuple[str, ...]:
    """Return the Latin spellings of a Cyrillic word under common transliteration schemas."""
    word = word.translate(_KAZAKH_TO_RUSSIAN)
    out = []
    for schema in _SCHEMAS:
        latin = schema.translate(word).replace("’", "").replace("ʹ", "")
        if latin.isascii() and latin not in out:
            out.append(latin)
    return tuple(out)


@memoized
def to_cyrillic(word: str) -> tuple[str, ...]:
    """Return likely Cyrillic spellings of a Latin word (at most a few)."""
    word = word.lower()
    if not word.isascii() or not word.isalpha():
        return ()
    tail = ""
    for pattern, ending in _ENDINGS:
        m = pattern.search(word)
        if m:
            word, tail = word[: m.start()], ending
            break
    results = [""]
    i = 0
    while i < len(word):
        for latin, options in _LATIN_PIECES:
            if word.startswith(latin, i):
                after_consonant = i > 0 and word[i - 1] not in _VOWELS
                if latin == "y":
                    options = ("ы",) if after_consonant or i == 0 else ("й",)
                elif latin in ("ya", "yu", "ye", "yo") and after_consonant:
                    options = options + tuple("ь" + o for o in options)  # Ахмедьярова
                results = [r + o for r in results for o in options][:MAX_CANDIDATES]
                i += len(latin)
                break
        else:
            return ()
    return tuple(r + tail for r in results)
