"""Interface strings in kk, ru and en, kept as data in ``i18n/*.json``."""

import json
from functools import cache
from pathlib import Path

from flask import current_app, request

UI_LANGUAGES = ("kk", "ru", "en")
_DIR = Path(__file__).parent / "i18n"


@cache
def strings(lang: str) -> dict:
    """Return the interface strings of ``lang``."""
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def ui_language() -> str:
    """Return the interface language: ``?lang=``, else Accept-Language, else the configured default."""
    lang = request.args.get("lang", "")
    if lang in UI_LANGUAGES:
        return lang
    best = request.accept_languages.best_match(UI_LANGUAGES)
    return best or current_app.config.get("DEFAULT_UI_LANG", "ru")
