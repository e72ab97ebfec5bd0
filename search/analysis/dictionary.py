"""Snowball stems of every lemma in pymorphy3's Russian dictionary, built once and cached on disk.

The derivational family level accepts a candidate key only when it is the stem of a real
dictionary word: that is what keeps «гематологический» → «гематолог» and stops nonsense keys.
"""

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from search.analysis.stemmers import snowball

CACHE_ENV = "POISK_CACHE_DIR"


def cache_dir() -> Path:
    """Return the folder of Poisk's derived data (``$POISK_CACHE_DIR``, else ``~/.cache/poisk``)."""
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "poisk"
    )
    return Path(base)


def _dictionary_id(morph) -> str:
    meta = morph.dictionary.meta
    key = f"{meta.get('source_revision', '')}|{meta.get('compiled_at', '')}|{meta.get('version', '')}|v1"
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def build_lemma_stems(morph) -> frozenset[str]:
    """Return the Snowball stems of all lemmas (first forms of each paradigm) of the dictionary."""
    stems = set()
    for word, (_, index) in morph.dictionary.words.iteritems():
        if index == 0:
            stems.add(snowball("russian", word.replace("ё", "е")))
    return frozenset(stems)


def _compact(stems):
    """Return ``stems`` as a DAWG (about a tenth of a set's memory, in every serving process), else as they are."""
    try:
        import dawg  # DAWG2: the C library pymorphy3[fast] brings
    except ImportError:
        return frozenset(stems)
    return dawg.DAWG(s for s in stems if s)


@cache
def lemma_stems():
    """Return the dictionary's lemma stems (a set-like object: ``stem in lemma_stems()``), from the disk cache when it is there."""
    from search.analysis.russian import morph

    analyser = morph()
    path = cache_dir() / f"ru-lemma-stems-{_dictionary_id(analyser)}.txt"
    try:
        return _compact(path.read_text(encoding="utf-8").split("\n"))
    except OSError:
        pass
    stems = build_lemma_stems(analyser)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stems-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(stems)))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, only slower to start
    return _compact(stems)
