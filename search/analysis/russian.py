"""Russian: pymorphy3 lemmas (exact level) and derivational family keys (family level)."""

from functools import cache

from whoosh.analysis import Filter

from search.analysis.filters import WordKeysFilter, has_cyrillic
from search.analysis.memory import memoized
from search.analysis.stemmers import snowball
from search.analysis.wordlists import word_list


@cache
def morph():
    """Return the process-wide pymorphy3 analyser (loaded on first use)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _is_russian(word: str) -> bool:
    return has_cyrillic(word)


@memoized
def lemma(word: str) -> str:
    """Return the exact-level key of a lower-cased Russian word form.

    A dictionary word maps to its lemma (ё folded). A word the dictionary does not know maps
    to its Snowball stem: pymorphy3's *predicted* lemmas split one paradigm into several
    (миелома/миелом, варфарин/варфарина), while the stem stays the same across forms.
    """
    if not _is_russian(word):
        return word
    analyser = morph()
    if analyser.word_is_known(word):
        return analyser.parse(word)[0].normal_form.replace("ё", "е")
    return snowball("russian", word)


# Suffix rules from an adjective's (or -ость noun's) stem to its family's stem, longest
# first; each replacement is tried in order and kept only if it is the stem of a real word.
FAMILY_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("отическ", ("оз",)),  # тромботический → тромбоз
    ("ическ", ("ик", "и", "")),  # клинический → клиника; гематологический → гематология
    ("ативн", ("ац",)),  # информативный → информация
    ("ционн", ("ц",)),  # инновационный → инновация
    ("иальн", ("иал", "и")),
    ("альн", ("ал", "")),
    ("инск", ("ин",)),  # медицинский → медицина
    ("ельн", ("ел", "")),
    ("ск", ("", "с")),  # казахстанский → Казахстан
    ("чн", ("к", "ц", "")),  # научный → наука
    ("ян", ("",)),  # кровяной → кровь
    ("ов", ("",)),
    ("н", ("",)),  # костный → кость
]
# Nouns derived from adjectives or nouns: активность → активный, цифровизация → цифровой,
# резидентура → резидент. The result goes on through FAMILY_RULES.
NOUN_RULES = [("изац", ("",)), ("ост", ("",)), ("ств", ("",)), ("ур", ("",))]
# Verbs in -овать/-ировать belong with their nouns in -ация (аккредитовать, аккредитованный →
# аккредитация); other verbs keep their lemma (лечить is not отделение's «отдельный»).
VERB_RULES = [("ирова", ("ац",)), ("ова", ("ац",))]
_VERB_POS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})

# Suffixes that are derivational beyond doubt: when the base is long, the family key is taken
# even if the dictionary does not know it (трансфузионный → трансфуз-, криоконсервированный →
# криоконсервац-, like the noun criоконсервация).
TRUSTED_RULES = [
    ("ированн", "ац"),
    ("ирован", "ац"),
    ("ованн", "ац"),
    ("ован", "ац"),
    ("ическ", ""),
    ("ионн", ""),
    ("ционн", "ц"),
    ("ативн", "ац"),
    ("альн", ""),
    ("ельн", ""),
]
TRUSTED_MIN_BASE = 7

# Prefixes of medical and scientific compounds: онкогематология is not in the dictionary,
# but гематология is.
KNOWN_PREFIXES = (
    "онко",
    "гемато",
    "нейро",
    "кардио",
    "иммуно",
    "микро",
    "макро",
    "анти",
    "гипер",
    "гипо",
    "пост",
    "пред",
    "пара",
    "псевдо",
    "мульти",
    "поли",
    "транс",
    "интер",
    "супер",
    "ультра",
    "нано",
    "био",
    "радио",
    "электро",
    "авто",
    "теле",
    "гидро",
    "термо",
    "пато",
    "фото",
    "эндо",
    "экзо",
    "мета",
)

_KEEP_LEMMA_TAGS = frozenset({"Name", "Surn", "Patr"})
_ADJECTIVE_POS = frozenset({"ADJF", "ADJS", "COMP"})


@cache
def family_blocklist() -> frozenset[str]:
    """Return the reviewed family keys that must not join words."""
    return word_list("ru_family_blocklist")


def _in_dictionary(stem: str) -> bool:
    from search.analysis.dictionary import lemma_stems

    return len(stem) >= 4 and stem in lemma_stems()


def _as_key(candidate: str) -> str | None:
    """Return the family key a rule's candidate stands for: the dictionary stem it is, or whose word it is."""
    if _in_dictionary(candidate):
        return candidate
    stemmed = snowball("russian", candidate)  # казахстан → казахста, the stem of the lemma «казахстан»
    return stemmed if stemmed != candidate and _in_dictionary(stemmed) else None


def _after_known_prefix(stem: str) -> bool:
    """Return whether ``stem`` is a known prefix plus a dictionary stem (онкогематолог)."""
    for prefix in KNOWN_PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 4 and _in_dictionary(stem[len(prefix) :]):
            return True
    return False


def _apply(stem: str, rules) -> str:
    for suffix, replacements in rules:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            base = stem[: -len(suffix)]
            # A real word first; a prefixed compound of one only when no real word fits.
            for repl in replacements:
                key = _as_key(base + repl)
                if key:
                    return key
            for repl in replacements:
                if _after_known_prefix(base + repl):
                    return base + repl
            return stem
    return stem


@memoized
def family(word: str) -> str:
    """Return the derivational family key of a lower-cased Russian word form.

    Nouns and adjectives of one family share a key (гематология, гематологический →
    ``гематолог``; наука, научный → ``наук``); names, verbs and adverbs keep their lemma,
    and keys on the block-list fall back to the lemma.
    """
    if not _is_russian(word):
        return word
    analyser = morph()
    exact = lemma(word)
    if analyser.word_is_known(word):
        parse = analyser.parse(word)[0]
        tag = parse.tag
        if tag.grammemes & _KEEP_LEMMA_TAGS:
            return exact
        if tag.POS == "NOUN":
            stem = snowball("russian", exact)
            reduced = _apply(stem, NOUN_RULES)
            key = _apply(reduced, FAMILY_RULES) if reduced != stem else stem
        elif tag.POS in _ADJECTIVE_POS:
            key = _apply(snowball("russian", exact), FAMILY_RULES)
        elif tag.POS in _VERB_POS:
            stem = snowball("russian", exact)
            key = _apply(stem, VERB_RULES)
            if key == stem:
                return exact
        else:
            return exact
    else:  # unknown to the dictionary: it may be a noun, an adjective or a participle
        stem = snowball("russian", word)
        key = _apply(_apply(stem, NOUN_RULES), FAMILY_RULES)
        if key == stem:
            key = _trusted(stem)
    return exact if key in family_blocklist() else key


def _trusted(stem: str) -> str:
    for suffix, repl in TRUSTED_RULES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= TRUSTED_MIN_BASE:
            return stem[: -len(suffix)] + repl
    return stem


@cache
def proper_names() -> frozenset[str]:
    """Return the place names kept as written when capitalised (Семей is not «семей» of «семья»)."""
    return word_list("ru_proper_names")


# A reading of an ambiguous form whose parses add up to at least this share is indexed and
# searched too: «частного» is both частное and частный, «частное» mostly частный.
SECOND_LEMMA_SHARE = 0.1


@memoized
def lemmas(word: str) -> tuple[str, ...]:
    """Return the exact-level keys of a lower-cased form: its lemma first, then likely other readings."""
    first = lemma(word)
    if not _is_russian(word) or not morph().word_is_known(word):
        return (first,)
    shares: dict[str, float] = {}
    for parse in morph().parse(word):
        key = parse.normal_form.replace("ё", "е")
        shares[key] = shares.get(key, 0.0) + parse.score
    others = [
        k for k, share in sorted(shares.items(), key=lambda kv: -kv[1]) if k != first and share >= SECOND_LEMMA_SHARE
    ]
    return (first, *others)


class RussianLemmaFilter(WordKeysFilter):
    """Replace each Cyrillic word with its lemma (or stem, for unknown words), and its other likely lemmas."""

    def keys(self, word: str) -> tuple[str, ...]:
        return lemmas(word)


class RussianFamilyFilter(Filter):
    """Replace each Cyrillic token with its derivational family key; drop other tokens."""

    def __call__(self, tokens):
        for t in tokens:
            if _is_russian(t.text):
                if getattr(t, "proper", False) is not True:
                    t.text = family(t.text)
                yield t
