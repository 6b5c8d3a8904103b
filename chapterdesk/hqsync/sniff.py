"""Deciding what a file handed to the importer really is, and refusing hostile ones early.

The format is chosen by content, never by name: a zip whose relationships
lead to a workbook is an .xlsx (or an .xlsb when that workbook is binary
records), a zip whose `mimetype` says so is an OpenDocument spreadsheet
(.ods), an OLE2 compound file is an old `.xls`, and plain text is CSV.
Everything else is refused with one sentence the treasurer can act on.

Workbooks are checked before any parser sees them, with bounded memory: the
zip directory's size and entry count, each part's declared size and
compression ratio (a zip bomb), then every part unpacked in chunks by
`xmlscan` (a `<!DOCTYPE`, the door to entity-expansion bombs; each sheet's
real extent and the shared text its cells copy, which is what the reader
allocates). Text
files are checked for size, NUL bytes and binary content.
"""

from __future__ import annotations

import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chapterdesk.errors import BadInputError
from chapterdesk.file_kinds import kind_of
from chapterdesk.hqsync import xmlscan
from chapterdesk.hqsync.package import WorkbookParts, is_ods, workbook_parts
from chapterdesk.hqsync.unpack import InflateError
from chapterdesk.hqsync.xmlscan import SheetTee

MAX_WORKBOOK_BYTES = 512 * 1024**2  #: the file itself, xlsx or xls
MAX_UNCOMPRESSED_BYTES = 1024**3  #: all parts of an xlsx once unzipped
MAX_ZIP_ENTRIES = 5_000  #: parts in an xlsx (a real one has a few dozen)
MAX_ZIP_DIRECTORY_BYTES = 16 * 1024**2  #: the zip's central directory
MAX_COMPRESSION_RATIO = 200  #: per part, once it unpacks to more than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 4 * 1024**2
MAX_CSV_BYTES = 512 * 1024**2
TEXT_SAMPLE_BYTES = 64 * 1024  #: how much of a text file is looked at to call it text

ASK_HQ = "Ask HQ for the roster as .xlsx or .csv."

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"^\s*<(!doctype\s+html|html|table)\b", re.IGNORECASE)
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})


@dataclass(frozen=True)
class FileFacts:
    """What sniffing established about a file that may be read."""

    file_format: str  #: "xlsx", "xlsb", "ods", "xls" or "csv"
    date1904: bool = False  #: the workbook counts serial dates from 1904 (xlsx only)


def refuse(path: Path, reason: str) -> BadInputError:
    """The error for a file that is not an HQ spreadsheet: what it looks like, what to do."""
    return BadInputError(f"{path.name} is not a spreadsheet HQ sends ({reason}). {ASK_HQ}")


def _too_big(path: Path, size: int, cap: int) -> BadInputError:
    return BadInputError(
        f"{path.name} is {size // 1024**2} MB, more than the {cap // 1024**2} MB a roster "
        "export can be; check it is the right file."
    )


def sniff_export(
    path: Path, on_chunk: Callable[[int], None] | None = None, tee: SheetTee | None = None
) -> FileFacts:
    """Decide a file's format by its content and check it is safe to read.

    Args:
        path: the file the officer chose.
        on_chunk: called with a byte count as each chunk of a workbook is checked.
        tee: handed an xlsx's worksheets as they are checked (`xmlscan.SheetTee`).

    Raises:
        BadInputError: the file is missing, empty, of another kind, damaged or hostile.
    """
    kind = kind_of(path)  # a folder, a device or a named pipe is never opened
    if kind is not None:
        raise BadInputError(f"{path.name} cannot be opened: it is {kind}; choose the HQ export.")
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(TEXT_SAMPLE_BYTES)
    except OSError as exc:
        raise BadInputError(f"{path.name} cannot be opened: {exc.strerror or exc}.") from None
    if size == 0 or not head.strip():
        raise BadInputError(f"{path.name} is empty. Download the export from HQ again.")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _check_xlsx(path, size, on_chunk, tee)
    if head.startswith(_OLE2):
        _check_xls(path, size)
        return FileFacts("xls")
    for magic, looks_like in _MAGIC:
        if head.startswith(magic):
            raise refuse(path, f"it looks like {looks_like}")
    if _HTML.match(head):
        raise refuse(path, "it is a web page saved with a spreadsheet name")
    _check_text(path, size, head)
    return FileFacts("csv")


def _check_text(path: Path, size: int, head: bytes) -> None:
    if size > MAX_CSV_BYTES:
        raise _too_big(path, size, MAX_CSV_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text ("Unicode Text" from Excel): NULs are expected
    controls = len(head) - len(head.translate(None, _CONTROL))
    if b"\x00" in head or controls > max(2, len(head) // 100):
        raise refuse(path, "it holds binary data, not text")


def _zip_directory(path: Path, size: int) -> None:
    """Read the zip's end record and refuse an oversized or truncated directory."""
    tail_size = min(size, 22 + 65_535)
    with path.open("rb") as stream:
        stream.seek(size - tail_size)
        tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise BadInputError(
            f"{path.name} is damaged or incomplete (the download may have been cut short). "
            "Download it from HQ again."
        )
    entries, directory_size = struct.unpack_from("<HI", tail, at + 10)
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_DIRECTORY_BYTES:
        raise refuse(path, f"it is an archive of {entries} or more parts, far more than a workbook")


def _check_xlsx(
    path: Path, size: int, on_chunk: Callable[[int], None] | None, tee: SheetTee | None
) -> FileFacts:
    if size > MAX_WORKBOOK_BYTES:
        raise _too_big(path, size, MAX_WORKBOOK_BYTES)
    _zip_directory(path, size)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            parts = _check_parts(path, archive, infos)
            date1904 = xmlscan.check_package(path, archive, infos, on_chunk, parts, tee)
            if parts is None:
                return FileFacts("ods")
            return FileFacts("xlsb" if parts.binary else "xlsx", date1904=date1904)
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, InflateError, EOFError, OSError,
        ValueError,
        NotImplementedError,  # a compression method Python cannot unpack
    ) as exc:  # fmt: skip
        raise BadInputError(
            f"{path.name} is damaged or incomplete (part of it cannot be unpacked: "
            f"{type(exc).__name__}). Download it from HQ again."
        ) from exc


def _check_parts(
    path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> WorkbookParts | None:
    """Where the workbook is (None for an OpenDocument spreadsheet), once the package is sane."""
    names = {info.filename for info in infos}
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refuse(path, f"it holds {len(infos)} parts, far more than a workbook")
    _check_sizes(path, infos)
    ods = is_ods(archive, names)
    parts = None if ods else workbook_parts(archive, names)
    if parts is None and not ods:
        kind = "a Word document" if "word/document.xml" in names else "a zip archive"
        if "ppt/presentation.xml" in names:
            kind = "a PowerPoint presentation"
        raise refuse(path, f"it looks like {kind}")
    return parts


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if any(info.flag_bits & 0x1 for info in infos):
        raise BadInputError(f"{path.name} is encrypted. Ask HQ for an unprotected copy.")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise BadInputError(
                f"{path.name} was refused: its part {info.filename} unpacks to {ratio:.0f} times "
                "its size, the signature of a zip bomb. Ask HQ to export the roster again."
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise BadInputError(
            f"{path.name} was refused: it unpacks to {total // 1024**2} MB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES // 1024**2} MB a roster can need. Ask HQ to export "
            "the roster again."
        )


def _check_xls(path: Path, size: int) -> None:
    """Refuse an OLE2 file that is too large or is not an Excel workbook."""
    if size > MAX_WORKBOOK_BYTES:
        raise _too_big(path, size, MAX_WORKBOOK_BYTES)
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as view:
        if view.find("EncryptedPackage".encode("utf-16-le")) >= 0:
            raise BadInputError(
                f"{path.name} is a password-protected workbook. Ask HQ for an unprotected copy."
            )
        if (
            view.find("Workbook".encode("utf-16-le")) < 0
            and view.find("Book".encode("utf-16-le")) < 0
        ):
            kind = (
                "a Word document"
                if view.find("WordDocument".encode("utf-16-le")) >= 0
                else ("an Office file that is not a workbook")
            )
            raise refuse(path, f"it looks like {kind}")
