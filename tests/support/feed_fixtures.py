"""A tiny fictional village for the feed tests, written with the model's own
structs (so it is valid by construction), plus helpers to build and serve
signed trees of it. Small on purpose: the feed tests build many trees."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import shutil
from pathlib import Path

import msgspec
from PIL import Image, PngImagePlugin

from kiosk import model
from kiosk.config import Config, FeedConfig, TerminalConfig
from kiosk.feed import keys, publish, records
from kiosk.feed.changes import CORRECTIONS_NAME
from kiosk.feed.history import BEIJING
from kiosk.feed.manifest import MANIFEST_NAME, SIGNATURE_NAME, Manifest, blob_path, decode_manifest, sha256_hex, with_media_index
from kiosk.feed.outcome import SyncOutcome
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from kiosk.snapshot import load_folder

VILLAGE = "431399101201"
OTHER_VILLAGE = "431399101202"
_mtime = itertools.count(1_700_000_000)
# Short timeouts: a local server answers at once, and a stuck test should fail fast.
FAST = Timeouts(connect=2, read=2, min_rate=1e6)


def media_bytes(seed: str, size: int) -> bytes:
    """A deterministic picture of ``size`` bytes: a small PNG (``feed build``
    checks each picture's header as a terminal would), padded after its end
    with bytes no decoder reads, so that a test can ask for megabytes."""
    picture = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("seed", seed)
    Image.new("RGB", (4, 3), "white").save(picture, "PNG", pnginfo=info)
    out = bytearray(picture.getvalue())
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def _write(path: Path, doc: msgspec.Struct) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(doc))


def write_village(
    folder: Path,
    *,
    code: str = VILLAGE,
    months: tuple[str, ...] = ("2025-01", "2025-02", "2025-03"),
    media: int = 3,
    media_size: int = 3000,
    revision: int = 0,
    media_seed: str = "m",
) -> Path:
    """A source folder for one village. ``revision`` changes only the last
    month's finance (one more entry per revision): a one-month change."""
    folder.mkdir(parents=True, exist_ok=True)
    images = [media_bytes(f"{media_seed}{index}", media_size) for index in range(media)]
    shas = [hashlib.sha256(image).hexdigest() for image in images]
    for digest, image in zip(shas, images, strict=True):
        (folder / "media").mkdir(exist_ok=True)
        (folder / "media" / digest).write_bytes(image)
    refs = [model.MediaRef(sha256=digest, caption=f"票据{index + 1}") for index, digest in enumerate(shas)]

    _write(
        folder / "village.json",
        model.VillageDoc(
            village=model.Village(code=code, name="桃溪村", township="清水镇", county="示范县", city="示范市"),
            as_of=dt.date(2025, 3, 31),
            complaint=model.ComplaintChannel(
                url_template="https://example.invalid/complaint?v={village}&t={terminal}&i={item}",
                hotlines=[model.Hotline(name="纪检监督举报电话", number="12388")],
            ),
        ),
    )
    flow = model.Flowchart(
        nodes=[
            model.FlowNode(id="s", kind=model.NodeKind.START, label="申请"),
            model.FlowNode(id="e", kind=model.NodeKind.END, label="办结"),
        ],
        edges=[model.FlowEdge(source="s", target="e")],
    )
    _write(
        folder / "powers.json",
        model.PowersDoc(
            categories=[model.PowerCategory(id="daily", name="日常管理")],
            items=[
                model.PowerItem(id="p1", category="daily", name="村级财务开支", summary="开支审批", responsible="村委会", flowchart=flow)
            ],
        ),
    )
    _write(
        folder / "projects.json",
        model.ProjectsDoc(
            projects=[
                model.Project(
                    id="road",
                    name="村道硬化",
                    status=model.ProjectStatus.IN_PROGRESS,
                    budget_fen=16_000_000,
                    photos=refs[:1],
                )
            ]
        ),
    )
    _write(folder / "disclosures.json", model.DisclosuresDoc(disclosures=[]))
    _write(
        folder / "notices.json",
        model.NoticesDoc(notices=[model.Notice(id="n1", title="通知", date=dt.date(2025, 3, 1), body="村务公开日。")]),
    )
    for index, month in enumerate(months):
        year, mon = (int(part) for part in month.split("-"))
        count = 2 + (revision if index == len(months) - 1 else 0)
        entries = [
            model.FinanceEntry(
                id=f"f{month}-{number}",
                date=dt.date(year, mon, 1 + number % 28),
                direction=model.Direction.EXPENSE,
                amount_fen=10_000 + number,
                category="办公费",
                purpose="购买办公用品",
                receipts=refs[number % len(refs) : number % len(refs) + 1] if refs else [],
            )
            for number in range(count)
        ]
        _write(folder / "finance" / f"{month}.json", model.FinanceMonthDoc(month=month, entries=entries))
    return folder


def note_corrections(src: Path, tree: Path, now: dt.datetime | None = None) -> int:
    """Write ``corrections.json`` with a note for every published record the
    next build of ``src`` into ``tree`` changes: the test villages swap
    their pictures between versions (a correction, by the feed's rules),
    and the tests for which that is not the point need the notes."""
    path = src / CORRECTIONS_NAME
    path.unlink(missing_ok=True)
    published = publish.read_published(tree)
    if published is None:
        return 0
    found = list(records.changed_records(published.snapshot(tree), load_folder(src, masked=False)))
    day = (now or dt.datetime.now(dt.UTC)).astimezone(BEIJING).date()
    if found:
        notes = [{"record": change.key, "date": day.isoformat(), "reason": "测试村更换了图片。"} for change in found]
        path.write_bytes(msgspec.json.encode({"corrections": notes}))
    return len(found)


def write_notes(src: Path, notes: dict[str, str], day: dt.date) -> None:
    """``corrections.json`` with these reasons (record key -> reason), dated ``day``."""
    listed = [{"record": key, "date": day.isoformat(), "reason": reason} for key, reason in notes.items()]
    (src / CORRECTIONS_NAME).write_bytes(msgspec.json.encode({"corrections": listed}))


def edit_document(src: Path, name: str, change) -> None:
    """Rewrite one source document through ``change(json value)``, which edits it in place."""
    path = src / name
    document = msgspec.json.decode(path.read_bytes())
    change(document)
    path.write_bytes(msgspec.json.encode(document))


def link_to(tree: Path) -> dict:
    """The chain link to a tree's manifest, for a test that signs a manifest by hand."""
    return {"previous": publish.read_published(tree).link()}


class Publisher:
    """A platform key plus the builds of one village, as test material."""

    def __init__(self, base: Path, name: str = "platform"):
        self.key_dir = base / f"{name}-keys"
        private_path, self.pub_path = keys.generate(self.key_dir)
        self.private = keys.load_private_key(private_path)
        self.keyring = keys.Keyring.load([self.pub_path])
        self.base = base

    def build(self, tree: Path, src: Path, **options) -> publish.Built:
        return publish.build(src, tree, self.private, **options)


def install_tree(src: Path, dst: Path) -> None:
    """Copy a built tree to where the server serves it. The manifest gets a
    fresh, strictly increasing mtime: nginx's ETag is mtime-size, and two
    manifests written within one second must still differ."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    stamp = next(_mtime)
    for name in ("manifest.json", "manifest.sig"):
        if (dst / name).exists():
            os.utime(dst / name, (stamp, stamp))


def tree_manifest(tree: Path) -> Manifest:
    """A published tree's manifest with its media listed, as a terminal
    sees it once it has read the media index."""
    manifest = decode_manifest((tree / MANIFEST_NAME).read_bytes())
    if manifest.media_index is None:
        return manifest
    return with_media_index(manifest, (tree / "blobs" / manifest.media_index.sha256).read_bytes())


def touch(path: Path) -> None:
    """Mark a file in a served tree as changed (see install_tree)."""
    stamp = next(_mtime)
    os.utime(path, (stamp, stamp))


class Feed:
    """One village's feed end to end: source folder → signed tree → served
    folder → a terminal's store, with the wiring the tests repeat."""

    def __init__(self, base: Path, server, publisher: Publisher | None = None, **store_options):
        self.base = base
        self.server = server
        self.publisher = publisher or Publisher(base)
        self.src = base / "src"
        self.tree = base / "tree"
        self.served = server.root / VILLAGE
        self.store = Store(base / "store", **store_options)
        self.revision_of: dict[int, int] = {}  # version -> source revision, to check content

    def terminal_config(self, terminal_id: str) -> Config:
        """A terminal that syncs this feed over plain http into ``terminal-store`` beside it."""
        return Config(
            terminal=TerminalConfig(id=terminal_id),
            feed=FeedConfig(
                platform=self.server.url,
                village=VILLAGE,
                allow_http=True,
                pubkeys=[str(self.publisher.pub_path)],
                store=str(self.base / "terminal-store"),
            ),
        )

    def publish(self, revision: int = 0, edit=None, notes: dict[str, str] | None = None, **build_options) -> publish.Built:
        """Build and serve the next version: the test village at ``revision``,
        changed by ``edit(src)``; ``notes``: the correction notes (record key
        -> reason), else a note for whatever the version corrects."""
        write_village(self.src, revision=revision, **build_options.pop("village_options", {}))
        if edit is not None:
            edit(self.src)
        if notes is None:
            note_corrections(self.src, self.tree, build_options.get("now"))
        else:
            write_notes(self.src, notes, (build_options.get("now") or dt.datetime.now(dt.UTC)).astimezone(BEIJING).date())
        built = self.publisher.build(self.tree, self.src, **build_options)
        self.revision_of[built.manifest.version] = revision
        install_tree(self.tree, self.served)
        return built

    def publish_documents(self, documents: dict[str, bytes]) -> int:
        """Sign and serve the next version with these documents' bytes in
        place of the served ones, as a platform that does not validate
        might (``feed build`` would refuse what the tests put here). Its
        version number; the rest of the content stays the served version's."""
        path = self.served / MANIFEST_NAME
        signed = decode_manifest(path.read_bytes())
        files = list(signed.files)
        for name, data in documents.items():
            index = next(i for i, entry in enumerate(files) if entry.name == name)
            files[index] = msgspec.structs.replace(files[index], sha256=sha256_hex(data), size=len(data))
            (self.served / blob_path(sha256_hex(data))).write_bytes(data)
        version = signed.version + 1
        raw = msgspec.json.encode(
            msgspec.structs.replace(signed, files=files, version=version, pack=None, changes=None, **link_to(self.served))
        )
        path.write_bytes(raw)
        (self.served / SIGNATURE_NAME).write_bytes(keys.sign(self.publisher.private, raw))
        touch(path)
        self.revision_of[version] = self.revision_of[signed.version]
        return version

    def syncer(self, timeouts: Timeouts = FAST) -> Syncer:
        return Syncer(self.store, self.server.url, VILLAGE, self.publisher.keyring, timeouts)

    def sync(self, **options) -> SyncOutcome:
        return self.syncer(**options).sync_once()

    def assert_holds(self, version: int) -> None:
        """The store holds a complete, verified snapshot of ``version``."""
        assert self.store.verify(self.publisher.keyring).version == version
        snapshot = self.store.snapshot()
        assert snapshot is not None and snapshot.info.version == version
        # The last month grows by one entry per revision: content matches version.
        last = snapshot.finance_month(snapshot.months()[0])
        assert len(last.entries) == 2 + self.revision_of[version]


def damage_blob(store: Store, sha256: str) -> None:
    """Damage a stored blob in place (bit rot): one byte flipped, in the
    database for a small blob, else in its own file or its pack's."""
    where = store._where(sha256)
    assert where is not None, f"{sha256} is not in the store"
    if where.data is not None:
        damaged = bytes([where.data[0] ^ 0xFF]) + where.data[1:]
        store._db.execute("UPDATE blob SET data = ? WHERE sha256 = ?", (damaged, sha256))
        return
    with open(store.directory / where.file, "r+b") as file:
        file.seek((where.offset or 0) + where.size // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0xFF]))
