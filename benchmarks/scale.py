"""Speed at archive scale: Poisk beside tantivy and SQLite FTS5 on the same synthetic archives.

For each size: full build time, documents/s, peak RSS of the build, index size, time from a saved change
to searchable (Poisk), and query p50/p95/p99 over 300 fixed queries (single words common and rare, two
words, phrases; kk, ru, en) — Poisk with snippets and year/month facets, tantivy with its best Snowball
stemmer per language, SQLite FTS5 with its porter/unicode61 tokenizer and a per-year count.

    python -m benchmarks.scale [--sizes 1000 10000]
"""

import argparse
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import LANGS, generate  # noqa: E402

STEMMERS = {"ru": "russian", "en": "english", "kk": None}  # tantivy has no Kazakh stemmer


def du(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def read_docs(site: Path):
    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files

    s = Site.load(site)
    for file in page_files(s.pages_dir):
        page = read_page(s, file)
        yield page.path, page.lang, page.title, page.body, page.date.year


def make_queries(docs: list, count: int = 300, seed: int = 7) -> list[tuple[str, str]]:
    """Return (lang, query) pairs: common and rare single words, two words, phrases, evenly over kk/ru/en."""
    rng = random.Random(seed)
    out = []
    for lang in LANGS:
        bodies = [d[3] for d in docs if d[1] == lang][:2000]
        words = Counter(w.lower() for b in bodies for w in re.findall(r"[^\W\d_]{4,}", b))
        ranked = [w for w, _ in words.most_common()]
        common, rare = ranked[: len(ranked) // 10 or 1], ranked[len(ranked) // 2:] or ranked
        per = count // len(LANGS)
        for i in range(per):
            kind = i % 4
            if kind == 0:
                q = rng.choice(common)
            elif kind == 1:
                q = rng.choice(rare)
            elif kind == 2:
                q = f"{rng.choice(common)} {rng.choice(common)}"
            else:
                text = rng.choice(bodies).split()
                j = rng.randrange(max(1, len(text) - 2))
                q = '"' + " ".join(re.sub(r"[^\w-]", "", w) for w in text[j : j + 2]) + '"'
            out.append((lang, q))
    return out


def percentiles(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    pick = lambda p: times[min(len(times) - 1, int(len(times) * p))]  # noqa: E731
    return statistics.median(times), pick(0.95), pick(0.99)


def bench_poisk(site: Path, work: Path, queries) -> dict:
    index = work / "poisk-index"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "web.cli", "index", "--content", str(site), "--index", str(index)],
                   cwd=REPO, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    build = time.perf_counter() - started
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    from indexer.site import Site
    from indexer.sync import reindex
    from search.service import SearchRequest, SearchService

    service = SearchService(index, refresh_interval=0)
    for lang, q in queries[:30]:
        service.search(SearchRequest(q=q, lang=lang))
    times = []
    for lang, q in queries:
        t = time.perf_counter()
        service.search(SearchRequest(q=q, lang=lang))
        times.append((time.perf_counter() - t) * 1000)
    page = next((site / "user" / "pages" / "02.news").iterdir()) / "item.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nzyxwvutsrq\n", encoding="utf-8")
    t = time.perf_counter()
    reindex(Site.load(site), index, paths=[page.relative_to(site / "user" / "pages").as_posix()])
    assert service.search(SearchRequest(q="zyxwvutsrq", correct=False)).total == 1
    save_to_search = time.perf_counter() - t
    return {"build_s": build, "rss_mb": rss, "size_mb": du(index) / 2**20, "save_s": save_to_search,
            "q": percentiles(times)}


def bench_fts5(docs, work: Path, queries) -> dict:
    path = work / "fts5.sqlite3"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE pages USING fts5(title, body, lang UNINDEXED, year UNINDEXED, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?)", [(d[2], d[3], d[1], d[4]) for d in docs])
    db.commit()
    build = time.perf_counter() - started
    times = []
    for lang, q in queries:
        match = q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())
        t = time.perf_counter()
        try:
            db.execute("SELECT title, snippet(pages, 1, '<mark>', '</mark>', '…', 20) FROM pages "
                       "WHERE pages MATCH ? AND lang = ? ORDER BY rank LIMIT 10", (match, lang)).fetchall()
            db.execute("SELECT year, COUNT(*) FROM pages WHERE pages MATCH ? AND lang = ? GROUP BY year",
                       (match, lang)).fetchall()
        except sqlite3.OperationalError:
            pass
        times.append((time.perf_counter() - t) * 1000)
    db.close()
    return {"build_s": build, "size_mb": du(path) / 2**20, "q": percentiles(times)}


def bench_tantivy(docs, work: Path, queries) -> dict:
    import tantivy

    path = work / "tantivy"
    path.mkdir()
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    for lang in LANGS:
        builder.add_text_field(f"body_{lang}", stored=True, tokenizer_name=f"t_{lang}")
    builder.add_text_field("lang", stored=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True, fast=True)
    index = tantivy.Index(builder.build(), path=str(path))
    for lang in LANGS:
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
        if STEMMERS[lang]:
            analyzer = analyzer.filter(tantivy.Filter.stemmer(STEMMERS[lang]))
        index.register_tokenizer(f"t_{lang}", analyzer.build())
    writer = index.writer(heap_size=200_000_000)
    for path_, lang, title, body, year in docs:
        writer.add_document(tantivy.Document(**{f"body_{lang}": f"{title}\n{body}", "lang": lang, "year": year}))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()
    times = []
    for lang, q in queries:
        t = time.perf_counter()
        try:
            query = index.parse_query(f"+lang:{lang} +({q})" if not q.startswith('"') else f"+lang:{lang} +{q}",
                                      [f"body_{lang}"])
            searcher.search(query, 10)
        except ValueError:
            pass
        times.append((time.perf_counter() - t) * 1000)
    return {"build_s": build, "size_mb": du(path) / 2**20, "q": percentiles(times)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="documents (pages)")
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            site = generate(work / "site", max(1, size // len(LANGS)))
            docs = list(read_docs(site))
            queries = make_queries(docs)
            results = {"poisk": bench_poisk(site, work, queries), "fts5": bench_fts5(docs, work, queries),
                       "tantivy": bench_tantivy(docs, work, queries)}
            rows.append((len(docs), results))
            shutil.rmtree(work / "site", ignore_errors=True)
    print("| docs | engine | build s | docs/s | peak RSS MB | index MB | save→searchable s | "
          "query p50 / p95 / p99 ms | p99 vs Poisk |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, results in rows:
        base = results["poisk"]["q"][2]
        for engine, r in results.items():
            p50, p95, p99 = r["q"]
            print(f"| {n} | {engine} | {r['build_s']:.1f} | {n / r['build_s']:.0f} | "
                  f"{r.get('rss_mb', float('nan')):.0f} | {r['size_mb']:.1f} | "
                  f"{r['save_s']:.2f} | " if "save_s" in r else
                  f"| {n} | {engine} | {r['build_s']:.1f} | {n / r['build_s']:.0f} | – | {r['size_mb']:.1f} | – | ",
                  end="")
            print(f"{p50:.1f} / {p95:.1f} / {p99:.1f} | {p99 / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
