"""The officer handover package: the chapter moves whole, and nothing else gets in or out."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from chapterdesk.errors import BadInputError
from chapterdesk.sealing import SealError, seal, unseal
from chapterdesk.services.safety.handover import export_handover, import_handover
from tests.safety.conftest import digest, mode, query, table_counts

PASSPHRASE = "correct horse battery staple"
FAST = 15  # scrypt cost for tests that are not about the cost itself


def package(demo_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "handover.cdh"
    export_handover(str(demo_path), target, PASSPHRASE, log2n=FAST)
    return target


def test_handover_moves_the_chapter_to_a_new_laptop_from_the_command_line(
    cli,
    demo_path: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    sealed = tmp_path / "usb" / "great-lakes.cdh"
    done = cli(
        "handover",
        "export",
        "-o",
        str(sealed),
        "--passphrase-file",
        str(secret),
        "--db",
        str(demo_path),
    )
    assert done.returncode == 0, done.stderr
    assert mode(sealed) == 0o600
    assert b"Great Lakes" not in sealed.read_bytes() and b"SQLite format" not in sealed.read_bytes()

    laptop = tmp_path / "new-laptop" / "ChapterDesk" / "chapter.sqlite3"
    opened = cli(
        "handover",
        "import",
        str(sealed),
        "--passphrase-file",
        str(secret),
        "--db",
        str(laptop),
        "--json",
    )
    assert opened.returncode == 0, opened.stderr
    assert table_counts(laptop) == table_counts(demo_path)
    for table in (
        "chapter_settings",
        "chapter_membership",
        "hq_member",
        "officer_term",
        "audit_log",
    ):
        assert query(laptop, f"SELECT * FROM {table} ORDER BY 1") == query(
            demo_path, f"SELECT * FROM {table} ORDER BY 1"
        )
    assert mode(laptop) == 0o600

    again = cli(
        "handover", "import", str(sealed), "--passphrase-file", str(secret), "--db", str(laptop)
    )
    assert again.returncode == 2 and "--force" in again.stderr


@pytest.mark.parametrize("damage", ["wrong passphrase", "flipped byte", "cut short", "appended"])
def test_a_bad_package_or_passphrase_writes_nothing(
    demo_path: Path, tmp_path: Path, damage: str
) -> None:
    sealed = package(demo_path, tmp_path)
    data = bytearray(sealed.read_bytes())
    passphrase = PASSPHRASE
    if damage == "wrong passphrase":
        passphrase = "correct horse battery stapler"
        expected = "passphrase does not open"
    elif damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
        expected = "damaged or was altered|cut short or damaged"
    elif damage == "cut short":
        del data[len(data) - 5000 :]
        expected = "cut short or damaged|incomplete"
    else:
        data += b"extra"
        expected = "cut short or damaged|data after its end"
    sealed.write_bytes(bytes(data))
    target = tmp_path / "elsewhere" / "chapter.sqlite3"
    with pytest.raises(SealError, match=expected):
        import_handover(sealed, str(target), passphrase)
    assert not (tmp_path / "elsewhere").exists()


def test_force_replaces_an_existing_database_after_backing_it_up(
    demo_path: Path, db_path: Path, tmp_path: Path
) -> None:
    sealed = package(demo_path, tmp_path)
    before = digest(db_path)
    with pytest.raises(BadInputError, match="already holds a database"):
        import_handover(sealed, str(db_path), PASSPHRASE)
    assert digest(db_path) == before
    result = import_handover(sealed, str(db_path), PASSPHRASE, force=True)
    assert result.previous_saved_as is not None
    assert query(result.previous_saved_as, "SELECT name FROM chapter_settings") == [
        ("Test Chapter",)
    ]
    assert table_counts(db_path) == table_counts(demo_path)
    assert result.manifest.members == len(
        query(demo_path, "SELECT 1 FROM chapter_membership WHERE left_on IS NULL")
    )


def test_short_or_empty_passphrases_are_refused(cli, demo_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    short = tmp_path / "short.txt"
    short.write_text("eleven char\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    out = tmp_path / "h.cdh"
    done = cli(
        "handover",
        "export",
        "-o",
        str(out),
        "--passphrase-file",
        str(short),
        "--db",
        str(demo_path),
    )
    assert done.returncode == 2 and "at least 12" in done.stderr
    done = cli(
        "handover",
        "export",
        "-o",
        str(out),
        "--passphrase-file",
        str(empty),
        "--db",
        str(demo_path),
    )
    assert done.returncode == 2 and "is empty" in done.stderr
    assert not out.exists()


def chunks(sealed: bytes, header: int, size: int) -> list[bytes]:
    body = sealed[header:]
    return [body[i : i + size + 16] for i in range(0, len(body), size + 16)]


def test_chunks_cannot_be_dropped_reordered_or_cut_at_a_boundary() -> None:
    plain = os.urandom(4096 * 3 + 100)
    out = io.BytesIO()
    seal(io.BytesIO(plain).read, out, PASSPHRASE, log2n=FAST, chunk_size=4096)
    sealed = out.getvalue()
    header = 46 + 32
    parts = chunks(sealed, header, 4096)
    assert len(parts) == 4  # three full chunks and a short final one

    back = io.BytesIO()
    unseal(io.BytesIO(sealed), back.write, PASSPHRASE, "x.cdh")
    assert back.getvalue() == plain

    swapped = sealed[:header] + parts[1] + parts[0] + parts[2] + parts[3]
    at_boundary = sealed[:header] + b"".join(parts[:3])
    dropped = sealed[:header] + parts[0] + parts[2] + parts[3]
    for bad, why in ((swapped, "altered"), (at_boundary, "incomplete"), (dropped, "altered")):
        with pytest.raises(SealError, match=why):
            unseal(io.BytesIO(bad), io.BytesIO().write, PASSPHRASE, "x.cdh")


def test_an_exact_multiple_of_the_chunk_size_round_trips() -> None:
    for plain in (b"", os.urandom(8192)):
        out = io.BytesIO()
        seal(io.BytesIO(plain).read, out, PASSPHRASE, log2n=FAST, chunk_size=4096)
        back = io.BytesIO()
        unseal(io.BytesIO(out.getvalue()), back.write, PASSPHRASE, "x.cdh")
        assert back.getvalue() == plain
