"""Reading and writing files the safe way: nothing half-written, nothing lost."""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["LINE_BREAK", "atomic_writer", "decode_source", "read_source", "source_lines", "write_atomically"]

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
    target's permissions and then replaces it with a rename. A symbolic link is followed, so
    the file it points to is replaced and the link stays.
    """
    path = Path(os.path.realpath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, mode, **open_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (see :func:`atomic_writer`)."""
    with atomic_writer(path) as stream:
        stream.write(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
