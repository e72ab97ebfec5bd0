"""The language of a page file: its name first, then the site's default, detection last."""

import re
from functools import cache
from pathlib import Path

from search.analysis import LANGUAGES
from search.analysis.kazakh import has_kazakh_letters

# Grav names a translation TEMPLATE.LANG.md (item.ru.md, default.en.md).
_SUFFIX = re.compile(r"^[^.]+\.([a-z]{2}(?:-[a-z]{2})?)\.md$", re.IGNORECASE)


def suffix_language(filename: str) -> str | None:
    """Return the language named in a page file's name (``item.ru.md`` → ``ru``), or None."""
    m = _SUFFIX.match(filename)
    return m.group(1).lower() if m else None


def detect_language(text: str) -> str:
    """Guess the language of a text among kk, ru and en.

    langdetect has no Kazakh profile, so Kazakh is decided by its own letters first.
    """
    if has_kazakh_letters(text):
        return "kk"
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not cyrillic and not latin:
        return "en"
    try:
        guess = _detector()(text[:2000])
    except Exception:  # langdetect raises on text with no features
        guess = None
    if guess in LANGUAGES:
        return guess
    return "ru" if cyrillic >= latin else "en"


@cache
def _detector():
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0  # deterministic answers
    return detect


def language_of(path: Path, default_lang: str | None, text: str) -> tuple[str, str]:
    """Return (language, how it was decided: 'suffix', 'default' or 'detected')."""
    lang = suffix_language(path.name)
    if lang:
        return lang, "suffix"
    if default_lang:
        return default_lang, "default"
    return detect_language(text), "detected"
