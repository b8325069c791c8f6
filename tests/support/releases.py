"""Software releases for the tests: small ones, made in seconds, laid out
and packaged exactly as the real package is (tooling.debian), that work,
crash at start or hang before their first frame; a release key and the
platform's ``releases/`` folder they are published in.

A test release is a virtual environment of Debian's Python holding this
checkout's ``kiosk`` and ``screens`` (its ``__version__`` set to the
release's), and reaching the other libraries through a ``.pth`` line to the
test environment's site-packages instead of carrying 180 MB of copies. Its
``bin/village-kiosk`` is the console script pip would write.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import site
import subprocess
from dataclasses import dataclass
from pathlib import Path

import msgspec
import pytest

from kiosk import cli
from kiosk.config import load_config
from kiosk.feed import keys
from kiosk.ops import units
from kiosk.ops.configfile import render_config
from kiosk.release import layout, publish
from kiosk.release.layout import PACKAGE, Layout
from kiosk.release.manifest import ReleaseManifest, Rollout
from support.ops_fixtures import provision_args
from support.xsession import run_in_tree, unit_line
from tooling import debian

REPO = Path(__file__).resolve().parents[2]
BEHAVIOURS = {
    "works": "",
    "crashes": """

def run_kiosk(args):  # a release that crashes at start (tests/support/releases.py)
    raise RuntimeError("this release crashes at start")
""",
    "hangs": """

def run_kiosk(args):  # a release that hangs before its first frame (tests/support/releases.py)
    import time

    time.sleep(3600)
""",
}
_SCRIPT = """#!{python}
import sys
from kiosk.cli import main
if __name__ == "__main__":
    sys.exit(main())
"""


def make_release(version: str, work: Path, behaviour: str = "works") -> Path:
    """The .deb of a test release (in ``work``)."""
    root = work / f"root-{version}"
    if root.exists():
        shutil.rmtree(root)
    final = str(Layout().release(version))
    stage = root / final.lstrip("/")
    debian.new_environment(stage, with_pip=False)
    packages = debian.site_packages(stage)
    for name in ("kiosk", "screens"):
        shutil.copytree(REPO / name, packages / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    init = packages / "kiosk" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text()))
    with open(packages / "kiosk" / "cli.py", "a") as cli:
        cli.write(BEHAVIOURS[behaviour])
    (packages / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    script = stage / "bin" / PACKAGE
    script.write_text(_SCRIPT.format(python=stage / "bin" / "python"))
    script.chmod(0o755)
    debian.relocate(stage, final)
    fields = debian.package_fields(
        PACKAGE, version, debian.architecture(), ["python3.11"], f"test release ({behaviour})", " For the tests."
    )
    return debian.pack(root, fields, work / "debs", debian.source_date_epoch(), fast=True)


def install_like_the_package(root: Path, package: Path) -> str:
    """Unpack a release into a terminal's tree as dpkg would (its postinst,
    ``release use``, is the caller's to run: it needs the tree mounted)."""
    target = root / "unpacked"
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["dpkg-deb", "--extract", str(package), str(target)], check=True)
    releases = target / "opt/village-kiosk/releases"
    (version,) = [entry.name for entry in releases.iterdir()]
    destination = root / "opt/village-kiosk/releases"
    destination.mkdir(parents=True, exist_ok=True)
    shutil.move(releases / version, destination / version)
    shutil.rmtree(target)
    return version


@dataclass
class ReleaseChannel:
    """The platform's ``releases/`` folder, served, and its release key."""

    folder: Path
    key: Path
    public: Path

    @classmethod
    def make(cls, served_root: Path, keys_dir: Path) -> ReleaseChannel:
        private, public = keys.generate(keys_dir, stem="release")
        return cls(served_root / "releases", private, public)

    def publish(self, package: Path, percent: int = 100, townships: tuple[str, ...] = ()) -> ReleaseManifest:
        return publish.publish(package, self.folder, self.key, Rollout(percent, list(townships)), dt.datetime.now(dt.UTC))


@dataclass
class ReleaseTerminal:
    """A provisioned terminal tree with a release installed as by the
    package, whose platform also serves ``releases/``. Its commands run as
    its units run them, the tree mounted at the real paths (root only)."""

    root: Path
    channel: ReleaseChannel
    server: object
    work: Path

    @property
    def layout(self) -> Layout:
        return Layout.under(self.root)

    def release(self, version: str, behaviour: str = "works") -> Path:
        return make_release(version, self.work, behaviour)

    def run(self, *command: str, as_kiosk: bool = False) -> subprocess.CompletedProcess:
        return run_in_tree(self.root, list(command), as_kiosk=as_kiosk)

    def update(self, *options: str) -> subprocess.CompletedProcess:
        """The update unit's ExecStart (what its timer runs)."""
        return self.run(*unit_line(self.root, "ExecStart", units.UPDATE_UNIT), *options)

    def guard(self) -> subprocess.CompletedProcess:
        """The kiosk unit's ExecStartPre, as systemd runs it before each start ('-+': as root, failure ignored)."""
        line = unit_line(self.root, "ExecStartPre")
        return self.run(line[0].lstrip("-+@!:"), *line[1:])

    def prove(self) -> subprocess.CompletedProcess:
        """What the running kiosk does once its first frame is up and health_s has passed."""
        return self.run(f"{layout.PREFIX}/current/bin/python", "-c", "from kiosk.release import health; health.prove()", as_kiosk=True)

    def current(self) -> str | None:
        return self.layout.version_of(self.layout.current)

    def good(self) -> str | None:
        return self.layout.version_of(self.layout.good)

    def configure(self, **update) -> None:
        """Hand-tuned ``[update]`` settings, as a technician would set them."""
        path = self.root / units.CONFIG_PATH.lstrip("/")
        config = load_config(path)
        path.write_text(render_config(msgspec.structs.replace(config, update=msgspec.structs.replace(config.update, **update))))


@pytest.fixture
def release_terminal(tmp_path, platform) -> ReleaseTerminal:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a terminal's releases need root (its real paths, mounted privately) and unshare")
    channel = ReleaseChannel.make(platform.server.root, tmp_path / "release-keys")
    root = tmp_path / "root"
    root.mkdir()
    args = provision_args(root, platform, "--release-key", str(channel.public))
    args[args.index("--kiosk-bin") + 1] = f"{layout.PREFIX}/current/bin/{PACKAGE}"
    assert cli.main(args) == 0
    terminal = ReleaseTerminal(root, channel, platform.server, tmp_path / "work")
    version = install_like_the_package(root, terminal.release("0.1.0"))
    postinst = terminal.run(f"{layout.PREFIX}/releases/{version}/bin/{PACKAGE}", "release", "use", version)
    assert postinst.returncode == 0, postinst.stderr
    return terminal


def update_hours(around_now: bool) -> str:
    """Update hours that hold this moment, or that do not."""
    now = dt.datetime.now().astimezone()
    start, end = (
        (now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
        if around_now
        else (now + dt.timedelta(hours=2), now + dt.timedelta(hours=3))
    )
    return f"{start:%H:%M}-{end:%H:%M}"
