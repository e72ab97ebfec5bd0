"""Person names: one key for every form of a surname, patronymic or first name, in Russian and Kazakh text.

Оспанова, Оспановой, Оспанову, Оспановаға and Оспанов are one name in Russian and Kazakh cases
and in either gender; so are Ержанович, Ержановича, Ержановичке and Ержановна. Each form gets
the same *name key*: the masculine nominative, with Kazakh letters folded to Russian ones and
without soft and hard signs (``оспанов``, ``ержанович``, ``есимбеков`` for Есімбекова and
Есимбекова). The Russian and the Kazakh analysers give the same key, so a query in one
language's cases finds the name on the other language's pages.

Name keys live at the exact and family levels of the ru and kk fields, beside the words' own
keys: no field or level of their own. Whether a word is a name is judged from the word alone (see
:class:`PersonNameFilter` for how capitalisation decides which readings a word gets):

- a surname or patronymic pattern (-ов/-ев/-ин, -ский/-цкий, -ович/-евич, -овна/-евна, in
  any Russian case), on the word or on the word without Kazakh case and possessive endings;
- for a word the Russian dictionary knows, the pattern counts only when the word's surname or
  patronymic readings (or the plural of a first name: Омаров) weigh enough: методов, медицина,
  машины are not names whatever their ending;
- a first name the dictionary reads first (Марата → марат), or a listed surname without a
  pattern (Ким), gives its dictionary lemma as the key.
"""

from whoosh.analysis import Filter

from search.analysis import kazakh
from search.analysis.filters import CAPITAL, UPPER, has_cyrillic
from search.analysis.memory import memoized
from search.analysis.russian import morph

# Kazakh letters are folded to the Russian letters Russian texts write for them (Есімбекова ~
# Есимбекова, Искақова ~ Искакова, Серікбаев ~ Серикбаев); soft and hard signs are dropped
# (Альназарова ~ Әлназарова, Григорьева ~ Григорева).
_FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие", "ьъ")

_SURNAME_CASES = ("", "а", "у", "ым", "е", "ой", "ою", "ы", "ых", "ыми")
_ADJECTIVE_CASES = ("ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ою", "ие", "их", "ими")
_PATRONYMIC_CASES = ("", "а", "у", "ем", "е", "и", "ам", "ами", "ах")
_FEMININE_PATRONYMIC_CASES = ("а", "ы", "е", "у", "ой", "ою")

# (ending of a form, ending of its key), longest endings first. Patronymics before surnames:
# «Ержановича» is Ержанович, not a surname «Ержановичев». No -ын (Синицын): it is also the
# Kazakh possessive and accusative ending of countless words (жұмысын, қанын).
PATTERNS: list[tuple[str, str]] = sorted(
    [(base + case, base) for base in ("ович", "евич") for case in _PATRONYMIC_CASES]
    + [(fem + case, masc) for fem, masc in (("овн", "ович"), ("евн", "евич")) for case in _FEMININE_PATRONYMIC_CASES]
    + [(base + case, base + "ий") for base in ("ск", "цк") for case in _ADJECTIVE_CASES]
    + [(base + case, base) for base in ("ов", "ев", "ин") for case in _SURNAME_CASES],
    key=lambda rule: -len(rule[0]),
)
MIN_STEM = 2  # letters before the pattern's ending: Львова is a name, «Ова» is not
MIN_KEY = 5
# A dictionary word with a surname pattern is read as a name when its name readings weigh at least
# this much (котов 0.29, Омаров 0.5, Петрова 0.77; машины 0.01 is no name), and vouched for from half.
MIN_NAME_SHARE = 0.2
VOUCHED_SHARE = 0.5

_NAME_TAGS = frozenset({"Surn", "Patr"})


def fold(word: str) -> str:
    """Return a lower-cased name with Kazakh letters folded to Russian ones and without ь/ъ."""
    return word.translate(_FOLD)


def pattern_key(word: str) -> str | None:
    """Return the name key a surname or patronymic pattern gives a lower-cased form, or None.

    The ending is matched as written: a Kazakh ending (-ін, -ын) is not a Russian one (-ин).
    """
    word = word.replace("ё", "е")
    for ending, key_ending in PATTERNS:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)]
            key = fold(stem + key_ending)
            if len(stem) >= MIN_STEM and len(key) >= MIN_KEY and stem.isalpha():
                return key
            return None
    return None


def _is_name_parse(tag) -> bool:
    return bool(tag.grammemes & _NAME_TAGS) or ("Name" in tag and "plur" in tag)


def _name_share(parses) -> float:
    """Return the share of the name readings among a form's parses (known or predicted)."""
    total = sum(p.score for p in parses)
    return sum(p.score for p in parses if _is_name_parse(p.tag)) / total if total else 0.0


def _reading(form: str, patterns_only: bool = False) -> tuple[str, bool] | None:
    """Return (name key, whether the dictionary vouches for it) of one form, or None when it is no name.

    A surname or patronymic pattern is vouched for when the dictionary reads the form mostly as a
    name: Петрова, Омаров (the plural of Омар); and, for a form it does not know, when it predicts
    so (Омаровым, Сатаева; not Оспановым nor Клодзинским, which keep both readings). A first name
    is often a common word too (Адам, Алма in Kazakh; Роза, Лев in Russian), and so are some
    surnames the dictionary lists (котов ~ Котов; Kazakh тексеру ~ Тексер): their key is added,
    never put instead.
    """
    analyser = morph()
    key = pattern_key(form)
    known = analyser.word_is_known(form)
    if not known and not key:
        return None
    parses = analyser.parse(form)
    if not known:
        return key, _name_share(parses) >= VOUCHED_SHARE
    top = parses[0].tag
    if "Name" in top and "sing" in top:  # a first name (Марина is not a surname «Марин»)
        return (fold(parses[0].normal_form), False) if not patterns_only else None
    if key:
        share = _name_share(parses)
        if share < MIN_NAME_SHARE:
            return None  # a common word that looks like a surname: методов, медицина, машины
        return key, share >= VOUCHED_SHARE
    if not patterns_only and top.grammemes & _NAME_TAGS:
        return fold(parses[0].normal_form), False  # Ким, Яковенко
    return None


def _kazakh_stems(word: str) -> list[str]:
    """Return the word's stems under Kazakh endings, longest first, as the word spells them.

    A Russian chain has folded «і» to «и» (Кемайкиннің → кемайкинниң): the endings are also
    looked for with «і» put back, and the stem taken from the word as it came.
    """
    found = set(kazakh.analyses(word))
    if "и" in word:
        found.update(word[: len(stem)] for stem in kazakh.analyses(word.replace("и", "і")))
    found.discard(word)
    return sorted(found, key=lambda f: (-len(f), f))


@memoized
def name_reading(word: str) -> tuple[str, bool] | None:
    """Return the name key of a lower-cased word form and whether the dictionary vouches that it is a name.

    None when the word is not read as a name. A form the dictionary does not know may carry
    Kazakh endings: Омаровтың, Оспановаға and Ержановичке are read as Омаров, Оспанова and
    Ержанович, the longest such reading with a surname or patronymic pattern (names without one
    are not looked for under Kazakh endings: Алматыда is not «Алмат», тенге not «Тен»).
    """
    if not has_cyrillic(word):
        return None
    reading = _reading(word)
    if reading or morph().word_is_known(word):
        return reading
    for form in _kazakh_stems(word):
        reading = _reading(form, patterns_only=True)
        if reading:
            return reading
    return None


class PersonNameFilter(Filter):
    """Give words read as person names their name key, marked to be kept as it is by later filters.

    How a word is written decides its readings (``proper`` as ``ProperNameFilter(capitals=True)``
    marked it): a Capitalised word that the dictionary vouches is a name gets its name key alone
    (Омаров is a person, not lobsters'); one it does not know but that looks like a name (a
    Kazakh surname: Оспанова, Оспановаға) gets the word itself, passed on unmarked for the
    language's own keys, and then the name key; so does an ALL-CAPS word. A lower-case word keeps
    its common reading alone when indexing (омаров in a menu is lobsters), and gets both as a query
    word (visitors type names in lower case).
    """

    def __call__(self, tokens):
        for t in tokens:
            mark = getattr(t, "proper", False)
            if mark is True:
                yield t
                continue
            reading = None
            if mark in (CAPITAL, UPPER) or t.mode == "query":
                reading = name_reading(t.text)
            t.proper = False
            if reading is None:
                yield t
                continue
            key, vouched = reading
            if not (vouched and mark == CAPITAL):
                yield t
            t.text = key
            t.proper = True
            yield t


class DistinctFilter(Filter):
    """Drop a token whose text an earlier token of the stream had (one word's readings may meet)."""

    def __call__(self, tokens):
        seen = set()
        for t in tokens:
            if t.text not in seen:
                seen.add(t.text)
                yield t
