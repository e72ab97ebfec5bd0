"""The analyser chain of each level and language, and helpers to run them.

Each chain is a Whoosh tokenizer | filter pipeline; the filters that look at one word alone run
inside :class:`PerWord`, which does their work once per distinct word. Indexing runs each chain
as an :class:`IndexingChain` (:mod:`search.analysis.indexing`): the same tokens, without a
generator per filter.

Levels, each indexed in its own fields and queried together:

- ``exact``: a word's lemma or stem in its language (kk, ru, en);
- ``family``: a derivational family key (ru, kk): гематология ~ гематологический;
- ``code``: abbreviations, codes and numbers, language-neutral (ХМЛ, B12, BCR-ABL1);
- ``cross``: international terms across scripts (гематология ~ hematology);
- ``spell``: the words as written (folded), the vocabulary for typo and layout corrections.
"""

from functools import cache

from whoosh.analysis import StopFilter
from whoosh.lang.stopwords import stoplists

from search.analysis import kazakh
from search.analysis.code import CodeFilter
from search.analysis.crossscript import CrossScriptFilter
from search.analysis.english import EnglishSpellingFilter, EnglishStemFilter, PossessiveFilter
from search.analysis.filters import (
    HomoglyphFilter,
    MinLengthFilter,
    NormalizeFilter,
    PerWord,
    ProperNameFilter,
    RussianLettersFilter,
    YoFilter,
)
from search.analysis.indexing import IndexingChain
from search.analysis.kazakh import KazakhFamilyFilter, KazakhStemFilter
from search.analysis.names import DistinctFilter, PersonNameFilter
from search.analysis.russian import RussianFamilyFilter, RussianLemmaFilter, proper_names
from search.analysis.tokenizer import word_tokenizer

LANGUAGES = ("kk", "ru", "en")
FAMILY_LANGUAGES = ("ru", "kk")

# One stop list for every language: a query is analysed by all analysers, and a word that is
# a stop word in one language must not become a required word in another («of», «и»).
STOP_WORDS = frozenset(stoplists["ru"]) | frozenset(stoplists["en"]) | kazakh.STOP_WORDS


def _words(lang: str | None = None, join: bool = True):
    """Words → look-alike letters repaired → no possessive 's → case marked (ru, kk) → case folded →
    letters folded → no initials (→ no stop words)."""
    per_word = [HomoglyphFilter(), PossessiveFilter()]
    if lang == "ru":
        per_word.append(ProperNameFilter(proper_names(), capitals=True))
    elif lang == "kk":
        per_word.append(ProperNameFilter(capitals=True))
    per_word.append(NormalizeFilter())
    per_word.append(RussianLettersFilter() if lang == "ru" else YoFilter())
    per_word.append(MinLengthFilter(2))
    chain = word_tokenizer(join) | PerWord(*per_word)
    if lang:
        chain = chain | StopFilter(stoplist=STOP_WORDS, minsize=1)
    return chain


def _keys(lang: str, *filters):
    """A language's per-word keys: person names read first (:mod:`search.analysis.names`), then ``filters``."""
    return _words(lang) | PerWord(PersonNameFilter(), *filters, DistinctFilter())


def russian_analyzer():
    """Russian exact level: person names' keys; pymorphy3 lemma, Snowball stem for unknown words."""
    return _keys("ru", RussianLemmaFilter())


def english_analyzer():
    """English exact level: British→US spelling, then the Snowball stem."""
    return _words("en") | PerWord(EnglishSpellingFilter(), EnglishStemFilter())


def kazakh_analyzer():
    """Kazakh exact level: person names' keys; inflectional suffixes stripped."""
    return _keys("kk", KazakhStemFilter())


def russian_family_analyzer():
    """Russian family level: person names' keys; derivational family keys."""
    return _keys("ru", RussianFamilyFilter())


def kazakh_family_analyzer():
    """Kazakh family level: person names' keys; inflectional and derivational suffixes stripped."""
    return _keys("kk", KazakhFamilyFilter())


def code_analyzer():
    """Code level: abbreviations, codes and numbers, lower-cased (a query's stop words left out)."""
    return (
        word_tokenizer()
        | PerWord(HomoglyphFilter(), PossessiveFilter(), CodeFilter(STOP_WORDS), MinLengthFilter(2))
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
    )


def cross_analyzer():
    """Cross-script level: international terms' consonant skeletons, tagged with their script."""
    return _words(None) | StopFilter(stoplist=STOP_WORDS, minsize=1) | PerWord(CrossScriptFilter())


def spell_analyzer():
    """Spelling vocabulary: the words as written, folded (the parts of hyphenated words, not their joins)."""
    return _words(None, join=False)


_FACTORIES = {
    ("exact", "ru"): russian_analyzer,
    ("exact", "en"): english_analyzer,
    ("exact", "kk"): kazakh_analyzer,
    ("family", "ru"): russian_family_analyzer,
    ("family", "kk"): kazakh_family_analyzer,
    ("code", None): code_analyzer,
    ("cross", None): cross_analyzer,
    ("spell", None): spell_analyzer,
}


@cache
def analyzer_for(lang: str | None, level: str = "exact"):
    """Return the analyser of ``level`` for ``lang`` (None for the language-neutral levels)."""
    try:
        factory = _FACTORIES[(level, lang)]
    except KeyError:
        raise ValueError(f"no {level} analyser for language {lang!r}: use one of {', '.join(LANGUAGES)}") from None
    return IndexingChain(*factory().items)


@cache
def layout_chain(lang: str | None, level: str = "exact") -> IndexingChain:
    """Return the part of ``analyzer_for(lang, level)`` that decides where each key is: up to its stop filter.

    Its ``layout`` tells which word of a text each indexed position holds (see
    :meth:`IndexingChain.layout`), for the cost of folding the words, not of their lemmas.
    """
    items = analyzer_for(lang, level).items
    stop = next((i for i, item in enumerate(items) if isinstance(item, StopFilter)), None)
    return IndexingChain(*(items if stop is None else items[: stop + 1]))


def analyze(lang: str | None, text: str, mode: str = "index", level: str = "exact") -> list[str]:
    """Return the keys that an analyser makes of ``text``."""
    return [t.text for t in analyzer_for(lang, level)(text, mode=mode)]


def analyze_positions(lang: str | None, text: str, level: str = "exact") -> list[list[str]]:
    """Return a query's keys grouped by position (a code may give two keys at one position)."""
    out: list[list[str]] = []
    last = None
    for t in analyzer_for(lang, level)(text, mode="query", positions=True):
        if t.pos == last:
            if t.text not in out[-1]:
                out[-1].append(t.text)
        else:
            out.append([t.text])
            last = t.pos
    return out
