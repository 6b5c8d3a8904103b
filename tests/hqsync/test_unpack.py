"""Unpacking workbook parts for the safety checks: the same bytes as zipfile, lies refused."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from chapterdesk.hqsync.unpack import part_chunks


def _package() -> tuple[io.BytesIO, dict[str, bytes]]:
    rng = random.Random(5)
    parts = {
        "runs.xml": b"a" * 3_000_000,  # long back-references: output outruns the input
        "noise.bin": rng.randbytes(200_000),
        "rows.xml": b"".join(rng.choice([b"<row>", b"x" * 700, b"<c/>"]) for _ in range(9_000)),
        "empty.xml": b"",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("stored.xml", b"<kept/>" * 500, compress_type=zipfile.ZIP_STORED)
    parts["stored.xml"] = b"<kept/>" * 500
    return buffer, parts


@pytest.mark.parametrize("chunk_bytes", [1, 999, 65_536, 1 << 20])
def test_every_part_unpacks_to_its_bytes_in_bounded_chunks(chunk_bytes: int) -> None:
    buffer, parts = _package()
    with zipfile.ZipFile(buffer) as archive:
        for info in archive.infolist():
            chunks = list(part_chunks(archive, buffer, info, chunk_bytes))
            assert b"".join(chunks) == parts[info.filename]
            assert all(0 < len(chunk) <= chunk_bytes for chunk in chunks)


def _lie(buffer: io.BytesIO, name: str, offset: int, value: int) -> io.BytesIO:
    """The package with one field of `name`'s central-directory record changed."""
    data = bytearray(buffer.getvalue())
    entry = data.rfind(name.encode()) - 46
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + offset : entry + offset + 4] = value.to_bytes(4, "little")
    return io.BytesIO(bytes(data))


@pytest.mark.parametrize(
    ("offset", "value", "says"),
    [
        (24, 1000, "unpacks to more than the 1000 bytes it declares"),  # a false, small size
        (24, 4_000_000, "is cut short"),  # a false, large size
        (16, 12345, "fails its CRC check"),  # the right size, the wrong checksum
    ],
)
def test_a_part_that_lies_about_itself_is_refused(offset: int, value: int, says: str) -> None:
    buffer, _ = _package()
    liar = _lie(buffer, "runs.xml", offset, value)
    with zipfile.ZipFile(liar) as archive:
        info = archive.getinfo("runs.xml")
        with pytest.raises(zipfile.BadZipFile, match=says):
            for _chunk in part_chunks(archive, liar, info, 65_536):
                pass
