"""Unpacking one part of an xlsx package in bounded chunks, checked as it goes.

The safety checks unpack every part of a workbook before it is parsed, which
for a big roster is over 100 MB of XML per 100,000 members. A deflated part is
inflated here with ISA-L (python-isal), about twice as fast as zlib, straight
from the part's bytes in the file; its size and CRC are checked against the
central directory as it streams, so a part that unpacks to more than it
declares stops at the first chunk past its size. Any other part (stored, or
compressed some other way) goes through the standard library's `zipfile`.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from isal import isal_zlib

#: What a damaged deflate stream raises here, for the caller to word. (isal's stubs
#: declare `error` as an instance; at run time it is the exception class.)
InflateError: type[Exception] = isal_zlib.error  # type: ignore[assignment]

_LOCAL_HEADER = struct.Struct("<4s22xHH")  #: signature … file name length, extra field length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_READ_BYTES = 256 * 1024  #: compressed bytes read from the file at a time


def part_chunks(
    archive: zipfile.ZipFile, file: BinaryIO, info: zipfile.ZipInfo, chunk_bytes: int
) -> Iterator[bytes]:
    """A part's unpacked bytes, at most `chunk_bytes` at a time.

    Args:
        archive: the open package (for parts that are not deflated).
        file: the same package opened for reading bytes, shared between calls.
        info: the part, as the central directory describes it.
        chunk_bytes: the most bytes yielded at once.

    Raises:
        zipfile.BadZipFile: the part is cut short, unpacks to more or less than
            it declares, or fails its CRC.
        InflateError: its deflate stream is damaged.
    """
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as stream:
            while chunk := stream.read(chunk_bytes):
                yield chunk
        return
    file.seek(info.header_offset)
    header = file.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"the part {info.filename} has no local header")
    _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    file.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    yield from _inflate(file, info, chunk_bytes)


def _inflate(file: BinaryIO, info: zipfile.ZipInfo, chunk_bytes: int) -> Iterator[bytes]:
    inflater = isal_zlib.decompressobj(-15)  # raw deflate, as zip stores it
    left = info.compress_size
    produced = crc = 0
    pending = b""
    while not inflater.eof:
        if not pending and left:
            pending = file.read(min(left, _READ_BYTES))
            if not pending:
                raise zipfile.BadZipFile(f"the part {info.filename} is cut short")
            left -= len(pending)
        chunk = inflater.decompress(pending, chunk_bytes)
        pending = inflater.unconsumed_tail
        if not chunk and not pending and not left:
            break  # every byte is in and nothing more comes out
        produced += len(chunk)
        if produced > info.file_size:
            raise zipfile.BadZipFile(
                f"the part {info.filename} unpacks to more than the {info.file_size} bytes "
                "it declares"
            )
        if chunk:
            crc = isal_zlib.crc32(chunk, crc)
            yield chunk
    if not inflater.eof or produced != info.file_size:
        raise zipfile.BadZipFile(f"the part {info.filename} is cut short")
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"the part {info.filename} fails its CRC check")
