"""The analyser chain of each language, and helpers to run them."""

from functools import lru_cache

from whoosh.analysis import StopFilter
from whoosh.lang.stopwords import stoplists

from search.analysis import kazakh
from search.analysis.english import EnglishSpellingFilter, EnglishStemFilter
from search.analysis.filters import MinLengthFilter, NormalizeFilter, YoFilter
from search.analysis.russian import RussianLemmaFilter
from search.analysis.tokenizer import word_tokenizer

LANGUAGES = ("kk", "ru", "en")


def russian_analyzer():
    """Russian: words → case fold → ё→е → stop words → lemma (stem if unknown)."""
    return (
        word_tokenizer()
        | NormalizeFilter()
        | YoFilter()
        | MinLengthFilter(2)
        | StopFilter(stoplist=stoplists["ru"], minsize=1)
        | RussianLemmaFilter()
    )


def english_analyzer():
    """English: words → case fold → stop words → British→US spelling → Snowball stem."""
    return (
        word_tokenizer()
        | NormalizeFilter()
        | MinLengthFilter(2)
        | StopFilter(stoplist=stoplists["en"], minsize=1)
        | EnglishSpellingFilter()
        | EnglishStemFilter()
    )


def kazakh_analyzer():
    """Kazakh: words → case fold → stop words."""
    return (
        word_tokenizer()
        | NormalizeFilter()
        | MinLengthFilter(2)
        | StopFilter(stoplist=kazakh.STOP_WORDS, minsize=1)
    )


_FACTORIES = {"ru": russian_analyzer, "en": english_analyzer, "kk": kazakh_analyzer}


@lru_cache(maxsize=None)
def analyzer_for(lang: str):
    """Return the analyser of ``lang`` (one of :data:`LANGUAGES`)."""
    try:
        return _FACTORIES[lang]()
    except KeyError:
        raise ValueError(f"no analyser for language {lang!r}: use one of {', '.join(LANGUAGES)}") from None


def analyze(lang: str, text: str, mode: str = "index") -> list[str]:
    """Return the index keys that ``lang``'s analyser makes of ``text``."""
    return [t.text for t in analyzer_for(lang)(text, mode=mode)]
