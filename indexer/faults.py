"""What went wrong when indexing failed, said so that an operator knows the fix.

An exception from deep inside Whoosh often hides its cause: a commit that hit a full disk ends,
after the writer's clean-up, in ``IndexingError: This writer is closed``. :func:`describe` walks
the chain of causes for the operating-system error underneath and names it with the folder.
"""

import errno
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ContentError
from indexer.lock import LockTimeout

# The faults of the machine, not of the content or the code: they go away when the disk is
# freed or the permissions are restored, so retrying soon after is right.
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}
_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EIO}


@dataclass(frozen=True)
class Fault:
    """One failure of the indexer.

    ``kind`` is one of ``disk_full``, ``not_writable``, ``resources``, ``content``, ``locked``,
    ``damaged`` or ``error``; ``message`` names folders (for logs and the terminal); ``public`` says
    the same without paths (for /healthz); ``environmental`` faults are retried as soon as the
    machine looks able again, the others after a back-off and a check of the index.
    """

    kind: str
    message: str
    public: str

    @property
    def environmental(self) -> bool:
        return self.kind in ("disk_full", "not_writable", "resources", "content", "locked")


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def os_error(exc: BaseException) -> OSError | None:
    """Return the operating-system error behind ``exc`` (itself, a cause or a context), if any."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno is not None:
            return e
    return None


def describe(exc: BaseException, index_root: Path, content: Path | None = None) -> Fault:
    """Return what ``exc`` means for the index at ``index_root``, with the fix."""
    root = Path(index_root)
    for e in _chain(exc):
        if isinstance(e, LockTimeout):
            return Fault("locked", str(e), "another process holds the index's writer lock")
        if isinstance(e, ContentError):
            return Fault("content", str(e), _without_paths(str(e), root, content))
    err = os_error(exc)
    if err is not None:
        where = err.filename or root
        if isinstance(err, IsADirectoryError) and Path(str(where)).name == "writer.lock":
            return Fault(
                "not_writable",
                f"{where} is a folder, not Poisk's lock file: remove it",
                "the index's lock file is a folder: remove it",
            )
        if err.errno in _DISK_FULL:
            return Fault(
                "disk_full",
                f"no space left on device at {root}: free some space on that disk",
                "no space left on the index's disk: free some space",
            )
        if err.errno in _NOT_WRITABLE and err.filename and not _inside(err.filename, root):
            return Fault(
                "content",
                f"cannot read {err.filename} ({err.strerror}): give the service's user access to it",
                f"a file outside the index cannot be read ({err.strerror})",
            )
        if err.errno in _NOT_WRITABLE:
            return Fault(
                "not_writable",
                f"index folder not writable: {where} ({err.strerror}): give the service's user write "
                f"access, or choose another folder with --index or POISK_INDEX",
                f"the index folder is not writable ({err.strerror})",
            )
        if err.errno in _RESOURCES:
            return Fault(
                "resources",
                f"{err.strerror} while indexing into {root}",
                f"the machine refused a resource: {err.strerror}",
            )
    return Fault("error", f"{type(exc).__name__}: {exc}", f"indexing failed ({type(exc).__name__})")


def _inside(path, root: Path) -> bool:
    try:
        return Path(str(path)).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def _without_paths(text: str, *folders: Path | None) -> str:
    for folder in folders:
        if folder is not None:
            text = text.replace(str(Path(folder).resolve()), "…").replace(str(folder), "…")
    return text
