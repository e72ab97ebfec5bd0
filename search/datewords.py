"""Date words in a query act as date filters: «2019», «июль 2019», «шілде 2019», "July 2019"."""

import re
from dataclasses import replace

from search.query import ParsedQuery

_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")

# Month names and their common forms in kk, ru and en (lower case); the stems match inflections.
_MONTHS = {
    1: ("январ", "қаңтар", "january", "jan"),
    2: ("феврал", "ақпан", "february", "feb"),
    3: ("март", "наурыз", "march", "mar"),
    4: ("апрел", "сәуір", "april", "apr"),
    5: ("ма", "мамыр", "may"),
    6: ("июн", "маусым", "june", "jun"),
    7: ("июл", "шілде", "july", "jul"),
    8: ("август", "тамыз", "august", "aug"),
    9: ("сентябр", "қыркүйек", "september", "sep", "sept"),
    10: ("октябр", "қазан", "october", "oct"),
    11: ("ноябр", "қараша", "november", "nov"),
    12: ("декабр", "желтоқсан", "december", "dec"),
}
# Words that only say "year" beside a year: «в июле 2019 года», «2019 жылы».
_YEAR_WORDS = frozenset({"год", "года", "году", "годом", "г", "гг", "жыл", "жылы", "жылғы", "жылдың", "year"})
_RU_ENDINGS = ("ь", "я", "е", "ю", "ем", "ём", "й", "я", "")
_KK_ENDINGS = (
    "",
    "да",
    "де",
    "та",
    "те",
    "ның",
    "нің",
    "дың",
    "дің",
    "тың",
    "тің",
    "ы",
    "і",
    "ында",
    "інде",
    "на",
    "не",
)


def month_of(word: str) -> int | None:
    """Return the month a word names (any case form of kk, ru or en month names), or None."""
    w = word.casefold().replace("ё", "е").strip(".,")
    for number, names in _MONTHS.items():
        ru, kk, *en = names
        if w in en:
            return number
        if number == 5 and w in ("май", "мая", "мае", "маю"):
            return 5
        if number != 5 and w.startswith(ru) and w[len(ru) :] in _RU_ENDINGS:
            return number
        if w.startswith(kk) and w[len(kk) :] in _KK_ENDINGS:
            return number
    return None


def extract(parsed: ParsedQuery) -> tuple[ParsedQuery, int | None, str | None]:
    """Take the date words out of a query: return (the rest, year, month as YYYY-MM)."""
    singles = [(i, g[0]) for i, g in enumerate(parsed.groups) if len(g) == 1 and not g[0].phrase]
    years = [(i, int(c.text)) for i, c in singles if _YEAR.match(c.text)]
    if len(years) != 1:
        return parsed, None, None
    year_index, year = years[0]
    drop = {year_index}
    month = None
    months = [(i, m) for i, c in singles if i != year_index and (m := month_of(c.text))]
    if len(months) == 1:
        drop.add(months[0][0])
        month = f"{year:04d}-{months[0][1]:02d}"
    drop.update(i for i, c in singles if c.text.casefold().strip(".") in _YEAR_WORDS)
    groups = [g for i, g in enumerate(parsed.groups) if i not in drop]
    return replace(parsed, groups=groups), year, month
