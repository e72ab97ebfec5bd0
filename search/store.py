"""The index folder: generations switched atomically, a checksum manifest, metadata and status.

Layout of an index folder::

    CURRENT          the name of the generation being served (replaced atomically)
    gen-000007/      a complete Whoosh index, its poisk.json metadata and MANIFEST.json
    gen-000008.tmp/  a full rebuild in progress (removed if found after a crash)
    status.json      what the indexer is doing (read by /healthz)
    writer.lock      held by the one process that writes

A full rebuild is written into a new generation aside, fsynced, renamed and then switched in
by replacing CURRENT, so a reader sees the complete old index or the complete new one — also
after a crash at any point. Whoosh keeps no checksums, so each generation carries a manifest of
its files' sizes and SHA-256 sums, written after every commit and verified when a process opens it.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from whoosh import index

from search.errors import IndexUnavailable
from search.schema import SCHEMA_VERSION, build_schema

META_FILE = "poisk.json"
MANIFEST_FILE = "MANIFEST.json"
POINTER_FILE = "CURRENT"
STATUS_FILE = "status.json"
LOCK_FILE = "writer.lock"
_GEN = re.compile(r"^gen-(\d{6})$")
_OWN_FILES = frozenset({META_FILE, MANIFEST_FILE})


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


def write_atomic(path: Path, text: str) -> None:
    """Replace a small file atomically and durably (write aside, fsync, rename, fsync the folder)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
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
    """Return whether ``root`` holds a Poisk index."""
    gen = current(root)
    return gen is not None and (gen / META_FILE).is_file() and index.exists_in(str(gen))


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


def withdraw(root: Path) -> None:
    """Stop serving the current generation and delete it (it was found damaged)."""
    root = Path(root)
    gen = current(root)
    (root / POINTER_FILE).unlink(missing_ok=True)
    fsync_dir(root)
    if gen is not None:
        shutil.rmtree(gen, ignore_errors=True)


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
    write_atomic(Path(gen) / META_FILE, json.dumps({**meta, "schema_version": SCHEMA_VERSION}, ensure_ascii=False, indent=2))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _index_files(gen: Path) -> list[Path]:
    return sorted(
        p for p in Path(gen).iterdir()
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


def verify(root: Path) -> list[str]:
    """Return what is wrong with the served generation (empty when it is sound)."""
    gen = current(root)
    if gen is None:
        return ["no generation is being served"]
    manifest = _read_json(gen / MANIFEST_FILE)
    if not manifest:
        return [f"{gen.name}: the manifest is missing or unreadable"]
    problems = []
    toc = _latest_toc(gen)
    if toc is None:
        problems.append(f"{gen.name}: no table of contents")
    for name, info in manifest.get("files", {}).items():
        path = gen / name
        if name.startswith("_MAIN_") and name != manifest.get("toc"):
            continue  # an older TOC that Whoosh has since replaced
        if not path.is_file():
            if name.startswith("MAIN_") and manifest.get("toc") != toc:
                continue  # a segment merged away by a commit after this manifest (checked by opening below)
            problems.append(f"{gen.name}/{name}: missing")
        elif path.stat().st_size != info["size"]:
            problems.append(f"{gen.name}/{name}: size {path.stat().st_size}, expected {info['size']}")
        elif _sha256(path) != info["sha256"]:
            problems.append(f"{gen.name}/{name}: checksum differs")
    if not problems:
        try:
            ix = index.open_dir(str(gen), readonly=True, schema=build_schema())
            with ix.searcher() as searcher:
                searcher.doc_count()
                for fields in searcher.reader().iter_docs():
                    break
        except Exception as exc:
            problems.append(f"{gen.name}: cannot be opened ({type(exc).__name__}: {exc})")
    return problems


def read_status(root: Path) -> dict:
    """Return what the indexer last said it is doing ({} when it said nothing)."""
    return _read_json(Path(root) / STATUS_FILE)


def write_status(root: Path, state: str, **details) -> None:
    """Record what the indexer is doing, for /healthz of every process."""
    Path(root).mkdir(parents=True, exist_ok=True)
    write_atomic(Path(root) / STATUS_FILE, json.dumps({"state": state, "since": time.time(), **details}, ensure_ascii=False))
