"""Keys from a resident ID number, and the records sealed with them.

One slow, salted derivation per person, ``scrypt(ID number, village salt,
n, r, p)``, 64 bytes (docs/FEED-FORMAT.md section 4.7)::

    bytes  0-15  the lookup key: which record is the person's (hex in the document)
    bytes 16-47  the AES-256-GCM key that opens the record
    bytes 48-63  a key for deterministic choices: the record's nonce, the
                 order of the family names offered

scrypt is in the standard library (``hashlib.scrypt``, OpenSSL's, which
releases the interpreter lock while it works) and is memory-hard: a guess
costs the guesser 128·n·r bytes of memory as well as the time, which keeps
graphics cards from running thousands of guesses side by side. Argon2id
would do as well but needs a native package on every terminal; scrypt is
already what the technician PIN uses (``kiosk.secret_hash``).

Sealing is deterministic (the nonce is an HMAC of the record): the same
payments give the same bytes, so a rebuild that changes nothing publishes
nothing new, and the demo village is reproducible byte for byte. A nonce
repeats only for the same key and the same record, which then gives the
same ciphertext and reveals nothing more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import zlib
from dataclasses import dataclass

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk import limits
from kiosk.benefits import id_number
from kiosk.benefits.model import Kdf, PersonRecord, SealedRecord

# 32 MiB and 0.1-0.2 s a derivation on the development machine when idle,
# 0.6 s with its two cores shared by a dozen busy processes (docs/FEED-FORMAT.md
# 4.7): a lookup answers within a second even then, and every guess at a
# number costs as much. 2**16 took 1.0 s under that load: too slow.
DEFAULT_N = 2**15
DEFAULT_R = 8
DEFAULT_P = 1
_DERIVED_BYTES = 64
_NONCE_BYTES = 12


class Unreadable(ValueError):
    """A record that the key does not open, or that opens to no valid record."""


@dataclass(frozen=True)
class Keys:
    lookup: str  # hex, as SealedRecord.key
    record: bytes = b""  # AES-256-GCM key
    choice: bytes = b""  # HMAC key for the nonce and the candidates' order

    def __repr__(self) -> str:  # never in a log or a traceback's locals
        return "Keys(…)"

    def pick(self, purpose: bytes) -> bytes:
        """A deterministic 32-byte value for ``purpose``, secret without the number."""
        return hmac.new(self.choice, purpose, hashlib.sha256).digest()


def derive(number: str, kdf: Kdf) -> Keys:
    """The slow step: the person's keys from their ID number (upper-case X)."""
    if not id_number.is_valid(number):
        raise ValueError("not a valid resident ID number")  # the number itself is never in a message
    material = hashlib.scrypt(
        number.upper().encode("ascii"),
        salt=base64.b64decode(kdf.salt),
        n=kdf.n,
        r=kdf.r,
        p=kdf.p,
        maxmem=limits.SCRYPT_MAX_MEMORY + 8 * 1024 * 1024,  # OpenSSL counts a little beyond 128·n·r
        dklen=_DERIVED_BYTES,
    )
    return Keys(lookup=material[:16].hex(), record=material[16:48], choice=material[48:])


def seal(record: PersonRecord, keys: Keys) -> SealedRecord:
    plain = zlib.compress(msgspec.json.encode(record), 9)
    nonce = keys.pick(b"nonce" + plain)[:_NONCE_BYTES]
    sealed = nonce + AESGCM(keys.record).encrypt(nonce, plain, keys.lookup.encode("ascii"))
    return SealedRecord(key=keys.lookup, sealed=base64.b64encode(sealed).decode("ascii"))


def open_record(sealed: SealedRecord, keys: Keys) -> PersonRecord:
    """The record, or Unreadable (a wrong key, a damaged or oversized record)."""
    if len(sealed.sealed) > limits.SEALED_RECORD_CHARS:
        raise Unreadable(f"sealed record of {len(sealed.sealed)} characters, more than {limits.SEALED_RECORD_CHARS}")
    try:
        data = base64.b64decode(sealed.sealed, validate=True)
        plain = AESGCM(keys.record).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], sealed.key.encode("ascii"))
    except (binascii.Error, InvalidTag, ValueError):
        raise Unreadable("the key does not open this record") from None
    inflate = zlib.decompressobj()
    try:
        text = inflate.decompress(plain, limits.OPENED_RECORD_BYTES)
    except zlib.error:
        raise Unreadable("the opened record is not compressed data") from None
    if inflate.unconsumed_tail or not inflate.eof:
        raise Unreadable(f"the opened record is more than {limits.OPENED_RECORD_BYTES} bytes")
    if limits.json_problem(text, limits.OPENED_RECORD_BYTES):
        raise Unreadable("the opened record nests too deep")
    try:
        return msgspec.json.decode(text, type=PersonRecord)
    except msgspec.DecodeError as exc:  # ValidationError included
        raise Unreadable(f"the opened record is not valid: {exc}") from None
