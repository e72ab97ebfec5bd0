"""Opening and creating the index folder, and the metadata kept beside it."""

import json
import os
import tempfile
from pathlib import Path

from whoosh import index

from search.errors import IndexUnavailable
from search.schema import SCHEMA_VERSION, build_schema

META_FILE = "poisk.json"


def exists(path: Path) -> bool:
    """Return whether ``path`` holds a Poisk index."""
    return Path(path, META_FILE).is_file() and index.exists_in(str(path))


def open_index(path: Path, readonly: bool = True):
    """Open the index at ``path`` with our own schema (the pickled one is not trusted)."""
    path = Path(path)
    if not exists(path):
        raise IndexUnavailable(f"index not found at {path}: run `poisk index`")
    meta = read_meta(path)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"index at {path} was built by another version of Poisk: run `poisk index --rebuild`"
        )
    try:
        return index.open_dir(str(path), readonly=readonly, schema=build_schema())
    except Exception as exc:  # Whoosh raises many kinds on a damaged index
        raise IndexUnavailable(f"index at {path} cannot be opened ({type(exc).__name__}): run `poisk index --rebuild`") from exc


def create_index(path: Path):
    """Create an empty index at ``path`` (replacing whatever index was there)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(path), build_schema())


def read_meta(path: Path) -> dict:
    """Return the metadata written beside the index ({} when there is none)."""
    try:
        return json.loads(Path(path, META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_meta(path: Path, meta: dict) -> None:
    """Write the index metadata atomically (write aside, fsync, rename)."""
    meta = {**meta, "schema_version": SCHEMA_VERSION}
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path, prefix=".meta-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path / META_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
