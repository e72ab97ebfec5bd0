"""A deterministic synthetic Grav archive of N page folders (kk, ru, en each), sampled from the real one.

Bodies are paragraphs drawn from real pages of the same language, so word frequencies stay realistic; a
share of words gets a new suffix, so the vocabulary keeps growing with size as Heaps' law has it
(about K·n^β new forms, β ≈ 0.6). Dates spread over 15 years.

    python -m benchmarks.generate OUT --folders 1000
"""

import argparse
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "hemcenter-kz"
LANGS = ("kk", "ru", "en")
NEW_FORM_RATE = 0.02  # share of words given a new suffix: the vocabulary grows with the archive
SUFFIXES = {"ru": ["ный", "ция", "ость", "ник"], "kk": ["лық", "шы", "дағы", "лар"], "en": ["ation", "ic", "ism", "er"]}


def load_paragraphs() -> dict[str, list[str]]:
    sys.path.insert(0, str(REPO))
    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files

    site = Site.load(CORPUS)
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    titles: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for file in page_files(site.pages_dir):
        page = read_page(site, file)
        if page.lang in out and page.published:
            out[page.lang].extend(p for p in page.body.split("\n") if len(p) > 40)
            titles[page.lang].append(page.title)
    return out, titles


def mutate(text: str, lang: str, rng: random.Random) -> str:
    words = text.split()
    for i, word in enumerate(words):
        if word.isalpha() and len(word) > 4 and rng.random() < NEW_FORM_RATE:
            words[i] = word + rng.choice(SUFFIXES[lang]) + str(rng.randrange(1000))
    return " ".join(words)


def generate(out: Path, folders: int, seed: int = 20261127) -> Path:
    """Write a Grav site with ``folders`` news folders under ``out``; return ``out``."""
    rng = random.Random(seed)
    paragraphs, titles = load_paragraphs()
    pages = out / "user" / "pages" / "02.news"
    pages.mkdir(parents=True, exist_ok=True)
    config = out / "user" / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "system.yaml").write_text(
        "timezone: Asia/Almaty\nlanguages:\n  supported: [kk, ru, en]\n  default_lang: kk\n  include_default_lang: true\n",
        encoding="utf-8",
    )
    start = datetime(2011, 1, 1)
    for n in range(folders):
        date = start + timedelta(days=rng.randrange(15 * 365), hours=rng.randrange(24))
        folder = pages / f"{n + 1:06d}.{date:%Y-%m-%d}-post-{n}"
        folder.mkdir()
        for lang in LANGS:
            body = "\n\n".join(mutate(rng.choice(paragraphs[lang]), lang, rng) for _ in range(rng.randint(3, 8)))
            title = f"{rng.choice(titles[lang])} {n}".replace("'", "’")
            (folder / f"item.{lang}.md").write_text(
                f"---\ntitle: '{title}'\ndate: '{date:%d-%m-%Y %H:%M}'\ntaxonomy:\n    category: [news]\n---\n\n{body}\n",
                encoding="utf-8",
            )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--folders", type=int, default=1000)
    args = parser.parse_args(argv)
    generate(args.out, args.folders)
    print(f"wrote {args.folders * 3} pages under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
