"""Writing files atomically: a reader sees the old file or the whole new one, never a half-written one.

Every file the project writes (saved models, pictures, flip-books, exported pages) goes through
``write_atomically``: the bytes go to a temporary file in the target's folder, are flushed and
fsynced, then ``os.replace`` puts them over the target in one step. On any error the temporary file
is removed and a previous file at the target is left untouched, byte for byte.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text encoded with ``encoding``) to ``path`` all at once; return the path.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_atomically(target, "hello").read_text()
    'hello'
    """
    target = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding)
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"write_atomically writes bytes or str, got {type(data).__name__}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {str(target)!r}: the folder {str(folder)!r} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        _keep_permissions(target, temporary)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return target


def _keep_permissions(target: Path, temporary: str) -> None:
    """Give the new file the old one's mode (mkstemp makes it 0600), or the usual 0644-by-umask."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)
