"""History that cannot be quietly rewritten (issue 19): corrections need a
reason, terminals keep what they had and show it, every version extends
the chain of the ones before, a terminal far behind catches up through it,
keys rotate mid-chain, and the terminal's copy is evidence anyone with the
publisher's public keys can check."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from kiosk.corrections_view import history_line
from kiosk.disclosure_view import date_zh
from kiosk.feed import changes, history, keys, publish
from kiosk.feed.history import BEIJING
from kiosk.feed.manifest import MANIFEST_NAME, SIGNATURE_NAME, decode_manifest, sha256_hex
from kiosk.feed.outcome import OutcomeKind
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer
from kiosk.ops.heartbeat import HeartbeatReporter, TerminalStatus
from support.feed_fixtures import FAST, VILLAGE, Feed, Publisher, edit_document, install_tree, touch, write_notes, write_village

UPDATED, UP_TO_DATE, REJECTED = OutcomeKind.UPDATED, OutcomeKind.UP_TO_DATE, OutcomeKind.REJECTED
VERIFIER = Path(__file__).parent / "data" / "verify_history.py"
ENTRY = "f2025-03-1"  # a March expense of the test village: 100.01 元
# Two months ago: the versions of a test follow day by day, all still valid (EXPIRES).
START = (dt.datetime.now(dt.UTC) - dt.timedelta(days=60)).replace(hour=2, minute=0, second=0, microsecond=0)
EXPIRES = 400


def day(n: int) -> dt.datetime:
    """The publication time of the n-th day of the test: versions in order."""
    return START + dt.timedelta(days=n)


def zh(n: int) -> str:
    """The n-th day as the screens write it."""
    return date_zh(day(n).astimezone(BEIJING).date())


def amount(entry_id: str, fen: int):
    month = entry_id[1:8]

    def edit(src: Path) -> None:
        def change(document):
            next(e for e in document["entries"] if e["id"] == entry_id)["amount_fen"] = fen

        edit_document(src, f"finance/{month}.json", change)

    return edit


def without_entry(entry_id: str):
    def edit(src: Path) -> None:
        edit_document(
            src, f"finance/{entry_id[1:8]}.json", lambda d: d["entries"].remove(next(e for e in d["entries"] if e["id"] == entry_id))
        )

    return edit


ROWS = [
    ["刘桂英", "三组", "2", "4313**********0426"],
    ["陈满秋", "五组", "1", "4313**********1873"],
    ["王德胜", "一组", "3", "4313**********5512"],
]


def allowance_list(rows: list[list[str]]):
    def edit(src: Path) -> None:
        def change(document):
            document["disclosures"] = [
                {
                    "id": "dibao-2025q1",
                    "kind": "allowance",
                    "title": "2025年第一季度低保对象公示",
                    "publicity_start": "2025-03-10",
                    "publicity_end": "2025-03-16",
                    "columns": ["户主", "组别", "家庭人口", "身份证号"],
                    "rows": rows,
                }
            ]

        edit_document(src, "disclosures.json", change)

    return edit


def both(*edits):
    def edit(src: Path) -> None:
        for one in edits:
            one(src)

    return edit


# ------------------------------------------------------------ 1, 2: a changed amount


@pytest.mark.slow
def test_build_refuses_a_changed_amount_without_a_note_and_signs_the_note(tmp_path):
    publisher = Publisher(tmp_path)
    src, out = write_village(tmp_path / "src"), tmp_path / "out"
    key = str(publisher.key_dir / "feed.key")
    assert _build_command(src, out, key).returncode == 0
    first = (out / MANIFEST_NAME).read_bytes()
    amount(ENTRY, 15_000)(src)

    refused = _build_command(src, out, key)
    error = refused.stderr
    assert refused.returncode == 4
    assert f"finance:{ENTRY} changes (amount_fen 10001 → 15000)" in error and "corrections.json" in error, error
    assert (out / MANIFEST_NAME).read_bytes() == first  # nothing published

    today = dt.datetime.now(dt.UTC).astimezone(BEIJING).date()
    write_notes(src, {f"finance:{ENTRY}": "报账时金额录错，按发票更正。"}, today)
    built = _build_command(src, out, key)
    assert built.returncode == 0 and "1 corrections" in built.stdout, built.stderr
    raw = (out / MANIFEST_NAME).read_bytes()
    publisher.keyring.verify(publisher.keyring.ids()[0], raw, (out / SIGNATURE_NAME).read_bytes())
    manifest = decode_manifest(raw)
    assert manifest.previous.sha256 == sha256_hex(first) and manifest.previous.version == 1
    data = (out / "blobs" / manifest.changes.sha256).read_bytes()
    assert sha256_hex(data) == manifest.changes.sha256  # the note is in a blob the signed manifest names
    [entry] = changes.decode_log(data, VILLAGE, 2).changes
    assert (entry.record, entry.reason, entry.date) == (f"finance:{ENTRY}", "报账时金额录错，按发票更正。", today)
    assert json.loads(bytes(entry.before))["amount_fen"] == 10_001 and json.loads(bytes(entry.after))["amount_fen"] == 15_000

    # The note was for that build: the next build that changes nothing refuses it.
    left_over = _build_command(src, out, key)
    assert left_over.returncode == 4 and "has a correction note but is not changed" in left_over.stderr


def _build_command(src: Path, out: Path, key: str) -> subprocess.CompletedProcess:
    """``village-kiosk feed build`` in a process of its own, as a publisher runs it."""
    command = [sys.executable, "-m", "kiosk.cli", "feed", "build", str(src), str(out), "--key", key]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_a_note_left_over_from_an_earlier_correction_is_refused(tmp_path):
    publisher = Publisher(tmp_path)
    src, out = write_village(tmp_path / "src"), tmp_path / "out"
    publisher.build(out, src, expires_days=EXPIRES, now=day(10))
    amount(ENTRY, 15_000)(src)
    write_notes(src, {f"finance:{ENTRY}": "旧的说明。"}, day(3).date())  # dated before v1 was published
    with pytest.raises(publish.PublishError, match="left over from an earlier correction"):
        publisher.build(out, src, expires_days=EXPIRES, now=day(11))


def test_the_terminal_keeps_the_old_amount_and_shows_it_with_the_reason(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    feed.publish(expires_days=EXPIRES, now=day(1), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "报账时金额录错，按发票更正。"})
    assert feed.sync().kind is UPDATED
    snapshot = feed.store.snapshot()
    assert snapshot.finance_entry(ENTRY).amount_fen == 15_000
    [entry] = snapshot.history.of(f"finance:{ENTRY}")
    assert (entry.correction.before.amount_fen, entry.correction.after.amount_fen, entry.version) == (10_001, 15_000, 2)
    assert history_line(entry) == f"修改记录：{zh(1)} 金额由100.01元改为150.00元。更正说明：报账时金额录错，按发票更正。"


def test_a_version_changing_an_amount_without_a_change_log_is_refused(feed):
    """A platform that signs whatever it is given (not through feed build)."""
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    month = json.loads((feed.src / "finance/2025-03.json").read_bytes())
    next(e for e in month["entries"] if e["id"] == ENTRY)["amount_fen"] = 99_000
    version = feed.publish_documents({"finance/2025-03.json": json.dumps(month).encode()})
    result = feed.sync()
    assert result.kind is REJECTED
    assert result.message == f"rejected: v{version}: finance:{ENTRY} is changed in a way no change log lists"
    feed.assert_holds(1)


# ------------------------------------------------------------ a withdrawn disclosure row


def test_a_name_taken_off_a_published_list_stays_on_record(feed):
    feed.publish(expires_days=EXPIRES, now=day(0), edit=allowance_list(ROWS))
    assert feed.sync().kind is UPDATED
    reason = "经村务监督委员会核实，陈满秋家庭收入已超过低保标准。"
    feed.publish(expires_days=EXPIRES, now=day(2), edit=allowance_list([ROWS[0], ROWS[2]]), notes={"disclosure:dibao-2025q1": reason})
    assert feed.sync().kind is UPDATED
    snapshot = feed.store.snapshot()
    assert len(snapshot.disclosure("dibao-2025q1").rows) == 2
    [entry] = snapshot.history.of("disclosure:dibao-2025q1")
    assert entry.correction.before.rows == ROWS
    assert history_line(entry) == f"修改记录：{zh(2)} 名单删去1条（陈满秋 五组 1 4313**********1873）。更正说明：{reason}"


def test_a_withdrawn_list_and_a_withdrawn_entry_stay_on_record(feed):
    feed.publish(expires_days=EXPIRES, now=day(0), edit=allowance_list(ROWS))
    assert feed.sync().kind is UPDATED

    def no_list(src: Path) -> None:
        edit_document(src, "disclosures.json", lambda d: d.update(disclosures=[]))

    notes = {"disclosure:dibao-2025q1": "公示对象有误，重新评议后另行公示。", f"finance:{ENTRY}": "与另一笔重复录入。"}
    feed.publish(expires_days=EXPIRES, now=day(3), edit=both(no_list, without_entry(ENTRY)), notes=notes)
    assert feed.sync().kind is UPDATED
    kept = feed.store.snapshot().history
    assert [e.correction.key for e in kept.withdrawn("disclosure")] == ["disclosure:dibao-2025q1"]
    [entry] = kept.of(f"finance:{ENTRY}")
    assert entry.withdrawn and entry.correction.before.amount_fen == 10_001
    assert history_line(entry) == f"已撤下：{zh(3)} 支出100.01元，购买办公用品（撤下原因：与另一笔重复录入。）"


def test_personal_numbers_in_a_correction_are_masked_where_the_terminal_keeps_it(feed):
    """The old list and the reason are shown like the documents: masked when
    the snapshot is made, whether the history comes with an update or is
    read back from the store."""
    rows = [["刘桂英", "三组", "2", "431322196803120426"], ["陈满秋", "五组", "1", "431322197511031873"]]
    feed.publish(expires_days=EXPIRES, now=day(0), edit=allowance_list(rows))
    assert feed.sync().kind is UPDATED
    reason = "陈满秋（电话13907381234）家庭收入已超过低保标准。"
    feed.publish(expires_days=EXPIRES, now=day(2), edit=allowance_list(rows[:1]), notes={"disclosure:dibao-2025q1": reason})
    result = feed.sync()
    assert result.kind is UPDATED and result.snapshot is not None
    with Store(feed.store.directory) as restarted:
        for snapshot in (result.snapshot, restarted.snapshot()):
            assert snapshot is not None
            [entry] = snapshot.history.of("disclosure:dibao-2025q1")
            assert entry.correction.reason == "陈满秋（电话139****1234）家庭收入已超过低保标准。"
            assert [row[3] for row in entry.correction.before.rows] == ["4313**********0426", "4313**********1873"]
        # The signed change log keeps the record as published (the evidence); the terminal shows it masked.
        [log] = [bytes(row[6]) for row in restarted.evidence_rows() if row[6] is not None]
        assert b"431322197511031873" in log


def test_a_terminal_masking_otherwise_than_the_publisher_still_takes_a_corrected_list(feed, monkeypatch):
    """Terminals and the publisher's machine run different releases, and
    masking rules change between releases: a change log is checked against
    the data through the terminal's own masking, never the publisher's."""
    from kiosk import privacy

    rows = [["刘桂英", "三组", "2", "431322196803120426"], ["陈满秋", "五组", "1", "431322197511031873"]]
    feed.publish(expires_days=EXPIRES, now=day(0), edit=allowance_list(rows))
    assert feed.sync().kind is UPDATED
    feed.publish(expires_days=EXPIRES, now=day(2), edit=allowance_list(rows[:1]), notes={"disclosure:dibao-2025q1": "收入超标。"})
    shown = privacy.mask_text
    # The terminal, restarted on a release that masks with another rule than the publisher's.
    monkeypatch.setattr(privacy, "mask_text", lambda text, public=frozenset(): shown(text, public).replace("*", "#"))
    feed.store.close()
    feed.store = Store(feed.store.directory)
    assert feed.sync().kind is UPDATED
    [entry] = feed.store.snapshot().history.of("disclosure:dibao-2025q1")
    assert entry.correction.before.rows[1][3] == "4313##########1873"


# ------------------------------------------------------------ 3: a forked chain


def test_a_rewritten_history_is_refused_reported_and_the_data_kept(faulty, tmp_path, x_free_config):
    feed = faulty
    feed.publish(expires_days=EXPIRES, now=day(0))
    feed.publish(revision=1, expires_days=EXPIRES, now=day(1))
    assert feed.sync().kind is UPDATED
    held = sha256_hex(feed.store.signed_current()[0])
    # The platform rebuilds its feed from scratch, with v2's figures changed, and signs it again.
    rewritten = tmp_path / "rewritten"
    for number in range(3):
        write_village(feed.src, revision=number)
        amount(ENTRY, 1)(feed.src)  # from its first version on: nothing to correct, no note asked
        feed.publisher.build(rewritten, feed.src, expires_days=EXPIRES, now=day(number))
    install_tree(rewritten, feed.served)
    offered = sha256_hex((rewritten / MANIFEST_NAME).read_bytes())

    result = feed.sync()
    assert result.kind is REJECTED
    assert result.message.startswith(f"rejected: fork: v3 (sha256 {offered}) does not extend v2 (sha256 {held}) held here")
    feed.assert_holds(2)
    assert feed.store.snapshot().finance_entry(ENTRY).amount_fen == 10_001
    fork = feed.store.fork()
    assert (fork.held_sha256, fork.offered_sha256, fork.held_version, fork.offered_version) == (held, offered, 2, 3)
    # The same rewritten version again: refused at once, without following its chain.
    feed.server.log.clear()
    assert feed.sync().kind is REJECTED
    assert not [path for path in feed.server.log if "/blobs/" in path]

    # Reported: the doctor, the heartbeat, the technician menu, each with both hashes.
    from kiosk.live import LiveData
    from kiosk.ops import doctor

    terminal = doctor.Terminal(None, tmp_path / "none.toml", dt.datetime.now(dt.UTC), store=feed.store)
    check = doctor.check_history(terminal)
    assert check.level is doctor.Level.FAIL and held in check.detail and offered in check.detail
    reporter = HeartbeatReporter(x_free_config, tmp_path / "state", lambda: TerminalStatus.from_store(feed.store))
    try:
        sent = reporter.build([], 0).fork
    finally:
        reporter.close()
    assert (sent.held_sha256, sent.offered_sha256) == (held, offered)
    lines = " ".join(LiveData(x_free_config, feed.store.snapshot(), feed.store).status_lines()).replace(" ", "")
    assert held in lines and offered in lines

    # The platform puts its history back and publishes on top of it: taken, the fork over.
    feed.publish(revision=2, expires_days=EXPIRES, now=day(4))
    assert feed.sync().kind is UPDATED
    assert feed.store.fork() is None
    feed.assert_holds(3)


def test_a_version_published_again_with_other_content_is_a_fork(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    shutil.rmtree(feed.tree)
    feed.publish(revision=3, expires_days=EXPIRES, now=day(1))  # v1 again, other content, validly signed
    result = feed.sync()
    assert result.kind is REJECTED and "fork: v1" in result.message and "v1 was published again with other content" in result.message
    held = feed.store.snapshot()
    assert held.info.version == 1 and len(held.finance_month("2025-03").entries) == 2  # revision 0's, not 3's


@pytest.fixture
def x_free_config():
    from kiosk.config import Config, FeedConfig, TerminalConfig

    return Config(feed=FeedConfig(platform="https://platform.example", village=VILLAGE), terminal=TerminalConfig(id="T-1", token="t"))


# ------------------------------------------------------------ 4: catching up over 50 versions


@pytest.mark.slow
def test_a_terminal_50_versions_behind_catches_up_through_the_chain(faulty):
    feed = faulty
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    first_month = "f2025-01-0"
    notes = {
        10: {f"finance:{first_month}": "第一次更正。"},
        30: {f"finance:{first_month}": "第二次更正。"},
        40: {"finance:f2025-02-1": "重复录入，撤下。"},
    }
    for version in range(2, 52):  # a new March entry each day
        edits = [amount(first_month, 12_000 if version < 30 else 13_000)] if version >= 10 else []
        edits += [without_entry("f2025-02-1")] if version >= 40 else []
        feed.publish(revision=version - 1, expires_days=EXPIRES, now=day(version), edit=both(*edits), notes=notes.get(version, {}))
    feed.server.log.clear()

    result = feed.sync()
    assert result.kind is UPDATED and result.message.startswith("updated v1 → v51"), result.message
    feed.assert_holds(51)
    kept = feed.store.snapshot().history
    first = [
        (e.version, e.correction.before.amount_fen, e.correction.after.amount_fen, e.correction.reason)
        for e in kept.of(f"finance:{first_month}")
    ]
    assert first == [(10, 10_000, 12_000, "第一次更正。"), (30, 12_000, 13_000, "第二次更正。")]
    assert [(e.version, e.withdrawn) for e in kept.of("finance:f2025-02-1")] == [(40, True)]
    # Through the chain, not through every version: the 49 manifests between, three change logs,
    # and only the blobs of v51 itself (its changed month; the other documents were held).
    head = decode_manifest((feed.served / MANIFEST_NAME).read_bytes())
    blobs = [path.rsplit("/", 1)[1] for path in feed.server.log if "/blobs/" in path]
    logs = {link.manifest.changes.sha256 for link in _chain(feed.served) if link.manifest.changes is not None}
    chain_manifests = {sha256_hex(link.raw) for link in _chain(feed.served)} - {sha256_hex((feed.served / MANIFEST_NAME).read_bytes())}
    assert len(chain_manifests) == 50 and len(logs) == 3
    assert len(set(blobs) & chain_manifests) == 49  # v2 … v50: v1 is held
    others = set(blobs) - chain_manifests - logs
    assert others <= {entry.sha256 for entry in head.files}, "a document of a version in between was fetched"
    assert len(blobs) == len(set(blobs)) == 49 + 3 + len(others)


def _chain(tree: Path) -> list:
    from kiosk.feed.chain import Step, whole

    raw = (tree / MANIFEST_NAME).read_bytes()
    head = Step(raw, (tree / SIGNATURE_NAME).read_bytes(), decode_manifest(raw))
    return whole(head, lambda entry: (tree / "blobs" / entry.sha256).read_bytes(), keys.Keyring([]))


# ------------------------------------------------------------ 5: key rotation mid-chain


def test_keys_rotate_mid_chain(feed, tmp_path):
    old = feed.publisher
    feed.publish(expires_days=EXPIRES, now=day(0))
    feed.publish(revision=1, expires_days=EXPIRES, now=day(1))
    assert feed.sync().kind is UPDATED  # v2, signed by the old key
    feed.publish(
        revision=2, expires_days=EXPIRES, now=day(2), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "按发票更正。"}
    )  # v3, old key
    successor = Publisher(tmp_path, "successor")
    feed.publisher = successor
    for number in (3, 4, 5):  # v4 … v6, the new key
        feed.publish(revision=number, expires_days=EXPIRES, now=day(number), edit=amount(ENTRY, 15_000), notes={})
    # The terminal was given the new key, and the old one was taken off its list meanwhile.
    result = Syncer(feed.store, feed.server.url, VILLAGE, successor.keyring, FAST).sync_once()
    assert result.kind is UPDATED and result.message.startswith("updated v2 → v6"), result.message
    [entry] = feed.store.snapshot().history.of(f"finance:{ENTRY}")
    assert entry.version == 3  # signed by the old key, vouched for by the chain
    assert decode_manifest(feed.store.signed_current()[0]).key_id == keys.key_id(successor.private.public_key())
    # Both keys' versions are evidence: checked with the publisher's two public keys.
    bundle = _history_json(feed, f"finance:{ENTRY}")
    assert [item["version"] for item in bundle] == [3, 6]
    assert _verify(feed.base, bundle, old.pub_path, successor.pub_path).returncode == 0
    assert publish.verify_tree(feed.served, keys.Keyring.load([old.pub_path, successor.pub_path])).version == 6


def test_a_fork_signed_with_the_new_key_is_still_a_fork(feed, tmp_path):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    successor = Publisher(tmp_path, "successor")
    fresh = tmp_path / "fresh"
    write_village(feed.src, revision=4)
    successor.build(fresh, feed.src, expires_days=EXPIRES, now=day(2), version=7)  # a chain of its own, not through v1
    install_tree(fresh, feed.served)
    result = Syncer(
        feed.store, feed.server.url, VILLAGE, keys.Keyring.load([feed.publisher.pub_path, successor.pub_path]), FAST
    ).sync_once()
    assert result.kind is REJECTED and "fork: v7" in result.message and "v7 names no version before it" in result.message
    feed.assert_holds(1)


# ------------------------------------------------------------ the evidence


def _history_json(feed: Feed, record: str) -> list[dict]:
    done = _history_command(feed, "--record", record, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["versions"]


def _history_command(feed: Feed, *options: str) -> subprocess.CompletedProcess:
    feed.store.close()  # the command opens the store itself
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "feed", "history", "--store", str(feed.store.directory), *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _verify(base: Path, versions: list[dict], *pubkeys: Path) -> subprocess.CompletedProcess:
    bundle = base / "bundle.json"
    bundle.write_text(json.dumps({"format": 1, "village": VILLAGE, "record": f"finance:{ENTRY}", "versions": versions}, ensure_ascii=False))
    # A clean interpreter, nothing of the kiosk's on its path: only the documented format and cryptography.
    return subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(bundle), *map(str, pubkeys)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.slow
def test_feed_history_prints_a_records_versions_verifiable_with_the_public_key_alone(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    feed.publish(expires_days=EXPIRES, now=day(1), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "按发票更正。"})
    feed.publish(expires_days=EXPIRES, now=day(2), edit=amount(ENTRY, 15_500), notes={f"finance:{ENTRY}": "再次核对后更正。"})
    assert feed.sync().kind is UPDATED

    text = _history_command(feed, "--record", ENTRY)
    assert text.returncode == 0, text.stderr
    assert f"changed on {day(1).date()}: amount_fen 10001 → 15000" in text.stdout and "reason: 再次核对后更正。" in text.stdout
    versions = _history_json(feed, ENTRY)
    assert [(item["version"], item["source"], item["value"]["amount_fen"]) for item in versions] == [
        (2, "change_log", 15_000),
        (3, "change_log", 15_500),
        (3, "document", 15_500),
    ]
    checked = _verify(feed.base, versions, feed.publisher.pub_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[-1] == f"OK: 3 versions of finance:{ENTRY}"

    # The checker is not a rubber stamp: a figure changed in the bundle, another key, a swapped log.
    forged = json.loads(json.dumps(versions))
    forged[0]["before"]["amount_fen"] = 9_000
    assert "INVALID: v2: before is not what the signed change log says" in _verify(feed.base, forged, feed.publisher.pub_path).stdout
    stranger = Publisher(feed.base, "stranger")
    assert "not one of the publisher's keys" in _verify(feed.base, versions, stranger.pub_path).stdout
    swapped = json.loads(json.dumps(versions))
    swapped[0]["data"] = swapped[1]["data"]
    assert "is not the one the manifest names" in _verify(feed.base, swapped, feed.publisher.pub_path).stdout

    unknown = _history_command(feed, "--record", "no-such-record")
    assert unknown.returncode == 4 and "no record no-such-record" in unknown.stderr


# ------------------------------------------------------------ 4: history survives


def test_history_survives_a_restart_garbage_collection_and_a_usb_import(tmp_path, feed_server):
    publisher = Publisher(tmp_path)
    feed = Feed(tmp_path / "net", feed_server, publisher)
    feed.publish(expires_days=EXPIRES, now=day(0))
    usb = tmp_path / "usb"
    directory = tmp_path / "terminal"
    with Store(directory) as store:
        assert publish_and_import(feed, usb, store) is UPDATED
    feed.publish(expires_days=EXPIRES, now=day(1), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "按发票更正。"}, pack=False)
    feed.publish(revision=1, expires_days=EXPIRES, now=day(2), edit=amount(ENTRY, 15_000), notes={}, pack=False)
    with Store(directory) as store:
        assert publish_and_import(feed, usb, store) is UPDATED  # v1 → v3 from the stick, through v2's link
        assert [e.version for e in store.snapshot().history.of(f"finance:{ENTRY}")] == [2]
        assert publish_and_import(feed, usb, store) is UP_TO_DATE
    with Store(directory) as store:  # a restart
        assert [e.version for e in store.snapshot().history.of(f"finance:{ENTRY}")] == [2]
        store.collect_garbage()
        feed.publish(revision=2, expires_days=EXPIRES, now=day(3), edit=amount(ENTRY, 15_000), notes={}, pack=False)
        assert publish_and_import(feed, usb, store) is UPDATED
        store.collect_garbage()
        kept = store.snapshot().history
        assert [e.version for e in kept.of(f"finance:{ENTRY}")] == [2] and kept.of(f"finance:{ENTRY}")[
            0
        ].correction.reason == "按发票更正。"
        assert store.verify(publisher.keyring).version == 4


def publish_and_import(feed: Feed, usb: Path, store: Store) -> OutcomeKind:
    from kiosk.feed.import_ import import_tree

    if usb.exists():
        shutil.rmtree(usb)
    shutil.copytree(feed.tree, usb)
    return import_tree(store, usb, feed.publisher.keyring).kind


def test_a_new_terminal_takes_the_corrections_of_the_past_year(feed, tmp_path):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    feed.publish(now=now - dt.timedelta(days=500))
    feed.publish(now=now - dt.timedelta(days=450), edit=amount(ENTRY, 11_000), notes={f"finance:{ENTRY}": "一年多以前的更正。"})
    feed.publish(now=now - dt.timedelta(days=40), edit=amount(ENTRY, 12_000), notes={f"finance:{ENTRY}": "今年的更正。"})
    feed.publish(revision=1, now=now - dt.timedelta(days=1), edit=amount(ENTRY, 12_000), notes={})
    assert feed.sync().kind is UPDATED  # an empty store
    assert [(e.version, e.correction.reason) for e in feed.store.snapshot().history.of(f"finance:{ENTRY}")] == [(3, "今年的更正。")]


def _correct_the_entry(feed, days, fen: int) -> None:
    """For each of ``days``: a version that day setting ENTRY to ``fen`` +
    the day's number, noted "第n次更正。", synced."""
    for number in days:
        feed.publish(
            expires_days=EXPIRES, now=day(number), edit=amount(ENTRY, fen + number), notes={f"finance:{ENTRY}": f"第{number}次更正。"}
        )
        assert feed.sync().kind is UPDATED


def test_the_history_is_bounded_the_oldest_going_first(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    _correct_the_entry(feed, range(1, 5), 20_000)
    kept = history.size(feed.store._db)
    with feed.store._transaction():
        dropped = history.trim(feed.store._db, limit=kept - 1)
    assert dropped == 1
    assert [e.version for e in feed.store.history().of(f"finance:{ENTRY}")] == [3, 4, 5]
    assert history.size(feed.store._db) < kept


def test_each_change_log_is_decoded_once_however_many_versions_follow(feed):
    """A terminal keeps years of change logs: a new version decodes its own,
    not every one kept again (on the thread that syncs while a villager taps)."""
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    _correct_the_entry(feed, range(1, 4), 30_000)
    before = feed.store.history().of(f"finance:{ENTRY}")
    assert [e.version for e in before] == [2, 3, 4]
    kept = history.size(feed.store._db)
    with feed.store._transaction():
        assert history.trim(feed.store._db, limit=kept - 1) == 1
    _correct_the_entry(feed, [4], 30_000)
    after = feed.store.history().of(f"finance:{ENTRY}")
    assert [e.version for e in after] == [3, 4, 5]  # the oldest trimmed away, the newest read
    assert after[0] is before[1] and after[1] is before[2]  # the logs kept were not decoded again
    assert feed.store.snapshot().history.of(f"finance:{ENTRY}")[-1].correction.reason == "第4次更正。"


def test_a_damaged_change_log_is_left_out_and_the_others_kept(feed, caplog):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    _correct_the_entry(feed, (1, 2), 40_000)
    with feed.store._transaction():
        feed.store._db.execute("UPDATE changelog SET data = ? WHERE version = 2", (b'{"village": "broken',))
    feed.store.close()
    store = Store.open(feed.store.directory)  # as the next start reads it
    try:
        assert [e.version for e in store.history().of(f"finance:{ENTRY}")] == [3]
        assert [e.version for e in store.snapshot().history.of(f"finance:{ENTRY}")] == [3]
    finally:
        store.close()
    assert "event=history.log_unreadable" in caplog.text and "version=2" in caplog.text


def test_a_store_of_the_first_schema_is_migrated_and_keeps_its_data(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    directory = feed.store.directory
    feed.store.close()
    import sqlite3

    with sqlite3.connect(directory / "store.db") as db:  # as schema 1 left it
        db.executescript("DROP TABLE link; DROP TABLE changelog; PRAGMA user_version = 1;")
    with Store.open_to_read(directory) as store:  # read, not migrated (a reader; a disk too full to write): data, no history
        snapshot = store.snapshot()
        assert snapshot is not None and snapshot.info.version == 1 and len(snapshot.history) == 0
        assert store._db.one("PRAGMA user_version")[0] == 1
    with Store(directory) as store:
        assert store._db.one("PRAGMA user_version")[0] == 2
        assert store.current().version == 1 and store.history_size() == 0
    feed.store = Store(directory)
    feed.publish(expires_days=EXPIRES, now=day(1), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "按发票更正。"})
    assert feed.sync().kind is UPDATED  # the chain held at v1 extended, the history begun
    assert len(feed.store.snapshot().history) == 1


def test_a_change_log_that_does_not_match_the_data_is_refused(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    feed.publish(expires_days=EXPIRES, now=day(1), edit=amount(ENTRY, 15_000), notes={f"finance:{ENTRY}": "按发票更正。"}, pack=False)
    # The platform's log says 14,000 where its document says 15,000.
    path = feed.served / MANIFEST_NAME
    manifest = decode_manifest(path.read_bytes())
    log = msgspec.json.decode((feed.served / "blobs" / manifest.changes.sha256).read_bytes())
    log["changes"][0]["after"]["amount_fen"] = 14_000
    data = msgspec.json.encode(log)
    (feed.served / "blobs" / sha256_hex(data)).write_bytes(data)
    changed = msgspec.structs.replace(manifest, changes=msgspec.structs.replace(manifest.changes, sha256=sha256_hex(data), size=len(data)))
    raw = msgspec.json.encode(changed)
    path.write_bytes(raw)
    (feed.served / SIGNATURE_NAME).write_bytes(keys.sign(feed.publisher.private, raw))
    touch(path)
    result = feed.sync()
    assert result.kind is REJECTED and result.message == f"rejected: v2: finance:{ENTRY} differs from what its change log says"
    feed.assert_holds(1)


def test_feed_history_exit_statuses(feed):
    feed.publish(expires_days=EXPIRES, now=day(0))
    assert feed.sync().kind is UPDATED
    done = _history_command(feed, "--record", "kind:x")
    assert done.returncode == 4 and "'kind' is not a kind of record" in done.stderr
