"""A throwaway PostgreSQL server for the speed benchmark, and its full-text baseline.

The server is Debian's PostgreSQL (``apt-get install postgresql``; ``make bench`` installs it): a
cluster made by ``initdb`` in a temporary folder, listening on 127.0.0.1 only, removed when the
benchmark ends. Run as root (as in CI), the server runs as the ``postgres`` user, which initdb requires.

Pages are one table with a stored ``tsvector`` per row in its language's configuration (``russian``
and ``english`` Snowball stemmers; ``simple`` for Kazakh, which PostgreSQL has no stemmer for) and a
GIN index on it: the way PostgreSQL's documentation sets up full-text search. A search ranks with
``ts_rank_cd``, cuts a snippet of the top 10 with ``ts_headline`` and counts the hits per year.
"""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

CONFIGS = {"ru": "russian", "en": "english", "kk": "simple"}
CONFIG_SQL = (
    "CASE lang WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END"
)
SETTINGS = {
    "shared_buffers": "256MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "512MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
}


def binary(name: str) -> str:
    """Return the path of a PostgreSQL server program (Debian keeps them out of PATH)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: apt-get install postgresql")
    return found


class PostgresServer:
    """``with PostgresServer(port) as dsn:`` — a fresh cluster on 127.0.0.1:port, stopped and removed after."""

    def __init__(self, port: int):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="poisk-bench-pg-"))
        self.data = self.folder / "data"
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = (["runuser", "-u", self.user, "--"] if self.user else []) + list(args)
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def __enter__(self) -> str:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            binary("initdb"), "-D", str(self.data), "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", "bench"
        )
        options = " ".join(
            [f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1"]
            + [f"-c {k}={v}" for k, v in SETTINGS.items()]
        )
        self._run(binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        return f"host=127.0.0.1 port={self.port} user=bench dbname=postgres"

    def pid(self) -> int:
        """The postmaster's process id (its children are the server's other processes)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def __exit__(self, *exc) -> None:
        try:
            self._run(binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        except (subprocess.SubprocessError, OSError):
            try:
                os.kill(self.pid(), signal.SIGKILL)
                time.sleep(0.5)
            except (OSError, ValueError):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def build(dsn: str, docs) -> None:
    """Load ``docs`` (path, lang, title, body, year) and index them as PostgreSQL's documentation does."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS pages")
        db.execute(
            f"CREATE TABLE pages (id serial PRIMARY KEY, lang text NOT NULL, title text, body text, "
            f"year int, tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector({CONFIG_SQL}, coalesce(title, '') || ' ' || coalesce(body, ''))) STORED)"
        )
        with db.cursor() as cur, cur.copy("COPY pages (lang, title, body, year) FROM STDIN") as copy:
            for _path, lang, title, body, year in docs:
                copy.write_row((lang, title, body, year))
        db.execute("CREATE INDEX pages_tsv ON pages USING gin (tsv)")
        db.execute("CREATE INDEX pages_lang ON pages (lang)")
        db.execute("VACUUM ANALYZE pages")


def size_bytes(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn) as db:
        return db.execute("SELECT pg_total_relation_size('pages')").fetchone()[0]


def search(db, lang: str, q: str) -> dict:
    """The top 10 (title and snippet) and per-year counts of ``q`` in ``lang``: a phrase in quotes, else all words."""
    config = CONFIGS.get(lang, "simple")
    parse = "phraseto_tsquery" if q.startswith('"') else "plainto_tsquery"
    text = q.strip('"')
    hits = db.execute(
        f"SELECT title, ts_headline(%(c)s::regconfig, body, query, "
        f"'StartSel=<mark>, StopSel=</mark>, MaxWords=20, MinWords=10') "
        f"FROM (SELECT title, body, ts_rank_cd(tsv, query) AS rank, query FROM pages, "
        f"{parse}(%(c)s::regconfig, %(q)s) AS query WHERE tsv @@ query AND lang = %(l)s "
        f"ORDER BY rank DESC LIMIT 10) AS top ORDER BY rank DESC",
        {"c": config, "q": text, "l": lang},
    ).fetchall()
    years = db.execute(
        f"SELECT year, count(*) FROM pages, {parse}(%(c)s::regconfig, %(q)s) AS query "
        f"WHERE tsv @@ query AND lang = %(l)s GROUP BY year",
        {"c": config, "q": text, "l": lang},
    ).fetchall()
    return {"results": [{"title": t, "snippet": s} for t, s in hits], "years": dict(years)}
