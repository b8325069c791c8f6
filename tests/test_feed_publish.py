"""Publisher tools and the feed commands: keygen, build, verify, import and
sync --once, through the same argparse registration the main command uses."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import stat

import msgspec
import pytest
from test_images import png_bomb

from kiosk import limits, paths
from kiosk.feed import cli, keys, publish
from kiosk.feed.cli import EXIT_DATA
from kiosk.feed.manifest import BadManifest, decode_manifest, pack_path, sha256_hex, with_media_index
from kiosk.feed.outcome import EXIT_STATUS, OutcomeKind
from kiosk.images import TOO_BIG, ImageProblem, decode_image
from support.feed_fixtures import VILLAGE, Publisher, install_tree, note_corrections, tree_manifest, write_village


def run(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="village-kiosk")
    parser.add_argument("--config")  # as the main command defines it
    add = parser.add_subparsers(dest="command", required=True)
    cli.add_commands(add)
    args = parser.parse_args(argv)
    status = args.func(args)
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


@pytest.fixture
def keydir(tmp_path, capsys):
    status, out, _ = run(capsys, "feed", "keygen", "--out", str(tmp_path / "keys"))
    assert status == 0 and "key id" in out
    return tmp_path / "keys"


def test_keygen_writes_a_private_key_only_its_owner_can_read(keydir, capsys):
    private = keydir / keys.PRIVATE_KEY_NAME
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    public_text = (keydir / keys.PUBLIC_KEY_NAME).read_text().strip()
    assert len(base64.b64decode(public_text)) == 32
    before = private.read_bytes()
    status, _, err = run(capsys, "feed", "keygen", "--out", str(keydir))
    assert status == 3 and "refusing to overwrite" in err
    assert private.read_bytes() == before


def test_build_writes_a_content_addressed_signed_tree(tmp_path, keydir, capsys):
    src = write_village(tmp_path / "src")
    out = tmp_path / "out"
    status, line, _ = run(capsys, "feed", "build", str(src), str(out), "--key", str(keydir / "feed.key"))
    assert status == 0 and line.startswith(f"built v1 for village {VILLAGE}: 11 files (11 new)")
    manifest = tree_manifest(out)
    assert manifest.key_id == keys.key_id(keys.load_public_key(keydir / "feed.pub"))
    assert {e.name for e in manifest.files} >= {"village.json", "finance/2025-01.json", "finance/2025-03.json"}
    for entry in manifest.files:
        assert sha256_hex((out / "blobs" / entry.sha256).read_bytes()) == entry.sha256
    assert len(base64.b64decode((out / "manifest.sig").read_bytes())) == 64
    assert (manifest.expires_at - manifest.generated_at).days == 30

    status, line, _ = run(capsys, "feed", "verify", str(out), "--pubkey", str(keydir / "feed.pub"))
    assert status == 0 and line.startswith("ok v1 for village")


def test_version_grows_unless_given(tmp_path):
    publisher = Publisher(tmp_path)
    src = write_village(tmp_path / "src")
    out = tmp_path / "out"
    assert publisher.build(out, src).manifest.version == 1
    again = publisher.build(out, src)
    assert again.manifest.version == 2 and again.new_blobs == 0  # nothing changed, nothing rewritten
    assert publisher.build(out, src, version=40, expires_days=2).manifest.version == 40
    assert publisher.build(out, src).manifest.version == 41


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda src: (src / "projects.json").write_text('{"projects": [{"id": "x"}]}'), "projects.json: $.projects[0]"),
        (lambda src: (src / "media" / ("0" * 64)).write_bytes(b"photo"), "named by their SHA-256"),
        (lambda src: [p.unlink() for p in (src / "media").iterdir()], "is referenced but missing"),
        (lambda src: (src / "notices.json").unlink(), "notices.json: $: document is missing"),
    ],
    ids=["invalid-document", "misnamed-media", "missing-media", "missing-document"],
)
def test_build_refuses_invalid_source(tmp_path, keydir, capsys, damage, message):
    src = write_village(tmp_path / "src")
    damage(src)
    out = tmp_path / "out"
    status, _, err = run(capsys, "feed", "build", str(src), str(out), "--key", str(keydir / "feed.key"))
    assert status == 4 and message in err
    assert not (out / "manifest.json").exists()


def test_build_refuses_to_mix_villages_in_one_tree(tmp_path):
    publisher = Publisher(tmp_path)
    out = tmp_path / "out"
    publisher.build(out, write_village(tmp_path / "a"))
    with pytest.raises(publish.PublishError, match="holds the feed of village"):
        publisher.build(out, write_village(tmp_path / "b", code="431399101202"))


def test_verify_finds_tampering_and_unknown_keys(tmp_path, keydir, capsys):
    publisher = Publisher(tmp_path)
    out = tmp_path / "out"
    publisher.build(out, write_village(tmp_path / "src"))
    status, line, _ = run(capsys, "feed", "verify", str(out), "--pubkey", str(keydir / "feed.pub"))
    assert status == EXIT_STATUS[OutcomeKind.REJECTED] and line.startswith("rejected: unknown key")

    pub = str(publisher.pub_path)
    blob = next((out / "blobs").iterdir())
    blob.write_bytes(blob.read_bytes() + b" ")
    status, line, _ = run(capsys, "feed", "verify", str(out), "--pubkey", pub)
    assert status == EXIT_STATUS[OutcomeKind.REJECTED] and "is larger than the" in line
    blob.unlink()
    status, line, _ = run(capsys, "feed", "verify", str(out), "--pubkey", pub)
    assert status == EXIT_STATUS[OutcomeKind.FAILED] and "missing" in line


def test_build_writes_every_blob_into_one_pack_and_keeps_the_last_two(tmp_path, keydir, capsys):
    src = write_village(tmp_path / "src", media=4)
    out = tmp_path / "out"
    key = str(keydir / "feed.key")
    packs = []
    for revision in range(3):
        write_village(src, media=4, revision=revision, media_seed=f"r{revision}")
        note_corrections(src, out)  # new pictures for the same entries: corrections
        assert run(capsys, "feed", "build", str(src), str(out), "--key", key)[0] == 0
        manifest = tree_manifest(out)
        members = manifest.pack_members()
        assert manifest.pack is not None and {m.sha256 for m in members} == {e.sha256 for e in manifest.files}
        pack = (out / pack_path(manifest.pack.sha256)).read_bytes()
        assert pack == b"".join((out / "blobs" / m.sha256).read_bytes() for m in members)  # the blobs back to back, in order
        assert sha256_hex(pack) == manifest.pack.sha256 and len(pack) == manifest.pack.size
        packs.append(manifest.pack.sha256)
    # The newest and the one before stay (a terminal may be fetching it); older ones go.
    assert sorted(p.name for p in (out / "packs").iterdir()) == sorted(packs[1:])

    status, _, _ = run(capsys, "feed", "build", str(src), str(tmp_path / "usb"), "--key", key, "--no-pack")
    assert status == 0 and tree_manifest(tmp_path / "usb").pack is None
    assert not (tmp_path / "usb" / "packs").exists()


def test_verify_checks_the_pack(tmp_path):
    publisher = Publisher(tmp_path)
    out = tmp_path / "out"
    manifest = publisher.build(out, write_village(tmp_path / "src")).manifest
    assert publish.verify_tree(out, publisher.keyring).version == 1
    pack = out / pack_path(manifest.pack.sha256)
    data = bytearray(pack.read_bytes())
    data[-1] ^= 1  # the last member's last byte
    pack.write_bytes(bytes(data))
    last = manifest.pack_members()[-1]
    with pytest.raises(publish.Rejected, match=f"{last.name}: content does not match"):
        publish.verify_tree(out, publisher.keyring)
    pack.unlink()
    with pytest.raises(publish.Failed, match=r"packs/.* is missing"):
        publish.verify_tree(out, publisher.keyring)


def test_a_pack_whose_size_is_not_its_members_is_never_taken_and_verify_says_so(tmp_path):
    """A pack is only a faster way to the blobs: one that does not add up
    costs the terminal the pack, not the version (FEED-PROTOCOL section 4);
    the publisher's own check refuses it."""
    publisher = Publisher(tmp_path)
    out = tmp_path / "out"
    publisher.build(out, write_village(tmp_path / "src"))
    signed = decode_manifest((out / "manifest.json").read_bytes())
    wrong = msgspec.structs.replace(signed, pack=msgspec.structs.replace(signed.pack, size=signed.pack.size + 1))
    index = (out / "blobs" / signed.media_index.sha256).read_bytes()
    listed = with_media_index(decode_manifest(msgspec.json.encode(wrong)), index)
    assert listed.pack_problem() == f"pack: {signed.pack.size + 1} bytes, its members make {signed.pack.size}"
    assert not listed.takes_pack(listed.total_size())
    raw = msgspec.json.encode(wrong)
    (out / "manifest.json").write_bytes(raw)
    (out / "manifest.sig").write_bytes(keys.sign(publisher.private, raw))
    with pytest.raises(publish.Rejected, match=r"pack: .* its members make"):
        publish.verify_tree(out, publisher.keyring)


def test_a_manifest_with_a_media_index_lists_no_media_and_is_format_2(tmp_path):
    publisher = Publisher(tmp_path)
    full = publisher.build(tmp_path / "out", write_village(tmp_path / "src")).manifest
    assert full.media_index is not None and any(e.kind.value == "media" for e in full.files)
    with pytest.raises(BadManifest, match="media are listed in the media index"):
        decode_manifest(msgspec.json.encode(full))  # the media back in files
    documents_only = msgspec.structs.replace(full, files=full.documents(), format=1)
    with pytest.raises(BadManifest, match="a media index needs format 2"):
        decode_manifest(msgspec.json.encode(documents_only))


def test_verify_refuses_an_expired_tree(tmp_path):
    publisher = Publisher(tmp_path)
    out = tmp_path / "out"
    publisher.build(out, write_village(tmp_path / "src"), now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(publish.Rejected, match="expired"):
        publish.verify_tree(out, publisher.keyring)


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [(7000, 5000, True), (7500, 5500, False), (8000, 6000, False)],  # 35 MP, 41 MP, a 48 MP phone photo
    ids=["7000x5000", "7500x5500", "48MP"],
)
def test_build_refuses_a_picture_a_terminal_would_not_show_in_its_words(tmp_path, keydir, capsys, width, height, shown):
    src = write_village(tmp_path / "src")
    picture = png_bomb(width, height, rows=10)  # the header is what counts
    (src / "media" / sha256_hex(picture)).write_bytes(picture)
    status, _, err = run(capsys, "feed", "build", str(src), str(tmp_path / "out"), "--key", str(keydir / "feed.key"))
    on_terminal = decode_image(picture)
    if shown:
        assert status == 0, err
        assert not isinstance(on_terminal, ImageProblem) or on_terminal.reason_zh != TOO_BIG
        return
    assert on_terminal == ImageProblem(TOO_BIG)
    assert status == EXIT_DATA and not (tmp_path / "out" / "manifest.json").exists()
    expected = f"{width}×{height} pixels ({width * height / 1e6:.1f} megapixels), more than the 40 megapixels a terminal shows"
    assert on_terminal.reason == expected
    assert err == f"feed build: media/{sha256_hex(picture)}: {expected}"


def test_build_refuses_media_that_is_no_picture(tmp_path, keydir, capsys):
    src = write_village(tmp_path / "src")
    (src / "media" / sha256_hex(b"%PDF-1.4")).write_bytes(b"%PDF-1.4")
    status, _, err = run(capsys, "feed", "build", str(src), str(tmp_path / "out"), "--key", str(keydir / "feed.key"))
    assert status == EXIT_DATA
    assert err.endswith(f"media/{sha256_hex(b'%PDF-1.4')}: not a picture a terminal can open (JPEG, PNG, WebP, GIF or BMP)")


def test_build_refuses_a_text_over_its_limit_with_the_terminals_message(tmp_path, keydir, capsys):
    src = write_village(tmp_path / "src")
    notices = json.loads((src / "notices.json").read_bytes())
    notices["notices"][0]["title"] = "焱" * (limits.LINE_CHARS + 1)
    (src / "notices.json").write_text(json.dumps(notices, ensure_ascii=False), encoding="utf-8")
    status, _, err = run(capsys, "feed", "build", str(src), str(tmp_path / "out"), "--key", str(keydir / "feed.key"))
    assert status == EXIT_DATA
    # What a terminal says after "rejected: invalid data in vN: " (test_feed_sync).
    assert err.endswith(f"notices.json: $.notices[0].title: expected str of length <= {limits.LINE_CHARS}")


def test_build_demo_village(tmp_path, keydir, capsys):
    if not (paths.DEMO_VILLAGE / "village.json").is_file():
        pytest.skip(f"the bundled demo village is not in {paths.DEMO_VILLAGE} yet")
    out = tmp_path / "out"
    status, line, err = run(capsys, "feed", "build", "--demo", str(out), "--key", str(keydir / "feed.key"))
    assert status == 0, err
    status, line, _ = run(capsys, "feed", "verify", str(out), "--pubkey", str(keydir / "feed.pub"))
    assert status == 0 and line.startswith("ok v1")


def test_sync_once_and_import_commands(tmp_path, keydir, capsys, feed_server):
    src = write_village(tmp_path / "src")
    tree = tmp_path / "tree"
    assert run(capsys, "feed", "build", str(src), str(tree), "--key", str(keydir / "feed.key"))[0] == 0
    install_tree(tree, feed_server.root / VILLAGE)
    config = tmp_path / "config.toml"
    store = tmp_path / "store"
    config.write_text(
        f'[feed]\nplatform = "{feed_server.url}"\nvillage = "{VILLAGE}"\npubkeys = ["{keydir / "feed.pub"}"]\nstore = "{store}"\n'
        "allow_http = true\n"
    )
    status, line, _ = run(capsys, "--config", str(config), "sync", "--once")
    assert (status, line.split(",")[0]) == (10, "updated empty store → v1")
    status, line, _ = run(capsys, "--config", str(config), "sync", "--once")
    assert (status, line) == (0, "up to date v1")

    # Options override the configuration; a USB import goes to the same store.
    other_store = tmp_path / "other-store"
    status, line, _ = run(capsys, "--config", str(config), "feed", "import", str(tree), "--store", str(other_store))
    assert (status, line.split(",")[0]) == (10, "updated empty store → v1")
    stranger = Publisher(tmp_path, "stranger")
    stranger.build(tree, write_village(src, revision=1))
    install_tree(tree, feed_server.root / VILLAGE)
    status, line, _ = run(capsys, "--config", str(config), "sync", "--once")
    assert status == 20 and line.startswith("rejected: unknown key")
    status, line, _ = run(capsys, "--config", str(config), "sync", "--once", "--pubkey", str(stranger.pub_path))
    assert (status, line.split(",")[0]) == (10, "updated v1 → v2")


def test_sync_without_configuration_says_what_is_missing(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f'[feed]\nstore = "{tmp_path / "store"}"\n')
    status, _, err = run(capsys, "--config", str(config), "sync", "--once")
    assert status == 3 and "no platform address, village code or trusted key configured" in err
    assert not (tmp_path / "store").exists()
