"""Reading and writing files the safe way: nothing half-written, nothing lost."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["decode_source", "read_source", "write_atomically"]


def read_source(path: str | Path) -> str:
    """A file's text: UTF-8 with a byte-order mark dropped; undecodable bytes survive as escapes,
    so encoding the text with ``errors="surrogateescape"`` restores them exactly."""
    return decode_source(Path(path).read_bytes())


def decode_source(data: bytes) -> str:
    """The text of a file's bytes, as :func:`read_source` reads them."""
    return data.decode("utf-8-sig", errors="surrogateescape")


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a crash leaves the old file or the new one.

    The data goes to a temporary file beside the target, is flushed to disk, takes the
    target's permissions and then replaces it with a rename.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
