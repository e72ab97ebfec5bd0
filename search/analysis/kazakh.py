"""Kazakh: a rule-based suffix stripper with sound-harmony conditions.

Nothing usable exists on PyPI or in Debian (no Snowball, no Apertium lexicon), so the
stripper removes, from the right, a case ending, then a possessive, then a plural — each
only after the letters Kazakh allows before it (``-та`` only after a voiceless letter, so
«орта» is not split; ``-на``/``-нда`` only after a 3rd-person possessive) — and devoices the
final letter of the stem (орталығы → орталық, мектебі → мектеп). The family level also
strips derivational suffixes (-лық, -шы, -сыз), except for stems on a reviewed block-list.
"""

from functools import cache

from whoosh.analysis import Filter

from search.analysis.filters import WordKeysFilter, has_cyrillic
from search.analysis.memory import memoized
from search.analysis.stemmers import snowball
from search.analysis.wordlists import word_list, word_set

# Kazakh-only letters: a text holding them is Kazakh, not Russian.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# A short hand list: published Kazakh stop-word lists carry content words too.
STOP_WORDS = word_set(
    """және мен да де та те бен пен бұл осы сол ол олар біз сен сіз үшін арқылы
    бойынша дейін кейін туралы сияқты ретінде немесе бірақ әрі не ма ме ба бе па пе
    еді екен болып болды болса ал ғана"""
)

VOWELS = frozenset("аәеёиоөуұүыіэюя")
VOICELESS = frozenset("кқпстфхцчшщ") | frozenset("бвгдғ")  # b/v/g/d/ğ finals sound voiceless in loans
SONORANT = frozenset("лмнңрйуи")
VOICED = frozenset("зж")
AFTER_VOWEL_OR_VOICED = VOWELS | SONORANT | VOICED


def _after(letters):
    return lambda stem: bool(stem) and stem[-1] in letters


def _after_consonant(stem):
    return bool(stem) and stem[-1] not in VOWELS


after_vowel = _after(VOWELS)
after_voiceless = _after(VOICELESS)

# What a suffix may require of the analysis that continues to its left.
POSS3 = "poss3"  # must be preceded by a 3rd-person possessive
POSS12 = "poss12"  # must be preceded by a 1st/2nd person singular possessive

# (suffix, condition on the stem before it, requirement on the next strip)
CASE = [
    ("ндағы", None, POSS3),
    ("ндегі", None, POSS3),
    ("дағы", _after(AFTER_VOWEL_OR_VOICED), None),
    ("дегі", _after(AFTER_VOWEL_OR_VOICED), None),
    ("тағы", after_voiceless, None),
    ("тегі", after_voiceless, None),
    ("менен", _after(VOWELS | SONORANT), None),
    ("ның", _after(VOWELS | frozenset("мнң")), None),
    ("нің", _after(VOWELS | frozenset("мнң")), None),
    ("дың", _after(frozenset("лрйузж")), None),
    ("дің", _after(frozenset("лрйузж")), None),
    ("тың", after_voiceless, None),
    ("тің", after_voiceless, None),
    ("нан", _after(frozenset("мнң")), None),
    ("нен", _after(frozenset("мнң")), None),
    ("нан", None, POSS3),
    ("нен", None, POSS3),
    ("дан", _after(VOWELS | frozenset("лрйузж")), None),
    ("ден", _after(VOWELS | frozenset("лрйузж")), None),
    ("тан", after_voiceless, None),
    ("тен", after_voiceless, None),
    ("мен", _after(VOWELS | SONORANT), None),
    ("бен", _after(VOICED), None),
    ("пен", after_voiceless, None),
    ("нда", None, POSS3),
    ("нде", None, POSS3),
    ("да", _after(AFTER_VOWEL_OR_VOICED), None),
    ("де", _after(AFTER_VOWEL_OR_VOICED), None),
    ("та", after_voiceless, None),
    ("те", after_voiceless, None),
    ("ға", _after(AFTER_VOWEL_OR_VOICED), None),
    ("ге", _after(AFTER_VOWEL_OR_VOICED), None),
    ("қа", after_voiceless, None),
    ("ке", after_voiceless, None),
    ("на", None, POSS3),
    ("не", None, POSS3),
    ("ны", after_vowel, None),
    ("ні", after_vowel, None),
    ("ды", _after(SONORANT | VOICED), None),
    ("ді", _after(SONORANT | VOICED), None),
    ("ты", after_voiceless, None),
    ("ті", after_voiceless, None),
    ("н", None, POSS3),
    ("а", None, POSS12),
    ("е", None, POSS12),
]
POSSESSIVE = [
    ("ымыз", _after_consonant, "1"),
    ("іміз", _after_consonant, "1"),
    ("мыз", after_vowel, "1"),
    ("міз", after_vowel, "1"),
    ("ыңыз", _after_consonant, "2"),
    ("іңіз", _after_consonant, "2"),
    ("ңыз", after_vowel, "2"),
    ("ңіз", after_vowel, "2"),
    ("сы", after_vowel, "3"),
    ("сі", after_vowel, "3"),
    ("ым", _after_consonant, "1"),
    ("ім", _after_consonant, "1"),
    ("ың", _after_consonant, "2"),
    ("ің", _after_consonant, "2"),
    ("ы", _after_consonant, "3"),
    ("і", _after_consonant, "3"),
    ("м", after_vowel, "1"),
    ("ң", after_vowel, "2"),
]
PLURAL = [
    ("лар", _after(VOWELS | frozenset("руйи")), None),
    ("лер", _after(VOWELS | frozenset("руйи")), None),
    ("дар", _after(frozenset("лмнңзж")), None),
    ("дер", _after(frozenset("лмнңзж")), None),
    ("тар", after_voiceless, None),
    ("тер", after_voiceless, None),
]
DERIVATION = [
    ("ландыру", None, None),
    ("лендіру", None, None),
    ("дандыру", None, None),
    ("дендіру", None, None),
    ("тандыру", None, None),
    ("тендіру", None, None),  # цифрландыру → цифр
    ("лық", _after(VOWELS | frozenset("руй")), None),
    ("лік", _after(VOWELS | frozenset("руй")), None),
    ("дық", _after(frozenset("лмнңзж")), None),
    ("дік", _after(frozenset("лмнңзж")), None),
    ("тық", after_voiceless, None),
    ("тік", after_voiceless, None),
    ("шы", None, None),
    ("ші", None, None),
    ("сыз", None, None),
    ("сіз", None, None),
]

DEVOICE = {"ғ": "қ", "г": "к", "б": "п"}
_SINGULAR12 = frozenset({"ым", "ім", "ың", "ің", "м", "ң"})


def _stem_ok(stem: str) -> bool:
    # Two-letter roots end in a consonant (ем, ел, ақ); a two-letter stem ending in a vowel
    # is almost always a bad split (жасы is жас+ы, not жа+сы).
    if len(stem) < 2 or not any(ch in VOWELS for ch in stem):
        return False
    return len(stem) > 2 or stem[-1] not in VOWELS


def _strip_one(word: str, rules):
    """Yield (stem, suffix, requirement or person) for each rule that may end ``word``."""
    for suffix, condition, extra in rules:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if _stem_ok(stem) and (condition is None or condition(stem)):
                yield stem, suffix, extra


def analyses(word: str) -> list[str]:
    """Return every stem the inflection rules allow for ``word`` (the word itself included)."""
    out = [word]
    for case_stem, _, need in [(word, "", None), *_strip_one(word, CASE)]:
        if case_stem != word and need is None:
            out.append(case_stem)
        for poss_stem, poss, person in [(case_stem, "", None), *_strip_one(case_stem, POSSESSIVE)]:
            if need == POSS3 and person != "3":
                continue
            if need == POSS12 and poss not in _SINGULAR12:
                continue
            if poss:
                out.append(poss_stem)
            for plural_stem, _, _ in _strip_one(poss_stem, PLURAL):
                out.append(plural_stem)
    return out


def _devoice(stem: str) -> str:
    last = stem[-1:]
    return stem[:-1] + DEVOICE[last] if last in DEVOICE else stem


# Russian loans drop a doubled final consonant before a Kazakh ending: класс → класы, прогресс →
# прогресі, грамм → грамы, конгресс → конгреске. The stem without it is no word; with it, it is.
DOUBLED = frozenset("бвгджзклмнпрстф")
DOUBLED_MIN = 4  # letters before the restored one: native stems are shorter (бас → басы, not «басс»)
_NOT_COMMON = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "Trad"})


def _russian_noun(word: str) -> bool:
    """Return whether the Russian dictionary knows ``word`` as the lemma of a common noun."""
    from search.analysis.russian import morph

    analyser = morph()
    if not analyser.word_is_known(word):
        return False
    return any(
        p.normal_form == word and p.tag.POS == "NOUN" and not p.tag.grammemes & _NOT_COMMON
        for p in analyser.parse(word)
    )


@memoized
def restored(stem: str) -> str | None:
    """Return a loan's stem with the doubled final consonant it lost restored (клас → класс), or None.

    Only when the stem is no Russian word, has no Kazakh letters and the stem with the doubled
    consonant is a common noun of the Russian dictionary.
    """
    if len(stem) < DOUBLED_MIN or stem[-1] not in DOUBLED or stem[-1] == stem[-2] or has_kazakh_letters(stem):
        return None
    from search.analysis.russian import morph

    if morph().word_is_known(stem):
        return None
    full = stem + stem[-1]
    return full if _russian_noun(full) else None


def _loan_stem(word: str, found: list[str]) -> str | None:
    """Return the restored stem of a loan that lost its doubled consonant, if an analysis is one."""
    for analysis in found:
        if analysis != word:
            full = restored(analysis)
            if full:
                return full
    return None


def _strip(word: str) -> str:
    found = analyses(word)
    return _loan_stem(word, found) or min(found, key=len)


@memoized
def stem(word: str) -> str:
    """Return the exact-level key of a lower-cased Kazakh word: the longest inflectional strip, devoiced.

    A loan that lost a doubled consonant gets it back (класы → класс).
    """
    if not has_cyrillic(word):
        return word
    found = analyses(word)
    return _loan_stem(word, found) or _devoice(min(found, key=len))


@memoized
def stems(word: str) -> tuple[str, ...]:
    """Return the word's stem and, where a 3rd-person ending is ambiguous, the other reading too.

    «мәжілісі» is мәжіліс + і or мәжілі + сі; «Алматы» is Алмат + ы or Алматы itself. Both
    readings are kept, so the right one meets the word's other forms (Мәжілісінде ~ Мәжілістегі,
    Алматы ~ Алматысы). A loan that lost a doubled consonant has one reading: «класы» is класс.
    """
    if not has_cyrillic(word):
        return (word,)
    found = analyses(word)
    loan = _loan_stem(word, found)
    if loan:
        return (loan,)
    raw = min(found, key=len)
    out = [_devoice(raw)]
    for analysis in found:
        if analysis != raw and analysis[: len(raw)] == raw and analysis[len(raw) :] in ("ы", "і", "с"):
            key = _devoice(analysis)
            if key not in out:
                out.append(key)
    return tuple(out)


@cache
def family_blocklist() -> frozenset[str]:
    """Return the reviewed stems that derivational stripping must not produce."""
    return word_list("kk_family_blocklist")


LOANWORD_MIN = 6

# Adjectives in -лы/-лі of loan nouns (донорлы, вакциналы): the noun must be a Russian common noun,
# and the word must not be the noun in -л with a possessive (протоколы is протокол + ы).
LOAN_ADJECTIVE = ("лы", "лі")


def _loan_adjective_base(found: list[str]) -> str | None:
    from search.analysis.russian import morph

    for analysis in found:
        if analysis.endswith(LOAN_ADJECTIVE):
            base = analysis[:-2]
            if (
                len(base) >= 4
                and not has_kazakh_letters(base)
                and _russian_noun(base)
                and not morph().word_is_known(base + "л")
            ):
                return base
    return None


@memoized
def family(word: str) -> str:
    """Return the family key of a lower-cased Kazakh word: its stem without a derivational suffix.

    A long stem without Kazakh-only letters is a Russian loan (нефрология, нефролог): it gets
    its Russian Snowball stem too, so the loan's own derivatives join it (гематологиялық,
    донорлық and донорлы join гематология and донор).
    """
    if not has_cyrillic(word):
        return word
    found = analyses(word)
    base = _loan_stem(word, found) or min(found, key=len)  # not devoiced yet: a loan keeps its Russian spelling
    for shorter, _, _ in _strip_one(base, DERIVATION):
        if _devoice(shorter) not in family_blocklist():
            base = restored(shorter) or shorter
            break
    else:
        base = _loan_adjective_base(found) or base
    if len(base) >= LOANWORD_MIN and not has_kazakh_letters(base):
        return snowball("russian", base)
    return _devoice(base)


def has_kazakh_letters(text: str) -> bool:
    """Return whether ``text`` holds a letter used only in Kazakh."""
    return any(ch in KAZAKH_LETTERS for ch in text)


class KazakhStemFilter(WordKeysFilter):
    """Replace each Cyrillic word with its Kazakh stem (both readings when its ending is ambiguous)."""

    def keys(self, word: str) -> tuple[str, ...]:
        return stems(word)


class KazakhFamilyFilter(Filter):
    """Replace each Cyrillic token with its Kazakh family key (a marked key stays); drop other tokens."""

    def __call__(self, tokens):
        for t in tokens:
            if has_cyrillic(t.text):
                if getattr(t, "proper", False) is not True:  # a name's key stays as it is
                    t.text = family(t.text)
                yield t
