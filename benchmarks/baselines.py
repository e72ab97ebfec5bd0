"""The baselines of the speed benchmark as web services: SQLite FTS5, tantivy and PostgreSQL behind one HTTP stack.

``GET /api/search?q=&lang=`` answers JSON with the top 10 (title and a snippet for FTS5) and the
per-year counts, the work each engine does in-process in :mod:`benchmarks.scale`. Served by
gunicorn with the same processes and threads as Poisk, so that the HTTP numbers compare engines,
not servers:

    gunicorn 'benchmarks.baselines:create("fts5", "/tmp/x/fts5.sqlite3")'
    gunicorn 'benchmarks.baselines:create("postgres", "host=127.0.0.1 port=5432 user=bench dbname=postgres")'
"""

import json
import sqlite3
import threading

STEMMERS = {"ru": "russian", "en": "english", "kk": None}  # tantivy has no Kazakh stemmer
LANGS = ("kk", "ru", "en")


def fts5_search(db, lang: str, q: str) -> dict:
    match = q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())
    try:
        hits = db.execute(
            "SELECT title, snippet(pages, 1, '<mark>', '</mark>', '…', 20) FROM pages "
            "WHERE pages MATCH ? AND lang = ? ORDER BY rank LIMIT 10",
            (match, lang),
        ).fetchall()
        years = db.execute(
            "SELECT year, COUNT(*) FROM pages WHERE pages MATCH ? AND lang = ? GROUP BY year", (match, lang)
        ).fetchall()
    except sqlite3.OperationalError:
        hits, years = [], []
    return {"results": [{"title": t, "snippet": s} for t, s in hits], "years": dict(years)}


def tantivy_index(path: str):
    import tantivy

    index = tantivy.Index.open(path)
    for lang in LANGS:
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
        if STEMMERS[lang]:
            analyzer = analyzer.filter(tantivy.Filter.stemmer(STEMMERS[lang]))
        index.register_tokenizer(f"t_{lang}", analyzer.build())
    return index


def tantivy_search(index, searcher, lang: str, q: str) -> dict:
    try:
        query = index.parse_query(
            f"+lang:{lang} +({q})" if not q.startswith('"') else f"+lang:{lang} +{q}", [f"body_{lang}"]
        )
        hits = searcher.search(query, 10).hits
    except ValueError:
        hits = []
    return {"results": [{"score": score, "doc": address.doc} for score, address in hits]}


def create(engine: str, path: str):
    """Return the WSGI app answering searches with ``engine`` on the index at ``path``.

    ``engine`` is "fts5" or "tantivy" (``path`` a file or folder) or "postgres" (``path`` a connection string).
    """
    from urllib.parse import parse_qs

    local = threading.local()
    if engine == "tantivy":
        index = tantivy_index(path)
        searcher = index.searcher()
    elif engine == "postgres":
        import psycopg

        from benchmarks import postgres

    def app(environ, start_response):
        params = parse_qs(environ.get("QUERY_STRING", ""))
        q, lang = params.get("q", [""])[0], params.get("lang", ["ru"])[0]
        if engine == "fts5":
            if not hasattr(local, "db"):
                local.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            body = fts5_search(local.db, lang, q)
        elif engine == "postgres":
            if not hasattr(local, "db"):
                local.db = psycopg.connect(path, autocommit=True)
            body = postgres.search(local.db, lang, q)
        else:
            body = tantivy_search(index, searcher, lang, q)
        data = json.dumps(body, ensure_ascii=False).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app
