"""Checksums of the index's segment files, so damage is found at start-up.

Whoosh keeps no checksums. A damaged segment may raise when it is read —
then the search that hit it rebuilds the index — but it may also decode
into wrong values (a filter column, a posting) and quietly hide documents.
Segment files never change once their commit has landed, so after each
commit we write a small sidecar `<file>.crc` (CRC-32 and size) for every
file of the current segments, and the start-up check compares them.

The sidecar's name starts with its segment's id, so Whoosh's own clean-up
deletes it together with the segment when a merge replaces that.
"""
from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterable

log = logging.getLogger(__name__)

SUFFIX = ".crc"
CHUNK = 1 << 20


def segment_files(path: str, segment_ids: Iterable[str]) -> list[str]:
    """The files of the given segments in `path` (not their sidecars, nor a sidecar being written)."""
    prefixes = tuple(f"{segid}." for segid in segment_ids)
    if not prefixes:
        return []
    return sorted(f for f in os.listdir(path) if f.startswith(prefixes) and SUFFIX not in f)


def _digest(filename: str) -> tuple[int, int]:
    crc, size = 0, 0
    with open(filename, "rb") as fh:
        while chunk := fh.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return crc, size


def seal(path: str, segment_ids: Iterable[str]) -> int:
    """Write the missing sidecars of the current segments' files; return how many.

    Only files of committed segments are passed here, so none is still being
    written. Two processes may seal the same file; both write the same text.
    """
    written = 0
    for name in segment_files(path, segment_ids):
        target = os.path.join(path, name + SUFFIX)
        if os.path.exists(target):
            continue
        try:
            crc, size = _digest(os.path.join(path, name))
            temp = f"{target}{os.getpid()}tmp"
            with open(temp, "w", encoding="ascii") as fh:
                fh.write(f"{crc:08x} {size}\n")
            os.replace(temp, target)
            written += 1
        except FileNotFoundError:  # a newer commit merged the segment away meanwhile
            continue
        except OSError as exc:  # e.g. a read-only directory: the index still works, unchecked
            log.warning("search index: could not write the checksum of %s: %s", name, exc)
    return written


def damaged(path: str, segment_ids: Iterable[str], verified: set[tuple]) -> str | None:
    """Return the name of the first file whose contents no longer match its sidecar.

    A file without a sidecar (written before checksums, or by a process killed
    before sealing) counts as sound. `verified` remembers the files (by name,
    size and mtime) already checked in this process, so a second check is cheap.
    """
    for name in segment_files(path, segment_ids):
        filename = os.path.join(path, name)
        try:
            with open(filename + SUFFIX, encoding="ascii") as fh:
                crc_text, size_text = fh.read().split()
            stat = os.stat(filename)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return name  # an unreadable sidecar: trust nothing
        key = (name, stat.st_size, stat.st_mtime_ns)
        if key in verified:
            continue
        if stat.st_size != int(size_text) or _digest(filename)[0] != int(crc_text, 16):
            return name
        verified.add(key)
    return None
