"""The Whoosh index on disk: open, check, rebuild, write, and read snapshots.

The index is a derived cache of the database (DESIGN.md). `SearchIndex`
knows nothing about Flask or SQLAlchemy: the app hands it documents
(`documents.py`) and a way to read them all from the database (`source.py`).

Whoosh allows one writer at a time. Writers wait up to `WRITE_TIMEOUT`
seconds for the lock (another process may be writing); if it is still taken,
the changes are queued in a Whoosh `AsyncWriter`, which keeps retrying in a
background thread, so no update is lost.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from filelock import FileLock
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError
from whoosh.writing import CLEAR, AsyncWriter

from . import checksums
from .documents import decode_attrs
from .schema import build_schema, index_name
from .snapshot import SegmentCache, Snapshot

log = logging.getLogger(__name__)

WRITE_TIMEOUT = 10.0  # seconds a writer waits for another process's lock

# Writes queued in AsyncWriter threads because another process held the lock.
# A process waits for them before it exits, so a queued change is never lost.
_pending: list[threading.Thread] = []


def wait_for_pending(timeout: float | None = None) -> bool:
    """Wait for queued index writes; return True when none is left running."""
    deadline = None if timeout is None else time.monotonic() + timeout
    for thread in list(_pending):
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    _pending[:] = [t for t in _pending if t.is_alive()]
    return not _pending


atexit.register(wait_for_pending, 120)
REBUILD_TIMEOUT = 900.0  # seconds a process waits for another one's rebuild
REBUILD_LIMIT_MB = 256
PARALLEL_REBUILD = 20_000  # documents from which a rebuild uses two processes
ORDER_GUARD_LIMIT = 100  # check write order for batches up to this size (interactive edits)

OK, MISSING, OUTDATED, CORRUPT, STALE = "ok", "missing", "outdated", "corrupt", "stale"

# The folder holds this file once the index has taken it; nothing is deleted in a folder without it.
MARKER = ".faellesskab-search-index"
# Every name the index writes: Whoosh's files of any schema stamp (TOCs, segments, locks), their
# checksum sidecars and temporaries (checksums.py), the change log's state files (changelog.py).
_OWN_NAME = re.compile(r"_?faellesskab_v[A-Za-z0-9_.]+|\.sync-(?:state\.json|applied)(?:\.\d+\.tmp)?|"
                       + re.escape(MARKER))


def own_file(name: str) -> bool:
    """Whether `name` is a file the index could have written."""
    return _OWN_NAME.fullmatch(name) is not None


class ForeignFolder(Exception):
    """SEARCH_INDEX_DIR holds files the index did not write: it refuses to use (or empty) the folder."""

    def __init__(self, path: str, foreign: list[str]):
        self.path, self.foreign = path, foreign
        shown = ", ".join(foreign[:5]) + (f" (+{len(foreign) - 5})" if len(foreign) > 5 else "")
        super().__init__(f"SEARCH_INDEX_DIR {path} holds files the search index did not write ({shown}); "
                         f"it deletes nothing there. Point SEARCH_INDEX_DIR at an empty or new folder.")


class SearchIndex:
    """One Whoosh index directory, shared by the threads of a process."""

    def __init__(self, path: str):
        self.path = path
        self.indexname = index_name()
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._segments = SegmentCache()
        self._searcher = None
        self._snapshot: Snapshot | None = None
        self._ix = None
        self._verified: set[tuple] = set()  # segment files whose checksum matched
        self._claimed = False

    # --- state -----------------------------------------------------------------

    def status(self) -> str:
        """Return ok, missing, outdated (another schema stamp) or corrupt; no database needed."""
        if not os.path.isdir(self.path) or not self._toc_files():
            if os.path.isdir(self.path) and any(f.endswith(".toc") for f in os.listdir(self.path)):
                return OUTDATED
            return MISSING
        try:
            ix = self._open_index()
            with _retrying(ix.searcher) as searcher:
                reader = searcher.reader()
                for leaf, _offset in reader.leaf_readers():
                    n = leaf.doc_count_all()
                    if n:
                        column = leaf.column_reader("attrs")
                        column[0], column[n - 1]  # noqa: B018  (reads the column's both ends)
                        leaf.stored_fields(n - 1)
                # Read every term (damage shows anywhere) without holding them: a list of the
                # national lexicon raised each worker's peak memory by hundreds of MB.
                deque(reader.lexicon("text"), maxlen=0)
                # Damage that decodes into wrong values shows only in the checksums.
                bad = checksums.damaged(self.path, _segment_ids(reader), self._verified)
        except Exception as exc:  # any failure to read means the files are damaged
            log.warning("search index at %s cannot be read: %s", self.path, exc)
            return CORRUPT
        if bad is not None:
            log.warning("search index at %s is damaged: %s does not match its checksum", self.path, bad)
            return CORRUPT
        return OK

    def seal(self) -> int:
        """Write checksums for the committed segments that have none (checksums.py)."""
        try:
            # the newest TOC's segments, read without opening their files
            toc = _retrying(lambda: TOC.read(self._read_storage(), self.indexname, schema=self.schema))
            segments = toc.segments
        except Exception as exc:  # unreadable: the start-up check will find it
            log.warning("search index at %s: could not list segments to checksum: %s", self.path, exc)
            return 0
        return checksums.seal(self.path, [s.segment_id() for s in segments])

    def _toc_files(self) -> list[str]:
        prefix = f"_{self.indexname}_"
        return [f for f in os.listdir(self.path) if f.startswith(prefix) and f.endswith(".toc")]

    def _open(self):
        if self._ix is None:
            self._ix = self._open_index()
        return self._ix

    def _open_index(self):
        """Open the index; retried when another process's commit removed the TOC just listed.

        Opening reads the newest generation's TOC without the write lock, and a
        commit deletes the TOC it supersedes: between listing the files and
        reading one, it may be gone. The next try finds the newer one.
        """
        return _retrying(lambda: self._read_storage().open_index(self.indexname, schema=self.schema))

    def _new_searcher(self):
        return _retrying(self._open().searcher)

    def _read_storage(self) -> FileStorage:
        """The index files, read through ordinary file handles, not mmap.

        With mmap, whoosh-reloaded 2.7 wraps each file of a compound segment
        in a BytesIO over the mapped bytes, which copies the whole file into
        the process: every worker ended up holding a private copy of the
        postings and stored fields (about the index's size on disk). Read
        through file handles, the OS page cache holds the files once for all
        workers, and the reads searching does are in whole blocks anyway.
        """
        return FileStorage(self.path, supports_mmap=False)

    def _storage(self) -> FileStorage:
        self.claim()
        return FileStorage(self.path)

    def claim(self) -> None:
        """Make sure the folder is the index's own before anything is written or deleted there.

        A new or empty folder, or one holding only files the index writes (an
        index made before the marker existed), gets the marker; any other file
        means SEARCH_INDEX_DIR points at the wrong folder (say, the one with the
        SQLite database), and the index refuses it.

        :raises ForeignFolder: the folder has no marker and holds other files.
        """
        if self._claimed:
            return
        os.makedirs(self.path, exist_ok=True)
        marker = os.path.join(self.path, MARKER)
        if not os.path.exists(marker):
            foreign = sorted(name for name in os.listdir(self.path) if not own_file(name))
            if foreign:
                raise ForeignFolder(self.path, foreign)
            with open(marker, "w", encoding="utf-8") as fh:
                fh.write("Fællesskab search index: files here are deleted and rewritten by rebuilds.\n")
        self._claimed = True

    def sync_lock(self) -> FileLock:
        """A cross-process lock held while applying the change log (one worker per node at a time)."""
        self.claim()
        return FileLock(os.path.join(self.path, f"{self.indexname}_SYNC"))

    def rebuild_lock(self, timeout: float = REBUILD_TIMEOUT) -> FileLock:
        """A cross-process lock held while checking and rebuilding.

        :raises filelock.Timeout: another process held it for `timeout` seconds.
        """
        self.claim()
        return FileLock(os.path.join(self.path, f"{self.indexname}_REBUILD"), timeout=timeout)

    # --- writing ---------------------------------------------------------------

    def rebuild(self, documents: Iterable[dict], *, progress: Callable[[int], None] | None = None,
                expected: int = 0) -> int:
        """Replace the whole index with `documents`; return how many were written.

        Readers see the old index until the new one is committed. Files of
        other schema stamps and damaged files are removed first. Large
        rebuilds (`expected` documents) analyse in two processes.
        """
        with self._lock:
            state = self.status()
            storage = self._storage()
            if state != OK:
                self._remove_files(storage, keep_current=False)
                whoosh_index.create_in(self.path, self.schema, indexname=self.indexname)
            self._ix = None
            self._remove_files(storage, keep_current=True)
            procs = 2 if expected >= PARALLEL_REBUILD and (os.cpu_count() or 1) > 1 else 1
            writer = self._open().writer(timeout=REBUILD_TIMEOUT, limitmb=REBUILD_LIMIT_MB, procs=procs,
                                         **({"multisegment": True} if procs > 1 else {}))
            count = 0
            try:
                for doc in documents:
                    writer.add_document(**doc)
                    count += 1
                    if progress is not None:
                        progress(1)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=CLEAR)
            self.reset_readers()
            self.seal()
            return count

    def write(self, upserts: dict[str, dict], deletes: Iterable[str] = ()) -> bool:
        """Add or replace documents (by doc_id) and delete others, in one commit.

        Returns False when the write was queued behind another process's lock
        (it lands later, from a background thread), True when it is in the index.
        """
        deletes = [d for d in deletes if d not in upserts]
        if not upserts and not deletes:
            return True
        ix = self._open()
        try:
            writer = ix.writer(timeout=WRITE_TIMEOUT)
        except LockError:
            log.warning("search index is locked by another writer; queueing %d change(s)",
                        len(upserts) + len(deletes))
            writer = AsyncWriter(ix, delay=0.25, writerargs={"timeout": WRITE_TIMEOUT})
        try:
            if isinstance(writer, AsyncWriter):
                for doc_id in deletes:
                    writer.delete_by_term("doc_id", doc_id)
                for doc in upserts.values():
                    writer.update_document(**doc)
            else:
                if len(upserts) <= ORDER_GUARD_LIMIT:
                    upserts = self._drop_outdated(writer, upserts)
                # One searcher for all old versions (update_document opens one per document).
                with writer.searcher() as searcher:
                    for doc_id in [*deletes, *upserts]:
                        for docnum in searcher.document_numbers(doc_id=doc_id):
                            writer.delete_document(docnum)
                for doc in upserts.values():
                    writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit()
        except BaseException:
            _release(writer)  # a failed commit must not keep the write lock for the life of the process
            raise
        if isinstance(writer, AsyncWriter) and writer.is_alive():
            _pending.append(writer)  # its segments are sealed by the next write or check
            return False
        self.seal()
        return True

    @staticmethod
    def _drop_outdated(writer, upserts: dict[str, dict]) -> dict[str, dict]:
        """Leave out documents older than the indexed ones.

        Two processes that commit edits of one row close together may get the
        write lock in the other order; the row's updated_at decides.
        """
        with writer.searcher() as searcher:
            reader = searcher.reader()
            if not reader.doc_count():
                return upserts
            column = reader.column_reader("attrs")
            kept = {}
            for doc_id, doc in upserts.items():
                docnum = searcher.document_number(doc_id=doc_id)
                if docnum is None or decode_attrs(column[docnum]).updated <= decode_attrs(doc["attrs"]).updated:
                    kept[doc_id] = doc
            return kept

    def clear(self) -> None:
        """Remove every document (tests; `search reindex` uses rebuild). Cheap when empty."""
        if not os.path.isdir(self.path) or not self._toc_files():
            return
        try:
            ix = self._open()
            if not ix.doc_count_all():
                return
        except Exception:  # unreadable: leave it to the start-up check
            return
        writer = ix.writer(timeout=WRITE_TIMEOUT)
        writer.commit(mergetype=CLEAR)
        self.reset_readers()

    def _remove_files(self, storage: FileStorage, *, keep_current: bool) -> None:
        """Delete index files of other schema stamps (and ours unless keep_current).

        Only names the index writes, in a folder it has claimed: anything else
        in the folder (put there by a person) stays.
        """
        self.claim()
        for name in list(storage.list()):
            if name.endswith(("WRITELOCK", "_REBUILD")) or name == f"{self.indexname}_SYNC" or name.startswith("."):
                continue
            if not own_file(name):
                continue
            ours = name.startswith(self.indexname + "_") or name.startswith("_" + self.indexname + "_")
            if ours and keep_current:
                continue
            with contextlib.suppress(OSError):
                storage.delete_file(name)

    # --- reading ---------------------------------------------------------------

    @contextmanager
    def reading(self):
        """Yield (searcher, snapshot) of the current generation.

        Whoosh readers share file handles, so one thread reads at a time; a
        search holds the lock for a few milliseconds.
        """
        with self._read_lock:
            searcher = self._searcher
            if searcher is None:
                searcher = self._new_searcher()
            elif not searcher.up_to_date():
                # Not searcher.refresh(): the new searcher would share segment
                # readers with the old one, which then could not be closed.
                searcher.close()
                searcher = self._new_searcher()
            self._searcher = searcher
            snap = self._snapshot
            reader = searcher.reader()
            if snap is None or snap.generation != reader.generation() or snap.segment_ids != _segment_ids(reader):
                snap = self._snapshot = Snapshot(searcher, self._segments)
            yield searcher, snap

    def reset_readers(self) -> None:
        with self._read_lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._snapshot = None


def _retrying(open_fn):
    """Call `open_fn` (which reads the newest TOC without the write lock) again when
    another process's commit deleted that TOC between listing and reading it."""
    for attempt in range(5):
        try:
            return open_fn()
        except FileNotFoundError:
            if attempt == 4:
                raise
            time.sleep(0.02 * (attempt + 1))


def _release(writer) -> None:
    """Give back a writer's lock after its commit failed half-way."""
    try:
        writer.cancel()
    except Exception:  # already half-finished: release the lock directly
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            with contextlib.suppress(Exception):  # pragma: no cover - nothing more can be done
                lock.release()


def _segment_ids(reader) -> tuple[str, ...]:
    return tuple(leaf.segment().segment_id() for leaf, _offset in reader.leaf_readers()
                 if leaf.segment() is not None)
