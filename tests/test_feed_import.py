"""USB / offline import: folders and archives go through the same checks
as a network sync, and hostile archives write nothing anywhere."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from kiosk.feed import import_tree
from kiosk.feed.outcome import OutcomeKind
from kiosk.feed.store import Store
from support.feed_fixtures import VILLAGE, Publisher, tree_manifest, write_village


@pytest.fixture
def material(tmp_path):
    publisher = Publisher(tmp_path)
    src = write_village(tmp_path / "src")
    tree = tmp_path / "tree"
    publisher.build(tree, src)
    store = Store(tmp_path / "store")
    yield publisher, src, tree, store
    store.close()


def _pack(tree: Path, archive: Path, prefix: str = "", extra: dict[str, bytes] | None = None) -> Path:
    files = {prefix + str(path.relative_to(tree)): path.read_bytes() for path in sorted(tree.rglob("*")) if path.is_file()}
    files.update(extra or {})
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive, "w") as zipped:
            for name, data in files.items():
                zipped.writestr(name, data)
    else:
        mode = "w:gz" if archive.name.endswith(".tar.gz") else "w"
        with tarfile.open(archive, mode) as tar:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return archive


@pytest.mark.parametrize("kind", ["folder", "tree.tar", "tree.tar.gz", "tree.zip"])
def test_import_from_folder_or_archive(material, tmp_path, kind):
    publisher, _src, tree, store = material
    path = tree if kind == "folder" else _pack(tree, tmp_path / kind, prefix=f"{VILLAGE}/")
    result = import_tree(store, path, publisher.keyring)
    assert result.kind is OutcomeKind.UPDATED and result.requests == 0
    assert store.verify(publisher.keyring).version == 1
    assert store.snapshot().village.code == VILLAGE
    assert import_tree(store, path, publisher.keyring).message == "up to date v1"


def test_import_checks_like_a_sync(material, tmp_path):
    publisher, src, tree, store = material
    import_tree(store, tree, publisher.keyring)
    write_village(src, revision=1)
    publisher.build(tree, src)
    manifest = tree_manifest(tree)
    month = next(e for e in manifest.files if e.name == "finance/2025-03.json")
    blob = tree / "blobs" / month.sha256
    blob.write_bytes(blob.read_bytes().replace(b"10000", b"10001"))
    archive = _pack(tree, tmp_path / "stick.tar.gz")
    result = import_tree(store, archive, publisher.keyring)
    assert result.kind is OutcomeKind.REJECTED and "finance/2025-03.json" in result.message
    assert store.verify(publisher.keyring).version == 1

    stranger = Publisher(tmp_path, "stranger")
    assert "unknown key" in import_tree(store, tree, stranger.keyring).message
    assert "village" in import_tree(store, tree, publisher.keyring, village="431399101299").message
    assert store.verify(publisher.keyring).version == 1


@pytest.mark.parametrize("suffix", [".tar", ".zip"])
def test_hostile_archive_members_are_never_written_or_followed(material, tmp_path, suffix):
    publisher, _src, tree, store = material
    outside = tmp_path / "outside"
    outside.mkdir()
    evil = {"../outside/evil": b"x", "/tmp/village-kiosk-evil": b"x", "../../blobs/" + "0" * 64: b"x"}
    archive = _pack(tree, tmp_path / f"stick{suffix}", extra=evil)
    if suffix == ".tar":
        # A link standing in for a blob, pointing at a secret.
        manifest = tree_manifest(tree)
        victim = manifest.files[0].sha256
        with tarfile.open(archive, "a") as tar:
            link = tarfile.TarInfo(f"blobs/{victim}")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/shadow"
            tar.addfile(link)
    result = import_tree(store, archive, publisher.keyring)
    assert result.kind is OutcomeKind.UPDATED, result.message
    assert list(outside.iterdir()) == []
    assert not Path("/tmp/village-kiosk-evil").exists()
    assert store.verify(publisher.keyring).version == 1
    assert not list(store.directory.glob("feed-import-*"))  # scratch folder cleaned up


def test_archive_with_oversized_member_is_refused(material, tmp_path):
    publisher, _src, tree, store = material
    manifest = tree_manifest(tree)
    media = next(e for e in manifest.files if e.kind.value == "media")
    (tree / "blobs" / media.sha256).write_bytes(b"\0" * (media.size + 5_000_000))
    for archive in (_pack(tree, tmp_path / "big.zip"), _pack(tree, tmp_path / "big.tar.gz")):
        result = import_tree(store, archive, publisher.keyring)
        assert result.kind is OutcomeKind.REJECTED and "larger than" in result.message
    assert store.current() is None


def test_not_a_tree(material, tmp_path):
    publisher, _src, _tree, store = material
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not an archive")
    assert import_tree(store, junk, publisher.keyring).kind is OutcomeKind.REJECTED
    assert import_tree(store, tmp_path / "absent", publisher.keyring).kind is OutcomeKind.FAILED
    two = _pack(tmp_path / "tree", tmp_path / "two.zip", prefix="a/", extra={"b/manifest.json": b"{}"})
    assert "expected one manifest.json" in import_tree(store, two, publisher.keyring).message
