"""The ``poisk`` command: index, serve and search from the terminal."""

import argparse
import json
import logging
import os
import sys
import threading
from pathlib import Path

from indexer.errors import ContentError
from indexer.faults import describe, os_error
from indexer.lock import LockTimeout
from indexer.site import Site
from indexer.sync import reindex
from search import store
from search.errors import IndexUnavailable, QueryError
from search.service import SearchRequest, SearchService
from web import settings
from web.server import ServeError

log = logging.getLogger("poisk")


def _progress():
    """Return a progress-bar wrapper on a terminal, None otherwise."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda files: tqdm(files, desc="indexing", unit="file", leave=False)


def _processes(config: dict) -> int:
    """Return how many processes a full build may use (the setting, or one per core)."""
    return config["INDEX_PROCESSES"] or os.cpu_count() or 1


def _say(message: str) -> None:
    print(f"poisk: {message}…", file=sys.stderr)


def cmd_index(args, config) -> int:
    """Index the content: a full build the first time, incremental after."""
    root = Path(config["INDEX"])
    site = Site.load(config["CONTENT"])
    # The index is checked holding the writer lock (a writer's half-done commit is not damage); a
    # damaged one is rebuilt aside and kept for inspection.
    report = reindex(
        site, root, rebuild=args.rebuild, progress=_progress(), procs=_processes(config), verify=True, on_wait=_say
    )
    print(report.summary(), file=sys.stderr)
    if not args.words_only:
        _embed(root, config)
    return 0


def _embed(root: Path, config: dict) -> None:
    """Embed the pages that wait for a vector (the words are searchable already); Ctrl-C keeps what is done."""
    from indexer.embedding import Embedding, Plan

    plan = Plan.from_settings(config)
    if plan.mode == "off":
        return
    embedding = Embedding(root, plan)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="meaning", unit="page", leave=False)

    def show(progress) -> None:
        if bar is not None:
            bar.total = progress.pages + progress.pending
            bar.n = progress.pages
            bar.refresh()

    try:
        progress = embedding.run(show)
    except KeyboardInterrupt:
        print("poisk: stopped embedding; a running `poisk serve` embeds the rest", file=sys.stderr)
        return
    finally:
        if bar is not None:
            bar.close()
    if progress.state == "ready":
        print(f"meaning: {progress.pages} pages embedded", file=sys.stderr)
    elif progress.reason:
        print(f"meaning: {progress.state}: {progress.reason}", file=sys.stderr)


def _start_indexing(config: dict, watch: bool):
    """Make sure there is an index, then keep it in step in the background; return (reindexer, watcher)."""
    from indexer.embedding import Plan
    from indexer.watch import Watcher
    from indexer.worker import Reindexer

    root = Path(config["INDEX"])
    site = Site.load(config["CONTENT"])
    reindexer = Reindexer(config["CONTENT"], root, semantic=Plan.from_settings(config))
    if not store.exists(root):
        report = reindex(site, root, progress=_progress(), procs=_processes(config), on_wait=_say)
        print(report.summary(), file=sys.stderr)
        store.write_status(root, "ok", summary=report.summary())
    else:
        # Serve what is there at once; in the background, check it (holding the writer lock) — a
        # damaged one is rebuilt aside while it keeps serving — and pick up what changed while the
        # service was down.
        reindexer.request(verify=True)
    reindexer.start()
    watcher = None
    if watch:
        watcher = Watcher(config["CONTENT"], site.pages_dir, reindexer, debounce=config["WATCH_DEBOUNCE"]).start()
    return reindexer, watcher


def cmd_serve(args, config) -> int:
    """Serve the search page and API (waitress, or gunicorn processes), keeping the index up to date (--watch: within seconds)."""
    from web import server
    from web.app import create_app, engine

    workers = config["WORKERS"]
    if workers < 1:
        raise settings.SettingsError(f"setting WORKERS must be at least 1, got {workers}")
    access = logging.getLogger("poisk.access")  # one JSON line per request, on standard output
    access.setLevel(logging.INFO)
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.propagate = False
    url = f"http://{config['HOST']}:{config['PORT']}/"
    server.check_can_listen([(config["HOST"], config["PORT"])])  # before any indexing: a taken port is said at once
    watching = " (watching for changes)" if args.watch else ""
    if workers > 1:
        from web.indexing import IndexingProcess

        root = Path(config["INDEX"])
        site = Site.load(config["CONTENT"])
        if not store.exists(root):
            report = reindex(site, root, progress=_progress(), procs=_processes(config), on_wait=_say)
            print(report.summary(), file=sys.stderr)
            store.write_status(root, "ok", summary=report.summary())
        # The indexing process checks the index under the writer lock, catches up and (--watch)
        # follows the content; it is started again if it ever ends.
        indexing = IndexingProcess(config, args.watch).start()
        print(f"Poisk is serving {config['CONTENT']} on {url} with {workers} processes{watching}", file=sys.stderr)
        try:
            server.serve_gunicorn(config)
        finally:
            indexing.stop()
        return 0
    reindexer, watcher = _start_indexing(config, args.watch)
    app = create_app({**config, "REINDEXER": reindexer})
    engine(app).warm()
    print(f"Poisk is serving {config['CONTENT']} on {url}{watching}", file=sys.stderr)
    try:
        server.serve_waitress(app, config)
    finally:
        if watcher:
            watcher.stop()
        reindexer.stop()
    return 0


def cmd_watch(args, config) -> int:
    """Keep the index in step with the content until interrupted (no web server)."""
    import signal

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    reindexer, watcher = _start_indexing(config, watch=not args.once)
    if args.once:  # catch up (retrying until it works), then end
        while not stop.is_set() and not reindexer.wait_idle(1):
            pass
        reindexer.stop()
        if not stop.is_set() and args.report_fd is not None:
            os.write(args.report_fd, b"done\n")
        return 0
    print(f"Poisk is watching {config['CONTENT']}", file=sys.stderr)
    try:
        while not stop.wait(1):
            pass
    finally:
        watcher.stop()
        reindexer.stop()
    return 0


def cmd_search(args, config) -> int:
    """Search the index and print the results."""
    service = SearchService(config["INDEX"], semantic=config["SEMANTIC"] != "off", **_editing(config))
    page = service.search(SearchRequest(q=args.query, lang=args.lang, per_page=args.limit))
    if args.json:
        print(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        return 0
    import re
    from html import unescape

    plain = lambda html: unescape(re.sub(r"</?mark>", "", html))
    print(f"{page.total} results for «{page.query}» ({page.took_ms} ms)")
    for n, hit in enumerate(page.results, 1):
        print(f"\n{n}. {plain(hit.title)}  [{hit.lang}] {(hit.date or '')[:10]}")
        print(f"   {hit.url}")
        if hit.snippet:
            print(f"   {plain(hit.snippet)}")
    return 0


def cmd_explain(args, config) -> int:
    """Explain a search: how each word was read, what each top hit's score is made of, why a page is not shown."""
    from indexer.routes import page_folder_resolver
    from search.explain import as_text, explain

    service = SearchService(config["INDEX"], semantic=config["SEMANTIC"] != "off", **_editing(config))
    req = SearchRequest(q=args.query, lang=args.lang, per_page=args.limit)
    page = None
    if args.path:
        page = page_folder_resolver(config["CONTENT"])(args.path) or args.path
    result = explain(service, req, page, top=args.top)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else as_text(result))
    return 0


def _editing(config) -> dict:
    """Return the editors' rules and word lists a service outside the server reads (as the server does)."""
    from indexer.routes import page_folder_resolver

    return {
        "rules_file": settings.beside_index(config, "RULES", "rules.toml"),
        "resolve_page": page_folder_resolver(config["CONTENT"]),
        "lists_folder": settings.beside_index(config, "LISTS", "lists"),
    }


def cmd_stats(args, config) -> int:
    """Print what visitors searched for: per week, queries with no results, clicks and their positions, trends."""
    from web.analytics import Analytics

    setting = (args.analytics or config["ANALYTICS"] or "").strip()
    if not setting:
        print("poisk: analytics are off: set POISK_ANALYTICS or give --analytics PATH", file=sys.stderr)
        return 2
    path = Path(config["INDEX"]).parent / "analytics.sqlite3" if setting == "auto" else Path(setting)
    if not path.is_file():
        print(f"poisk: no searches recorded yet ({path})", file=sys.stderr)
        return 0
    report = Analytics(path, config["ANALYTICS_RETENTION_DAYS"]).report(weeks=args.weeks, top=args.top)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    if args.csv:
        from web.admin.report import as_csv

        sys.stdout.write(as_csv(report, args.csv))
        return 0
    print(f"{'week':10} {'searches':>9} {'no results':>11} {'clicked':>8}")
    for w in report["weeks"]:
        print(f"{w['week']:10} {w['searches']:>9} {w['zero']:>5} ({w['zero_share']:4.0%}) {w['click_share']:>8.0%}")
    print("\nqueries with no results:")
    for r in report["zero_results"] or [{"query": "—", "searches": 0}]:
        print(f"  {r['searches']:>5}  {r['query']}")
    print("\ntop queries (searches, clicked, mean click position):")
    for r in report["queries"] or [{"query": "—", "searches": 0, "ctr": 0, "mean_position": None}]:
        position = "—" if r["mean_position"] is None else f"{r['mean_position']:.1f}"
        print(f"  {r['searches']:>5}  {r['ctr']:>4.0%}  {position:>5}  {r['query']}")
    print("\nclicked below the fifth result (worth a look):")
    for r in report["bad_ranking"] or [{"query": "—", "mean_position": 0}]:
        print(f"  {r['mean_position']:>5}  {r['query']}")
    print("\ntrending this week:")
    for r in report["trending"] or [{"query": "—", "this_week": 0, "usual_week": 0}]:
        print(f"  {r['this_week']:>5}  (usually {r['usual_week']})  {r['query']}")
    return 0


def cmd_settings(args, config) -> int:
    """Print every setting with its current value and help."""
    for s in settings.SETTINGS:
        print(f"{s.name.lower():18} {config[s.name]!s:40} {s.help}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="poisk", description="Full-text search for Grav news archives (kk, ru, en).")
    sub = parser.add_subparsers(dest="command", required=True)

    def paths(p):
        p.add_argument("--content", metavar="PATH", help="Grav site or pages folder (default: the sample archive)")
        p.add_argument("--index", metavar="PATH", help="index folder (default: var/index)")

    p = sub.add_parser("index", help=cmd_index.__doc__)
    paths(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild the whole index from nothing")
    p.add_argument(
        "--words-only",
        action="store_true",
        help="do not embed pages for search by meaning now (a running `poisk serve` embeds them)",
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("serve", help=cmd_serve.__doc__)
    paths(p)
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default 8000)")
    p.add_argument("--workers", type=int, help="server processes (default 1; about one per core under load)")
    p.add_argument("--watch", action="store_true", help="update the index within seconds of a content change")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("watch", help=cmd_watch.__doc__)
    paths(p)
    p.add_argument("--once", action="store_true", help="catch up with the content (retrying until it works), then end")
    p.add_argument("--report-fd", type=int, help=argparse.SUPPRESS)  # poisk serve hears "done" on it
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("search", help=cmd_search.__doc__)
    p.add_argument("query")
    p.add_argument("--index", metavar="PATH", help="index folder (default: var/index)")
    p.add_argument("--lang", choices=("kk", "ru", "en"), help="only results in this language")
    p.add_argument("--limit", type=int, default=10, help="how many results to print (default 10)")
    p.add_argument("--json", action="store_true", help="print the API's JSON answer")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", help=cmd_stats.__doc__)
    p.add_argument("--index", metavar="PATH", help="index folder (default: var/index)")
    p.add_argument(
        "--analytics", metavar="PATH", help="the analytics file (default: POISK_ANALYTICS, beside the index)"
    )
    p.add_argument("--weeks", type=int, default=8, help="how many weeks back (default 8)")
    p.add_argument("--top", type=int, default=20, help="how many queries in each list (default 20)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--csv",
        choices=("queries", "zero_results", "weeks", "bad_ranking", "trending", "top"),
        help="print one table of the report as CSV",
    )
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("explain", help=cmd_explain.__doc__)
    p.add_argument("query")
    p.add_argument("--index", metavar="PATH", help="index folder (default: var/index)")
    p.add_argument("--content", metavar="PATH", help="the Grav site, to find a page named by its address")
    p.add_argument("--lang", choices=("kk", "ru", "en"), help="only results in this language")
    p.add_argument("--path", metavar="PAGE", help="a page (address, folder or file) to say where it is or why not")
    p.add_argument("--top", type=int, default=5, help="how many top hits to account for (default 5)")
    p.add_argument("--limit", type=int, default=10, help="results per page, as the search asks (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("settings", help=cmd_settings.__doc__)
    p.set_defaults(func=cmd_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``poisk`` command line."""
    logging.basicConfig(level=logging.WARNING, format="poisk: %(message)s")
    args = build_parser().parse_args(argv)
    overrides = {
        "CONTENT": getattr(args, "content", None),
        "INDEX": getattr(args, "index", None),
        "HOST": getattr(args, "host", None),
        "PORT": getattr(args, "port", None),
        "WORKERS": getattr(args, "workers", None),
    }
    config = None
    try:
        config = settings.load(overrides)
        return args.func(args, config)
    except (ContentError, IndexUnavailable, QueryError, settings.SettingsError, LockTimeout, ServeError) as exc:
        print(f"poisk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output went to a reader that stopped reading (| head)
        sys.stderr.close()
        return 0
    except Exception as exc:  # a fault of the machine (disk full, no permission, …): one line with the fix
        if os_error(exc) is None:
            raise  # a bug: the traceback is what a report needs
        index = Path(config["INDEX"] if config else overrides["INDEX"] or ".")
        print(f"poisk: {describe(exc, index).message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
