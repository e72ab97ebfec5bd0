"""Text typed on the wrong keyboard layout (ЙЦУКЕН ↔ QWERTY)."""

LATIN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
CYRILLIC = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
TO_CYRILLIC = str.maketrans(LATIN, CYRILLIC)
TO_LATIN = str.maketrans(CYRILLIC, LATIN)
_LATIN_KEYS = frozenset(LATIN)
_CYRILLIC_KEYS = frozenset(CYRILLIC)


def typed_on_latin(word: str) -> bool:
    """Return whether every character of ``word`` is a key of the Latin layout."""
    return bool(word) and all(ch in _LATIN_KEYS for ch in word)


def typed_on_cyrillic(word: str) -> bool:
    """Return whether every character of ``word`` is a key of the Russian layout."""
    return bool(word) and all(ch in _CYRILLIC_KEYS for ch in word)


def to_cyrillic(text: str) -> str:
    """Return what ``text`` would have been had it been typed on the Russian layout."""
    return text.translate(TO_CYRILLIC)


def to_latin(text: str) -> str:
    """Return what ``text`` would have been had it been typed on the Latin layout."""
    return text.translate(TO_LATIN)
