"""Keep the index in step with the content: a full build the first time, incremental after."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from search import store
from search.schema import SCHEMA_VERSION

from indexer.documents import to_document
from indexer.errors import ContentError
from indexer.frontmatter_yaml import split_page
from indexer.language import suffix_language
from indexer.pages import decode, read_page
from indexer.site import Site
from indexer.walk import page_files

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

    def summary(self) -> str:
        """Return the one-line summary printed after a run."""
        kind = "full build" if self.rebuilt else "update"
        return (
            f"{kind}: {self.indexed} indexed, {self.unchanged} unchanged, {self.removed} removed, "
            f"{len(self.errors)} errors in {self.seconds:.1f} s"
        )


class SlugCache:
    """The ``slug:`` of each ancestor page, per language, read once per run."""

    def __init__(self, site: Site):
        self.site = site
        self._cache: dict[tuple[str, str], str | None] = {}

    def __call__(self, folder: str, lang: str) -> str | None:
        key = (folder, lang)
        if key not in self._cache:
            self._cache[key] = self._read(folder, lang)
        return self._cache[key]

    def _read(self, folder: str, lang: str) -> str | None:
        directory = self.site.pages_dir / folder
        candidates = sorted(p for p in directory.glob("*.md") if suffix_language(p.name) == lang)
        candidates += sorted(p for p in directory.glob("*.md") if suffix_language(p.name) is None)
        for path in candidates[:1]:
            try:
                header, _ = split_page(decode(path.read_bytes(), path.name))
            except (OSError, ContentError, ValueError):
                return None
            slug = header.get("slug")
            return str(slug).strip().strip("/") if slug else None
        return None


def _folder(rel: str) -> str:
    return rel.rpartition("/")[0]


def reindex(
    site: Site,
    index_dir: Path,
    rebuild: bool = False,
    progress: Callable | None = None,
) -> Report:
    """Bring the index at ``index_dir`` up to date with ``site``'s pages.

    A full build happens when there is no index, when ``rebuild`` is set, or when the
    schema or the site's settings changed since the index was built. ``progress`` wraps
    the list of files (a tqdm-like callable) when given.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    meta = store.read_meta(index_dir)
    full = (
        rebuild
        or not store.exists(index_dir)
        or meta.get("schema_version") != SCHEMA_VERSION
        or meta.get("site") != site.fingerprint()
    )
    ix = store.create_index(index_dir) if full else store.open_index(index_dir, readonly=False)
    report = Report(rebuilt=full)

    known: dict[str, tuple[int, int, str, str]] = {}
    if not full:
        with ix.reader() as reader:
            for fields in reader.all_stored_fields():
                known[fields["path"]] = (fields.get("mtime_ns"), fields.get("size"), fields.get("sha1"), fields.get("url"))

    files = list(page_files(site.pages_dir))
    slugs = SlugCache(site)
    writer = ix.writer(limitmb=128)
    try:
        by_rel = {f.relative_to(site.pages_dir).as_posix(): f for f in files}
        # A page's URL depends on its ancestors' slugs: when a page changes or goes, the
        # pages below it are read again even though their own files did not change.
        moved_under: set[str] = set()
        pending = []
        for rel, file in by_rel.items():
            old = known.get(rel)
            try:
                stat = file.stat()
            except OSError as exc:
                report.errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
                continue
            if old and old[0] == stat.st_mtime_ns and old[1] == stat.st_size:
                continue
            pending.append(rel)
        for rel in known.keys() - by_rel.keys():
            writer.delete_by_term("path", rel)
            report.removed += 1
            moved_under.add(_folder(rel))

        def index_file(rel: str, force: bool) -> None:
            old = known.get(rel)
            try:
                page = read_page(site, by_rel[rel], slugs)
            except ContentError as exc:
                report.errors.append(str(exc))
                log.error("skipped %s", exc)
                if rel in known:  # a page that became unreadable leaves the index (fail closed)
                    writer.delete_by_term("path", rel)
                    report.removed += 1
                return
            except OSError as exc:
                report.errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
                log.error("skipped %s: cannot read: %s", rel, exc)
                return
            if old and old[2] == page.sha1 and (not force or old[3] == page.url):
                return
            writer.update_document(**to_document(page))
            report.indexed += 1
            if not old or old[2] != page.sha1:
                moved_under.add(_folder(rel))

        for rel in progress(pending) if progress else pending:
            index_file(rel, force=False)
        if not full and moved_under:
            done = set(pending)
            for rel in by_rel:
                if rel not in done and any(_folder(rel).startswith(f + "/") for f in moved_under if f):
                    index_file(rel, force=True)
        report.unchanged = max(0, len(by_rel) - report.indexed - len(report.errors))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    store.write_meta(
        index_dir,
        {
            "site": site.fingerprint(),
            "content": str(site.pages_dir),
            "timezone": site.timezone,
            "default_lang": site.default_lang,
            "languages": list(site.languages),
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
    )
    report.seconds = time.perf_counter() - started
    return report
