"""The chain of a village's versions (docs/FEED-PROTOCOL.md section 16).

Every manifest names the one before it by the SHA-256 of its exact bytes
(and carries its signature), and the publisher serves each manifest's
bytes as a blob. A terminal takes a new version only if, following these
links back, it arrives at the version it holds, byte for byte: data once
published cannot be replaced by a history rewritten and signed again
without every terminal that held it noticing (a *fork*). Following the
links costs one small request per version skipped and never a version's
documents; each version's change log comes with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec

from kiosk.feed import keys, verify
from kiosk.feed.changes import BadChangeLog, ChangeLog, decode_log
from kiosk.feed.manifest import BadManifest, FileEntry, Link, Manifest, decode_manifest, sha256_hex
from kiosk.feed.outcome import Failed, Rejected
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

# A terminal with no history of its own (new, or moved to another village)
# takes the change logs of the past year, at most this many versions back.
BACKFILL_DAYS = 366
BACKFILL_VERSIONS = 400


@dataclass(frozen=True)
class Step:
    """One version of the chain: its manifest's exact bytes and signature,
    and its change log once fetched."""

    raw: bytes
    signature: bytes
    manifest: Manifest
    log: ChangeLog | None = None
    log_raw: bytes | None = field(default=None, repr=False)

    @property
    def version(self) -> int:
        return self.manifest.version

    @property
    def sha256(self) -> str:
        return sha256_hex(self.raw)


@dataclass(frozen=True)
class Held:
    """The head of the chain a terminal holds."""

    version: int
    sha256: str
    chained: bool  # its manifest names its predecessor (a chain has begun)

    @classmethod
    def of(cls, raw: bytes, manifest: Manifest) -> Held:
        return cls(manifest.version, sha256_hex(raw), manifest.chained)


class ForkRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A version refused because it does not extend the chain held: what
    the doctor, the heartbeat and the technician menu report."""

    held_version: int
    held_sha256: str
    offered_version: int
    offered_sha256: str
    detail: str
    at: dt.datetime

    @property
    def message(self) -> str:
        return (
            f"fork: v{self.offered_version} (sha256 {self.offered_sha256}) does not extend "
            f"v{self.held_version} (sha256 {self.held_sha256}) held here: {self.detail}"
        )


class Fork(Rejected):
    """The offered version does not extend the chain held."""

    def __init__(self, record: ForkRecord):
        super().__init__(record.message)
        self.record = record


Fetch = Callable[[FileEntry], bytes]


def fork_of(held: Held, head: Step, detail: str, now: dt.datetime) -> Fork:
    return Fork(
        ForkRecord(
            held_version=held.version,
            held_sha256=held.sha256,
            offered_version=head.version,
            offered_sha256=head.sha256,
            detail=detail,
            at=now,
        )
    )


def extend(head: Step, held: Held, fetch: Fetch, keyring: keys.Keyring, now: dt.datetime) -> list[Step]:
    """The versions after ``held`` up to ``head``, oldest first, each with
    its change log. Raises Fork when ``head``'s chain does not pass through
    ``held``, Rejected for a broken link, Failed when one cannot be had now.
    A held version from a publisher without chains is extended by any
    chain that begins after it."""
    steps = [head]
    while True:
        step = steps[-1]
        link = step.manifest.previous
        if not isinstance(link, Link):
            if not held.chained and step.version > held.version:
                break  # the chain begins after what is held: nothing to extend
            what = "names no version before it" if link is None else "is not part of a chain"
            raise fork_of(held, head, f"v{step.version} {what}", now)
        if link.version == held.version:
            if link.sha256 != held.sha256:
                raise fork_of(held, head, f"its chain has v{link.version} with sha256 {link.sha256}", now)
            break
        if link.version < held.version:
            raise fork_of(held, head, f"its chain goes from v{step.version} to v{link.version}, past v{held.version}", now)
        steps.append(_follow(link, step, fetch, keyring))
    steps.reverse()
    return [_with_log(step, fetch) for step in steps]


def backfill(head: Step, fetch: Fetch, keyring: keys.Keyring, now: dt.datetime) -> list[Step]:
    """For a terminal with no history: ``head`` and the versions before it
    published within ``BACKFILL_DAYS`` (at most ``BACKFILL_VERSIONS``),
    oldest first, each with its change log. Going back stops quietly where
    a link cannot be had (a USB stick with only the newest version): this
    history is a courtesy, the data does not depend on it."""
    since = now - dt.timedelta(days=BACKFILL_DAYS)
    return _back(
        head, fetch, keyring, lambda step, count: count <= BACKFILL_VERSIONS and step.manifest.generated_at >= since, tolerant=True
    )


def whole(head: Step, fetch: Fetch, keyring: keys.Keyring) -> list[Step]:
    """Every version of ``head``'s chain, oldest first, each checked with
    its change log (the publisher's ``feed verify``)."""
    return _back(head, fetch, keyring, lambda _step, _count: True, tolerant=False)


def _back(head: Step, fetch: Fetch, keyring: keys.Keyring, wanted: Callable[[Step, int], bool], tolerant: bool) -> list[Step]:
    steps = [_with_log(head, fetch)]
    while isinstance(link := steps[-1].manifest.previous, Link):
        try:
            step = _with_log(_follow(link, steps[-1], fetch, keyring), fetch)
        except (Failed, Rejected) as exc:
            if not tolerant:
                raise
            log_event(log, "history.backfill_stopped", logging.WARNING, before=steps[-1].version, error=exc)
            break
        if not wanted(step, len(steps)):
            break
        steps.append(step)
    steps.reverse()
    return steps


def _follow(link: Link, successor: Step, fetch: Fetch, keyring: keys.Keyring) -> Step:
    """The version ``link`` names, fetched and checked: its bytes against
    the link's hash, its rules, its village, and its signature when the key
    that made it is still trusted (the link, signed by a trusted key, vouches
    for it anyway: a key retired since does not break the chain)."""
    entry = link.entry()
    try:
        raw = fetch(entry)
    except Failed as exc:  # e.g. a USB stick with only the newest version's blobs
        raise Failed(f"{entry.name}: {exc}") from None
    verify.check_blob(entry, raw)
    try:
        manifest = decode_manifest(raw)
    except BadManifest as exc:
        raise Rejected(f"bad manifest: {entry.name}: {exc}") from None
    if manifest.version != link.version or manifest.village != successor.manifest.village:
        raise Rejected(f"bad manifest: {entry.name} is v{manifest.version} of village {manifest.village}")
    signature = link.signature.encode()
    if manifest.key_id in keyring.ids():
        try:
            keyring.verify(manifest.key_id, raw, signature)
        except keys.BadSignature:
            raise Rejected(f"bad signature: {entry.name} (key {manifest.key_id})") from None
    return Step(raw, signature, manifest)


def _with_log(step: Step, fetch: Fetch) -> Step:
    ref = step.manifest.changes
    if ref is None:
        return step
    entry = ref.entry(step.version)
    raw = fetch(entry)
    verify.check_blob(entry, raw)
    try:
        change_log = decode_log(raw, step.manifest.village, step.version)
    except BadChangeLog as exc:
        raise Rejected(f"bad change log: {exc}") from None
    assert isinstance(step.manifest.previous, Link)  # the manifest's rules: a change log comes with a link
    if change_log.previous != step.manifest.previous.version:
        raise Rejected(f"bad change log: v{step.version}'s log is against v{change_log.previous}, not v{step.manifest.previous.version}")
    return Step(step.raw, step.signature, step.manifest, change_log, raw)
