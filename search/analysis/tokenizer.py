"""Split text into word tokens, keeping hyphenated words both whole and in parts."""

import re

from whoosh.analysis import Token, Tokenizer

from search.analysis.wordlists import word_set

HYPHENS = "-\u2010\u2011\u2012\u2013\u00ad"
_PART = r"[^\W_]+(?:['\u2019][^\W_]+)*"
WORD = re.compile(rf"{_PART}(?:[{HYPHENS}]{_PART})*")
PART = re.compile(_PART)  # one word, or one part of a hyphenated word
_SPLIT = re.compile(rf"[{HYPHENS}]")

# Kazakh case and possessive endings written after a hyphen (ЖШС-нің, COVID-19-ға): not words.
KAZAKH_SUFFIX_PARTS = word_set(
    """ның нің дың дің тың тің ға ге қа ке на не а е ны ні ды ді ты ті н да де та те нда нде
    дан ден тан тен нан нен мен бен пен менен дағы дегі тағы тегі ндағы ндегі сы сі ы і
    лар лер дар дер тар тер ы"""
)


class WordTokenizer(Tokenizer):
    """Yield words; a hyphenated word yields each part and, when indexing, the parts joined.

    ``врачи-гематологи`` gives ``врачи`` and ``гематологи`` (so either part is found) and, in
    index mode, ``врачигематологи`` at the first part's position (so ``онкогематология`` finds
    ``онко-гематология``). A part that is only a Kazakh case ending (``ЖШС-нің``) is dropped.
    """

    def __init__(self, join: bool = True):
        self.join = join

    def __eq__(self, other):
        return type(self) is type(other) and self.join == getattr(other, "join", True)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD.finditer(value):
            word = match.group(0)
            start = match.start()
            if not _SPLIT.search(word):
                yield self._set(t, word, pos, start_char + start, start_char + match.end(), keeporiginal)
                pos += 1
                continue
            parts = []
            offset = start
            for piece in _SPLIT.split(word):
                if piece and not (parts and piece.lower() in KAZAKH_SUFFIX_PARTS):
                    parts.append((piece, offset))
                offset += len(piece) + 1
            if len(parts) > 1 and mode != "query" and getattr(self, "join", True):
                joined = "".join(p for p, _ in parts)
                yield self._set(t, joined, pos, start_char + start, start_char + match.end(), keeporiginal)
            for piece, offset in parts:
                yield self._set(t, piece, pos, start_char + offset, start_char + offset + len(piece), keeporiginal)
                pos += 1

    @staticmethod
    def _set(t, text, pos, startchar, endchar, keeporiginal):
        t.text = text
        t.boost = 1.0
        t.stopped = False
        if keeporiginal:
            t.original = text
        if t.positions:
            t.pos = pos
        if t.chars:
            t.startchar, t.endchar = startchar, endchar
        return t


def word_tokenizer(join: bool = True) -> WordTokenizer:
    """Return the tokenizer shared by all languages (``join=False``: no joined form of hyphenated words)."""
    return WordTokenizer(join)


def dehyphenate(text: str) -> str:
    """Return ``text`` with hyphens inside words removed (the joined form of each word)."""
    return WORD.sub(lambda m: _SPLIT.sub("", m.group(0)), text)


def split_words(value: str, join: bool = True) -> tuple[list[str], list[int]]:
    """Return the words and positions that an index-mode run of ``WordTokenizer(join)`` yields."""
    words = WORD.findall(value)
    plain = list(map(str.isalnum, words))  # [^\W_] is what isalnum() accepts: no hyphen, no apostrophe
    try:
        at = plain.index(False)
    except ValueError:
        return words, list(range(len(words)))
    out, positions = words[:at], list(range(at))
    pos = at
    while True:
        word = words[at]
        if not _SPLIT.search(word):
            out.append(word)
            positions.append(pos)
            pos += 1
        else:
            parts = [p for p in _SPLIT.split(word) if p]
            parts = [p for i, p in enumerate(parts) if i == 0 or p.lower() not in KAZAKH_SUFFIX_PARTS]
            if len(parts) > 1 and join:
                out.append("".join(parts))
                positions.append(pos)
            out += parts
            positions += range(pos, pos + len(parts))
            pos += len(parts)
        try:
            following = plain.index(False, at + 1)
        except ValueError:
            following = len(words)
        out += words[at + 1 : following]  # plain words between this one and the next
        positions += range(pos, pos + following - at - 1)
        pos += following - at - 1
        if following == len(words):
            return out, positions
        at = following
