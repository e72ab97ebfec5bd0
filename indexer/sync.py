"""Keep the index in step with the content: a full build the first time, incremental after."""

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from indexer import bulk
from indexer.documents import context_sha, to_document
from indexer.errors import ContentError
from indexer.headers import FolderHeaders
from indexer.lock import writer_lock
from indexer.merge import merge_small
from indexer.pages import read_page
from indexer.site import Site
from indexer.walk import files_in, is_page_file, page_files
from search import store, vectors
from search.doctable import find_page, iter_pages
from search.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)


@dataclass
class Report:
    """What one indexing run did."""

    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: bool = False
    damaged: list[str] = field(default_factory=list)  # what was wrong with the index found (then rebuilt)
    set_aside: Path | None = None  # where the damaged generation went

    def summary(self) -> str:
        """Return the one-line summary printed after a run."""
        kind = "full build" if self.rebuilt else "update"
        return (
            f"{kind}: {self.indexed} indexed, {self.unchanged} unchanged, {self.removed} removed, "
            f"{len(self.errors)} errors in {self.seconds:.1f} s"
        )


def _folder(rel: str) -> str:
    return rel.rpartition("/")[0]


def _under(rel: str, prefixes: set[str]) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in prefixes)


def _meta(site: Site) -> dict:
    return {
        "site": site.fingerprint(),
        "content": str(site.pages_dir),
        "timezone": site.timezone,
        "default_lang": site.default_lang,
        "languages": list(site.languages),
        "site_titles": dict(site.titles),
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def needs_rebuild(site: Site, root: Path) -> str | None:
    """Return why the index must be rebuilt from nothing, or None when an update will do."""
    if not store.exists(root):
        return "there is no index yet"
    meta = store.read_meta(store.current(root))
    if meta.get("schema_version") != SCHEMA_VERSION:
        return "it was built by another version of Poisk"
    if meta.get("site") != site.fingerprint():
        return "the site's language, URL or time settings changed"
    return None


def reindex(
    site: Site,
    index_dir: Path,
    rebuild: bool = False,
    progress: Callable | None = None,
    paths: Iterable[str] | None = None,
    lock_timeout: float | None = None,
    procs: int = 1,
    verify: bool = False,
    on_wait: Callable[[str], None] | None = None,
    on_rebuild: Callable[[str], None] | None = None,
) -> Report:
    """Bring the index at ``index_dir`` up to date with ``site``'s pages.

    A full rebuild (written aside and switched in atomically) happens when there is no index,
    when ``rebuild`` is set, or when the schema or the site's settings changed; otherwise the
    served generation is updated in place — only ``paths`` (page files or folders relative to the
    pages folder) when given, else every file whose size, time or content changed. Waits for any
    other writer first. ``procs`` > 1 lets a full rebuild analyse and write in that many
    processes (one segment each); never from a process that serves requests.

    With ``verify``, the served generation is checked first — holding the lock, so that no
    writer's half-done commit looks like damage — and a damaged one is rebuilt aside, served
    until the new one is complete, then moved aside for inspection (never deleted). ``on_wait``
    hears who holds the lock when another writer makes this one wait; ``on_rebuild`` hears why a
    full build starts.
    """
    started = time.perf_counter()
    root = Path(index_dir)
    with writer_lock(root, timeout=lock_timeout, on_wait=on_wait):
        store.cleanup(root)
        damaged = store.verify(root) if verify and store.exists(root) else []
        for problem in damaged:
            log.error("index damaged: %s; rebuilding it from the content (the damaged copy is kept aside)", problem)
        reason = "the index was damaged" if damaged else "asked for" if rebuild else needs_rebuild(site, root)
        if reason:
            old = store.current(root)
            if on_rebuild:
                on_rebuild(reason)
            report = _full_build(site, root, progress, procs)
            if damaged and old is not None and old.is_dir():
                report.damaged, report.set_aside = damaged, store.set_aside(root, old)
                log.error("the damaged index was moved to %s", report.set_aside)
        else:
            report = _update(site, root, progress, None if paths is None else set(paths))
    report.seconds = time.perf_counter() - started
    return report


def _cancel(writer) -> None:
    """Cancel a writer after a failure without hiding that failure (a failed commit has closed it)."""
    try:
        writer.cancel()
    except Exception as exc:
        log.debug("cancelling the writer: %s", exc)
    # Whoosh 2.7 (the whoosh-reloaded fallback) leaves its write lock held when a commit fails
    # half-way (whoosh3 releases it): the next writer would meet LockError for the life of the
    # process. Release it here; it is ours, taken by this writer.
    lock = getattr(writer, "writelock", None)
    if lock is not None and not getattr(writer, "is_closed", True) and getattr(lock, "fd", None) is not None:
        try:
            lock.release()
        except Exception as exc:
            log.debug("releasing the write lock: %s", exc)
        writer.is_closed = True


# Below this many files a full build is quicker in one process than in several (start-up and
# the hand-over of documents cost more than they save). The real archive's 340 files build in
# 2.0 s in two processes, 3.3 s in one.
PARALLEL_FROM = 100


def _full_build(site: Site, root: Path, progress, procs: int = 1) -> Report:
    gen = store.new_generation(root)
    try:
        ix = store.create_index(gen)
        report = Report(rebuilt=True)
        files = list(page_files(site.pages_dir))
        slugs = FolderHeaders(site)

        def document_of(file: Path, errors: list[str]) -> dict | None:
            page = _read(site, file, slugs, errors)
            return None if page is None else to_document(page)

        # Whoosh's writer takes the index's own lock; it writes the table of segments.
        # Segments are written as separate files: Whoosh copies a compound segment file into
        # memory when it opens it (an index's size in each serving process).
        writer = ix.writer(compound=False)
        try:
            # Processes are started by fork(): never from a process running threads (a lock
            # held by another thread at that moment would stay held in the child).
            if procs > 1 and len(files) >= PARALLEL_FROM and threading.active_count() == 1:
                outcome = bulk.build_in_processes(ix, files, document_of, procs, progress)
            else:
                outcome = bulk.build(ix, progress(files) if progress else files, document_of)
            writer._close_segment()
            writer._commit_toc(outcome.segments)
            writer._finish()
        except BaseException:
            _cancel(writer)
            raise
        report.indexed, report.errors = outcome.indexed, outcome.errors
        ix.close()
        store.write_meta(gen, _meta(site))
        vectors.carry_over(store.current(root), gen)  # rows of unchanged pages stay valid
        store.write_manifest(gen)
        store.publish(root, gen)
        return report
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise


def _read(site: Site, file: Path, slugs, errors: list[str], rel: str | None = None):
    rel = rel or file.relative_to(site.pages_dir).as_posix()
    try:
        page = read_page(site, file, slugs)
        if hasattr(slugs, "context"):
            page.context = slugs.context(page.folder, page.lang)
            top = page.folder.partition("/")[0]
            if top != page.folder:
                page.section = slugs.title(top, page.lang) or ""
        return page
    except ContentError as exc:
        errors.append(str(exc))
        log.error("skipped %s", exc)
    except OSError as exc:
        errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
        log.error("skipped %s: cannot read: %s", rel, exc)
    return None


KNOWN_FIELDS = ("mtime_ns", "size", "sha1", "url", "context_sha")  # what tells whether an indexed page changed


def _update(site: Site, root: Path, progress, targets: set[str] | None) -> Report:
    gen = store.current(root)
    ix = store.open_index(root, readonly=False)
    report = Report(rebuilt=False)
    pages = site.pages_dir

    with ix.searcher() as searcher:
        if targets is None:
            # Only what the comparison needs: the stored fields also hold every page's text.
            known = {
                f["path"]: {k: f.get(k) for k in KNOWN_FIELDS} for _, f in iter_pages(searcher.reader(), KNOWN_FIELDS)
            }
            on_disk = {f.relative_to(pages).as_posix(): f for f in page_files(pages)}
        else:
            targets = {t.strip("/") for t in targets}
            known, on_disk = {}, {}
            for target in targets:
                for term in searcher.reader().expand_prefix("path", target):
                    rel = term.decode("utf-8") if isinstance(term, bytes) else term
                    if _under(rel, {target}):
                        fields = find_page(searcher, rel)
                        if fields:
                            known[rel] = fields
                path = pages / target
                if path.is_dir():
                    on_disk.update({f.relative_to(pages).as_posix(): f for f in page_files(path, root=pages)})
                elif path.is_file() and is_page_file(path.name) and _inside(path, pages):
                    on_disk[target] = path

    writer = ix.writer(limitmb=128)  # small segments: one compound file each
    try:
        slugs = FolderHeaders(site)
        moved_under: set[str] = set()
        pending = []
        for rel, file in on_disk.items():
            old = known.get(rel)
            try:
                stat = file.stat()
            except OSError as exc:
                report.errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
                continue
            if old and old.get("mtime_ns") == stat.st_mtime_ns and old.get("size") == stat.st_size:
                continue
            pending.append(rel)
        for rel in known.keys() - on_disk.keys():
            writer.delete_by_term("path", rel)
            report.removed += 1
            moved_under.add(_folder(rel))

        def index_file(rel: str, force: bool) -> None:
            old = known.get(rel)
            page = _read(site, on_disk[rel], slugs, report.errors, rel)
            if page is None:
                if old:  # a page that became unreadable leaves the index (fail closed)
                    writer.delete_by_term("path", rel)
                    report.removed += 1
                return
            if (
                old
                and old.get("sha1") == page.sha1
                and old.get("context_sha") == context_sha(page)
                and (not force or old.get("url") == page.url)
            ):
                return
            writer.update_document(**to_document(page))
            report.indexed += 1
            if not old or old.get("sha1") != page.sha1:
                moved_under.add(_folder(rel))

        for rel in progress(pending) if progress else pending:
            index_file(rel, force=False)
        # A page's URL depends on its ancestors' slugs, and its context on its section's title: the
        # pages below a changed page are read again. A section lists its sub-pages' titles: the
        # section page above a changed, added or removed page is read again too.
        parents = {f for f in moved_under if f}
        below = {}
        for parent in parents:
            if (pages / parent).is_dir():
                for file in page_files(pages / parent, root=pages):
                    rel = file.relative_to(pages).as_posix()
                    if _folder(rel).startswith(parent + "/") and rel not in pending:
                        below[rel] = file
            section = pages / _folder(parent)
            if _folder(parent) and section.is_dir():
                for name in files_in(section):
                    rel = f"{_folder(parent)}/{name}"
                    if is_page_file(name) and rel not in pending:
                        below[rel] = section / name
        if below:
            with ix.searcher() as searcher:
                for rel, file in below.items():
                    if rel not in known and (fields := find_page(searcher, rel)):
                        known[rel] = fields
                    on_disk[rel] = file
                    index_file(rel, force=True)
        report.unchanged = max(0, len(on_disk) - report.indexed - len(report.errors))
        if report.indexed or report.removed:
            writer.commit(mergetype=merge_small)
        else:
            writer.cancel()
    except BaseException:
        _cancel(writer)
        raise
    ix.close()
    if report.indexed or report.removed or not (gen / store.MANIFEST_FILE).is_file():
        store.write_meta(gen, _meta(site))
        store.write_manifest(gen)
    return report


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False
