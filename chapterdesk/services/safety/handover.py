"""The officer handover package: the whole chapter, sealed with a passphrase.

This is how a chapter moves to next year's officers and how two officers on
different laptops exchange it: `export_handover` seals a verified snapshot of
the database (every member, ledger entry, setting and the audit trail) with a
small manifest; `import_handover` opens it on another laptop as a new database
file. A wrong passphrase, an altered or cut-short file writes nothing.

Plaintext layout inside the sealed envelope (`chapterdesk.sealing`): a 4-byte
big-endian manifest length, the manifest as UTF-8 JSON, then the database file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import struct
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chapterdesk import __version__
from chapterdesk.backup import fsync_path, snapshot_sqlite, write_failure
from chapterdesk.data.engine import Location
from chapterdesk.data.migrate import check_sqlite_file, open_database
from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import kind_of, require_readable_file, require_writable_target
from chapterdesk.sealing import DEFAULT_LOG2N, SealError, seal, unseal
from chapterdesk.services.safety.backups import (
    LOCK_WAIT_SECONDS,
    chapter_file_facts,
    install_database_file,
    sqlite_path,
)

FORMAT = "chapterdesk-handover"
FORMAT_VERSION = 1
MIN_PASSPHRASE = 12
MAX_MANIFEST = 1 << 20


@dataclass(frozen=True)
class HandoverManifest:
    """What a handover package says about the chapter inside it."""

    chapter: str | None
    created_at: str
    schema_revision: str | None
    members: int
    counts: dict[str, int]
    database_bytes: int
    database_sha256: str
    app_version: str


@dataclass(frozen=True)
class HandoverImport:
    """The result of opening a handover package as a database."""

    database: Path
    manifest: HandoverManifest
    previous_saved_as: Path | None


def read_passphrase(source: str) -> str:
    """The passphrase in a file (`-` for standard input), less its line ending.

    Raises:
        BadInputError: the file cannot be read or holds no passphrase.
    """
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise BadInputError(f"Cannot read the passphrase file {source}: {reason}.") from None
    # Notepad saves "UTF-8" with a byte-order mark; it is never part of the passphrase.
    passphrase = unicodedata.normalize("NFC", raw.removeprefix("\ufeff").rstrip("\r\n"))
    if not passphrase.strip():
        raise BadInputError(
            f"The passphrase file {source} is empty; put the passphrase on its first line."
        )
    return passphrase


def export_handover(
    location: Location | str | None,
    target: Path,
    passphrase: str,
    *,
    log2n: int = DEFAULT_LOG2N,
) -> HandoverManifest:
    """Seal the whole chapter into `target` (mode 0600), replacing it only when complete.

    Args:
        log2n: scrypt's cost (log2 of n); the default is what officers should use.
    Raises:
        BadInputError: a passphrase shorter than 12 characters, or a PostgreSQL database.
        DatabaseError: the database cannot be read, or the file could not be written.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise BadInputError(
            f"The passphrase has {len(passphrase)} characters; use at least {MIN_PASSPHRASE} "
            "(a few unrelated words are easy to pass on and hard to guess)."
        )
    source = sqlite_path(location, "handover export")
    target = require_writable_target(Path(target).expanduser().absolute(), "the handover file")
    if kind_of(source) is not None:
        raise BadInputError(f"{source} is {kind_of(source)}, not a ChapterDesk database file.")
    if not source.exists():
        raise BadInputError(f"There is no ChapterDesk database at {source} to hand over.")
    check_sqlite_file(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        workdir = tempfile.TemporaryDirectory(dir=target.parent, prefix=".chapterdesk-")
    except OSError as exc:
        raise write_failure(target, exc) from None
    with workdir as folder:
        snapshot = snapshot_sqlite(source, Path(folder) / "chapter.sqlite3")
        facts = chapter_file_facts(snapshot, display=str(source))
        manifest = HandoverManifest(
            chapter=facts.chapter,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            schema_revision=facts.schema_revision,
            members=facts.members,
            counts=facts.table_counts,
            database_bytes=facts.size_bytes,
            database_sha256=_sha256(snapshot),
            app_version=__version__,
        )
        header = json.dumps(
            {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest.__dict__},
            sort_keys=True,
        ).encode("utf-8")
        partial = target.with_name(f".{target.name}.partial")
        try:
            fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, snapshot.open("rb") as db_file:
                reader = _Chain(struct.pack(">I", len(header)) + header, db_file.read)
                seal(reader.read, out, passphrase, log2n=log2n)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
            fsync_path(target.parent)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise write_failure(target, exc) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def import_handover(
    package: Path,
    location: Location | str | None,
    passphrase: str,
    *,
    force: bool = False,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> HandoverImport:
    """Open a handover package as the database at `location` (a new file unless `force`).

    The database is decrypted to a private file beside the target, checked
    (digest, `integrity_check`, a ChapterDesk schema no newer than this
    version) and only then renamed into place; an existing database replaced
    with `force` is backed up automatically first.

    Raises:
        BadInputError: a missing package, an existing database without `force`, a
            wrong passphrase, or a damaged, altered or cut-short package (nothing written).
        DatabaseError: the database inside is not one this version can open.
    """
    package = Path(package).expanduser().absolute()
    target = require_writable_target(sqlite_path(location, "handover import"), "the new database")
    require_readable_file(package, "the handover file")
    if target.exists() and target.stat().st_size > 0 and not force:
        raise BadInputError(
            f"{target} already holds a database; give another --db for the new chapter, "
            "or add --force to replace it (it is backed up first)."
        )
    made = _make_folders(target.parent)
    candidate = target.with_name(f".{target.name}.handover")
    done = False
    try:
        fd = os.open(candidate, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, package.open("rb") as sealed:
            splitter = _Splitter(out.write, package.name)
            unseal(sealed, splitter.write, passphrase, package.name)
            manifest = splitter.finish()
            out.flush()
            os.fsync(out.fileno())
        if candidate.stat().st_size != manifest.database_bytes or (
            _sha256(candidate) != manifest.database_sha256
        ):
            raise SealError(f"{package.name} holds a database that does not match its manifest.")
        facts = chapter_file_facts(candidate, display=f"The database in {package.name}")
        _require_intact(candidate, package.name)
        if facts.schema_revision is None:
            raise SealError(f"{package.name} holds an empty database, not a chapter.")
        previous = install_database_file(
            candidate, target, reason="before-handover-import", lock_wait=lock_wait
        )
        done = True
    finally:
        candidate.unlink(missing_ok=True)
        if not done:
            for folder in made:  # leave no trace of a refused import
                folder.rmdir()
    open_database(str(target), lock_wait=lock_wait).dispose()  # upgrades an older schema
    return HandoverImport(target, manifest, previous)


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and missing parents (0700); return those created, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
    return missing


def _require_intact(path: Path, name: str) -> None:
    from chapterdesk.services.safety.backups import read_only_connection

    with read_only_connection(path) as connection:
        result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        raise SealError(f"The database in {name} failed its integrity check: {result}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Chain:
    """Reads a prefix, then a file: the plaintext handed to `seal`."""

    def __init__(self, prefix: bytes, rest: Callable[[int], bytes]) -> None:
        self._prefix = prefix
        self._rest = rest

    def read(self, size: int) -> bytes:
        if self._prefix:
            part, self._prefix = self._prefix[:size], self._prefix[size:]
            return part
        return self._rest(size)


class _Splitter:
    """Takes decrypted bytes: the manifest first (kept), then the database (written out)."""

    def __init__(self, write_db: Callable[[bytes], object], name: str) -> None:
        self._write_db = write_db
        self._name = name
        self._head = b""
        self._manifest: dict[str, Any] | None = None

    def write(self, data: bytes) -> None:
        if self._manifest is not None:
            self._write_db(data)
            return
        self._head += data
        if len(self._head) < 4:
            return
        (size,) = struct.unpack(">I", self._head[:4])
        if size > MAX_MANIFEST:
            raise SealError(f"{self._name} has a damaged manifest.")
        if len(self._head) < 4 + size:
            return
        try:
            self._manifest = json.loads(self._head[4 : 4 + size].decode("utf-8"))
        except ValueError:
            raise SealError(f"{self._name} has a damaged manifest.") from None
        rest, self._head = self._head[4 + size :], b""
        if rest:
            self._write_db(rest)

    def finish(self) -> HandoverManifest:
        body = self._manifest
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise SealError(f"{self._name} is not a ChapterDesk handover package.")
        if body.get("format_version") != FORMAT_VERSION:
            raise SealError(
                f"{self._name} was made by a newer ChapterDesk (format "
                f"{body.get('format_version')}); update ChapterDesk to open it."
            )
        try:
            return HandoverManifest(**{k: body[k] for k in HandoverManifest.__dataclass_fields__})
        except KeyError:
            raise SealError(f"{self._name} has an incomplete manifest.") from None
