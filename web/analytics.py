"""What visitors look for and do not find: searches and clicks in SQLite, for editors.

Private by design: no address, no cookie, no user agent — a search is its normalised query,
language, result count and week; a click is which result of which search was opened. Rows older
than the retention period are deleted.
"""

import atexit
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id TEXT PRIMARY KEY, ts REAL NOT NULL, week TEXT NOT NULL, query TEXT NOT NULL,
    lang TEXT, total INTEGER NOT NULL, urls TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS searches_week ON searches (week);
CREATE TABLE IF NOT EXISTS clicks (
    search_id TEXT NOT NULL, ts REAL NOT NULL, rank INTEGER NOT NULL,
    PRIMARY KEY (search_id, rank)
);
"""
log = logging.getLogger("poisk.analytics")
PURGE_EVERY = 200  # writes
BAD_MIN_CLICKS = 3  # clicks a query needs before its click positions say something about its ranking
TRENDING_MIN = 3  # searches in the last seven days
TRENDING_RISE = 2.0  # times an average week of the four before (plus one, so that new queries count)
FLUSH_SECONDS = 0.5


def week_of(ts: float) -> str:
    """Return the ISO week of an epoch second, as 2026-W48."""
    year, week, _ = datetime.fromtimestamp(ts, UTC).isocalendar()
    return f"{year}-W{week:02d}"


class Analytics:
    """Searches and clicks of one service, in one SQLite file.

    A search is recorded off the request's path: rows wait in memory and a background thread
    writes them in one transaction every ``FLUSH_SECONDS`` (and before any read), so a search
    never waits for the disk or for another server process holding the file.
    """

    def __init__(self, path: Path, retention_days: int = 90, clock=time.time):
        self.path = Path(path)
        self.retention = retention_days * 86400
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: list[tuple] = []
        self._pending_lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._writer: sqlite3.Connection | None = None  # kept for the flushes: connecting is most of one's time
        self._writer_identity: int | None = None
        self._writes = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)
        atexit.register(self._flush_quietly)

    def _connect(self, check_same_thread: bool = True):
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=check_same_thread)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def record_search(self, query: str, lang: str | None, total: int, urls: list[str]) -> str:
        """Record one search (its first page); return the id its result links carry."""
        sid = secrets.token_hex(8)
        now = self.clock()
        normal = " ".join(query.casefold().split())[:256]
        with self._pending_lock:
            self._pending.append((sid, now, week_of(now), normal, lang, total, json.dumps(urls[:100])))
            if self._flusher is None or not self._flusher.is_alive():
                self._flusher = threading.Thread(target=self._flush_soon, name="poisk-analytics", daemon=True)
                self._flusher.start()
        return sid

    def _flush_soon(self) -> None:
        time.sleep(FLUSH_SECONDS)
        self._flush_quietly()

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except (sqlite3.Error, OSError) as exc:  # analytics must never take a search down
            log.warning("analytics: searches not recorded in %s: %s", self.path, exc)

    def flush(self) -> None:
        """Write the searches waiting in memory."""
        with self._pending_lock:
            rows, self._pending = self._pending, []
        if not rows:
            return
        with self._lock:
            db = self._writing()
            try:
                db.execute("BEGIN")
                db.executemany("INSERT OR IGNORE INTO searches VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                before = self._writes
                self._writes += len(rows)
                if before // PURGE_EVERY != self._writes // PURGE_EVERY or before == 0:
                    self._purge(db, rows[-1][1])
                db.execute("COMMIT")
            except BaseException:
                self._writer = None  # the next flush starts on a new connection
                db.close()
                raise

    def _writing(self) -> sqlite3.Connection:
        """Return the connection the flushes write with (under ``self._lock``), made anew when the file
        was replaced or removed since (a kept connection would write into the file no longer there)."""
        try:
            identity = os.stat(self.path).st_ino
        except OSError:
            identity = None
        if self._writer is not None and identity != self._writer_identity:
            self._writer.close()
            self._writer = None
        if self._writer is None:
            self._writer = self._connect(check_same_thread=False)
            self._writer_identity = os.stat(self.path).st_ino
        return self._writer

    def click(self, sid: str, rank: int) -> str | None:
        """Record that result ``rank`` (1-based) of search ``sid`` was opened; return its URL (None if unknown)."""
        self.flush()
        with self._lock, closing(self._connect()) as db:
            row = db.execute("SELECT urls FROM searches WHERE id = ?", (sid,)).fetchone()
            if row is None:
                return None
            urls = json.loads(row[0])
            if not 1 <= rank <= len(urls):
                return None
            db.execute("INSERT OR IGNORE INTO clicks VALUES (?, ?, ?)", (sid, self.clock(), rank))
            return urls[rank - 1]

    def purge(self) -> int:
        """Delete what is older than the retention period; return how many searches went."""
        self.flush()
        with self._lock, closing(self._connect()) as db:
            return self._purge(db, self.clock())

    def _purge(self, db, now: float) -> int:
        cutoff = now - self.retention
        db.execute("DELETE FROM clicks WHERE search_id IN (SELECT id FROM searches WHERE ts < ?)", (cutoff,))
        return db.execute("DELETE FROM searches WHERE ts < ?", (cutoff,)).rowcount

    def report(self, weeks: int = 8, top: int = 20) -> dict:
        """Return what visitors searched in the last ``weeks`` weeks: per-week totals, top queries, zero-result
        queries, each frequent query's click-through rate and mean click position, trending queries, and
        queries whose clicks go below the fifth result (its ranking is worth a look)."""
        since = self.clock() - weeks * 7 * 86400
        self.flush()
        with closing(self._connect()) as db:
            per_week = [
                {
                    "week": w,
                    "searches": n,
                    "zero": z,
                    "clicked": c,
                    "zero_share": z / n if n else 0.0,
                    "click_share": c / n if n else 0.0,
                }
                for w, n, z, c in db.execute(
                    """SELECT week, COUNT(*), SUM(total = 0),
                              SUM(EXISTS (SELECT 1 FROM clicks WHERE search_id = searches.id))
                       FROM searches WHERE ts >= ? GROUP BY week ORDER BY week""",
                    (since,),
                )
            ]
            top_queries = [
                {"query": q, "searches": n, "total": t}
                for q, n, t in db.execute(
                    """SELECT query, COUNT(*) AS n, MAX(total) FROM searches WHERE ts >= ?
                   GROUP BY query ORDER BY n DESC, query LIMIT ?""",
                    (since, top),
                )
            ]
            zero = [
                {"query": q, "searches": n, "lang": lang}
                for q, n, lang in db.execute(
                    """SELECT query, COUNT(*) AS n, MAX(lang) FROM searches WHERE ts >= ? AND total = 0
                   GROUP BY query ORDER BY n DESC, query LIMIT ?""",
                    (since, top),
                )
            ]
            queries = self._queries(db, since, top)
            trending = self._trending(db, top)
        bad = [
            q for q in queries if q["clicks"] >= BAD_MIN_CLICKS and (q["mean_position"] > 5 or q["deep_share"] >= 0.5)
        ]
        return {
            "weeks": per_week,
            "top": top_queries,
            "zero_results": zero,
            "queries": queries[:top],
            "trending": trending,
            "bad_ranking": bad,
        }

    @staticmethod
    def _queries(db, since: float, top: int) -> list[dict]:
        """Each frequent query with its click-through rate, mean click position and share of clicks below 5th."""
        rows = db.execute(
            """SELECT s.query, COUNT(DISTINCT s.id), MAX(s.total), COUNT(c.search_id),
                      COUNT(DISTINCT c.search_id), AVG(c.rank), SUM(c.rank > 5)
               FROM searches s LEFT JOIN clicks c ON c.search_id = s.id
               WHERE s.ts >= ? GROUP BY s.query ORDER BY COUNT(DISTINCT s.id) DESC, s.query LIMIT ?""",
            (since, top * 5),
        ).fetchall()
        return [
            {
                "query": q,
                "searches": n,
                "total": total,
                "clicks": clicks,
                "ctr": round(clicked / n, 4) if n else 0.0,
                "mean_position": round(mean, 2) if mean is not None else None,
                "deep_share": round((deep or 0) / clicks, 4) if clicks else 0.0,
            }
            for q, n, total, clicks, clicked, mean, deep in rows
        ]

    def _trending(self, db, top: int) -> list[dict]:
        """Queries searched more in the last seven days than in an average week of the four before."""
        now = self.clock()
        week = 7 * 86400
        rows = db.execute(
            """SELECT query, SUM(ts >= ?), SUM(ts < ?) FROM searches WHERE ts >= ?
               GROUP BY query HAVING SUM(ts >= ?) >= ?""",
            (now - week, now - week, now - 5 * week, now - week, TRENDING_MIN),
        ).fetchall()
        out = []
        for q, recent, before in rows:
            usual = (before or 0) / 4
            rise = (recent + 1) / (usual + 1)
            if rise >= TRENDING_RISE:
                out.append({"query": q, "this_week": recent, "usual_week": round(usual, 2), "rise": round(rise, 2)})
        out.sort(key=lambda r: (-r["rise"], -r["this_week"], r["query"]))
        return out[:top]
