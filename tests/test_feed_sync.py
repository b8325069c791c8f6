"""The sync client against a real HTTP server on 127.0.0.1: the normal path,
the issue's threat model (each case leaves the last good snapshot), server
faults and slow servers, and the wrong-clock rule.

Cases using ``feed_server`` also run against nginx with
VILLAGE_KIOSK_TEST_NGINX=1; ``fault_server`` cases need the Python server.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time

import httpx
import msgspec
import pytest

from kiosk import limits
from kiosk.feed import keys, verify
from kiosk.feed.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    SIGNATURE_NAME,
    FileEntry,
    FileKind,
    PackEntry,
    blob_path,
    decode_manifest,
    pack_path,
    sha256_hex,
)
from kiosk.feed.outcome import EXIT_STATUS, Failed, OutcomeKind, Rejected
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from kiosk.snapshot import MediaMissing
from support.feed_fixtures import (
    FAST,
    OTHER_VILLAGE,
    VILLAGE,
    Feed,
    Publisher,
    damage_blob,
    install_tree,
    touch,
    tree_manifest,
    write_village,
)
from support.feedserver import Fault, FeedServer

UPDATED, UP_TO_DATE, REJECTED, FAILED = OutcomeKind.UPDATED, OutcomeKind.UP_TO_DATE, OutcomeKind.REJECTED, OutcomeKind.FAILED


def synced(feed: Feed, revision: int = 0, **build_options) -> int:
    """Publish and sync one version successfully; its version number."""
    version = feed.publish(revision, **build_options).manifest.version
    result = feed.sync()
    assert result.kind is UPDATED, result.message
    return version


# ---------------------------------------------------------------- normal path


def test_first_sync_then_unchanged_poll_is_one_small_request(feed):
    feed.publish()
    first = feed.sync()
    assert first.kind is UPDATED
    assert first.message.startswith("updated empty store → v1, 11 files, ")
    assert first.files == 11 and first.exit_status == EXIT_STATUS[UPDATED]
    feed.assert_holds(1)

    again = feed.sync()
    assert again.kind is UP_TO_DATE and again.message == "up to date v1"
    assert again.requests == 1
    assert again.bytes_received < 1024
    assert again.exit_status == 0
    assert feed.store.last_outcome().message == "up to date v1"


def test_one_month_change_fetches_only_that_month(feed):
    synced(feed)
    feed.publish(revision=1)
    result = feed.sync()
    assert result.kind is UPDATED and result.message.startswith("updated v1 → v2, 1 files")
    assert result.files == 1
    # manifest, signature and the one changed finance month
    assert result.requests == 3
    manifest = tree_manifest(feed.served)
    changed = next(e for e in manifest.files if e.name == "finance/2025-03.json")
    assert result.bytes_fetched == changed.size
    feed.assert_holds(2)


def test_the_manifest_lists_documents_and_the_media_index_the_media(feed):
    built = feed.publish(village_options={"media": 40})
    signed = decode_manifest((feed.served / "manifest.json").read_bytes())
    assert signed.format == 2 and {e.kind.value for e in signed.files} == {"document"}
    assert len((feed.served / "manifest.json").read_bytes()) < 2500  # 40 pictures or 4,000: the same
    index = (feed.served / "blobs" / signed.media_index.sha256).read_bytes()
    assert sha256_hex(index) == signed.media_index.sha256 and len(json.loads(index)) == 40
    assert [e for e in built.manifest.files if e.kind.value == "media"] == [
        e for e in tree_manifest(feed.served).files if e.kind.value == "media"
    ]
    assert feed.sync().kind is UPDATED
    feed.server.log.clear()
    feed.publish(revision=1, village_options={"media": 40})  # a day's bookkeeping, no new picture
    assert feed.sync().kind is UPDATED
    assert not [p for p in feed.server.log if p.endswith(signed.media_index.sha256)]  # the index held is reused
    feed.assert_holds(2)
    snapshot = feed.store.snapshot()
    assert len({ref.sha256 for entry in snapshot.finance_entries() for ref in entry.receipts}) > 1


@pytest.mark.parametrize("damage", ["tampered", "not-a-list"])
def test_a_bad_media_index_is_rejected(feed, damage):
    synced(feed)
    feed.publish(revision=1, village_options={"media_seed": "new"}, pack=False)
    path = feed.served / "manifest.json"
    signed = decode_manifest(path.read_bytes())
    index = feed.served / "blobs" / signed.media_index.sha256
    if damage == "tampered":
        index.write_bytes(index.read_bytes().replace(b"[[", b"[ [", 1)[:-1])  # same size, other bytes
        expected = "media index: content does not match"
    else:
        # Signed as it is, but not a list of [sha256, size]: the platform's mistake.
        bad = b'{"media": []}'
        (feed.served / "blobs" / sha256_hex(bad)).write_bytes(bad)
        raw = path.read_bytes().replace(signed.media_index.sha256.encode(), sha256_hex(bad).encode())
        raw = raw.replace(f'"size":{signed.media_index.size}}}'.encode(), f'"size":{len(bad)}}}'.encode())
        path.write_bytes(raw)
        (feed.served / "manifest.sig").write_bytes(keys.sign(feed.publisher.private, raw))
        touch(path)
        expected = "bad manifest: media index"
    result = feed.sync()
    assert result.kind is REJECTED and expected in result.message, result.message
    feed.assert_holds(1)


def test_a_version_published_within_the_same_second_as_the_last_is_not_missed(tmp_path, feed_server):
    """nginx's ETag is the file's mtime in whole seconds and its length: a
    manifest of the same length built into the web root within the second
    of the previous one was answered 304 and the terminal stayed behind."""
    if isinstance(feed_server, FeedServer):
        feed_server.etag_like_nginx = True  # the normal pass: as nginx would answer
    for attempt in range(3):
        feed = Feed(tmp_path / str(attempt), feed_server)
        try:
            write_village(feed.src)
            feed.publisher.build(feed.served, feed.src)  # v1: the chain's first link has no predecessor
            village = feed.src / "village.json"
            village.write_bytes(village.read_bytes().replace(b"2025-03-31", b"2025-03-29"))
            time.sleep(1.02 - time.time() % 1)  # all of what follows inside one second
            feed.publisher.build(feed.served, feed.src)  # v2, straight into the web root
            feed.revision_of.update({1: 0, 2: 0, 3: 0})
            assert feed.sync().kind is UPDATED
            # The data's date moves on by a day: the same length, no published record changed.
            village.write_bytes(village.read_bytes().replace(b"2025-03-29", b"2025-03-30"))
            first = feed.served / MANIFEST_NAME
            first_written, first_length = first.stat().st_mtime, len(first.read_bytes())
            feed.publisher.build(feed.served, feed.src)
            if int(time.time()) != int(first_written):
                continue  # the second ended before the second build: try again
            assert len(first.read_bytes()) == first_length
            result = feed.sync()
            assert result.kind is UPDATED and result.message.startswith("updated v2 → v3"), result.message
            feed.assert_holds(3)
            return
        finally:
            feed.store.close()
    pytest.fail("could not publish twice within one second here")


def test_snapshot_switches_and_previous_media_stay_readable(feed):
    synced(feed, village_options={"media_seed": "a"})
    old = feed.store.snapshot()
    old_photo = old.projects[0].photos[0].sha256
    synced(feed, revision=1, village_options={"media_seed": "b"})
    new = feed.store.snapshot()
    assert new.info.version == 2 and new.projects[0].photos[0].sha256 != old_photo
    # The snapshot still on screen keeps its pictures until the next update.
    assert old.media.read(old_photo)


# ---------------------------------------------------------------- threat model


def test_tampered_document_blob_is_rejected(feed):
    synced(feed)
    feed.publish(revision=1)
    manifest = tree_manifest(feed.served)
    month = next(e for e in manifest.files if e.name == "finance/2025-03.json")
    blob = feed.served / "blobs" / month.sha256
    blob.write_bytes(blob.read_bytes().replace(b"10000", b"90000"))
    result = feed.sync()
    assert result.kind is REJECTED
    assert "finance/2025-03.json" in result.message and "SHA-256" in result.message
    assert result.exit_status == EXIT_STATUS[REJECTED]
    feed.assert_holds(1)


@pytest.mark.parametrize("pack", [False, True], ids=["blob", "pack"])
def test_tampered_media_blob_is_rejected(feed, pack):
    synced(feed)
    feed.publish(revision=1, village_options={"media_seed": "new"}, pack=pack)
    manifest = tree_manifest(feed.served)
    target = next(e for e in manifest.files if e.kind.value == "media" and not feed.store.has_blob(e.sha256))
    damaged = [(feed.served / "blobs" / target.sha256, 100)]
    if pack:  # in the pack too (after the members before it): the pack is given up, the blob refused
        members = manifest.pack_members()
        damaged.append((feed.served / pack_path(manifest.pack.sha256), 100 + sum(m.size for m in members[: members.index(target)])))
    for path, offset in damaged:
        data = bytearray(path.read_bytes())
        data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    result = feed.sync()
    assert result.kind is REJECTED and target.name in result.message and "SHA-256" in result.message, result.message
    feed.assert_holds(1)


def test_tampered_manifest_is_rejected(feed):
    synced(feed)
    feed.publish(revision=1)
    path = feed.served / "manifest.json"
    # A forger jumps the version far ahead to lock out the real updates.
    raw = path.read_bytes()
    assert b'"version":2,' in raw
    path.write_bytes(raw.replace(b'"version":2,', b'"version":900,'))
    touch(path)
    result = feed.sync()
    assert result.kind is REJECTED and result.message.startswith("rejected: bad signature (key ")
    feed.assert_holds(1)


def test_signature_by_unknown_key_is_rejected(feed, tmp_path):
    synced(feed)
    stranger = Publisher(tmp_path, "stranger")
    write_village(feed.src, revision=1)
    stranger.build(feed.tree, feed.src, version=2)
    install_tree(feed.tree, feed.served)
    result = feed.sync()
    assert result.kind is REJECTED
    assert f"unknown key {keys.key_id(stranger.private.public_key())}" in result.message
    feed.assert_holds(1)


def test_rotated_key_is_accepted_when_trusted(feed, tmp_path):
    synced(feed)
    successor = Publisher(tmp_path, "successor")
    write_village(feed.src, revision=1)
    successor.build(feed.tree, feed.src, version=2)
    install_tree(feed.tree, feed.served)
    feed.publisher.keyring = keys.Keyring.load([feed.publisher.pub_path, successor.pub_path])
    assert feed.sync().kind is UPDATED


def test_rollback_to_older_signed_version_is_rejected(feed):
    synced(feed)
    old_tree = feed.base / "v1-tree"
    shutil.copytree(feed.served, old_tree)
    synced(feed, revision=1)
    install_tree(old_tree, feed.served)
    result = feed.sync()
    assert result.kind is REJECTED and result.message == "rejected: rollback to v1 refused (have v2)"
    feed.assert_holds(2)


def test_feed_of_another_village_is_rejected(feed):
    synced(feed)
    other_src = write_village(feed.base / "other-src", code=OTHER_VILLAGE, revision=1)
    feed.publisher.build(feed.base / "other-tree", other_src, version=5)
    install_tree(feed.base / "other-tree", feed.served)
    result = feed.sync()
    assert result.kind is REJECTED and f"village {OTHER_VILLAGE}" in result.message
    feed.assert_holds(1)


def test_terminal_moved_to_another_village_takes_its_feed(feed):
    synced(feed, revision=0)
    synced(feed, revision=1)
    other_src = write_village(feed.base / "other-src", code=OTHER_VILLAGE)
    feed.publisher.build(feed.base / "other-tree", other_src)  # its own v1, below our v2
    install_tree(feed.base / "other-tree", feed.server.root / OTHER_VILLAGE)
    result = Syncer(feed.store, feed.server.url, OTHER_VILLAGE, feed.publisher.keyring, FAST).sync_once()
    assert result.kind is UPDATED, result.message
    assert feed.store.snapshot().village.code == OTHER_VILLAGE


def test_signed_but_invalid_data_is_rejected(feed):
    synced(feed)
    feed.publish(revision=1, pack=False)  # the manifest is edited below; a pack would no longer match it
    # The platform signs a broken document: signature checks pass, validation must not.
    raw = (feed.served / "manifest.json").read_bytes()
    manifest = decode_manifest(raw)
    broken = b'{"projects": [{"id": "x"}]}'
    digest = sha256_hex(broken)
    (feed.served / "blobs" / digest).write_bytes(broken)
    entry = next(e for e in manifest.files if e.name == "projects.json")
    raw = raw.replace(entry.sha256.encode(), digest.encode()).replace(
        f'"sha256":"{digest}","size":{entry.size}'.encode(), f'"sha256":"{digest}","size":{len(broken)}'.encode()
    )
    (feed.served / "manifest.json").write_bytes(raw)
    (feed.served / "manifest.sig").write_bytes(keys.sign(feed.publisher.private, raw))
    touch(feed.served / "manifest.json")
    result = feed.sync()
    assert result.kind is REJECTED and "invalid data in v2: projects.json" in result.message
    feed.assert_holds(1)


def _sync_once_command(feed: Feed) -> subprocess.CompletedProcess:
    """``village-kiosk sync --once`` in a process of its own, as a terminal's timer runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "sync",
            "--once",
            "--allow-http",
            "--platform",
            feed.server.url,
            "--village",
            VILLAGE,
            "--pubkey",
            str(feed.publisher.pub_path),
            "--store",
            str(feed.base / "store"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_a_signed_document_nested_100000_deep_is_rejected_with_one_line(feed):
    """Unknown fields are ignored, but not before their depth is known: the
    decoder recurses, and sync --once crashed (exit 1, no outcome line)."""
    synced(feed)
    notices = json.loads((feed.src / "notices.json").read_bytes())
    deep = json.dumps(notices, ensure_ascii=False)[:-1].encode() + b', "appendix": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    version = feed.publish_documents({"notices.json": deep})
    feed.store.close()  # the command opens the store itself
    done = _sync_once_command(feed)
    assert done.returncode == EXIT_STATUS[REJECTED], done.stderr
    assert (
        done.stdout.splitlines()[-1]
        == f"rejected: invalid data in v{version}: notices.json: $: nested 100001 levels deep, more than the 32 allowed"
    )
    feed.store = Store(feed.base / "store")
    feed.assert_holds(1)


def test_a_signed_manifest_nested_deep_is_rejected(feed):
    synced(feed)
    raw = (feed.served / MANIFEST_NAME).read_bytes()
    raw = raw[:-1] + b',"future":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    (feed.served / MANIFEST_NAME).write_bytes(raw)
    (feed.served / SIGNATURE_NAME).write_bytes(keys.sign(feed.publisher.private, raw))
    touch(feed.served / MANIFEST_NAME)
    result = feed.sync()
    assert result.kind is REJECTED
    assert result.message == "rejected: bad manifest: no usable key_id (nested 50001 levels deep, more than the 32 allowed)"
    feed.assert_holds(1)


def test_a_document_larger_than_a_document_may_be_is_refused_before_it_is_fetched(faulty):
    synced(faulty)
    signed = decode_manifest((faulty.served / MANIFEST_NAME).read_bytes())
    files = [msgspec.structs.replace(e, size=limits.MAX_DOCUMENT_BYTES + 1) if e.name == "notices.json" else e for e in signed.files]
    _resign(faulty, files=files, version=2, pack=None)
    faulty.server.log.clear()
    result = faulty.sync()
    assert result.kind is REJECTED
    assert (
        result.message
        == f"rejected: bad manifest: files[4] 'notices.json': {limits.MAX_DOCUMENT_BYTES + 1} bytes, more than the {limits.MAX_DOCUMENT_BYTES} a document may have"
    )
    assert not [p for p in faulty.server.log if "/blobs/" in p]
    faulty.assert_holds(1)


@pytest.mark.parametrize(("field", "limit"), [("title", limits.LINE_CHARS), ("body", limits.BODY_CHARS)])
def test_a_signed_text_longer_than_its_limit_is_rejected_naming_document_and_field(feed, field, limit):
    synced(feed)
    notices = json.loads((feed.src / "notices.json").read_bytes())
    notices["notices"][0][field] = "垚" * (limit + 1)
    version = feed.publish_documents({"notices.json": json.dumps(notices, ensure_ascii=False).encode()})
    result = feed.sync()
    assert result.kind is REJECTED
    assert result.message == f"rejected: invalid data in v{version}: notices.json: $.notices[0].{field}: expected str of length <= {limit}"
    feed.assert_holds(1)


def test_freeze_expired_feed_is_refused_and_old_data_goes_stale(tmp_path, feed_server):
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock = {"now": start}
    feed = Feed(tmp_path, feed_server, wall=lambda: clock["now"])
    try:
        feed.publish(now=start - dt.timedelta(days=1), expires_days=30)
        assert feed.sync().kind is UPDATED
        assert not feed.store.is_stale(feed.store.snapshot().info)
        # An attacker freezes the terminal on a version that has since expired.
        feed.publish(revision=1, now=start, expires_days=30)
        clock["now"] = start + dt.timedelta(days=31)
        result = feed.sync()
        assert result.kind is REJECTED and "v2 expired at" in result.message
        feed.assert_holds(1)
        assert feed.store.is_stale(feed.store.snapshot().info)
    finally:
        feed.store.close()


def test_mix_and_match_signature_of_another_version_is_rejected(feed):
    synced(feed)
    old_signature = (feed.served / "manifest.sig").read_bytes()
    feed.publish(revision=1)
    (feed.served / "manifest.sig").write_bytes(old_signature)
    result = feed.sync()
    assert result.kind is REJECTED and "bad signature" in result.message
    feed.assert_holds(1)


def test_mix_and_match_blob_of_another_version_is_rejected(feed):
    synced(feed)
    old = tree_manifest(feed.served)
    old_month = next(e for e in old.files if e.name == "finance/2025-03.json")
    old_bytes = (feed.served / "blobs" / old_month.sha256).read_bytes()
    feed.publish(revision=1)
    new = tree_manifest(feed.served)
    new_month = next(e for e in new.files if e.name == "finance/2025-03.json")
    # A confused cache serves last version's month under this version's name.
    (feed.served / "blobs" / new_month.sha256).write_bytes(old_bytes)
    result = feed.sync()
    assert result.kind is REJECTED and "finance/2025-03.json" in result.message
    feed.assert_holds(1)


def test_giant_manifest_is_refused_without_reading_it_all(feed):
    synced(feed)
    (feed.served / "manifest.json").write_bytes(b" " * (MAX_MANIFEST_BYTES + 10))
    touch(feed.served / "manifest.json")
    result = feed.sync()
    assert result.kind is REJECTED and "manifest.json" in result.message and "allowed" in result.message
    assert result.bytes_received < 64 * 1024  # refused on its announced length
    feed.assert_holds(1)


def test_blob_larger_than_its_manifest_size_is_refused(feed):
    synced(feed)
    feed.publish(revision=1)
    manifest = tree_manifest(feed.served)
    month = next(e for e in manifest.files if e.name == "finance/2025-03.json")
    with (feed.served / "blobs" / month.sha256).open("ab") as blob:
        blob.write(b" " * 1_000_000)
    result = feed.sync()
    assert result.kind is REJECTED and "allowed" in result.message
    assert result.bytes_received < 100_000
    feed.assert_holds(1)


@pytest.mark.parametrize("target", ["manifest.json", "blob"])
def test_endless_body_is_cut_at_the_cap(faulty, target):
    synced(faulty)
    faulty.publish(revision=1)
    if target == "blob":
        manifest = tree_manifest(faulty.served)
        target = next(e for e in manifest.files if e.name == "finance/2025-03.json").sha256
    faulty.server.fault(target, Fault("endless"))
    result = faulty.sync()
    assert result.kind is REJECTED and "larger than" in result.message
    faulty.assert_holds(1)


# ---------------------------------------------------------------- slow and failing servers


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["trickle", "stall"])
def test_slow_server_is_bounded_by_timeouts(faulty, kind):
    synced(faulty)
    faulty.publish(revision=1)
    manifest = tree_manifest(faulty.served)
    month = next(e for e in manifest.files if e.name == "finance/2025-03.json")
    faulty.server.fault(month.sha256, Fault(kind, delay=0.05 if kind == "trickle" else 30, times=1))
    started = time.monotonic()
    result = faulty.sync(timeouts=Timeouts(connect=0.5, read=0.5, min_rate=2000))
    elapsed = time.monotonic() - started
    assert result.kind is FAILED
    assert ("too slow" if kind == "trickle" else "timed out") in result.message
    assert elapsed < 15  # not a benchmark: a hang would take 30 s (stall) or ~60 s (trickle)
    faulty.assert_holds(1)
    assert faulty.sync().kind is UPDATED  # once the server behaves


@pytest.mark.slow
@pytest.mark.parametrize("target", ["manifest.json", "blob"])
def test_headers_trickled_a_byte_at_a_time_are_bounded_by_the_whole_request_budget(faulty, target):
    """Each byte comes well within the read timeout, so httpx alone waits
    for as long as the server likes: the budget covers the whole request."""
    synced(faulty)
    faulty.publish(revision=1)
    if target == "blob":
        target = next(e for e in tree_manifest(faulty.served).files if e.name == "finance/2025-03.json").sha256
    faulty.server.fault(target, Fault("slow-headers", delay=0.05))  # 13 s of headers
    started = time.monotonic()
    result = faulty.sync(timeouts=Timeouts(connect=0.5, read=1, min_rate=1e6))
    elapsed = time.monotonic() - started
    assert result.kind is FAILED and result.message.endswith(": too slow, gave up after 2 s"), result.message
    assert elapsed < 8  # not a benchmark: unbounded, the headers alone took 13 s
    faulty.assert_holds(1)


@pytest.mark.slow
def test_a_pack_far_slower_than_a_village_link_is_given_up_at_once_for_the_blobs(faulty, caplog):
    """At 100 bytes/s the pack's own budget (size / 2 KiB/s) would be 20 s
    here, 45 minutes for a 5 MB pack; below the pack rate it goes at once."""
    manifest = faulty.publish(village_options={"media": 6, "media_size": 6000}).manifest
    faulty.server.fault(manifest.pack.sha256, Fault("trickle", delay=0.01, times=1))
    timeouts = Timeouts(connect=0.5, read=2, min_rate=2048, pack_rate=16384)
    assert timeouts.budget(manifest.pack.size) > 20
    result = faulty.sync(timeouts=timeouts)
    assert result.kind is UPDATED, result.message
    assert (
        f'event=feed.pack_unusable reason="{pack_path(manifest.pack.sha256)}: too slow, below the 16384 bytes/s a pack must keep (after '
        in caplog.text
    )
    faulty.assert_holds(1)


@pytest.mark.parametrize(
    ("fault", "where", "kind", "expected"),
    [
        (Fault("status", status=500, times=1), "manifest.json", FAILED, "failed: manifest.json: HTTP 500"),
        (Fault("status", status=503, times=1), "manifest.sig", FAILED, "failed: manifest.sig: HTTP 503"),
        (Fault("status", status=404, times=1), "blob", FAILED, ": HTTP 404"),
        (Fault("reset", times=1), "blob", FAILED, "Error ("),
        (Fault("truncate", times=1), "blob", FAILED, "RemoteProtocolError"),
        (Fault("tamper", times=1), "blob", REJECTED, "SHA-256"),
    ],
    ids=["500-manifest", "503-signature", "404-blob", "reset", "truncated", "tampered-in-flight"],
)
def test_server_errors_fail_cleanly_and_a_later_retry_completes(faulty, fault, where, kind, expected):
    synced(faulty, village_options={"media_seed": "a"})
    faulty.publish(revision=1, village_options={"media_seed": "b"}, pack=False)  # packs: below
    manifest = tree_manifest(faulty.served)
    media = [e for e in manifest.files if e.kind.value == "media" and not faulty.store.has_blob(e.sha256)]
    if where == "blob":
        where = media[-1].sha256  # fetched last: the others are already stored
    faulty.server.fault(where, fault)
    result = faulty.sync()
    assert result.kind is kind and expected in result.message, result.message
    faulty.assert_holds(1)

    faulty.server.log.clear()
    retry = faulty.sync()
    assert retry.kind is UPDATED, retry.message
    faulty.assert_holds(2)
    if where == media[-1].sha256:
        # Resumed: blobs stored by the failed attempt are not fetched again.
        assert [path for path in faulty.server.log if "/blobs/" in path] == [f"/{VILLAGE}/blobs/{where}"]


# ---------------------------------------------------------------- packs


def _members(*contents: bytes) -> list[FileEntry]:
    return [FileEntry(name=f"media/{sha256_hex(data)}", sha256=sha256_hex(data), size=len(data), kind=FileKind.MEDIA) for data in contents]


def _checked(members: list[FileEntry], chunks: list[bytes]) -> verify.PackCheck:
    check = verify.PackCheck(members)
    for chunk in chunks:
        check.feed(chunk)
    return check


@pytest.mark.parametrize("chunk", [1, 3, 7, 100], ids=lambda c: f"chunks-of-{c}")
def test_a_pack_is_checked_member_by_member_whatever_the_chunks(chunk):
    parts = [b"aaaaa", b"", b"bbbbbbbbb", b"c"]
    members = _members(*parts)
    pack = b"".join(parts)
    check = _checked(members, [pack[i : i + chunk] for i in range(0, len(pack), chunk)])
    check.finish()
    assert check.complete == [(members[0], 0), (members[1], 5), (members[2], 5), (members[3], 14)]


def test_a_pack_with_a_wrong_member_or_too_many_bytes_is_refused_and_a_short_one_cut():
    members = _members(b"aaaa", b"bbbb")
    with pytest.raises(Rejected, match=f"{members[1].name}: content does not match"):
        _checked(members, [b"aaaabbbX"])
    with pytest.raises(Rejected, match="more bytes than its members"):
        _checked(members, [b"aaaabbbbX"])
    cut = _checked(members, [b"aaaab"])
    assert cut.complete == [(members[0], 0)]  # the whole member before the cut is good
    with pytest.raises(Failed, match=f"cut short before {members[1].name}"):
        cut.finish()


def test_first_sync_takes_every_file_in_one_pack(faulty):
    built = faulty.publish(village_options={"media": 6})
    pack = built.manifest.pack
    assert pack is not None and pack.size == sum(e.size for e in built.manifest.pack_members())
    assert [e.kind.value for e in built.manifest.pack_members()] == ["document"] * 8 + ["media"] * 6  # documents first
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert result.requests == 4  # manifest, signature, media index, one pack
    assert [p for p in faulty.server.log if "/packs/" in p] == [f"/{VILLAGE}/{pack_path(pack.sha256)}"]
    faulty.assert_holds(1)
    snapshot = faulty.store.snapshot()
    photo = snapshot.projects[0].photos[0].sha256
    assert sha256_hex(snapshot.media.read(photo)) == photo


@pytest.mark.slow
def test_the_documents_are_in_hand_before_the_pack_has_brought_the_media(feed):
    from kiosk.feed import update
    from kiosk.feed.sync import HttpFeed, feed_url

    # Large enough that the receiving thread's lead on the checking one
    # (a few batches of a megabyte) is small beside it.
    manifest = feed.publish(village_options={"media": 30, "media_size": 1_000_000}).manifest
    received, seen_at = [0], []

    class Counting(HttpFeed):
        def stream_pack(self, pack):
            for chunk in super().stream_pack(pack):
                received[0] += len(chunk)
                yield chunk

    def documents_ready(fresh):
        seen_at.append(received[0])
        assert {e.sha256 for e in manifest.documents()} <= set(fresh)
        for entry in manifest.documents():
            assert sha256_hex(fresh[entry.sha256]) == entry.sha256

    with Counting(feed_url(feed.server.url, VILLAGE), httpx.Client, FAST) as source:
        count, _ = update.fetch_missing(feed.store, manifest, source, on_documents=documents_ready)
    assert count == len(manifest.blobs())
    documents = sum(e.size for e in manifest.documents())
    assert len(seen_at) == 1 and documents <= seen_at[0] < manifest.pack.size / 2  # long before the pictures are in


def _resign(feed: Feed, **changes) -> None:
    """Publish the served manifest again with ``changes``, validly signed."""
    path = feed.served / MANIFEST_NAME
    raw = msgspec.json.encode(msgspec.structs.replace(decode_manifest(path.read_bytes()), **changes))
    path.write_bytes(raw)
    (feed.served / SIGNATURE_NAME).write_bytes(keys.sign(feed.publisher.private, raw))
    touch(path)


def test_a_pack_that_does_not_add_up_is_given_up_not_the_version(faulty, caplog):
    """An independent publisher put the media index in the pack too: the
    pack is 754 bytes longer than its members. A pack is only a faster way
    to the blobs, so the version is taken blob by blob."""
    manifest = faulty.publish(village_options={"media": 6}).manifest
    members = manifest.pack_members()
    documents = [m for m in members if m.kind is FileKind.DOCUMENT]
    blob = lambda sha256: (faulty.served / blob_path(sha256)).read_bytes()  # noqa: E731
    pack = b"".join(
        [*(blob(m.sha256) for m in documents), blob(manifest.media_index.sha256), *(blob(m.sha256) for m in members[len(documents) :])]
    )
    (faulty.served / pack_path(sha256_hex(pack))).write_bytes(pack)
    _resign(faulty, pack=PackEntry(sha256=sha256_hex(pack), size=len(pack)))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert f'event=feed.pack_unusable reason="pack: {len(pack)} bytes, its members make {manifest.pack.size}"' in caplog.text
    assert not [p for p in faulty.server.log if "/packs/" in p]
    faulty.assert_holds(1)


def test_a_few_new_pictures_come_one_by_one_not_in_the_pack(faulty):
    synced(faulty, village_options={"media": 6})
    manifest = faulty.publish(revision=1, village_options={"media": 7}).manifest  # one picture more
    faulty.server.log.clear()
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    media = {e.sha256 for e in manifest.pack_members() if e.kind.value == "media"}
    fetched = [p for p in faulty.server.log if "/packs/" in p or p.rsplit("/", 1)[1] in media]
    assert len(fetched) == 1 and "/blobs/" in fetched[0]  # the new one only, not the pack
    faulty.assert_holds(2)


# A pack smaller and larger than a batch of the writing threads (1 MiB).
PACK_SIZES = pytest.mark.parametrize("media_size", [3000, 400_000], ids=["small", "large"])


@PACK_SIZES
@pytest.mark.parametrize(
    "fault",
    [Fault("status", status=404), Fault("reset", times=1), Fault("truncate", times=1)],
    ids=["pack-gone", "reset", "truncated"],
)
def test_a_pack_that_fails_leaves_the_rest_to_single_files_in_the_same_sync(faulty, fault, media_size):
    synced(faulty, village_options={"media_seed": "a", "media": 6, "media_size": media_size})
    manifest = faulty.publish(revision=1, village_options={"media_seed": "b", "media": 6, "media_size": media_size}).manifest
    assert manifest.pack is not None
    wanted = set(faulty.store.missing(manifest))  # the changed documents, six pictures
    faulty.server.fault(manifest.pack.sha256, fault)
    faulty.server.log.clear()
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    faulty.assert_holds(2)
    # Before the documents: the media index, and the change log (the pictures were swapped: corrections).
    read_first = (manifest.media_index.sha256, manifest.changes.sha256)
    fetched_one_by_one = [p for p in faulty.server.log if "/blobs/" in p and not p.endswith(read_first)]
    assert {p.rsplit("/", 1)[1] for p in fetched_one_by_one} <= wanted
    if fault.kind == "truncate":
        # Cut off, not broken: the rest of the pack was asked for, nothing came twice.
        assert fetched_one_by_one == [] and [path for path, _start in faulty.server.ranges] == [
            f"/{VILLAGE}/{pack_path(manifest.pack.sha256)}"
        ]
    else:
        assert len(fetched_one_by_one) == len(wanted)


@PACK_SIZES
@pytest.mark.parametrize("where", ["first", "middle"])
def test_a_pack_with_wrong_bytes_is_given_up_for_the_blobs(faulty, where, media_size):
    """A broken copy of the pack on a mirror must not stop a first sync:
    the members checked before the damage stay, the rest come one by one,
    each checked on its own."""
    manifest = faulty.publish(village_options={"media": 6, "media_size": media_size}).manifest
    members = manifest.pack_members()
    bad = members[0] if where == "first" else members[len(members) // 2]
    path = faulty.served / pack_path(manifest.pack.sha256)
    data = bytearray(path.read_bytes())
    data[sum(m.size for m in members[: members.index(bad)])] ^= 1
    path.write_bytes(bytes(data))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    faulty.assert_holds(1)
    one_by_one = {p.rsplit("/", 1)[1] for p in faulty.server.log if "/blobs/" in p} - {manifest.media_index.sha256}
    assert one_by_one == {m.sha256 for m in members[members.index(bad) :]}


@pytest.mark.slow
def test_a_large_pack_that_falls_silent_midway_times_out_and_the_blobs_complete_the_sync(faulty, caplog):
    manifest = faulty.publish(village_options={"media": 6, "media_size": 400_000}).manifest
    faulty.server.fault(manifest.pack.sha256, Fault("pause", delay=FAST.read + 1.5, times=1))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert "event=feed.pack_unusable" in caplog.text and "timed out" in caplog.text
    one_by_one = {p.rsplit("/", 1)[1] for p in faulty.server.log if "/blobs/" in p} - {manifest.media_index.sha256}
    members = manifest.pack_members()
    assert 0 < len(one_by_one) < len(members)  # the members before the silence were kept
    faulty.assert_holds(1)


@pytest.mark.parametrize("framing", ["gzip", "chunked"])
def test_a_large_pack_framed_by_the_server_goes_through_the_parser(faulty, framing):
    """Only a body sent as it is may be read off the wire past the HTTP
    parser: compressed, or chunked (whatever Content-Length says beside
    it), every member would look damaged and the pack be given up."""
    manifest = faulty.publish(village_options={"media": 6, "media_size": 400_000}).manifest
    faulty.server.fault(manifest.pack.sha256, Fault(framing))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert not [p for p in faulty.server.log if "/blobs/" in p and not p.endswith(manifest.media_index.sha256)]
    faulty.assert_holds(1)


def test_large_pictures_fetched_one_by_one_keep_the_connection(faulty):
    from kiosk.feed.sync import HttpFeed, feed_url

    manifest = faulty.publish(village_options={"media": 2, "media_size": 1_500_000}).manifest
    pictures = [e for e in manifest.files if e.kind is FileKind.MEDIA]
    with HttpFeed(feed_url(faulty.server.url, VILLAGE), httpx.Client, FAST) as source:
        for entry in pictures:
            assert sha256_hex(source.fetch(entry)) == entry.sha256
    assert len(faulty.server.peers) == 2 and len(set(faulty.server.peers)) == 1


def test_a_picture_sent_compressed_is_taken_though_larger_on_the_wire(faulty):
    synced(faulty, village_options={"media": 6})
    manifest = faulty.publish(revision=1, village_options={"media": 7}).manifest  # one picture more
    for sha256 in faulty.store.missing(manifest):  # the changed month and the new picture
        faulty.server.fault(sha256, Fault("gzip"))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    faulty.assert_holds(2)


def test_a_large_first_sync_counts_every_byte_it_received(feed):
    manifest = feed.publish(village_options={"media": 6, "media_size": 400_000}).manifest
    result = feed.sync()
    assert result.kind is UPDATED, result.message
    assert result.requests == 4  # manifest, signature, media index, pack
    requested = [MANIFEST_NAME, SIGNATURE_NAME, blob_path(manifest.media_index.sha256), pack_path(manifest.pack.sha256)]
    files = sum((feed.served / name).stat().st_size for name in requested)
    assert files <= result.bytes_received <= files + 4 * 400  # and each response's headers
    feed.assert_holds(1)


def test_an_endless_pack_is_cut_at_its_size_and_given_up(faulty, caplog):
    synced(faulty, village_options={"media_seed": "a"})
    manifest = faulty.publish(revision=1, village_options={"media_seed": "b"}).manifest
    faulty.server.fault(manifest.pack.sha256, Fault("endless"))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert "event=feed.pack_unusable" in caplog.text and "larger than" in caplog.text
    # The pack read up to its size (and a chunk), then the blobs it would have brought.
    assert result.bytes_received < 2 * manifest.pack.size + 2 * 65536 + 40_000
    faulty.assert_holds(2)


def test_unreachable_server_fails(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    try:
        synced(feed)
        feed.server.stop()
        result = feed.sync()
        assert result.kind is FAILED and "ConnectError" in result.message
        feed.assert_holds(1)
    finally:
        feed.store.close()


def test_damaged_store_blob_is_repaired_by_the_next_poll(feed):
    synced(feed)
    snapshot = feed.store.snapshot()
    photo = snapshot.projects[0].photos[0].sha256
    damage_blob(feed.store, photo)  # bit rot
    with pytest.raises(MediaMissing):
        snapshot.media.read(photo)
    result = feed.sync()
    assert result.kind is UP_TO_DATE and result.message.startswith("up to date v1 (repaired 1 files")
    assert snapshot.media.read(photo)
    feed.assert_holds(1)


# ---------------------------------------------------------------- the clock


def test_clock_behind_generation_time_accepts_fresh_data_and_still_goes_stale(tmp_path, feed_server):
    wrong_wall = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)  # booted with no real-time clock
    uptime = {"s": 0.0}
    feed = Feed(tmp_path, feed_server, wall=lambda: wrong_wall, monotonic=lambda: uptime["s"])
    try:
        generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        feed.publish(now=generated, expires_days=30)
        result = feed.sync()
        assert result.kind is UPDATED  # not refused as "from the future"
        assert feed.store.now() >= generated
        assert feed.store.clock.behind_by() > dt.timedelta(days=365 * 20)  # for ``doctor``
        info = feed.store.snapshot().info
        assert not feed.store.is_stale(info)

        uptime["s"] = 31 * 86400.0  # a month of running, the wall clock still says 2001
        assert feed.store.is_stale(info)

        # The bound survives a restart (saved with each attempt).
        feed.sync()
        feed.store.close()
        uptime["s"] = 0.0
        reopened = Store(feed.base / "store", wall=lambda: wrong_wall, monotonic=lambda: uptime["s"])
        assert reopened.now() >= generated + dt.timedelta(days=31)
        assert reopened.is_stale(reopened.snapshot().info)
        reopened.close()
    finally:
        feed.store.close()


def test_clock_set_in_the_future_is_not_persisted(tmp_path, feed_server):
    wall = {"now": dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)}
    feed = Feed(tmp_path, feed_server, wall=lambda: wall["now"])
    try:
        feed.publish(now=dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1), expires_days=3660)
        assert feed.sync().kind is UPDATED
        feed.store.close()
        wall["now"] = dt.datetime.now(dt.UTC)  # the technician fixed the clock
        reopened = Store(feed.base / "store", wall=lambda: wall["now"])
        assert reopened.now() - wall["now"] < dt.timedelta(days=1)
        reopened.close()
    finally:
        feed.store.close()


def test_manifest_served_pretty_printed_fails_signature_not_parse(feed):
    """The signature covers the exact bytes: re-serialising breaks it."""
    synced(feed)
    feed.publish(revision=1)
    path = feed.served / "manifest.json"
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=2))
    touch(path)
    result = feed.sync()
    assert result.kind is REJECTED and "bad signature" in result.message
    feed.assert_holds(1)


# ---------------------------------------------------------------- a village's link: cut off, resumed


def test_a_pack_cut_off_midway_is_resumed_where_it_stopped(faulty):
    """A mobile link that drops midway: the rest of the pack is asked for
    with a Range request, so no byte comes twice."""
    built = faulty.publish(village_options={"media": 6, "media_size": 200_000})
    pack = built.manifest.pack
    faulty.server.fault(pack_path(pack.sha256), Fault("truncate", times=1))  # half, then the connection closes
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert faulty.server.ranges == [(f"/{VILLAGE}/{pack_path(pack.sha256)}", pack.size // 2)]
    assert not [
        p
        for p in faulty.server.log
        if "/blobs/" in p and p.endswith(tuple(e.sha256 for e in built.manifest.files if e.kind.value == "media"))
    ]
    small_files = sum(len((faulty.served / name).read_bytes()) for name in (MANIFEST_NAME, SIGNATURE_NAME))
    media_index = built.manifest.media_index.size
    headers = result.bytes_received - pack.size - small_files - media_index
    assert 0 < headers < 2500, headers  # the five responses' headers: not one byte of the pack twice
    faulty.assert_holds(1)


def test_a_server_that_cannot_resume_leaves_the_rest_to_the_blobs(faulty):
    built = faulty.publish(village_options={"media": 6, "media_size": 200_000})
    pack = built.manifest.pack
    faulty.server.honours_ranges = False  # answers a Range request with the whole file again
    faulty.server.fault(pack_path(pack.sha256), Fault("truncate", times=1))
    result = faulty.sync()
    assert result.kind is UPDATED, result.message
    assert [p for p in faulty.server.log if "/packs/" in p] == [f"/{VILLAGE}/{pack_path(pack.sha256)}"] * 2
    assert any("/blobs/" in p for p in faulty.server.log)  # the rest came one by one, not the whole pack again
    faulty.assert_holds(1)


def test_an_unchanged_poll_is_one_request_on_a_server_that_sends_no_etag(tmp_path):
    """Python's http.server (and many mirrors) send Last-Modified only: the
    poll asks with If-Modified-Since and is answered 304."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    requests: list[tuple[str, str]] = []

    class Counting(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            requests.append((self.path, str(args[1]) if len(args) > 1 else ""))

    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        publisher = Publisher(tmp_path)
        write_village(tmp_path / "src")
        publisher.build(tmp_path / "tree", tmp_path / "src")
        install_tree(tmp_path / "tree", root / VILLAGE)
        with Store(tmp_path / "store") as store:
            syncer = Syncer(store, f"http://127.0.0.1:{server.server_address[1]}", VILLAGE, publisher.keyring, FAST)
            assert syncer.sync_once().kind is UPDATED
            requests.clear()
            again = syncer.sync_once()
        assert again.kind is UP_TO_DATE and again.requests == 1, again.message
        assert requests == [(f"/{VILLAGE}/{MANIFEST_NAME}", "304")]
        assert again.bytes_received < 1024
    finally:
        server.shutdown()
        server.server_close()


def test_plain_http_is_refused_where_it_was_not_allowed_even_after_a_redirect(feed):
    """Every request the sync makes -- the platform's and any redirect's --
    is checked: with allow_http off not one goes out over plain http."""
    feed.publish()
    syncer = Syncer(feed.store, feed.server.url, VILLAGE, feed.publisher.keyring, FAST, allow_http=False)
    result = syncer.sync_once()
    assert result.kind is REJECTED and "refused plain http" in result.message, result.message
    assert feed.server.log == []
