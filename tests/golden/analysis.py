"""The golden file of analyses: every word of chosen real passages with its key at each level.

Regenerate after a deliberate change with ``make golden`` (``python -m tests.golden.analysis``) and
review the diff: every change in how a word is analysed shows up there.
"""

import sys
from pathlib import Path

from indexer.pages import read_page
from indexer.site import Site
from search.analysis import FAMILY_LANGUAGES, analyze
from search.analysis.tokenizer import word_tokenizer

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "shared" / "corpus" / "hemcenter-kz"
SENTENCES = HERE / "sentences.tsv"
GOLDEN = HERE / "analysis.golden"
MAX_WORDS = 30


def _keys(lang, word, level="exact"):
    keys = analyze(lang, word, level=level) if level in ("exact", "family") else analyze(None, word, level=level)
    return ",".join(keys) or "-"


def render() -> str:
    """Return the golden text for the passages listed in sentences.tsv."""
    site = Site.load(CORPUS)
    out = ["# word\texact\tfamily\tcode\tcross  (regenerate: make golden)"]
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rel, number = line.split("\t")
        page = read_page(site, site.pages_dir / rel)
        paragraph = page.body.split("\n")[int(number)]
        out.append(f"\n## {rel} #{number} [{page.lang}]")
        words = [t.text for t in word_tokenizer()(paragraph, mode="query")][:MAX_WORDS]
        for word in words:
            family = _keys(page.lang, word, "family") if page.lang in FAMILY_LANGUAGES else "-"
            out.append(
                "\t".join([word, _keys(page.lang, word), family, _keys(None, word, "code"), _keys(None, word, "cross")])
            )
    return "\n".join(out) + "\n"


def main() -> int:
    GOLDEN.write_text(render(), encoding="utf-8")
    print(f"wrote {GOLDEN}: review it with git diff", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
