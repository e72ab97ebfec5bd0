"""The index folder: generations switched atomically, a checksum manifest, metadata and status.

Layout of an index folder::

    CURRENT          the name of the generation being served (replaced atomically)
    gen-000007/      a complete Whoosh index, its poisk.json metadata and MANIFEST.json
    gen-000008.tmp/  a full rebuild in progress (removed if found after a crash)
    damaged-gen-000006-20261205T101500/   a generation found damaged, moved aside for inspection
    status.json      what the indexer is doing (read by /healthz; also kept in memory, see below)
    writer.lock      held by the one process that writes

A full rebuild is written into a new generation aside, fsynced, renamed and then switched in
by replacing CURRENT, so a reader sees the complete old index or the complete new one — also
after a crash at any point. Whoosh keeps no checksums, so each generation carries a manifest of
its files' sizes and SHA-256 sums, written after every commit and verified, under the writer lock,
before the indexer trusts it. A generation found damaged is never deleted: it is moved aside (the two
newest such copies are kept) once a sound one has replaced it.

The indexer's status is written twice: into the index folder and into a small file in memory
(``/dev/shm``), so that /healthz of every process hears of a failure even when the failure is that
the index's disk is full or read-only.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from whoosh import index

from search.errors import IndexUnavailable
from search.schema import SCHEMA_VERSION, build_schema

META_FILE = "poisk.json"
MANIFEST_FILE = "MANIFEST.json"
POINTER_FILE = "CURRENT"
STATUS_FILE = "status.json"
LOCK_FILE = "writer.lock"
_GEN = re.compile(r"^gen-(\d{6})$")
_DAMAGED = re.compile(r"^damaged-gen-\d{6}-\d{8}T\d{6}(-\d+)?$")
_OWN_FILES = frozenset({META_FILE, MANIFEST_FILE})
KEEP_DAMAGED = 2  # damaged generations kept for inspection (older ones are removed)

log = logging.getLogger(__name__)


# -- small durable writes -------------------------------------------------------------------


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (created, renamed, removed files) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file in a folder, then the folder."""
    for entry in os.scandir(path):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def write_atomic(path: Path, content: str | Callable[[BinaryIO], None]) -> None:
    """Replace a file atomically and durably (write aside, fsync, rename, fsync the folder).

    ``content`` is the text, or a function that writes the file's bytes into the open file it is given.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(content, str):
                f.write(content.encode("utf-8"))
            else:
                content(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


# -- generations ------------------------------------------------------------------------------


def current(root: Path) -> Path | None:
    """Return the folder of the generation being served, or None when there is none."""
    root = Path(root)
    try:
        name = (root / POINTER_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not _GEN.match(name) or not (root / name).is_dir():
        return None
    return root / name


def exists(root: Path) -> bool:
    """Return whether ``root`` serves a generation (sound or not: :func:`verify` judges that).

    Nothing is opened or unpickled here: a truncated table of contents or a garbled manifest is
    damage for :func:`verify` to report, not a reason to crash.
    """
    gen = current(root)
    try:
        return gen is not None and (gen / META_FILE).is_file() and _latest_toc(gen) is not None
    except OSError:
        return False


def _generations(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).iterdir() if _GEN.match(p.name) and p.is_dir())


def new_generation(root: Path) -> Path:
    """Create and return an empty folder for a full rebuild (``gen-N.tmp``)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(_GEN.match(p.name).group(1)) for p in _generations(root)]
    numbers += [int(m.group(1)) for p in root.iterdir() if (m := re.match(r"^gen-(\d{6})\.tmp$", p.name))]
    path = root / f"gen-{max(numbers, default=0) + 1:06d}.tmp"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def publish(root: Path, built: Path) -> Path:
    """Switch readers to a generation built aside: fsync it, rename it, replace CURRENT. Return its folder."""
    root = Path(root)
    fsync_tree(built)
    final = root / built.name.removesuffix(".tmp")
    os.replace(built, final)
    fsync_dir(root)
    write_atomic(root / POINTER_FILE, final.name + "\n")
    cleanup(root)
    return final


def cleanup(root: Path) -> list[str]:
    """Remove leftovers: unfinished builds, generations older than the previous one, stray temp files."""
    root = Path(root)
    if not root.is_dir():
        return []
    removed = []
    live = current(root)
    gens = _generations(root)
    keep = {live} if live else set()
    if live:  # the previous generation stays a while: a reader may still be on it
        older = [g for g in gens if g.name < live.name]
        keep.update(older[-1:])
    for entry in root.iterdir():
        stale_build = entry.name.endswith(".tmp") and entry.name.startswith("gen-") and entry.is_dir()
        stale_gen = entry in gens and entry not in keep and live is not None
        stray = entry.is_file() and entry.name.startswith(".") and entry.name.endswith(".tmp")
        if stale_build or stale_gen:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
        elif stray:
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
    for gen in [g for g in keep if g]:
        for entry in gen.iterdir():  # Whoosh never removes a half-written TOC (_MAIN_3.toc.1690000000.1)
            if re.match(r"^_MAIN_\d+\.toc\..+", entry.name):
                entry.unlink(missing_ok=True)
                removed.append(f"{gen.name}/{entry.name}")
    return removed


def set_aside(root: Path, gen: Path) -> Path | None:
    """Move a generation found damaged out of the way, for inspection (never while it is served).

    Returns where it went (None if it was gone already). Only the :data:`KEEP_DAMAGED` newest
    damaged generations are kept.
    """
    root, gen = Path(root), Path(gen)
    if current(root) == gen:
        raise ValueError(f"{gen.name} is being served: switch another generation in first")
    if not gen.is_dir():
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = root / f"damaged-{gen.name}-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = root / f"damaged-{gen.name}-{stamp}-{n}"
    os.replace(gen, target)
    fsync_dir(root)
    damaged = sorted((p for p in root.iterdir() if _DAMAGED.match(p.name)), key=lambda p: p.stat().st_mtime)
    for old in damaged[:-KEEP_DAMAGED]:
        shutil.rmtree(old, ignore_errors=True)
    return target


# -- opening and creating ---------------------------------------------------------------------


def open_index(root: Path, readonly: bool = True):
    """Open the served generation with our own schema (the pickled one is not trusted)."""
    root = Path(root)
    gen = current(root)
    if gen is None or not (gen / META_FILE).is_file():
        raise IndexUnavailable(f"index not found at {root}: run `poisk index`")
    meta = read_meta(gen)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(f"index at {root} was built by another version of Poisk: run `poisk index --rebuild`")
    try:
        return index.open_dir(str(gen), readonly=readonly, schema=build_schema())
    except Exception as exc:  # Whoosh raises many kinds on a damaged index
        raise IndexUnavailable(
            f"index at {root} cannot be opened ({type(exc).__name__}): run `poisk index --rebuild`"
        ) from exc


def create_index(path: Path):
    """Create an empty Whoosh index in the folder ``path``."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(path), build_schema())


# -- metadata, manifest, status ---------------------------------------------------------------


def read_meta(gen: Path) -> dict:
    """Return a generation's metadata ({} when there is none)."""
    return _read_json(Path(gen) / META_FILE)


def write_meta(gen: Path, meta: dict) -> None:
    """Write a generation's metadata atomically."""
    write_atomic(
        Path(gen) / META_FILE, json.dumps({**meta, "schema_version": SCHEMA_VERSION}, ensure_ascii=False, indent=2)
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _index_files(gen: Path) -> list[Path]:
    return sorted(
        p
        for p in Path(gen).iterdir()
        if p.is_file() and p.name not in _OWN_FILES and not p.name.startswith(".") and not p.name.endswith("LOCK")
    )


def write_manifest(gen: Path) -> dict:
    """fsync the generation's files and record their sizes and checksums (unchanged files are not re-read)."""
    gen = Path(gen)
    old = _read_json(gen / MANIFEST_FILE).get("files", {})
    files = {}
    for path in _index_files(gen):
        size = path.stat().st_size
        known = old.get(path.name)
        if known and known["size"] == size and not path.name.startswith("_MAIN_"):
            files[path.name] = known  # Whoosh segment files never change once written
        else:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            files[path.name] = {"size": size, "sha256": _sha256(path)}
    fsync_dir(gen)
    toc = _latest_toc(gen)
    manifest = {"toc": toc, "files": files, "written_at": time.time()}
    write_atomic(gen / MANIFEST_FILE, json.dumps(manifest, indent=1))
    return manifest


def _latest_toc(gen: Path) -> str | None:
    tocs = [(int(m.group(1)), p.name) for p in Path(gen).iterdir() if (m := re.match(r"^_MAIN_(\d+)\.toc$", p.name))]
    return max(tocs)[1] if tocs else None


def _manifest_files(manifest: dict) -> dict[str, dict] | None:
    """Return the manifest's ``files`` if it has the shape :func:`write_manifest` writes, else None."""
    files = manifest.get("files")
    if not isinstance(files, dict):
        return None
    for name, info in files.items():
        if not (
            isinstance(name, str)
            and "/" not in name
            and isinstance(info, dict)
            and isinstance(info.get("size"), int)
            and isinstance(info.get("sha256"), str)
        ):
            return None
    return files


def verify(root: Path, quick: bool = False) -> list[str]:
    """Return what is wrong with the served generation (empty when it is sound).

    Call it holding the writer lock: a writer between Whoosh's commit and its manifest would look
    damaged. Any unreadable piece (file, manifest of any shape, metadata, table of contents) is
    reported, never raised. ``quick`` compares only the files' presence and sizes with the
    manifest (no checksums, no opening): cheap enough to repeat while serving.
    """
    gen = current(root)
    if gen is None:
        return ["no generation is being served"]
    try:
        return _problems(gen, quick)
    except Exception as exc:  # a file that vanished or cannot be read while we looked
        return [f"{gen.name}: cannot be checked ({type(exc).__name__}: {exc})"]


def _problems(gen: Path, quick: bool = False) -> list[str]:
    manifest = _read_json(gen / MANIFEST_FILE)
    files = _manifest_files(manifest)
    if not manifest or files is None:
        return [f"{gen.name}/{MANIFEST_FILE}: missing, unreadable or not a Poisk manifest"]
    meta = read_meta(gen)
    if not meta:
        return [f"{gen.name}/{META_FILE}: missing or unreadable"]
    if meta.get("schema_version") != SCHEMA_VERSION:
        return [f"{gen.name}/{META_FILE}: written by another version of Poisk (schema {meta.get('schema_version')!r})"]
    problems = []
    toc = _latest_toc(gen)
    if toc is None:
        problems.append(f"{gen.name}: no table of contents")
    for name, info in files.items():
        path = gen / name
        if name.startswith("_MAIN_") and name != manifest.get("toc"):
            continue  # an older TOC that Whoosh has since replaced
        if not path.is_file():
            if name.startswith("MAIN_") and manifest.get("toc") != toc:
                continue  # a segment merged away by a commit after this manifest (checked by opening below)
            if name.startswith("vectors-") and any(p.name > name for p in gen.glob("vectors-*.npz")):
                continue  # page vectors replaced by a newer file after this manifest
            problems.append(f"{gen.name}/{name}: missing")
        elif path.stat().st_size != info["size"]:
            problems.append(f"{gen.name}/{name}: size {path.stat().st_size}, expected {info['size']}")
        elif not quick and _sha256(path) != info["sha256"]:
            problems.append(f"{gen.name}/{name}: checksum differs")
    if not problems and not quick:
        try:
            ix = index.open_dir(str(gen), readonly=True, schema=build_schema())
            with ix.searcher() as searcher:
                searcher.doc_count()
                for _fields in searcher.reader().iter_docs():
                    break
        except Exception as exc:
            problems.append(f"{gen.name}: cannot be opened ({type(exc).__name__}: {exc})")
    return problems


def _runtime_file(root: Path, kind: str) -> Path:
    """Return a small file about ``root`` kept in memory: /dev/shm when there is one (a tmpfs), else the temp folder."""
    key = hashlib.sha1(str(Path(root).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    return base / f"poisk-{kind}-{key}.json"


def _runtime_status_file(root: Path) -> Path:
    return _runtime_file(root, "status")


def ask_for_check(root: Path, why: str) -> None:
    """Ask the indexer (in whichever process it runs) to check the served index: a reader met damage."""
    try:
        write_atomic(_runtime_file(root, "check"), json.dumps({"why": why, "at": time.time()}))
    except OSError as exc:
        log.error("cannot ask the indexer to check the index: %s", exc)


def check_asked(root: Path) -> str | None:
    """Return why a check of the index was asked for, and forget the request (None when none was)."""
    path = _runtime_file(root, "check")
    asked = _read_json(path)
    if not asked:
        return None
    path.unlink(missing_ok=True)
    return str(asked.get("why") or "a reader met damage")


def read_status(root: Path) -> dict:
    """Return what the indexer last said it is doing ({} when it said nothing): the newer of its two copies."""
    copies = [_read_json(Path(root) / STATUS_FILE), _read_json(_runtime_status_file(root))]
    copies = [c for c in copies if isinstance(c.get("since"), (int, float)) and isinstance(c.get("state"), str)]
    return max(copies, key=lambda c: c.get("written", c["since"]), default={})


def write_status(root: Path, state: str, since: float | None = None, **details) -> bool:
    """Record what the indexer is doing, for /healthz of every process; return whether the index folder took it.

    Never raises: the status is also kept in memory (see :func:`_runtime_status_file`), which is
    how a full or read-only index disk is reported at all.
    """
    now = time.time()
    text = json.dumps({"state": state, "since": since or now, "written": now, **details}, ensure_ascii=False)
    try:
        write_atomic(_runtime_status_file(root), text)
    except OSError as exc:
        log.debug("cannot keep the status in memory: %s", exc)
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        write_atomic(Path(root) / STATUS_FILE, text)
        return True
    except OSError:
        return False
