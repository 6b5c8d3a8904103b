"""Passphrase-sealed files: scrypt key derivation and AES-256-GCM in authenticated chunks.

This is the envelope of the officer handover package. Nothing here is
home-made cryptography: scrypt, AES-GCM and HMAC come from the `cryptography`
package; this module only fixes the layout.

    header   magic "CDHNDOVR", version, KDF id (1 = scrypt), log2(n), r, p,
             16-byte random salt, 12-byte random base nonce, chunk size
    check    HMAC-SHA256 of the header under a key derived with the data key
    chunks   AES-256-GCM of each `chunk size` slice of the plaintext; the last
             chunk is always shorter than a full one (possibly empty)

Each chunk's nonce is the base nonce plus its index; its associated data is
the header, the index and a final flag. So the header cannot be altered, chunks
cannot be reordered, dropped or duplicated, and a file cut short is detected
(it lacks its final chunk). The check value tells a wrong passphrase from a
damaged file before any chunk is decrypted. Memory stays bounded by one chunk.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from chapterdesk.errors import BadInputError

MAGIC = b"CDHNDOVR"
VERSION = 1
KDF_SCRYPT = 1
DEFAULT_LOG2N = 17  # 128 MiB and about half a second: costly to guess, fine to open once
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
_HEADER = struct.Struct(">8sHBBBB16s12sI")
_CHECK_SIZE = 32


class SealError(BadInputError):
    """A sealed file cannot be opened: wrong passphrase, damaged, cut short, or not one at all."""


def _keys(passphrase: str, salt: bytes, log2n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=1 << log2n, r=r, p=p).derive(
        passphrase.encode("utf-8")
    )
    return material[:32], material[32:]


def _check_value(mac_key: bytes, header: bytes) -> bytes:
    mac = hmac.HMAC(mac_key, hashes.SHA256())
    mac.update(header)
    return mac.finalize()


def _nonce(base: bytes, index: int) -> bytes:
    counter = (int.from_bytes(base[4:], "big") + index) % (1 << 64)
    return base[:4] + counter.to_bytes(8, "big")


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def seal(
    read: Callable[[int], bytes],
    out: BinaryIO,
    passphrase: str,
    *,
    log2n: int = DEFAULT_LOG2N,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Encrypt everything `read(n)` yields into `out`; returns the plaintext's length.

    Args:
        read: a file's `read`, returning b"" at the end.
        log2n: scrypt's cost, log2 of n (15 or more).
    """
    salt, base = os.urandom(16), os.urandom(12)
    header = _HEADER.pack(MAGIC, VERSION, KDF_SCRYPT, log2n, 8, 1, salt, base, chunk_size)
    data_key, mac_key = _keys(passphrase, salt, log2n, 8, 1)
    aead = AESGCM(data_key)
    out.write(header + _check_value(mac_key, header))
    index = total = 0
    block = _read_full(read, chunk_size)
    while True:
        following = _read_full(read, chunk_size) if len(block) == chunk_size else b""
        final = len(block) < chunk_size
        out.write(aead.encrypt(_nonce(base, index), block, _aad(header, index, final)))
        total += len(block)
        index += 1
        if final:
            return total
        block = following


def _read_full(read: Callable[[int], bytes], size: int) -> bytes:
    parts, wanted = [], size
    while wanted > 0:
        part = read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def unseal(source: BinaryIO, write: Callable[[bytes], object], passphrase: str, name: str) -> int:
    """Decrypt a sealed file into `write`, chunk by chunk; returns the plaintext's length.

    The caller must treat what was written as untrusted until this returns: a
    damaged or cut-short file raises only when the bad chunk is reached.

    Raises:
        SealError: not a sealed file, an unsupported version or cost, the wrong
            passphrase, a damaged or altered chunk, or a file cut short.
    """
    header = source.read(_HEADER.size)
    if len(header) < _HEADER.size or not header.startswith(MAGIC):
        raise SealError(f"{name} is not a ChapterDesk handover file.")
    _, version, kdf, log2n, r, p, salt, base, chunk_size = _HEADER.unpack(header)
    if version != VERSION or kdf != KDF_SCRYPT:
        raise SealError(
            f"{name} is a handover file of a newer format (version {version}); "
            "update ChapterDesk to open it."
        )
    if not (15 <= log2n <= 20 and 1 <= r <= 16 and 1 <= p <= 4 and 4096 <= chunk_size <= 1 << 24):
        raise SealError(f"{name} has a damaged or unsupported header; ask for a new handover file.")
    check = source.read(_CHECK_SIZE)
    data_key, mac_key = _keys(passphrase, salt, log2n, r, p)
    verifier = hmac.HMAC(mac_key, hashes.SHA256())
    verifier.update(header)
    try:
        verifier.verify(check)
    except InvalidSignature:
        raise SealError(
            f"The passphrase does not open {name} (or its header was altered); "
            "check the passphrase file. Nothing was written."
        ) from None
    aead = AESGCM(data_key)
    index = total = 0
    while True:
        sealed = _read_full(source.read, chunk_size + TAG_SIZE)
        final = len(sealed) < chunk_size + TAG_SIZE
        if not sealed:
            raise SealError(
                f"{name} is incomplete (it ends early, after {total:,} bytes); copy it again "
                "or ask for a new handover file. Nothing was written."
            )
        try:
            plain = aead.decrypt(_nonce(base, index), sealed, _aad(header, index, final))
        except InvalidTag:
            what = "is cut short or damaged" if final else "is damaged or was altered"
            raise SealError(
                f"{name} {what} (part {index + 1} failed its check); copy it again or ask "
                "for a new handover file. Nothing was written."
            ) from None
        write(plain)
        total += len(plain)
        index += 1
        if final:
            if source.read(1):
                raise SealError(
                    f"{name} has data after its end, so it was altered; "
                    "ask for a new handover file. Nothing was written."
                )
            return total
