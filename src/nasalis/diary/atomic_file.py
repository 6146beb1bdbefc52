"""Durable atomic file writes: a crash or power cut leaves the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_durably(tmp: Path, path: Path) -> None:
    """Move the finished file `tmp` over `path` (same folder) so that the move survives a power cut."""
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _sync_folder(path.parent)


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8, line endings as given) to `path`, whole or not at all."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # A temporary file in the same folder: os.replace is atomic only within one file system.
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # The rename lives in the folder's entry list: without this a power cut can undo it.
    if os.name == "nt":  # Windows cannot open a folder for fsync; its renames are journaled.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
