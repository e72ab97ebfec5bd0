"""Search by meaning: what it costs to build and to ask, on the real archive and at 10k and 100k pages.

- The real archive (``../shared/corpus/hemcenter-kz``), as ``poisk index`` does it from nothing: seconds
  until searchable by words, then until searchable by meaning; embedding throughput (pages/s).
- The time search by meaning adds to a query (asking the model for the query's vector, the nearest
  pages, the translation in the visitor's language): every judged query of ``benchmarks/relevance``
  asked once, for the first time, by a fresh process (p50/p95/p99).
- At 10k and 100k pages: the vectors file's size, loading it into a serving process, and the nearest
  pages among all (the matrix product, over random unit vectors: its cost does not depend on the
  values), with the query's vector as measured above; the time to embed so many pages, from the
  measured throughput (embedding 100k pages takes about an hour and a half on two cores: not run).

    python -m benchmarks.semantic [--sizes 10000 100000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.relevance import CORPUS, load_queries  # noqa: E402
from search import semantic  # noqa: E402

QUERY_FILES = sorted((REPO / "benchmarks" / "relevance").glob("queries*.tsv"))


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


def real_archive(tmp: Path) -> dict:
    from indexer.embedding import Embedding, Plan
    from indexer.site import Site
    from indexer.sync import reindex
    from search.service import SearchRequest, SearchService

    root = tmp / "real"
    started = time.perf_counter()
    reindex(Site.load(CORPUS), root, procs=2)
    words = time.perf_counter() - started
    embedded = time.perf_counter()
    progress = Embedding(root, Plan(mode="on")).run()
    meaning = time.perf_counter() - started
    throughput = progress.pages / (time.perf_counter() - embedded)

    service = SearchService(root, cache_size=0)
    added, total = [], []
    near = service._near

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return near(*args, **kwargs)
        finally:
            added.append((time.perf_counter() - t) * 1000)

    service._near = timed
    service.search(SearchRequest(q="донорлар күні", lang="kk"))  # loads the model and the vectors: not counted
    added.clear()
    seen = set()
    asked = 0
    for file in QUERY_FILES:
        for row in load_queries(file):
            if row["query"] in seen:
                continue
            seen.add(row["query"])
            before = len(added)
            t = time.perf_counter()
            service.search(SearchRequest(q=row["query"], lang=row["lang"]))
            total.append((time.perf_counter() - t) * 1000)
            asked += 1
            if len(added) == before:
                added.append(0.0)  # every word found on enough pages: the model is not asked
    service.close()
    return {
        "pages": progress.pages,
        "words_s": words,
        "meaning_s": meaning,
        "throughput": throughput,
        "added": added,
        "asked": asked,
        "total": total,
    }


def at_scale(size: int, tmp: Path, query_ms: list[float]) -> dict:
    from search import semantic, vectors

    rng = np.random.default_rng(size)
    matrix = rng.standard_normal((size, semantic.DIMENSION)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    keys = np.asarray(
        [f"02.news/{i:06d}.2024-01-01-story-{i}/item.{('kk', 'ru', 'en')[i % 3]}.md" for i in range(size)]
    )
    data = vectors.Vectors(
        keys, np.asarray([f"{i:020x}" for i in range(size)]), matrix.astype(np.float16), semantic.MODEL
    )
    gen = tmp / f"gen-{size}"
    gen.mkdir()
    t = time.perf_counter()
    path = vectors.write(gen, data)
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    loaded = vectors.read(path)
    pages = vectors.NearestPages(loaded, {str(k): i for i, k in enumerate(keys)}, size)
    load_s = time.perf_counter() - t
    allowed = np.ones(size, dtype=bool)
    queries = rng.standard_normal((300, semantic.DIMENSION)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    nearest = []
    for q in queries:
        t = time.perf_counter()
        pages.nearest(q, allowed, 40, -1.0)
        nearest.append((time.perf_counter() - t) * 1000)
    # What a query adds: its vector (as measured on the real archive) and the nearest pages, per query.
    combined = [a + b for a, b in zip(query_ms[: len(nearest)], nearest)]
    return {
        "size": size,
        "file_mb": path.stat().st_size / 2**20,
        "memory_mb": pages.matrix.nbytes / 2**20,
        "write_s": write_s,
        "load_s": load_s,
        "nearest": nearest,
        "combined": combined,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"the real archive is not at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        real = real_archive(Path(tmp))
        asked = [a for a in real["added"] if a > 0]
        print(f"\nThe real archive ({real['pages']} pages), as `poisk index` does it from nothing:\n")
        print(
            "| searchable by words | by meaning | embedding | queries | model asked | added p50 / p95 / p99 (when asked) |"
        )
        print("|---|---|---|---|---|---|")
        print(
            f"| {real['words_s']:.1f} s | {real['meaning_s']:.1f} s | {real['throughput']:.1f} pages/s "
            f"| {real['asked']} | {len(asked)} | {_pct(asked, 50):.1f} / {_pct(asked, 95):.1f} / {_pct(asked, 99):.1f} ms |"
        )
        print(
            f"\nWhole queries with meaning (in-process, first time): p50 {_pct(real['total'], 50):.1f} ms, "
            f"p95 {_pct(real['total'], 95):.1f} ms, p99 {_pct(real['total'], 99):.1f} ms"
        )
        query_ms = sorted(asked) or [0.0]
        query_ms = [query_ms[i % len(query_ms)] for i in range(300)]
        np.random.default_rng(0).shuffle(query_ms)
        print("\nAt scale (vectors of random pages; embedding time from the throughput above):\n")
        print(
            "| pages | embedding, once | vectors file | in memory | load | nearest p50 / p95 / p99 | added p95 (vector + nearest) |"
        )
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            r = at_scale(size, Path(tmp), query_ms)
            hours = size / real["throughput"] / 3600
            print(
                f"| {size:,} | {hours:.1f} h | {r['file_mb']:.0f} MB | {r['memory_mb']:.0f} MB | {r['load_s']:.2f} s "
                f"| {_pct(r['nearest'], 50):.2f} / {_pct(r['nearest'], 95):.2f} / {_pct(r['nearest'], 99):.2f} ms "
                f"| {_pct(r['combined'], 95):.1f} ms |"
            )
    print(
        f"\nmodel: {semantic.MODEL}; a query's vector is kept per process (a repeated query costs only the nearest pages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
