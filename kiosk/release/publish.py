"""The platform's side: publishing a release and staging its rollout.

::

    village-kiosk release keygen --out /secure/release-keys
    village-kiosk release publish dist/village-kiosk_0.2.0_amd64.deb --out /srv/feed/releases \\
        --key /secure/release-keys/release.key --percent 10 --township 431322199
    village-kiosk release stage --out /srv/feed/releases --key … --percent 50     # the next stage

``publish`` copies the package into OUT (never over a different package
of the same name: a version names one build, for ever) and writes
``release.json`` with the next serial, then ``release.sig``. ``stage``
signs the same release again with another rollout. Going back for the
whole fleet is publishing the older package again: it gets the next
serial, and terminals switch to it as to any release.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import msgspec

from kiosk.feed import keys
from kiosk.feed.outcome import Rejected
from kiosk.feed.publish import write_atomically
from kiosk.release import manifest
from kiosk.release.layout import PACKAGE, valid_version
from kiosk.release.manifest import BadRelease, PackageFile, ReleaseManifest, Rollout
from kiosk.release.package import control_fields, file_sha256


class PublishError(ValueError):
    pass


def previous(out: Path) -> ReleaseManifest | None:
    path = out / manifest.MANIFEST_NAME
    if not path.exists():
        return None
    try:
        return manifest.decode(path.read_bytes())
    except BadRelease as exc:
        raise PublishError(f"{path}: the release published there is unreadable ({exc})") from None


def _sign(out: Path, release: ReleaseManifest, private) -> ReleaseManifest:
    raw = manifest.encode(release)
    later_than = (out / manifest.MANIFEST_NAME).stat().st_mtime if (out / manifest.MANIFEST_NAME).exists() else None
    # The signature first: a terminal reading between the two writes sees a
    # new signature over the old manifest, refuses it and asks again later.
    write_atomically(out / manifest.SIGNATURE_NAME, keys.sign(private, raw))
    write_atomically(out / manifest.MANIFEST_NAME, raw, later_than)
    return release


def publish(package: Path, out: Path, key_path: Path, plan: Rollout, now: dt.datetime) -> ReleaseManifest:
    try:
        fields = control_fields(package)
    except Rejected as exc:
        raise PublishError(str(exc)) from None
    if fields.get("Package") != PACKAGE or not valid_version(fields.get("Version", "")):
        raise PublishError(f"{package}: not a {PACKAGE} package with a usable version ({fields})")
    private = keys.load_private_key(key_path)
    out.mkdir(parents=True, exist_ok=True)
    name = manifest.package_name(fields["Version"], fields["Architecture"])
    digest = file_sha256(package)
    target = out / name
    if target.exists() and file_sha256(target) != digest:
        raise PublishError(f"{target} already exists with other contents: a version names one build; build the next version")
    if not target.exists():
        temporary = out / f".{name}.tmp"
        shutil.copyfile(package, temporary)
        temporary.replace(target)
    before = previous(out)
    release = ReleaseManifest(
        format=manifest.FORMAT,
        product=PACKAGE,
        version=fields["Version"],
        architecture=fields["Architecture"],
        serial=(before.serial + 1) if before else 1,
        published_at=now,
        key_id=keys.key_id(private.public_key()),
        package=PackageFile(name=name, sha256=digest, size=target.stat().st_size),
        rollout=plan,
    )
    return _sign(out, release, private)


def stage(out: Path, key_path: Path, plan: Rollout, now: dt.datetime) -> ReleaseManifest:
    before = previous(out)
    if before is None:
        raise PublishError(f"{out}: no release published there yet (village-kiosk release publish)")
    private = keys.load_private_key(key_path)
    release = msgspec.structs.replace(
        before, serial=before.serial + 1, published_at=now, key_id=keys.key_id(private.public_key()), rollout=plan
    )
    return _sign(out, release, private)
