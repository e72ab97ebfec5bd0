"""Speed at archive scale: Poisk beside SQLite FTS5, tantivy and PostgreSQL on realistic synthetic archives.

The archives are written by ``../shared/bench/gen_corpus.py`` (beside the repository: real news pages of the
archive resampled, the vocabulary growing as Heaps' law has it, three pages a post folder), one per size
(``--sizes`` counts pages) and ``--seed``, kept under ``var/bench/corpus-<pages>-s<seed>/`` for the next run.

For each size:

- Building: seconds to a searchable index, peak RSS of the build (its largest process), index size;
  for Poisk, ``poisk index --words-only`` and then, apart, embedding the pages for search by meaning
  (``poisk index``, as its defaults do it), and the time from a saved change to searchable.
- First-time latency in-process, p50/p95/p99 over 300 queries (single words common and rare, two words,
  phrases; kk, ru, en), each asked once after 300 other queries warmed the engine: Poisk with its answer
  cache off (snippets, year/month facets, search by meaning), tantivy with its best Snowball stemmer per
  language, SQLite FTS5 (porter/unicode61, a snippet and a per-year count), PostgreSQL (Snowball
  configurations, a GIN index, ``ts_rank_cd``, ``ts_headline``, a per-year count: :mod:`benchmarks.postgres`).
  No query string is in two of the sets. The 10 slowest of Poisk's are listed.
- First-time latency over HTTP: ``poisk serve`` with its default settings (one waitress process, answer cache
  on, rate limits on: the warm-up is sent from 127.0.0.2, so it does not use up the measured client's
  allowance), warmed by the same 300 other queries, then each measured query asked once, one after another
  on one keep-alive connection, timed by the client; beside the in-process numbers, and the difference; then
  the server's resident memory (its process tree).
- Where Poisk's time goes: a third set of 300 first-time queries asked in-process with timers around the
  stages of a search (:mod:`benchmarks.stages`).
- Under load (needs ``wrk``; skipped without it or with ``--no-load``): each engine under gunicorn with one
  process per core and one thread each, Poisk as ``poisk serve --workers N`` with its defaults (answer cache
  on) and again with the cache off; a closed loop (the most requests/s the server answers) and a paced one
  (about 300 requests/s), 16 connections, 15 s, after three passes over the queries. The serving RSS is the
  sum over the server's processes (for PostgreSQL, the web processes and the database server's).

The output ends with one table per size comparing the engines, then the table of Poisk's stages.

    python -m benchmarks.scale [--sizes 1000 10000 100000] [--seed S] [--no-http] [--no-load] [--words-only]
                               [--baselines fts5 tantivy postgres]

``--words-only`` leaves search by meaning out (no embedding, SEMANTIC=off): embedding takes minutes per
thousand pages on two cores, the rest of a 1,000-page run under a minute.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import stages  # noqa: E402

GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
CORPORA = REPO / "var" / "bench"
COMPLETE = ".complete"  # written into an archive's folder once gen_corpus.py has finished it
LANGS = ("kk", "ru", "en")
STEMMERS = {"ru": "russian", "en": "english", "kk": None}  # tantivy has no Kazakh stemmer
BASELINES = ("fts5", "tantivy", "postgres")
QUERIES = 300  # in each of the three sets: warm-up, measured, stage profile
WARM_FROM = "127.0.0.2"  # the HTTP warm-up's client address (loopback): rate limits count per address
RATE_WINDOW = 10.5  # seconds: the default rate limit's shortest window (300 per 10 s), waited out without WARM_FROM


def du(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def clean_env() -> dict:
    """Return this process's environment without POISK_ settings: Poisk runs with its defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POISK_")}
    return {**env, "PYTHONPATH": str(REPO)}


# -- archives ------------------------------------------------------------------------------------


def _generator_default_seed() -> int | None:
    """Return the --seed gen_corpus.py uses when given none (read from its source), or None."""
    m = re.search(r"""["']--seed["'][^)]*?default=(\d+)""", GEN_CORPUS.read_text(encoding="utf-8"))
    return int(m[1]) if m else None


def corpus(pages: int, seed: int | None = None) -> Path:
    """Return the archive of ``pages`` pages made by gen_corpus.py with ``seed`` (its default when None).

    Kept under var/bench/corpus-<pages>-s<seed>/ and used again while its marker says it was finished
    by the same generator with the same arguments.
    """
    if not GEN_CORPUS.is_file():
        raise SystemExit(
            f"benchmarks.scale: the archive generator is missing: {GEN_CORPUS} "
            "(the shared bench folder beside the repository)"
        )
    source = GEN_CORPUS.read_bytes()
    known = seed if seed is not None else _generator_default_seed()
    marker = {"pages": pages, "seed": known, "generator": hashlib.sha256(source).hexdigest()}
    if known is not None:
        out = CORPORA / f"corpus-{pages}-s{known}"
        with contextlib.suppress(OSError, ValueError):
            if json.loads((out / COMPLETE).read_text(encoding="utf-8")) == marker:
                return out
    CORPORA.mkdir(parents=True, exist_ok=True)
    staging = CORPORA / f"corpus-{pages}-s{seed if seed is not None else 'default'}.partial"
    command = [sys.executable, str(GEN_CORPUS), "--n", str(pages), "--out", str(staging), "--force"]
    if seed is not None:
        command += ["--seed", str(seed)]
    print(f"generating {pages:,} pages with {GEN_CORPUS.name} …", file=sys.stderr)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    used = json.loads((staging / "corpus_stats.json").read_text(encoding="utf-8"))["seed"]
    marker["seed"] = used
    out = CORPORA / f"corpus-{pages}-s{used}"
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    (out / COMPLETE).write_text(json.dumps(marker), encoding="utf-8")
    return out


def link_tree(src: Path, dst: Path) -> Path:
    """Return a copy of ``src`` at ``dst`` made of hard links where it can (the cached archive stays as is:
    a file changed in the copy must be replaced, not written into)."""

    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link, ignore=shutil.ignore_patterns(COMPLETE, "corpus_stats.json"))
    return dst


def read_docs(site: Path):
    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files

    s = Site.load(site)
    for file in page_files(s.pages_dir):
        page = read_page(s, file)
        yield page.path, page.lang, page.title, page.body, page.date.year


# -- queries -------------------------------------------------------------------------------------


def query_key(q: str) -> str:
    """Return what makes two query strings the same: letters' case and spacing aside."""
    return " ".join(q.casefold().split())


def make_queries(docs: list, count: int = QUERIES, seed: int = 7, exclude=()) -> list[tuple[str, str]]:
    """Return (lang, query) pairs: common and rare single words, two words, phrases, evenly over kk/ru/en.

    No two are the same query string, and none is one of ``exclude`` (other (lang, query) pairs): a
    string drawn again is drawn anew (a tiny archive may give fewer).
    """
    rng = random.Random(seed)
    taken = {query_key(q) for _, q in exclude}
    out = []
    for lang in LANGS:
        bodies = [d[3] for d in docs if d[1] == lang and d[3]][:2000]
        if not bodies:
            continue
        words = Counter(w.lower() for b in bodies for w in re.findall(r"[^\W\d_]{4,}", b))
        ranked = [w for w, _ in words.most_common()]
        if not ranked:
            continue
        common, rare = ranked[: len(ranked) // 10 or 1], ranked[len(ranked) // 2 :] or ranked
        for i in range(count // len(LANGS)):
            kind = i % 4
            for _ in range(100):
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
                if query_key(q) not in taken:
                    taken.add(query_key(q))
                    out.append((lang, q))
                    break
    return out


def percentiles(times: list[float]) -> tuple[float, float, float]:
    times = sorted(times)
    pick = lambda p: times[min(len(times) - 1, int(len(times) * p))]
    return statistics.median(times), pick(0.95), pick(0.99)


# -- Poisk in-process ----------------------------------------------------------------------------


def run_measured(command: list[str], env: dict) -> tuple[float, float]:
    """Run ``command``; return its seconds and peak RSS in MB (its largest process, children included)."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            log.seek(0)
            said = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): {said}")
    return seconds, usage.ru_maxrss / 1024


def bench_poisk(site: Path, work: Path, queries, warm, profiled, meaning: bool = True) -> dict:
    """Build Poisk's index of ``site``; time ``queries`` once each after ``warm``; profile ``profiled``.

    Without ``meaning`` the pages are not embedded and search by meaning is off.
    """
    from indexer.site import Site
    from indexer.sync import reindex
    from search.service import SearchRequest, SearchService

    index = work / "poisk-index"
    command = [sys.executable, "-m", "web.cli", "index", "--content", str(site), "--index", str(index)]
    build, rss = run_measured([*command, "--words-only"], clean_env())
    embedded = {}
    if meaning:  # the pages embedded for search by meaning, as `poisk index` does by default
        embed, embed_rss = run_measured(command, clean_env())
        embedded = {"embed_s": embed, "embed_rss_mb": embed_rss}

    service = SearchService(index, refresh_interval=0, cache_size=0, semantic=meaning)
    for lang, q in warm:
        service.search(SearchRequest(q=q, lang=lang))
    times = []
    for lang, q in queries:
        t = time.perf_counter()
        service.search(SearchRequest(q=q, lang=lang))
        times.append((time.perf_counter() - t) * 1000)
    table = stages.profile(service, profiled)

    news = site / "user" / "pages" / "02.news"
    page = next(p / "item.en.md" for p in sorted(news.iterdir()) if (p / "item.en.md").is_file())
    text = page.read_text(encoding="utf-8")
    page.unlink()  # a hard link to the cached archive: replaced, not written into
    page.write_text(text + "\nzyxwvutsrq\n", encoding="utf-8")
    path = page.relative_to(site / "user" / "pages").as_posix()
    t = time.perf_counter()
    reindex(Site.load(site), index, paths=[path])
    found = service.search(SearchRequest(q="zyxwvutsrq", correct=False)).results
    save_to_search = time.perf_counter() - t
    # the page holding the word, alone (pages near in meaning may follow it)
    assert [h.path for h in found if h.match == "all"] == [path], found
    service.close()
    return {
        "build_s": build,
        **embedded,
        "rss_mb": rss,
        "size_mb": du(index) / 2**20,
        "save_s": save_to_search,
        "q": percentiles(times),
        "times": times,
        "stages": table,
        "index": index,
        "meaning": meaning,
    }


# -- the baselines in-process --------------------------------------------------------------------


def first_time(ask, queries, warm) -> tuple[float, float, float]:
    """Ask each of ``warm``, then time each of ``queries`` once; return p50/p95/p99 in ms."""
    for lang, q in warm:
        ask(lang, q)
    times = []
    for lang, q in queries:
        t = time.perf_counter()
        ask(lang, q)
        times.append((time.perf_counter() - t) * 1000)
    return percentiles(times)


def bench_fts5(docs, work: Path, queries, warm) -> dict:
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

    def ask(lang, q):
        match = q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())
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

    q = first_time(ask, queries, warm)
    db.close()
    return {"build_s": build, "size_mb": du(path) / 2**20, "q": q, "index": path}


def bench_tantivy(docs, work: Path, queries, warm) -> dict:
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

    def ask(lang, q):
        try:
            query = index.parse_query(
                f"+lang:{lang} +({q})" if not q.startswith('"') else f"+lang:{lang} +{q}", [f"body_{lang}"]
            )
            searcher.search(query, 10)
        except ValueError:
            pass

    return {"build_s": build, "size_mb": du(path) / 2**20, "q": first_time(ask, queries, warm), "index": path}


def bench_postgres(docs, dsn: str, queries, warm) -> dict:
    import psycopg

    from benchmarks import postgres

    started = time.perf_counter()
    postgres.build(dsn, docs)
    build = time.perf_counter() - started
    with psycopg.connect(dsn, autocommit=True) as db:
        q = first_time(lambda lang, q: postgres.search(db, lang, q), queries, warm)
    return {"build_s": build, "size_mb": postgres.size_bytes(dsn) / 2**20, "q": q, "index": dsn}


# -- HTTP ----------------------------------------------------------------------------------------


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


def stop(proc) -> None:
    """Stop a server started for a measurement: asked to end, killed after 30 s."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_listening(port: int, proc, timeout: float = 600) -> None:
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
        stop(proc)
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


def wait_settled(port: int, proc, timeout: float = 300) -> None:
    """Wait until ``poisk serve`` says (/healthz) its indexer has checked the index and rests, and every page
    is embedded (or search by meaning is off): nothing in the background takes the CPU from the queries."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            status, body = response.status, json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException, ValueError):
            status, body = 0, {}
        finally:
            conn.close()
        indexer = body.get("indexer") or {}
        meaning = (body.get("semantic") or {}).get("state")
        if (
            status == 200
            and indexer.get("runs", 1) >= 1
            and not indexer.get("running")
            and not indexer.get("pending")
            and meaning not in ("waiting", "embedding")
        ):
            return
        time.sleep(0.5)
    print(f"benchmarks.scale: the server was still busy after {timeout:.0f} s; measuring anyway", file=sys.stderr)


def ask_http(conn: http.client.HTTPConnection, lang: str, q: str) -> int:
    conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": q, "lang": lang}))
    response = conn.getresponse()
    response.read()
    return response.status


def http_first_time(site: Path, index: Path, queries, warm, meaning: bool = True) -> dict:
    """Serve ``index`` with ``poisk serve`` and its defaults; ask each of ``warm`` once (from another client
    address), then time each of ``queries`` once, in turn, on one keep-alive connection (client side).

    Without ``meaning``, search by meaning is off (POISK_SEMANTIC=off), the one setting changed.
    """
    from tests.live import free_port

    port = free_port()
    command = [sys.executable, "-m", "web.cli", "serve", "--content", str(site), "--index", str(index)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=REPO,
            env={**clean_env(), **({} if meaning else {"POISK_SEMANTIC": "off"})},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_listening(port, proc)
            wait_settled(port, proc)
            failed: Counter = Counter()
            try:
                warmer = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(WARM_FROM, 0))
                warmer.connect()
                pause = 0.0
            except OSError:  # no other loopback address here: the measured client's allowance must recover
                warmer = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                pause = RATE_WINDOW
            for lang, q in warm:
                status = ask_http(warmer, lang, q)
                if status != 200:
                    failed[f"warm-up {status}"] += 1
            warmer.close()
            time.sleep(pause)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.connect()  # before the first query: the measured times are the requests'
            times, reconnects = [], 0
            for lang, q in queries:
                reconnects += conn.sock is None  # the server closed the connection: the next request opens one
                t = time.perf_counter()
                status = ask_http(conn, lang, q)
                times.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    failed[str(status)] += 1
            conn.close()
            rss = tree_rss_mb(proc.pid)  # what serving these 600 searches left the server holding
        except BaseException:
            log.seek(0)
            print(log.read().decode(errors="replace")[-2000:], file=sys.stderr)
            raise
        finally:
            stop(proc)
    if failed:
        raise RuntimeError(f"poisk serve answered other than 200: {dict(failed)}")
    if reconnects:
        print(f"benchmarks.scale: the server closed the connection {reconnects} times", file=sys.stderr)
    return {"p": percentiles(times), "times": times, "rss_mb": rss}


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


def print_details(rows, workers: int) -> None:
    """The slowest measured queries, then every number of every engine (the loads included)."""
    for n, queries, results in rows:
        poisk = results["poisk"]
        over_http = poisk.get("http_first", {}).get("times")
        slowest = sorted(range(len(queries)), key=lambda i: -poisk["times"][i])[:10]
        print(f"\nThe 10 slowest first-time queries of Poisk at {n:,} pages (ms):\n")
        print("| lang | query | in-process | HTTP |")
        print("|---|---|---:|---:|")
        for i in slowest:
            lang, q = queries[i]
            http_ms = f"{over_http[i]:.1f}" if over_http else "–"
            print(f"| {lang} | {q} | {poisk['times'][i]:.1f} | {http_ms} |")
    print(
        f"\n| pages | engine | build s | pages/s | build RSS MB | index MB | save→searchable s | in-process "
        f"first-time p50 / p95 / p99 ms | p99 ÷ Poisk's | HTTP most req/s ({workers} processes) | at most: "
        f"p50 / p95 / p99 ms | HTTP paced req/s | paced: p50 / p95 / p99 ms | serving RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    order = ["poisk", "poisk, answer cache off", *BASELINES]
    for n, _queries, results in rows:
        base = results["poisk"]["q"][2]
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


def print_summary(n: int, count: int, results: dict) -> None:
    """One size's engines side by side (first-time latency), then where Poisk's time goes."""
    print(f"\n## {n:,} pages: first-time latency, {count} queries each asked once after {QUERIES} others\n")
    print(
        "| engine | build s | embed s | peak build RSS MB | index MB | in-process p50 / p95 / p99 ms | "
        "HTTP p50 / p95 / p99 ms | HTTP − in-process ms | in-process ahead of FTS5 (p50 / p95 / p99) | "
        "save→searchable s | serving RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    fts5 = results.get("fts5", {}).get("q")
    for engine in ("poisk", *BASELINES):
        r = results.get(engine)
        if not r or "q" not in r:
            continue
        over_http = r.get("http_first", {}).get("p")
        if "embed_rss_mb" in r:
            rss = f"{r['rss_mb']:.0f} (embedding {r['embed_rss_mb']:.0f})"
        else:
            rss = f"{r['rss_mb']:.0f}" if "rss_mb" in r else "–"
        cells = [
            engine if r.get("meaning", True) else f"{engine} (words only)",
            f"{r['build_s']:.1f}",
            f"{r['embed_s']:.1f}" if "embed_s" in r else "–",
            rss,
            f"{r['size_mb']:.1f}",
            fmt_p(r["q"]),
            fmt_p(over_http) if over_http else "–",
            " / ".join(f"{h - p:+.1f}" for h, p in zip(over_http, r["q"])) if over_http else "–",
            " / ".join("yes" if mine < theirs else "no" for mine, theirs in zip(r["q"], fts5))
            if fts5 and engine != "fts5"
            else "–",
            f"{r['save_s']:.2f}" if "save_s" in r else "–",
            f"{r['http_first']['rss_mb']:.0f}" if "rss_mb" in r.get("http_first", {}) else "–",
        ]
        print("| " + " | ".join(cells) + " |")
    print(f"\n### Where Poisk's time goes: {QUERIES} more first-time queries, in-process\n")
    stages.print_table(results["poisk"]["stages"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="pages in each archive")
    parser.add_argument("--seed", type=int, help="gen_corpus.py's --seed (default: its own)")
    parser.add_argument("--no-http", action="store_true", help="skip every HTTP measurement")
    parser.add_argument("--no-load", action="store_true", help="skip the loads by wrk (HTTP first-time still runs)")
    parser.add_argument(
        "--words-only",
        action="store_true",
        help="Poisk without search by meaning: pages not embedded (minutes fewer per 1,000 pages), SEMANTIC=off",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes under load")
    parser.add_argument(
        "--baselines",
        nargs="*",
        choices=BASELINES,
        default=list(BASELINES),
        help="the other engines to measure beside Poisk",
    )
    args = parser.parse_args(argv)
    loads = not args.no_http and not args.no_load
    if loads and not shutil.which("wrk"):
        print("benchmarks.scale: wrk is not installed, so no loads (apt-get install wrk)", file=sys.stderr)
        loads = False
    rows = []
    for size in args.sizes:
        archive = corpus(size, args.seed)
        CORPORA.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.TemporaryDirectory(dir=CORPORA, prefix="scale-") as tmp,
            contextlib.ExitStack() as stack,
        ):
            work = Path(tmp)
            site = link_tree(archive, work / "site")
            docs = list(read_docs(site))
            queries = make_queries(docs)
            warm = make_queries(docs, seed=8, exclude=queries)
            profiled = make_queries(docs, seed=9, exclude=queries + warm)
            meaning = not args.words_only
            results = {"poisk": bench_poisk(site, work, queries, warm, profiled, meaning)}
            if "fts5" in args.baselines:
                results["fts5"] = bench_fts5(docs, work, queries, warm)
            if "tantivy" in args.baselines:
                results["tantivy"] = bench_tantivy(docs, work, queries, warm)
            postgres_pid = None
            if "postgres" in args.baselines:
                from benchmarks.postgres import PostgresServer
                from tests.live import free_port

                server = PostgresServer(free_port())
                results["postgres"] = bench_postgres(docs, stack.enter_context(server), queries, warm)
                postgres_pid = server.pid()
            if not args.no_http:
                index = results["poisk"]["index"]
                try:
                    results["poisk"]["http_first"] = http_first_time(site, index, queries, warm, meaning)
                except (OSError, RuntimeError) as exc:  # a long run's other numbers are still printed
                    print(f"benchmarks.scale: no HTTP numbers at {size:,} pages: {exc}", file=sys.stderr)
            if loads:
                bench_http(site, results, queries, args.workers, postgres_pid)
            rows.append((size, queries, results))
            print(f"measured {size:,} pages ({archive})", file=sys.stderr)
    print_details(rows, args.workers)
    for n, queries, results in rows:
        print_summary(n, len(queries), results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
