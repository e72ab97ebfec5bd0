"""Propose cross-language groups of named entities from a Grav site's own translations.

A Grav page keeps its translations side by side in one folder (``item.kk.md``, ``item.ru.md``,
``item.en.md``). In every folder with at least two languages, this script extracts candidate
names from each version (runs of Capitalised words, «quoted» text, ALL-CAPS abbreviations, Latin
words inside Cyrillic text, in ru/kk a capitalised word with the noun phrase after it) and aligns
them: names in different languages that occur together in the translations of some folder and
rarely apart are proposed as one group, the folders as evidence (ties go to the name at the same
place in the text, with a similar spelling). Abbreviations are matched to phrases whose initials
spell them. The output is proposals for a human to review against the pages, not a lexicon:
the reviewed groups go into ``search/data/entities.txt``.

    .venv/bin/python tools/mine_entities.py ../shared/corpus/hemcenter-kz [--out FILE]
"""

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import pymorphy3

LANGS = ("en", "ru", "kk")
CONNECTORS = {
    "en": {"of", "and", "for", "the", "on", "in", "to", "at", "de"},
    "ru": {"и", "по", "для", "им.", "имени"},
    "kk": {"және"},
}
# A Kazakh name ends with its head noun: a phrase is cut after the first word with one of these stems.
KK_HEADS = (
    "күн",
    "орталы",
    "форум",
    "конгре",
    "конференци",
    "мектеб",
    "мектеп",
    "қор",
    "министрлі",
    "бөлімш",
    "бөлім",
    "ассоциаци",
    "қауымдаст",
    "бағдарлама",
    "сыйлы",
    "университет",
    "институт",
    "ұйым",
    "симпозиум",
    "кеңес",
    "комитет",
    "академия",
    "орден",
    "медал",
    "апталы",
    "акция",
    "семинар",
    "вебинар",
    "қоғам",
    "клиника",
    "аурухана",
    "департамент",
    "басқарма",
    "жоба",
)
WORD = re.compile(r"[^\W\d_][\w'’-]*")
QUOTED = re.compile(r"«([^«»\n]{3,80})»|“([^“”\n]{3,80})”|\"([^\"\n]{3,80})\"")
CAPS = re.compile(r"\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2,6}\b")
LATIN_RUN = re.compile(r"(?:[A-Z][\w'’-]*|\d+)(?:[ \t]+(?:[A-Za-z][\w'’-]*|\d+))+")
SENTENCE_START = re.compile(r"(^|[.!?:;\n]\s*|[-*#>|]\s+|\d\.\s+)$")
NAME_POS = {"NOUN", "ADJF", "PRTF", "NUMR"}  # what a Russian name is made of
MORPH = pymorphy3.MorphAnalyzer()
TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцыэәғқңөұүһі", "abvgdeziyklmnoprstufhcyeagqnouuhi", strict=True)),
        "ё": "e",
        "ж": "zh",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ю": "yu",
        "я": "ya",
        "ъ": "",
        "ь": "",
    }
)

Token = tuple[str, int]  # a word and its offset


@dataclass
class Candidate:
    """A name in one language: the forms it was written in and where it occurs."""

    lang: str
    forms: Counter = field(default_factory=Counter)
    folders: dict[str, float] = field(default_factory=dict)  # folder -> relative position (0..1)

    def display(self) -> str:
        if self.lang == "kk":  # the shortest Kazakh form is usually the bare nominative
            return min(self.forms, key=lambda f: (len(f), -self.forms[f]))
        return self.forms.most_common(1)[0][0]


def load(root: Path) -> dict[str, dict[str, str]]:
    """Return {folder: {lang: title and body}} for folders with ≥2 languages; identical folders count once."""
    folders: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted(root.rglob("*.md")):
        parts = path.name.split(".")
        if len(parts) == 3 and parts[1] in LANGS:
            meta, body = frontmatter.parse(path.read_text(encoding="utf-8"))  # a header may have a `content:` key
            folders[str(path.parent.relative_to(root))][parts[1]] = f"{meta.get('title', '')}.\n{body}"
    seen, out = set(), {}
    for folder, texts in sorted(folders.items()):
        if len(texts) >= 2 and repr(sorted(texts.items())) not in seen:  # 13.x and 14.x copies of one post
            seen.add(repr(sorted(texts.items())))
            out[folder] = texts
    return out


def clean(text: str) -> str:
    """Drop what is not prose: images, link targets, HTML, shortcodes, URLs, e-mail addresses, emphasis."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text))
    return re.sub(r"<[^>]+>|\[/?[a-z-]+[^\]]*\]|https?://\S+|\S+@\S+|[*_`#]+", " ", text)


def joined(text: str, left: Token, right: Token) -> bool:
    """Tell whether two tokens are separated by one space only (no punctuation, no line break)."""
    return text[left[1] + len(left[0]) : right[1]] in (" ", "\u00a0")


def noun_phrase(lang: str, words: list[str]) -> list[str]:
    """Return the leading words that make a name: ru nouns and adjectives, kk words up to a head noun."""
    if lang == "ru":
        out = []
        for word in words[:7]:
            if word.casefold() not in CONNECTORS["ru"] and MORPH.parse(word)[0].tag.POS not in NAME_POS:
                break
            out.append(word)
        while out and out[-1].casefold() in CONNECTORS["ru"]:
            out.pop()
        return out
    for i, word in enumerate(words[:6]):
        if i and word.casefold().startswith(KK_HEADS):
            return words[: i + 1]
    return []


def extract(lang: str, text: str) -> list[Token]:
    """Return (candidate name, offset) pairs found in one language version."""
    found = [(next(g for g in m.groups() if g).strip(), m.start()) for m in QUOTED.finditer(text)]
    found += [(m.group(), m.start()) for m in CAPS.finditer(text)]
    if lang != "en":  # Latin kept inside Cyrillic text
        found += [(m.group(), m.start()) for m in LATIN_RUN.finditer(text) if re.search("[A-Za-z]{3}", m.group())]
    tokens = [(m.group(), m.start()) for m in WORD.finditer(text)]
    i = 0
    while i < len(tokens):  # runs of Capitalised words, connectors allowed inside
        j = i
        while j < len(tokens) and (tokens[j][0][0].isupper() or (j > i and tokens[j][0] in CONNECTORS[lang])):
            if j > i and not joined(text, tokens[j - 1], tokens[j]):
                break
            j += 1
        while j > i and tokens[j - 1][0] in CONNECTORS[lang]:
            j -= 1
        start = tokens[i][1]
        if j - i >= 2:
            found.append((text[start : tokens[j - 1][1] + len(tokens[j - 1][0])], start))
        elif lang != "en" and tokens[i][0][0].isupper() and not SENTENCE_START.search(text[max(0, start - 3) : start]):
            tail = tokens[i : i + 1]  # a capitalised word mid-sentence starts a name: take the phrase after it
            for token in tokens[i + 1 :]:
                if not joined(text, tail[-1], token):
                    break
                tail.append(token)
            phrase = noun_phrase(lang, [w for w, _ in tail])
            if len(phrase) >= 2:
                found.append((" ".join(phrase), start))
        i = max(j, i + 1)
    return found


def key_of(lang: str, name: str) -> str:
    """Return a key that ignores inflection: lemmas in Russian, crude stems in Kazakh, casefold in English."""
    words = re.findall(r"\w+", name.replace("ё", "е").casefold())
    if lang == "ru" and re.search("[а-я]", name.casefold()):
        words = [MORPH.parse(w)[0].normal_form for w in words]
    elif lang == "kk":
        words = [w[:5] for w in words]
    return " ".join(words)


def collect(folders: dict[str, dict[str, str]]) -> list[Candidate]:
    """Return the candidates of every language version, merged by key across inflected forms."""
    cands: dict[tuple[str, str], Candidate] = {}
    for folder, texts in folders.items():
        for lang, raw in texts.items():
            text = clean(raw)
            for name, offset in extract(lang, text):
                key = key_of(lang, name)
                if len(key) >= 2:
                    cand = cands.setdefault((lang, key), Candidate(lang))
                    cand.forms[name] += 1
                    cand.folders.setdefault(folder, offset / max(len(text), 1))
    return list(cands.values())


def similarity(a: str, b: str) -> float:
    """Return the share of character trigrams two names have in common, Cyrillic read as Latin."""
    grams = [
        {w[i : i + 3] for w in re.findall(r"\w+", n.casefold().translate(TRANSLIT)) for i in range(len(w) - 2)}
        for n in (a, b)
    ]
    return len(grams[0] & grams[1]) / max(1, min(len(grams[0]), len(grams[1])))


def best_partner(anchor: Candidate, others: list[Candidate], min_dice: float) -> tuple[Candidate | None, float]:
    """Return the name that occurs with ``anchor`` most exclusively (Dice over folders) and its Dice."""
    best, best_score = None, (-1.0, 0.0)
    for other in others:
        shared = anchor.folders.keys() & other.folders.keys()
        dice = 2 * len(shared) / (len(anchor.folders) + len(other.folders))
        offset = sum(abs(anchor.folders[f] - other.folders[f]) for f in shared) / len(shared)
        score = (dice - offset + 0.5 * similarity(anchor.display(), other.display()), dice)
        if dice >= min_dice and score > best_score and other.display() != anchor.display():
            best, best_score = other, score
    return best, best_score[1]


def propose(cands: list[Candidate], min_dice: float) -> list[tuple[float, list[Candidate], list[str]]]:
    """Anchor on English (else Russian) names; add the best-aligned name of each other language."""
    by_folder: dict[str, list[Candidate]] = defaultdict(list)
    for cand in cands:
        for folder in cand.folders:
            by_folder[folder].append(cand)
    proposals = []
    for anchor in cands:
        members, evidence, dices = [anchor], set(anchor.folders), []
        for lang in LANGS[LANGS.index(anchor.lang) + 1 :]:  # en → ru, kk; ru → kk
            others = {id(c): c for f in anchor.folders for c in by_folder[f] if c.lang == lang}
            partner, dice = best_partner(anchor, list(others.values()), min_dice)
            if partner is not None:
                members.append(partner)
                evidence &= set(partner.folders)
                dices.append(dice)
        if len(members) > 1:
            proposals.append((min(dices) * len(evidence), members, sorted(evidence)))
    proposals.sort(key=lambda p: (-p[0], p[1][0].display()))
    return proposals


def initials(name: str) -> str:
    """Return the capitals an abbreviation of ``name`` would have (connectors skipped)."""
    skip = CONNECTORS["en"] | CONNECTORS["ru"] | CONNECTORS["kk"]
    return "".join(w[0] for w in re.findall(r"\w+", name) if w.casefold() not in skip).upper()


def report(root: Path, folders: dict[str, dict[str, str]], min_dice: float) -> str:
    """Return the proposals as text: aligned groups with their folders, then abbreviations and expansions."""
    cands = collect(folders)
    lines = [
        f"# Candidate entity groups mined from {root} ({len(folders)} translated folders).",
        "# Proposals only: check every member against the pages before copying a line to entities.txt.",
        "",
        "## Aligned across translations (score = alignment x folders)",
    ]
    seen: list[set[str]] = []
    for score, members, evidence in propose(cands, min_dice):
        names = [m.display() for m in members]
        if any(set(names) <= s for s in seen):
            continue  # the same names, already proposed from another anchor
        seen.append(set(names))
        lines.append(f"{' | '.join(names)}    # {score:.1f} [{', '.join(m.lang for m in members)}]")
        lines.append(f"#   folders: {', '.join(evidence[:4])}{' …' if len(evidence) > 4 else ''}")
    lines += ["", "## Abbreviations and phrases whose initials spell them (sharing a folder)"]
    phrases = [c for c in cands if " " in c.display()]
    abbreviations = {c.display(): c for c in cands if CAPS.fullmatch(c.display())}
    for abbr, cand in sorted(abbreviations.items()):
        spelled = [p.display() for p in phrases if initials(p.display()) == abbr and p.folders.keys() & cand.folders]
        if spelled:
            names, where = " | ".join(dict.fromkeys([abbr, *spelled])), ", ".join(sorted(cand.folders)[:3])
            lines.append(f"{names}    # folders: {where}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="a Grav site (its user/pages, or any folder above the pages)")
    parser.add_argument("--out", type=Path, help="write the proposals here instead of stdout")
    parser.add_argument("--min-dice", type=float, default=0.5, help="how rarely two names may occur apart (0..1)")
    args = parser.parse_args(argv)
    text = report(args.root, load(args.root), args.min_dice)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
