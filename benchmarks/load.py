"""A bounded load on loopback: normal and hostile queries at once against `poisk serve` on the real archive.

Two wrk runs side by side for 30 s, 25 connections each: one of normal visitor queries (its latency is the one
that counts), one of hostile input (engine syntax, huge tokens, bad parameters, hostile markup). Reports requests,
p50/p99 and 5xx answers of each. The server runs as `make serve` would run it in production: `--workers`
processes (default: one per core), its answer cache on (`--no-cache` measures every query afresh).

    python -m benchmarks.load [--seconds 30] [--connections 50] [--workers N] [--no-cache]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.live import LiveServer  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "hemcenter-kz"
NORMAL = [
    "гематология",
    "костный мозг",
    "Silk Road",
    "hematology",
    "орталығы",
    "лейкоз",
    "ХМЛ",
    "тромбоз",
    "пациенттерге",
    "vaccination",
    "анемия 2019",
    "трансплантация",
    "Пивоварова",
    "B12",
    "utvfnjkjubz",
    "гематалогия",
    '"школа пациентов"',
    "семинар -вебинар",
    "конференция OR форум",
    "миелома",
]
HOSTILE = [
    "*",
    "a*",
    "*:*",
    "body:[a TO z]",
    "id:*",
    "published:false",
    "word~4",
    "(" * 200,
    "я" * 300,
    '"><script>alert(1)</script>',
    "x&page=-1",
    "x&per_page=1000000000",
    "x&page=abc",
    "x&lang=zz",
    "x&month=13",
    " OR ".join(f"w{i}" for i in range(40)),
    "\u200f\u200d😀",
    "x&colour=red",
]


def encode(q: str) -> str:
    text, _, rest = q.partition("&")
    return "q=" + urllib.parse.quote(text) + (("&" + rest) if rest else "")


def run(seconds: int, connections: int, workers: int, cache: bool = True) -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "normal.txt").write_text("\n".join(encode(q) for q in NORMAL) + "\n")
        (tmp / "hostile.txt").write_text("\n".join(encode(q) for q in HOSTILE) + "\n")
        env = {} if cache else {"POISK_QUERY_CACHE": "0"}
        with LiveServer(CORPUS, tmp / "index", "--workers", str(workers), env=env) as server:
            server.wait_ready()
            for q in NORMAL:  # warm up caches the way a running service has them
                server.get("/api/search", q=q)
            procs = {}
            for kind in ("normal", "hostile"):
                procs[kind] = subprocess.Popen(
                    [
                        wrk,
                        "-t1",
                        f"-c{connections // 2}",
                        f"-d{seconds}s",
                        "--timeout",
                        "5s",
                        "-s",
                        str(REPO / "benchmarks" / "load" / "queries.lua"),
                        server.base,
                    ],
                    env={"POISK_QUERIES": str(tmp / f"{kind}.txt")},
                    stdout=subprocess.PIPE,
                    text=True,
                )
            results = {kind: p.communicate()[0] for kind, p in procs.items()}
    setup = f"{seconds} s, {connections} connections, {workers} workers, cache {'on' if cache else 'off'}"
    print(f"| load ({setup}) | requests | req/s | p50 ms | p99 ms | 5xx |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for kind, out in results.items():
        m = re.search(r"RESULT requests=(\d+) p50_ms=([\d.]+) p99_ms=([\d.]+) server_errors=(\d+)", out)
        if not m:
            print(out)
            return 1
        requests, p50, p99, errors = int(m[1]), float(m[2]), float(m[3]), int(m[4])
        failed += errors
        print(f"| {kind} queries | {requests} | {requests / seconds:.0f} | {p50:.1f} | {p99:.1f} | {errors} |")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--no-cache", action="store_true", help="turn the server's answer cache off")
    args = parser.parse_args(argv)
    return run(args.seconds, args.connections, args.workers, cache=not args.no_cache)


if __name__ == "__main__":
    sys.exit(main())
