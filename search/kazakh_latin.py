"""Kazakh typed in Latin letters → candidate Cyrillic spellings, most likely first.

Visitors type Kazakh in one of the official Latin alphabets or, far more often, in plain ASCII.
``to_kazakh_cyrillic`` turns one such word into a few Cyrillic candidates; the caller keeps the ones
its index knows, so a candidate list only has to *contain* the right word near the top.
``is_kazakh_latin`` tells whether a word uses letters only the Kazakh Latin alphabets have.

Alphabets read (all are accepted at once; the letters of a word pick the reading)
--------------------------------------------------------------------------------
2017 "apostrophe" alphabet (decree of 26 Oct 2017): a'=ә, g'=ғ, n'=ң, o'=ө, u'=ү, y'=ұ,
  s'=ш, c'=ч, i'=и/й, i=і, y=ы, u=у, q=қ, k=к, j=ж, h=х/һ.
2018 acute alphabet (decree of 19 Feb 2018): á=ә, ǵ=ғ, ń=ң, ó=ө, ú=ү, u=ұ, ý=у, y=ы, i=і,
  ı (dotless)=и/й, sh=ш, ch=ч, q=қ, k=к, j=ж, h=х/һ; ıa=я.
  The brief listed this alphabet as "2021" with U=ү, Ú=ұ, Y=й, ı=ы; the decree's table says
  U=ұ, Ú=ү, Y=ы, I ı=и/й (cf. "Túrkistan", "Ulttyq", "Baıqońyr", "Respýblıkasy"), which is
  what a word with acute letters is read as.  ú=ұ is still produced, one step further down.
2021 umlaut alphabet (presented 28 Jan 2021): ä=ә, ğ=ғ, ñ=ң, ö=ө, ü=ү, ū=ұ, u=у, ş=ш, ç=ч,
  y=ы, ı (dotless) and capital I=і, i/İ=и/й, q=қ, k=к, j=ж, h=х/һ; ia=я.
Turkish-style typing (ä ö ü ğ ñ ş ç, as on kk.wikipedia's Latin page and Turkish keyboards)
  shares those letters but has ı=ы, i=і, y=й, u=ұ, w=у, x=х, ï=и.  A word with umlauts is read
  both ways and vowel harmony decides: "Türkıstan" and "Türkistan" both give түркістан.
Informal ASCII: one letter stands for several Kazakh ones: a→а/ә, o→о/ө, u→у/ұ/ү, i→і/и/ы/й,
  y→ы/й (і, у rarely), k→к/қ, g→г/ғ, n→н/ң, h→х/һ, e→е (э at the start), j→ж, c→ц/с/к
  (к first before a, o, u or a consonant), w→у/в, x→х/кс; digraphs sh=ш, zh=ж, ch=ч,
  kh=х/қ (Kazakh=қазақ), gh=ғ, ts=ц (or т+с), ng=ң (or н+г),
  ya=я, yu=ю, yo=ё, ye=е (word start), ia=ия, shch=щ.
Also accepted: decomposed accents (NFC), ’ ʼ ‘ ` ´ as the apostrophe, ŋ=ң, ģ ġ ǧ=ғ, ș=ş, ə=ә,
  ɵ=ө, Greek Ι/ι typed for ı; other accented Latin letters lose their accent.  A word with any
  other character (Cyrillic, digits, punctuation except hyphen and apostrophe) gives ().

Ambiguous letters in the official alphabets
-------------------------------------------
The letters a, o, u, y, i, ı, k, g, n mean different things in different alphabets.  The marks
in the word pick one (acute letters → 2018, umlauts → 2021/Turkish, letter+apostrophe → 2017)
and its reading costs least; a word without marks, or with marks of several alphabets, is read
as informal ASCII.  A capital I is taken as ı in a word with umlauts (2021 and Turkish both
write the capital of ı as I), as i otherwise.  И and Й share one Latin letter in every official
alphabet: й is chosen after a vowel, и elsewhere, by the position rules below.

Ranking
-------
A beam search (at most 32 partial spellings per position, so cost grows linearly with the word)
scores each spelling.  Two readings are searched and merged:

* native: Kazakh vowel harmony.  A word is back (а о ұ ы, with қ ғ) or front (ә ө ү і е, with
  к г); changing class costs, except at an о/ө past the first syllable (a compound: Ақ+төбе).
  к/г next to back vowels and қ/ғ next to front vowels cost (the consonant starting a syllable
  agrees with the following vowel, one ending it with the preceding one).  ә past the first
  syllable costs (suffixes use е).  Two full vowels side by side cost, so y/i after a vowel is
  й; й between consonants or at the start before a consonant costs, so y after a consonant is
  ы.  у as the vowel of a closed syllable (кун) costs more than ұ/ү.  Letters' own priors break
  the remaining ties (а over ә, о over ө, і over и).
* loan: Russian-style loans (медицина, донор): no vowel harmony, i→и, ts/c→ц, intervocalic
  s before i→ц (medisina), с/к/г preferred.  Its spellings cost a fixed extra.

The cheapest native spelling always comes first; the rest follow by cost.  Mixed words
(денсаулық) come out because each syllable's choice is scored locally, not per word.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["is_kazakh_latin", "to_kazakh_cyrillic"]

BEAM = 32
MAX_LETTERS = 80
LOAN_EXTRA = 0.5  # what a loan reading costs on top of its own score

_GENERIC, _ACUTE, _UMLAUT, _APOS = "generic", "2018", "2021", "2017"

_APOSTROPHES = "'’ʼ‘`´ʻ′"
_HYPHENS = "-‐‑"
_ASCII = "abcdefghijklmnopqrstuvwxyz"
_SPECIAL = "áǵńóúýäğñöüūşçśćíïıéəɵ"
_ALIASES = {"ŋ": "ñ", "ģ": "ğ", "ġ": "ğ", "ǧ": "ğ", "ș": "ş", "ι": "ı", "æ": "ä", "ǝ": "ə"}
_UPPER_I = "I"  # kept apart from i until the alphabet is known

_ACUTE_MARKS = frozenset("áǵńóúýśćí")
_UMLAUT_MARKS = frozenset("äğñöüūşçï")
_TURKISH_MARKS = frozenset("wxï")
_APOS_LETTERS = "agnoucsiy"
# Letters no English word has: the ones is_kazakh_latin looks for (plus apostrophe forms).
_KAZAKH_ONLY = frozenset("áǵıńóúýäöüğñşçūśćəɵ")
_ENGLISH_CLITICS = frozenset({"t", "s", "d", "m", "ll", "re", "ve"})

# Cyrillic letter classes.
_BACK_V = frozenset("аоұы")
_FRONT_V = frozenset("әөүіе")
_VOWELS = frozenset("аоұыәөүіеиуэяюё")
_FULL_V = frozenset("аоұыәөүіеэ")  # two of these side by side: hiatus
_BACK_C = frozenset("қғ")
_FRONT_C = frozenset("кг")
_SILENT = frozenset("ьъ")


def _opts(spec: str) -> tuple[tuple[str, float, float], ...]:
    """'а ә:0.6+0.9' → (('а', 0, 0), ('ә', 0.6, 0.9)): spelling, cost, extra past the first syllable."""
    out = []
    for item in spec.split():
        cyr, _, cost = item.partition(":")
        base, _, later = cost.partition("+")
        out.append((cyr, float(base or 0), float(later or 0)))
    return tuple(out)


# Informal ASCII (also the meaning of the special letters whatever the alphabet).
_GENERIC_TABLE = {
    k: _opts(v)
    for k, v in {
        "a": "а ә:0.6+0.9",
        "á": "ә",
        "ä": "ә",
        "ə": "ә",
        "b": "б",
        "c": "ц:0.2 с:0.6 к:0.9 ч:1",
        "ć": "ч",
        "ç": "ч",
        "d": "д",
        "e": "е",
        "é": "е э:0.3",
        "f": "ф",
        "g": "г ғ",
        "ǵ": "ғ",
        "ğ": "ғ",
        "h": "х һ:0.8",
        "i": "і й:0.4 ы:1 и:1.2",
        "ı": "ы і:0.2 й:0.4 и:0.6",
        "í": "и й",
        "ï": "и",
        "j": "ж й:1.5",
        "k": "к қ",
        "l": "л",
        "m": "м",
        "n": "н ң:0.9",
        "ń": "ң",
        "ñ": "ң",
        "o": "о ө:0.35",
        "ó": "ө",
        "ö": "ө",
        "ɵ": "ө",
        "p": "п",
        "q": "қ",
        "r": "р",
        "s": "с",
        "ś": "ш",
        "ş": "ш",
        "t": "т",
        "u": "у ү:0.3 ұ:0.3",
        "ú": "ү ұ:0.8",
        "ü": "ү",
        "ū": "ұ",
        "ý": "у",
        "v": "в",
        "w": "у в:0.6",
        "x": "х:0.2 кс:0.4",
        "y": "ы й:0.2 у:1.2 і:1.2",
        "z": "з",
    }.items()
}

_STRICT = {"a": "а ә:2", "o": "о ө:2", "g": "г ғ:2", "k": "к қ:2", "n": "н ң:2"}
_PROFILE_TABLES = {
    _GENERIC: {},
    _ACUTE: {**_STRICT, "u": "ұ у:0.8 ү:1.5", "y": "ы й:1.5", "i": "і и:1 ы:1.5", "ı": "и й ы:1 і:1.5"},
    _UMLAUT: {**_STRICT, "u": "у ұ:0.3 ү:1.5", "y": "ы й:0.2", "i": "і и:0.15 й:0.2", "ı": "і ы:0.05 и:0.8"},
    _UMLAUT + "t": {**_STRICT, "u": "ұ у:0.3 ү:1.5", "y": "й ы:0.2", "i": "і и:0.5 й:0.5", "ı": "ы і:0.5 и:0.8"},
    _APOS: {**_STRICT, "u": "у ұ:0.8 ү:1", "y": "ы й:1", "i": "і и:1 й:1"},
}
_LOAN_TABLE = {
    "a": "а ә:2",
    "o": "о ө:2",
    "u": "у ұ:2 ү:2",
    "i": "и і:0.7 й:0.3 ы:1.5",
    "ı": "ы и:0.3 і:0.7 й:0.3",
    "y": "ы й:0.2 и:1",
    "k": "к қ:0.8",
    "g": "г ғ:0.8",
    "n": "н ң:2",
    "h": "х һ:1.5",
    "c": "ц к:0.5 с:0.6 ч:1",
    "w": "в у:0.5",
    "x": "кс х:0.3",
    "j": "ж дж:0.8 й:1",
}

# Digraphs: latin, options, penalty on reading the first letter alone instead, where it applies.
_DIGRAPHS = (
    ("shch", "щ", 0.0, "*"),
    ("sh", "ш", 2.0, "*"),
    ("zh", "ж", 2.0, "*"),
    ("ch", "ч", 2.0, "*"),
    ("kh", "х қ:0.5", 1.5, "*"),
    ("gh", "ғ:0.3", 1.0, "*"),
    ("ts", "ц:0.6", 0.0, "*"),
    ("ng", "ң:0.8", 0.0, "g"),
    ("ya", "я", 0.8, "*"),
    ("yu", "ю", 0.8, "*"),
    ("yo", "ё:0.8", 0.0, "*"),
    ("ye", "е:0.3", 0.0, "^"),
    ("ia", "ия:0.4 я:0.9", 0.0, "g"),
    ("ia", "я:0.2 ия:0.5", 0.0, "u"),
    ("iu", "ю:0.5", 0.0, "u"),
    ("ıa", "я иа:0.3 ия:0.5", 0.5, "*"),
    ("ıý", "ю", 0.5, "*"),
    ("ıu", "ю:0.3", 0.0, "*"),
    ("a'", "ә", 0.0, "*"),
    ("g'", "ғ", 0.0, "*"),
    ("n'", "ң", 0.0, "*"),
    ("o'", "ө", 0.0, "*"),
    ("u'", "ү", 0.0, "*"),
    ("y'", "ұ у:0.3", 0.0, "*"),
    ("i'", "и й", 0.0, "*"),
    ("s'", "ш", 0.0, "*"),
    ("c'", "ч", 0.0, "*"),
    ("i'a", "я", 0.0, "*"),
)
_DIGRAPH_SCOPE = {"*": None, "g": (_GENERIC,), "u": (_UMLAUT, _UMLAUT + "t"), "^": None}


class _Weights:
    """What the state machine charges; the loan reading drops vowel harmony."""

    def __init__(self, switch, switch_o, consonant, hiatus, i_after_v, u_open, u_closed, later):
        self.switch, self.switch_o, self.consonant, self.hiatus = switch, switch_o, consonant, hiatus
        self.i_after_v, self.u_open, self.u_closed, self.later = i_after_v, u_open, u_closed, later


_NATIVE = _Weights(
    switch=1.0, switch_o=0.35, consonant=1.2, hiatus=1.0, i_after_v=0.8, u_open=0.35, u_closed=0.8, later=True
)
_LOAN = _Weights(
    switch=0.0, switch_o=0.0, consonant=0.5, hiatus=0.4, i_after_v=0.2, u_open=0.0, u_closed=0.0, later=False
)
_J_AT_START = 0.5  # й starts only loans (йод)
_J_AFTER_CONSONANT = 1.0  # native й follows a vowel
_J_ISOLATED = 1.0  # more when no vowel follows either
_SOFT_SIGN_AFTER_VOWEL = 2.0


def _normalize(word: str) -> str | None:
    """Lower-case internal letters, "'" and "-", or None when the word is not Latin-letter text."""
    if not isinstance(word, str) or not word:
        return None
    out = []
    for ch in unicodedata.normalize("NFC", word):
        if ch == "I":
            out.append(_UPPER_I)
            continue
        if ch == "İ":
            out.append("i")
            continue
        if ch in _APOSTROPHES:
            out.append("'")
            continue
        if ch in _HYPHENS:
            out.append("-")
            continue
        if unicodedata.combining(ch):
            continue  # an accent NFC could not put on its letter (g + grave): the bare letter is read
        low = ch.lower()
        low = _ALIASES.get(low, low)
        if len(low) == 1 and (low in _ASCII or low in _SPECIAL):
            out.append(low)
            continue
        parts = unicodedata.normalize("NFD", low)
        if parts[0] in _ASCII and all(unicodedata.combining(p) for p in parts[1:]):
            out.append(parts[0])
            continue
        return None
    text = "".join(out)
    if len(text) > MAX_LETTERS or not any(c not in "-'" for c in text):
        return None
    return text


def _has_apostrophe_form(text: str) -> bool:
    for i in range(1, len(text)):
        if text[i] != "'" or text[i - 1] not in _APOS_LETTERS + _UPPER_I:
            continue
        tail = text[i + 1 :].split("-", 1)[0]
        if tail and tail[0] not in "'-" and tail not in _ENGLISH_CLITICS:
            return True
    return False


def _profile(text: str) -> str:
    chars = set(text)
    found = [
        name
        for name, hit in (
            (_ACUTE, chars & _ACUTE_MARKS),
            (_UMLAUT, chars & _UMLAUT_MARKS),
            (_APOS, _has_apostrophe_form(text)),
        )
        if hit
    ]
    if len(found) != 1:
        return _GENERIC
    if found[0] == _UMLAUT and chars & _TURKISH_MARKS:
        return _UMLAUT + "t"
    return found[0]


@lru_cache(maxsize=16)
def _table(profile: str, loan: bool) -> dict:
    table = dict(_GENERIC_TABLE)
    table.update({k: _opts(v) for k, v in _PROFILE_TABLES[profile].items()})
    if loan and profile == _GENERIC:
        table.update({k: _opts(v) for k, v in _LOAN_TABLE.items()})
    return table


@lru_cache(maxsize=16)
def _digraphs(profile: str) -> tuple:
    out = []
    for latin, spec, split, scope in _DIGRAPHS:
        allowed = _DIGRAPH_SCOPE[scope]
        if allowed is None or profile in allowed:
            out.append((latin, _opts(spec), split, scope == "^"))
    return tuple(out)


def _lattice(text: str, profile: str, loan: bool) -> list:
    """For each position, the (length, options) readings that start there."""
    table, digraphs = _table(profile, loan), _digraphs(profile)
    edges = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else "-"
        nxt = text[i + 1] if i + 1 < len(text) else "-"
        if ch == "-":
            edges.append([(1, (("-", 0.0, 0.0),))])
            continue
        if ch == "'":
            drop = 1.5 if prev in _APOS_LETTERS else 0.0
            edges.append([(1, (("", drop, 0.0), ("ь", 1.0, 0.0)))])
            continue
        here, split = [], 0.0
        for latin, options, split_cost, start_only in digraphs:
            if text.startswith(latin, i) and not (start_only and prev != "-"):
                here.append((len(latin), options))
                split = max(split, split_cost)
        single = table[ch]
        if ch == "e" and prev == "-":
            single = (*single, ("э", 0.4 if loan else 0.8, 0.0))
        elif ch == "c" and profile == _GENERIC and nxt not in "eiyı":
            single = _opts("к:0.2 ц:0.6 с:0.6 ч:1")
        elif ch == "s" and loan and profile == _GENERIC:
            if nxt in "iıy" and (prev in "aeiouyı" or prev == "n"):
                single = (("ц", 0.0, 0.0), ("с", 0.2, 0.0))
            elif nxt in "ie":
                single = (("с", 0.0, 0.0), ("ц", 0.5, 0.0))
        if split:
            single = tuple((cyr, cost + split, later) for cyr, cost, later in single)
        here.append((1, single))
        edges.append(here)
    return edges


# A spelling state: (cost, out, vowel class, pending consonant class, last char, char before, syllables,
# u-state).  Classes are "B"ack, "F"ront or "" (none); u-state 1 = у just followed a consonant,
# 2 = such у then one consonant (its syllable is open if a vowel comes next, closed otherwise).
_START = (0.0, "", "", "", "-", "-", 0, 0)


def _end_part(state: tuple, w: _Weights) -> float:
    """What ending the word (or a hyphenated part of it) here costs."""
    _, _, vowel, pending, p1, p2, _, ustate = state
    cost = 0.0
    if ustate == 2:
        cost += w.u_closed
    if p1 == "й" and p2 not in _VOWELS:
        cost += _J_ISOLATED
    if pending and vowel and pending != vowel:
        cost += w.consonant
    return cost


def _push(state: tuple, ch: str, w: _Weights) -> tuple:
    cost, out, vowel, pending, p1, p2, syl, ustate = state
    if ch == "-":
        cost += _end_part(state, w)
        return (cost, out + "-", "", "", "-", "-", 0, 0)
    if ch in _SILENT:
        if p1 in _VOWELS or p1 == "-":
            cost += _SOFT_SIGN_AFTER_VOWEL
        return (cost, out + ch, vowel, pending, p1, p2, syl, ustate)
    if ch in _VOWELS:
        glide = ch in "уи" and p1 in _VOWELS
        if ch in _FULL_V and p1 in _FULL_V:
            cost += w.hiatus
        if ch == "и" and p1 in _VOWELS:
            cost += w.i_after_v
        if ustate == 2:
            cost += w.u_open
        ustate = 1 if ch == "у" and p1 not in _VOWELS else 0
        cls = "B" if ch in _BACK_V else "F" if ch in _FRONT_V else ""
        if cls:
            if pending and pending != cls:
                cost += w.consonant
            if vowel and vowel != cls:
                cost += w.switch_o if ch in "оө" and syl else w.switch
            vowel, pending = cls, ""
        elif vowel:
            if pending and pending != vowel:
                cost += w.consonant
            pending = ""
        if not glide:
            syl += 1
        return (cost, out + ch, vowel, pending, ch, p1, syl, ustate)
    # a consonant
    if ustate == 1:
        ustate = 2
    elif ustate == 2:
        cost += w.u_closed
        ustate = 0
    if p1 == "й" and p2 not in _VOWELS:
        cost += _J_ISOLATED
    if ch == "й" and p1 not in _VOWELS:
        cost += _J_AT_START if p1 == "-" else _J_AFTER_CONSONANT
    if pending and vowel and pending != vowel:
        cost += w.consonant
    pending = "B" if ch in _BACK_C else "F" if ch in _FRONT_C else ""
    return (cost, out + ch, vowel, pending, ch, p1, syl, ustate)


def _search(text: str, profile: str, loan: bool, beam: int) -> list[tuple[float, str]]:
    w = _LOAN if loan else _NATIVE
    edges = _lattice(text, profile, loan)
    n = len(text)
    states: list[dict] = [{} for _ in range(n + 1)]
    states[0][""] = _START
    for i in range(n):
        here = sorted(states[i].values())[:beam]
        states[i] = {}
        for length, options in edges[i]:
            target = states[i + length]
            for state in here:
                for cyr, cost, later in options:
                    extra = cost + (later if w.later and state[6] else 0.0)
                    new = (state[0] + extra, *state[1:])
                    for ch in cyr:
                        new = _push(new, ch, w)
                    old = target.get(new[1])
                    if old is None or new[0] < old[0]:
                        target[new[1]] = new
    final = [(s[0] + _end_part(s, w), s[1]) for s in states[n].values()]
    final.sort()
    return final


@lru_cache(maxsize=65536)
def to_kazakh_cyrillic(word: str, limit: int = 8) -> tuple[str, ...]:
    """Candidate Cyrillic Kazakh spellings of a Latin-letter word, most likely first.

    Empty when the word is not Latin-letter Kazakh-able (Cyrillic, digits, punctuation).
    Output is lower-case; hyphens are kept.
    """
    if limit < 1:
        return ()
    text = _normalize(word)
    if text is None:
        return ()
    profile = _profile(text)
    text = text.replace(_UPPER_I, "ı" if profile.startswith(_UMLAUT) else "i")
    beam = max(BEAM, min(limit, 256))
    native = _search(text, profile, False, beam)
    if not native:
        return ()
    best: dict[str, float] = {}
    for cost, out in native:
        best.setdefault(out, cost)
    for cost, out in _search(text, profile, True, beam):
        if cost + LOAN_EXTRA < best.get(out, float("inf")):
            best[out] = cost + LOAN_EXTRA
    first = native[0][1]
    rest = sorted((cost, out) for out, cost in best.items() if out != first)
    return (first, *(out for _, out in rest))[:limit]


@lru_cache(maxsize=65536)
def is_kazakh_latin(word: str) -> bool:
    """True when the word uses letters only the Kazakh Latin alphabets have — i.e. certainly not English.

    Those are á ǵ ı ń ó ú ý (2018), ä ö ü ğ ñ ş ç ū (2021 and Turkish-style), ś ć ə ɵ, and the 2017
    apostrophe forms (a' g' n' o' u' s' c' i' y' followed by more letters, English clitics such as
    don't, it's, we'll excluded).  Plain ASCII words are False: "qazaqstan" could be anything.
    """
    text = _normalize(word)
    if text is None:
        return False
    if isinstance(word, str) and "İ" in word:
        return True
    return any(ch in _KAZAKH_ONLY for ch in text) or _has_apostrophe_form(text)
