"""Speed of text analysis on the real archive: tokens/s, per-query analysis time, dictionary cache load.

python -m benchmarks.analysis
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "hemcenter-kz"
QUERIES = REPO / "benchmarks" / "relevance" / "queries.tsv"


def main() -> int:
    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files
    from search.analysis import FAMILY_LANGUAGES, analyzer_for
    from search.analysis.tokenizer import word_tokenizer
    from search.query import parse, to_whoosh
    from search.synonyms import default

    site = Site.load(CORPUS)
    pages = [read_page(site, f) for f in page_files(site.pages_dir)]
    texts = [(p.lang, f"{p.title}\n{p.body}") for p in pages]
    words = sum(sum(1 for _ in word_tokenizer()(t, mode="query")) for _, t in texts)

    def analyse_all():
        for lang, text in texts:
            levels = [
                analyzer_for(lang, "exact"),
                analyzer_for(None, "code"),
                analyzer_for(None, "cross"),
                analyzer_for(None, "spell"),
            ]
            if lang in FAMILY_LANGUAGES:
                levels.append(analyzer_for(lang, "family"))
            for analyzer in levels:
                for _ in analyzer(text):
                    pass

    started = time.perf_counter()
    analyse_all()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    analyse_all()
    warm = time.perf_counter() - started

    queries = [line.split("\t")[3] for line in QUERIES.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    synonyms = default()
    times = []
    for _ in range(3):
        for q in queries:
            t0 = time.perf_counter()
            to_whoosh(parse(q), synonyms)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    load = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t=time.perf_counter(); from search.analysis.dictionary import lemma_stems; "
            "lemma_stems(); print(time.perf_counter()-t)",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )

    print("| measure | value | goal |")
    print("|---|---|---|")
    print(f"| words in the archive (title + body) | {words:,} | |")
    print(f"| analysis, all levels, cold (first pass) | {words / cold:,.0f} words/s | |")
    print(f"| analysis, all levels, warm | {words / warm:,.0f} words/s | ≥ 30,000 tokens/s |")
    print(
        f"| query analysis p50 / p95 / max ({len(times)} runs) | {statistics.median(times):.2f} / "
        f"{times[int(len(times) * 0.95)]:.2f} / {times[-1]:.2f} ms | ≤ 2 ms |"
    )
    print(f"| dictionary stems load (new process, from the disk cache) | {float(load.stdout):.2f} s | < 1 s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
