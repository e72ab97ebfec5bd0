"""Kazakh: case-folded word forms (no morphological reduction yet)."""

# Kazakh-only letters: a text holding them is Kazakh, not Russian.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# A short hand list: published Kazakh stop-word lists carry content words too.
STOP_WORDS = frozenset(
    """және мен да де та те бен пен бұл осы сол ол олар біз мен сен сіз үшін арқылы
    бойынша дейін кейін туралы сияқты ретінде немесе бірақ әрі не ма ме ба бе па пе
    еді екен болып болды болса""".split()
)


def has_kazakh_letters(text: str) -> bool:
    """Return whether ``text`` holds a letter used only in Kazakh."""
    return any(ch in KAZAKH_LETTERS for ch in text)
