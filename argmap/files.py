"""Reading and writing files the safe way: nothing half-written, nothing lost."""
from __future__ import annotations

import os
import re
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None

__all__ = ["LINE_BREAK", "atomic_writer", "decode_source", "is_read_only", "locked", "other_links", "read_source",
           "source_lines", "write_atomically"]

# What ends a line when argmap numbers lines: as in the reference implementation, a lone `\r`
# (classic Mac OS) counts as well as `\n` and `\r\n`; Unicode line separators do not.
LINE_BREAK = re.compile(r"\r\n?|\n")


def read_source(path: str | Path) -> str:
    """A file's text: UTF-8 with a byte-order mark dropped; undecodable bytes survive as escapes,
    so encoding the text with ``errors="surrogateescape"`` restores them exactly."""
    return decode_source(Path(path).read_bytes())


def decode_source(data: bytes) -> str:
    """The text of a file's bytes, as :func:`read_source` reads them."""
    return data.decode("utf-8-sig", errors="surrogateescape")


def source_lines(text: str) -> list[str]:
    """The lines of a map's text, numbered as its diagnostics number them."""
    return LINE_BREAK.split(text)


@contextmanager
def atomic_writer(path: str | Path, mode: str = "wb", **open_args) -> Iterator[IO]:
    """A stream whose content replaces ``path`` in one step when the block ends without an
    error: a crash or an exception leaves the old file (or none) and no partial one.

    The data goes to a temporary file beside the target, is flushed to disk, takes the
    target's permissions and owner and then replaces it with a rename. A symbolic link is
    followed, so the file it points to is replaced and the link stays. What is not a regular
    file (a device such as ``/dev/null``, a pipe, a terminal) is written in place, as a shell
    redirection writes it. Temporaries that killed writes left in the folder are removed.
    """
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        with open(path, mode, **open_args) as stream:
            yield stream
        return
    import tempfile  # here, not at the top: `argmap --help` and output to stdout do without it

    path = Path(os.path.realpath(path))
    _remove_stale_temporaries(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMPORARY, dir=path.parent)
    try:
        _lock(handle, wait=False)  # in use: not stale
        with os.fdopen(handle, mode, **open_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
            _take_nature(stream.fileno(), temporary, status)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (see :func:`atomic_writer`)."""
    with atomic_writer(path) as stream:
        stream.write(data)


@contextmanager
def locked(path: str | Path) -> Iterator[bytes | None]:
    """Hold an advisory lock on a file while it is read, checked and replaced; yields its
    bytes as they are under the lock (None if there is no file).

    Another argmap process that edits the same file waits for the lock, then reads the file
    again: so of two edits at once the second sees the first instead of overwriting it. The
    lock is on the file itself; a file replaced while the lock was awaited is locked afresh.
    """
    real = os.path.realpath(path)
    while True:
        try:
            handle = os.open(real, os.O_RDONLY)
        except FileNotFoundError:
            yield None
            return
        try:
            _lock(handle, wait=True)
            try:
                current = os.path.samestat(os.fstat(handle), os.stat(real))
            except FileNotFoundError:
                current = False
            if current:
                with os.fdopen(os.dup(handle), "rb") as stream:
                    data = stream.read()
                yield data
                return
        finally:
            os.close(handle)


def is_read_only(path: str | Path) -> bool:
    """Whether a file says it must not be changed: no write permission for anyone, or none
    for this user (root may write anything, so the permission bits are read too)."""
    mode = os.stat(path).st_mode
    return not mode & 0o222 or not os.access(path, os.W_OK)


def other_links(path: str | Path) -> int:
    """How many other names (hard links) the file has: a replacement leaves them the old text."""
    return os.stat(path).st_nlink - 1


# Temporaries are named `.NAME.XXXXXXXX.argmap-tmp` (earlier versions: `.NAME.XXXXXXXX.tmp`);
# one that no writer holds locked and that has not changed for a minute was left by a killed
# write.
_TEMPORARY = ".argmap-tmp"
_STALE_AFTER = 60.0


def _remove_stale_temporaries(target: Path) -> None:
    """Remove what killed writes left in the target's folder: any temporary named as argmap
    names them now, and those named the older way for this target."""
    ours = re.compile(rf"\..+\.[a-z0-9_]{{8}}{re.escape(_TEMPORARY)}|\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    now = time.time()
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if not ours.fullmatch(entry.name):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(status.st_mode) or now - status.st_mtime < _STALE_AFTER:
                continue
            handle = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                if _lock(handle, wait=False):
                    os.unlink(entry.path)
            finally:
                os.close(handle)
        except OSError:
            continue


def _lock(handle: int, wait: bool) -> bool:
    """Take an exclusive advisory lock on an open file; False if ``wait`` is off and another
    process holds it. Without advisory locks (Windows) every lock is granted."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _take_nature(handle: int, temporary: str, status: os.stat_result | None) -> None:
    """Give a replacement the permissions and owner of the file it replaces (a new file gets
    the permissions the umask allows). An owner this user may not give is left as it is."""
    if status is None:
        os.chmod(temporary, 0o666 & ~_umask())
        return
    if hasattr(os, "fchown"):
        for owner in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
            try:
                os.fchown(handle, *owner)
                break
            except PermissionError:
                continue
    os.chmod(temporary, status.st_mode & 0o7777)  # after the owner: a change of owner clears set-user-ID bits


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
