"""Relevance on the real archive: recall@10, MRR and nDCG@10 per language and kind of query.

Runs every judged query of ``benchmarks/relevance/queries.tsv`` through ``GET /api/search?q=&lang=``
of an index built from ``../shared/corpus/hemcenter-kz``, and the same queries through a
baseline of plain Whoosh (``StemmingAnalyzer``, default query parser). Pages that are byte-for-byte
copies under two folders share one URL and count once.

    python -m benchmarks.relevance [--queries FILE] [--show-misses]
"""

import argparse
import math
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "hemcenter-kz"
QUERIES = REPO / "benchmarks" / "relevance" / "queries.tsv"
K = 10
NOTHING_KINDS = ("nonsense", "negative")  # answered with nothing (or only hits marked as lacking a word)


def load_queries(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        if line.strip():
            values = line.split("\t")  # not csv: queries may start with a quote
            row = dict(zip(header, values + [""] * (len(header) - len(values))))
            row["relevant"] = [p for p in row["relevant"].split("|") if p]
            row["must_not"] = [p for p in row["must_not"].split("|") if p]
            rows.append(row)
    return rows


def score(ranked: list[str], relevant: set[str]) -> dict:
    """Return recall@K, reciprocal rank and nDCG@K of a ranked list of page URLs."""
    top = ranked[:K]
    hits = [1 if u in relevant else 0 for u in top]
    recall = sum(hits) / len(relevant)
    rr = next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return {"recall": recall, "mrr": rr, "ndcg": dcg / ideal}


class Poisk:
    name = "poisk"

    def __init__(self, index_dir: Path, semantic: bool = True, build: bool = True):
        from indexer.embedding import Embedding, Plan
        from indexer.site import Site
        from indexer.sync import reindex
        from web import create_app

        if build:
            reindex(Site.load(CORPUS), index_dir)
            Embedding(index_dir, Plan(mode="on")).run()  # the vectors `make serve` makes (used when semantic)
        if not semantic:
            self.name = "poisk-words"
        # No analytics: the judged queries are not visitors' searches (and the index's folder goes at the end).
        self.client = create_app(
            {
                "INDEX": str(index_dir),
                "TESTING": True,
                "RATE_LIMIT": "",
                "ANALYTICS": "",
                "SEMANTIC": "on" if semantic else "off",
            }
        ).test_client()

    def search(self, q: str, lang: str) -> list[str]:
        r = self.client.get("/api/search", query_string={"q": q, "lang": lang, "per_page": K})
        self.marked = set()
        if r.status_code != 200:
            return []
        hits = r.get_json()["results"]
        self.marked = {h["path"] for h in hits if h.get("missing")}  # hits that lack a query word, and say so
        self.answered = bool(hits)
        return [h["path"] for h in hits]


def _baseline_index(index_dir: Path, schema, fields_of):
    """Index the archive's visible pages into a plain Whoosh index of ``schema`` (``fields_of(page)``)."""
    from whoosh import index

    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files

    site = Site.load(CORPUS)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), schema)
    with ix.writer() as w:
        for f in page_files(site.pages_dir):
            p = read_page(site, f)
            if p.published and p.routable:
                w.add_document(path=p.path, **fields_of(p))
    return ix


class PlainWhoosh:
    """The baseline: Whoosh's StemmingAnalyzer on title and body, its default query parser."""

    name = "whoosh-stemming"

    def __init__(self, index_dir: Path):
        from whoosh import fields
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.qparser import MultifieldParser

        schema = fields.Schema(
            path=fields.ID(stored=True),
            lang=fields.ID,
            title=fields.TEXT(analyzer=StemmingAnalyzer(), field_boost=2.0),
            body=fields.TEXT(analyzer=StemmingAnalyzer()),
        )
        ix = _baseline_index(index_dir, schema, lambda p: {"lang": p.lang, "title": p.title, "body": p.body})
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(["title", "body"], schema)

    def search(self, q: str, lang: str) -> list[str]:
        from whoosh.query import Term

        try:
            query = self.parser.parse(q)
        except Exception:
            return []
        return [h["path"] for h in self.searcher.search(query, filter=Term("lang", lang), limit=K)]


class SnowballOr:
    """The peers' way (tantivy, Meilisearch's default): Snowball stems in the page's language (none for
    Kazakh), BM25 over title (×2) and body, and any query word may match (OR): never nothing."""

    name = "snowball-or"

    def __init__(self, index_dir: Path):
        from whoosh import fields
        from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
        from whoosh.qparser import MultifieldParser, OrGroup

        stems = {"ru": "russian", "en": "english", "kk": None}
        schema = fields.Schema(path=fields.ID(stored=True))
        for lang, stemmer in stems.items():
            chain = RegexTokenizer(r"\w+") | LowercaseFilter()
            if stemmer:
                chain = chain | StemFilter(lang=stemmer)
            schema.add(f"title_{lang}", fields.TEXT(analyzer=chain, field_boost=2.0))
            schema.add(f"body_{lang}", fields.TEXT(analyzer=chain))
        ix = _baseline_index(index_dir, schema, lambda p: {f"title_{p.lang}": p.title, f"body_{p.lang}": p.body})
        self.searcher = ix.searcher()
        self.parsers = {
            lang: MultifieldParser([f"title_{lang}", f"body_{lang}"], schema, group=OrGroup) for lang in stems
        }

    def search(self, q: str, lang: str) -> list[str]:
        try:
            query = self.parsers[lang].parse(q)
        except Exception:
            return []
        return [h["path"] for h in self.searcher.search(query, limit=K)]


def url_of(paths_to_url: dict, path: str) -> str:
    return paths_to_url.get(path, path)


def evaluate(engine, queries, urls) -> dict:
    per = []
    for row in queries:
        ranked_paths = engine.search(row["query"], row["lang"])
        ranked = []
        for p in ranked_paths:
            u = url_of(urls, p)
            if u not in ranked:
                ranked.append(u)
        must_not = {url_of(urls, p) for p in row["must_not"]}
        result = {"row": row, "ranked": ranked, "violations": len(must_not & set(ranked[:K]))}
        if row["kind"] in NOTHING_KINDS:  # nothing, or only hits marked as lacking a query word
            result["nonsense_ok"] = not [p for p in ranked_paths if p not in getattr(engine, "marked", ())]
            result["empty"] = not ranked_paths
        else:
            result.update(score(ranked, {url_of(urls, p) for p in row["relevant"]}))
        per.append(result)
    return per


def summarise(per, key=lambda r: "all"):
    groups = defaultdict(list)
    for r in per:
        if "recall" in r:
            groups[key(r)].append(r)
    return {
        g: (
            len(rs),
            statistics.mean(r["recall"] for r in rs),
            statistics.mean(r["mrr"] for r in rs),
            statistics.mean(r["ndcg"] for r in rs),
        )
        for g, rs in sorted(groups.items())
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, nargs="+", default=[QUERIES])
    parser.add_argument(
        "--semantic",
        choices=("on", "off", "both"),
        default="both",
        help="search by meaning too (on), by words only (off), or both side by side (default)",
    )
    parser.add_argument("--show-misses", action="store_true", help="list queries with recall below 1")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"the real archive is not at {CORPUS}", file=sys.stderr)
        return 2

    from indexer.pages import read_page
    from indexer.site import Site
    from indexer.walk import page_files

    site = Site.load(CORPUS)
    urls = {}
    for f in page_files(site.pages_dir):
        p = read_page(site, f)
        urls[p.path] = p.url

    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp, "poisk")
        engines = [Poisk(index, semantic=args.semantic != "off")]
        if args.semantic == "both":
            engines.insert(0, Poisk(index, semantic=False, build=False))
        if not args.no_baseline:
            engines.append(PlainWhoosh(Path(tmp, "plain")))
            engines.append(SnowballOr(Path(tmp, "or")))
        for file in args.queries:
            report(file, engines, urls, args.show_misses)
    return 0


def report(file: Path, engines, urls, show_misses: bool) -> None:
    queries = load_queries(file)
    results = {e.name: evaluate(e, queries, urls) for e in engines}
    print(f"\n{len(queries)} judged queries ({file.name}); recall@{K} / MRR / nDCG@{K}\n")
    print(f"| engine | group | n | recall@{K} | MRR | nDCG@{K} |")
    print("|---|---|---|---|---|---|")
    for name, per in results.items():
        for label, key in (
            ("all", lambda r: "all"),
            ("lang", lambda r: r["row"]["lang"]),
            ("kind", lambda r: r["row"]["kind"]),
        ):
            for g, (n, rec, mrr, ndcg) in summarise(per, key).items():
                print(
                    f"| {name} | {label if label == 'all' else label + '=' + g} | {n} | {rec:.3f} | {mrr:.3f} | {ndcg:.3f} |"
                )
        nonsense = [r for r in per if "nonsense_ok" in r]
        violations = sum(r["violations"] for r in per)
        print(
            f"| {name} | nonsense/negative with no (unmarked) results | {sum(r['nonsense_ok'] for r in nonsense)}/{len(nonsense)} | | | |"
        )
        print(
            f"| {name} | nonsense/negative answered with nothing at all | {sum(r['empty'] for r in nonsense)}/{len(nonsense)} | | | |"
        )
        print(f"| {name} | must-not pages in a top {K} | {violations} | | | |")
    if show_misses:
        print()
        for r in results["poisk"]:
            if r.get("recall", 1) < 1 or r["violations"] or r.get("nonsense_ok") is False:
                row = r["row"]
                print(
                    f"{row['id']} {row['lang']} {row['kind']:15} {row['query']!r}: recall {r.get('recall', '-')}, "
                    f"violations {r['violations']}; top: {r['ranked'][:5]}"
                )


if __name__ == "__main__":
    sys.exit(main())
