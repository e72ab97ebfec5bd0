"""Snowball stemmers (PyStemmer), one per language and process."""

from functools import cache

import Stemmer

from search.analysis.memory import memoized


@cache
def _stemmer(language: str) -> "Stemmer.Stemmer":
    return Stemmer.Stemmer(language)


@memoized
def snowball(language: str, word: str) -> str:
    """Return the Snowball stem of ``word`` (``language`` as PyStemmer names it)."""
    return _stemmer(language).stemWord(word)
