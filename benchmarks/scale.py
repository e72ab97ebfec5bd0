"""Speed at archive scale: Poisk beside tantivy, SQLite FTS5 and PostgreSQL on the same synthetic archives.

For each size: full build time, documents/s, peak RSS of the build (its largest process), index size,
time from a saved change to searchable (Poisk), and query p50/p95/p99 over 300 fixed queries (single
words common and rare, two words, phrases; kk, ru, en) — Poisk with snippets and year/month facets,
tantivy with its best Snowball stemmer per language, SQLite FTS5 with its porter/unicode61 tokenizer,
a snippet and a per-year count, PostgreSQL with its Snowball configurations, a GIN index, ``ts_rank_cd``,
``ts_headline`` snippets and a per-year count (a throwaway server: :mod:`benchmarks.postgres`).
In-process, Poisk's answer cache is off and its word caches are warmed by 300 other queries first;
PostgreSQL's buffers by a first pass over the queries. Over HTTP (wrk on loopback, closed loop,
16 connections, 15 s, after three passes over the queries), each engine runs under gunicorn with one
process per core and one thread each; Poisk as `poisk serve --workers N` with its defaults (answer cache on), and again with
the cache off. Two loads each: a closed loop (the most requests/s the server answers) and a paced one
(each connection waits between requests: about 300 requests/s). The serving RSS is the sum over the
server's processes (for PostgreSQL, the web processes and the database server's).

    python -m benchmarks.scale [--sizes 1000 10000 100000] [--no-http] [--baselines fts5 tantivy postgres]
"""

import argparse
import contextlib
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
BASELINES = ("fts5", "tantivy", "postgres")


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
        common, rare = ranked[: len(ranked) // 10 or 1], ranked[len(ranked) // 2 :] or ranked
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
    pick = lambda p: times[min(len(times) - 1, int(len(times) * p))]
    return statistics.median(times), pick(0.95), pick(0.99)


def bench_poisk(site: Path, work: Path, queries, warm) -> dict:
    index = work / "poisk-index"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "web.cli", "index", "--content", str(site), "--index", str(index)],
        cwd=REPO,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    build = time.perf_counter() - started
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    from indexer.site import Site
    from indexer.sync import reindex
    from search.service import SearchRequest, SearchService

    service = SearchService(index, refresh_interval=0, cache_size=0)
    for lang, q in warm:
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
    return {
        "build_s": build,
        "rss_mb": rss,
        "size_mb": du(index) / 2**20,
        "save_s": save_to_search,
        "q": percentiles(times),
        "index": index,
    }


def bench_fts5(docs, work: Path, queries) -> dict:
    path = work / "fts5.sqlite3"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE pages USING fts5(title, body, lang UNINDEXED, year UNINDEXED, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?)", [(d[2], d[3], d[1], d[4]) for d in docs])
    db.commit()
    build = time.perf_counter() - started
    times = []
    for lang, q in queries:
        match = q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())
        t = time.perf_counter()
        try:
            db.execute(
                "SELECT title, snippet(pages, 1, '<mark>', '</mark>', '…', 20) FROM pages "
                "WHERE pages MATCH ? AND lang = ? ORDER BY rank LIMIT 10",
                (match, lang),
            ).fetchall()
            db.execute(
                "SELECT year, COUNT(*) FROM pages WHERE pages MATCH ? AND lang = ? GROUP BY year", (match, lang)
            ).fetchall()
        except sqlite3.OperationalError:
            pass
        times.append((time.perf_counter() - t) * 1000)
    db.close()
    return {"build_s": build, "size_mb": du(path) / 2**20, "q": percentiles(times), "index": path}


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
    for _path, lang, title, body, year in docs:
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
            query = index.parse_query(
                f"+lang:{lang} +({q})" if not q.startswith('"') else f"+lang:{lang} +{q}", [f"body_{lang}"]
            )
            searcher.search(query, 10)
        except ValueError:
            pass
        times.append((time.perf_counter() - t) * 1000)
    return {"build_s": build, "size_mb": du(path) / 2**20, "q": percentiles(times), "index": path}


def bench_postgres(docs, dsn: str, queries) -> dict:
    import psycopg

    from benchmarks import postgres

    started = time.perf_counter()
    postgres.build(dsn, docs)
    build = time.perf_counter() - started
    times = []
    with psycopg.connect(dsn, autocommit=True) as db:
        for lang, q in queries:  # a first pass reads the table and index into PostgreSQL's buffers
            postgres.search(db, lang, q)
        for lang, q in queries:
            t = time.perf_counter()
            postgres.search(db, lang, q)
            times.append((time.perf_counter() - t) * 1000)
    return {"build_s": build, "size_mb": postgres.size_bytes(dsn) / 2**20, "q": percentiles(times), "index": dsn}


def tree_rss_mb(pid: int) -> float:
    """Return the resident memory of a process and all its descendants (Linux /proc), in MB."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def wait_listening(port: int, proc, timeout: float = 120) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError("the server did not start")


def http_load(
    command: list[str],
    port: int,
    queries,
    env: dict,
    seconds: int = 15,
    connections: int = 16,
    rate: int | None = None,
    warm_passes: int = 3,
    also: tuple[int, ...] = (),
) -> dict:
    """Serve with ``command``, warm it with passes over the queries, then load it with wrk; return the numbers.

    Without ``rate`` the load is a closed loop (each connection sends as soon as it has its answer:
    the most the server does); with it, the connections keep to about ``rate`` requests/s. The serving
    RSS counts the server's process tree and those of the processes in ``also`` (a database server).
    """
    import urllib.parse
    import urllib.request

    wrk = shutil.which("wrk")
    if not wrk:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    lines = [f"q={urllib.parse.quote(q)}&lang={lang}" for lang, q in queries]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    proc = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, proc)
        for _ in range(warm_passes):  # several passes: each server process sees the queries
            for line in lines:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?{line}", timeout=30) as r:
                    r.read()
        pace = {"POISK_RATE": str(rate), "POISK_CONNECTIONS": str(connections)} if rate else {}
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(REPO / "benchmarks" / "load" / "queries.lua"),
                f"http://127.0.0.1:{port}",
            ],
            env={"POISK_QUERIES": f.name, **pace},
            capture_output=True,
            text=True,
        ).stdout
        rss = tree_rss_mb(proc.pid) + sum(tree_rss_mb(pid) for pid in also)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.unlink(f.name)
    m = re.search(
        r"RESULT requests=(\d+) p50_ms=([\d.]+) p99_ms=([\d.]+) server_errors=(\d+) "
        r"non2xx_socket_errors=(\d+) p95_ms=([\d.]+) seconds=([\d.]+)",
        out,
    )
    if not m:
        raise RuntimeError(f"wrk said: {out}")
    return {
        "rps": int(m[1]) / float(m[7]),
        "p": (float(m[2]), float(m[6]), float(m[3])),
        "errors": int(m[4]),
        "rss_mb": rss,
    }


PACED_RATE = 350  # asked of the paced run; the connections' own waits bring it down to about 300 answered/s


def bench_http(site: Path, results: dict, queries, workers: int, postgres_pid: int | None = None) -> None:
    """Add each engine's HTTP numbers to ``results``: most requests/s (closed loop) and latency when paced.

    Poisk runs twice: as served (answer cache on) and with its answer cache off.
    """
    from tests.live import free_port

    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        "1",
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]
    variants = {
        "poisk": {},
        "poisk, answer cache off": {"POISK_QUERY_CACHE": "0"},
    }
    for name, env in variants.items():
        for label, rate in (("http", None), ("http_paced", PACED_RATE)):
            port = free_port()
            results.setdefault(name, {})[label] = http_load(
                [
                    sys.executable,
                    "-m",
                    "web.cli",
                    "serve",
                    "--content",
                    str(site),
                    "--index",
                    str(results["poisk"]["index"]),
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                ],
                port,
                queries,
                {"POISK_RATE_LIMIT": "", **env},
                rate=rate,
            )
    for engine in (e for e in BASELINES if e in results):
        for label, rate in (("http", None), ("http_paced", PACED_RATE)):
            port = free_port()
            results[engine][label] = http_load(
                gunicorn
                + [
                    "--bind",
                    f"127.0.0.1:{port}",
                    f"benchmarks.baselines:create({engine!r}, {str(results[engine]['index'])!r})",
                ],
                port,
                queries,
                {},
                rate=rate,
                also=(postgres_pid,) if engine == "postgres" else (),
            )


def fmt_p(p) -> str:
    return " / ".join(f"{v:.1f}" for v in p)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="documents (pages)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes for HTTP")
    parser.add_argument(
        "--baselines",
        nargs="*",
        choices=BASELINES,
        default=list(BASELINES),
        help="the other engines to measure beside Poisk",
    )
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            work = Path(tmp)
            site = generate(work / "site", max(1, size // len(LANGS)))
            docs = list(read_docs(site))
            queries, warm = make_queries(docs), make_queries(docs, seed=8)
            results = {"poisk": bench_poisk(site, work, queries, warm)}
            if "fts5" in args.baselines:
                results["fts5"] = bench_fts5(docs, work, queries)
            if "tantivy" in args.baselines:
                results["tantivy"] = bench_tantivy(docs, work, queries)
            postgres_pid = None
            if "postgres" in args.baselines:
                from benchmarks.postgres import PostgresServer
                from tests.live import free_port

                server = PostgresServer(free_port())
                results["postgres"] = bench_postgres(docs, stack.enter_context(server), queries)
                postgres_pid = server.pid()
            if not args.no_http:
                bench_http(site, results, queries, args.workers, postgres_pid)
            rows.append((len(docs), results))
            print(f"measured {len(docs)} documents", file=sys.stderr)
    print(
        f"| docs | engine | build s | docs/s | build RSS MB | index MB | save→searchable s | in-process "
        f"p50 / p95 / p99 ms | p99 ÷ Poisk's | HTTP most req/s ({args.workers} processes) | at most: p50 / p95 / "
        f"p99 ms | HTTP paced req/s | paced: p50 / p95 / p99 ms | serving RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, results in rows:
        base = results["poisk"]["q"][2]
        order = ["poisk", "poisk, answer cache off", *BASELINES]
        for engine, r in sorted(results.items(), key=lambda item: order.index(item[0]) if item[0] in order else 9):
            if "q" in r:
                cells = [
                    f"{n:,}",
                    engine,
                    f"{r['build_s']:.1f}",
                    f"{n / r['build_s']:,.0f}",
                    f"{r['rss_mb']:.0f}" if "rss_mb" in r else "–",
                    f"{r['size_mb']:.1f}",
                    f"{r['save_s']:.2f}" if "save_s" in r else "–",
                    fmt_p(r["q"]),
                    f"{r['q'][2] / base:.2f}",
                ]
            else:
                cells = [f"{n:,}", engine] + ["″"] * 7
            for label in ("http", "http_paced"):
                h = r.get(label)
                cells += [f"{h['rps']:.0f}", fmt_p(h["p"])] if h else ["–", "–"]
            cells.append(f"{r['http']['rss_mb']:.0f}" if "http" in r else "–")
            print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
