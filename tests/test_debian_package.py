"""The terminal's Debian package as a technician gets it: built from this
checkout by provisioning/build-deb.sh's code (``--fast``: gzip instead of
xz, the same tree), installed by dpkg into a terminal's tree with its
maintainer scripts (the tree mounted at the terminal's real paths), the
terminal provisioned by the package's own ``village-kiosk provision``, then
the session as the unit starts it draws the home screen from the package's
private environment. Removing the package takes its releases with it.

Installing it on this machine itself would replace the test machine's
software: ``dpkg --root`` installs into the tree instead, and ``apt-get
--simulate`` checks that Debian 12 satisfies every dependency it declares."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import kiosk
from kiosk.ops import units
from kiosk.release import layout
from screens.shell.palette import TILE_COLOURS
from support.ops_fixtures import provision_args
from support.xsession import colour_box, in_tree, run_in_tree, start_session, unit_line
from tooling import debian

pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("xinit") or not shutil.which("unshare") or not Path(debian.PYTHON).exists(),
        reason="needs root (dpkg into a tree, mounts, the kiosk user), xinit, unshare and Debian's python3.11",
    ),
]

POWERS_TILE = tuple(int(TILE_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))  # 权力清单, the first tile on the home screen
INSTALLED_BIN = f"{layout.PREFIX}/current/bin/village-kiosk"
VERSION = kiosk.__version__


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("deb")
    return debian.build(work / "out", work / "work", fast=True)


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess:
    """dpkg on the tree's own database, its maintainer scripts run with the
    tree at the real paths (chrootless: the tree has no Python of its own)."""
    command = ["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends", "--log=/dev/null", *args]
    return subprocess.run(in_tree(root, command), capture_output=True, text=True, timeout=600, cwd="/", check=False)


def _empty_dpkg_database(root: Path) -> None:
    admin = root / "var/lib/dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True, exist_ok=True)
    for name in ("status", "available"):
        (admin / name).touch()


def test_the_package_declares_what_it_needs_and_debian_12_has_it(package):
    shown = subprocess.run(
        ["dpkg-deb", "--field", str(package), "Package", "Version", "Depends"], capture_output=True, text=True, check=True
    )
    control = dict(line.split(": ", 1) for line in shown.stdout.splitlines())
    assert (control["Package"], control["Version"]) == ("village-kiosk", VERSION)
    depends = {group.strip() for group in control["Depends"].split(",")}
    assert {"python3.11", "xinit", "xserver-xorg", "x11-xserver-utils", "libgl1-mesa-dri", "fonts-noto-cjk", "espeak-ng"} <= depends
    simulated = subprocess.run(["apt-get", "install", "--simulate", "--yes", str(package)], capture_output=True, text=True, check=False)
    assert simulated.returncode == 0, simulated.stdout[-2000:] + simulated.stderr
    assert f"Inst village-kiosk ({VERSION}" in simulated.stdout, simulated.stdout[-2000:]


def test_installed_from_the_package_and_provisioned_the_terminal_boots_to_the_kiosk(package, tmp_path, platform):
    root = tmp_path / "root"
    _empty_dpkg_database(root)
    installed = _dpkg(root, "--install", str(package))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The postinst made the package's release the one that runs, its bytecode compiled.
    release = root / layout.PREFIX.lstrip("/") / "releases" / VERSION
    assert os.readlink(root / layout.PREFIX.lstrip("/") / "current") == f"releases/{VERSION}"
    assert next(release.glob("lib/python3.11/site-packages/kiosk/__pycache__/cli.*.pyc"), None) is not None
    assert not (release / "lib/python3.11/site-packages/tooling").exists()  # the tooling is not shipped
    # /usr/bin/village-kiosk runs the package's own environment, not this checkout's.
    answer = run_in_tree(root, [str(root / "usr/bin/village-kiosk"), "--version"])
    assert answer.stdout.strip() == f"village-kiosk {VERSION}", answer.stdout + answer.stderr
    where = run_in_tree(root, [f"{layout.PREFIX}/current/bin/python", "-c", "import kiosk, os; print(os.path.realpath(kiosk.__file__))"])
    assert where.stdout.startswith(f"{layout.PREFIX}/releases/{VERSION}/"), where.stdout + where.stderr

    # Provisioned by the package's command, even as a release's own: the
    # units run /usr/bin/village-kiosk (through ``current``, which updates
    # move) and guard starts with the good release's.
    args = provision_args(root, platform, "--skip-sync", token=False)
    del args[args.index("--kiosk-bin") : args.index("--kiosk-bin") + 2]
    provisioned = run_in_tree(root, [f"{layout.PREFIX}/releases/{VERSION}/bin/village-kiosk", *args])
    assert provisioned.returncode == 0, provisioned.stdout + provisioned.stderr
    assert unit_line(root, "ExecStart", units.UPDATE_UNIT)[0] == units.GOOD_BIN
    assert unit_line(root, "ExecStartPre")[0] == f"-+{units.GOOD_BIN}"
    assert (root / units.SESSION_SCRIPT.lstrip("/")).read_text().endswith(f"exec {units.PACKAGED_BIN}\n")
    # The session below runs in a mount namespace holding /opt/village-kiosk,
    # not this machine's /usr/bin: its command is named through ``current``.
    provisioned = run_in_tree(root, [INSTALLED_BIN, *provision_args(root, platform, kiosk_bin=INSTALLED_BIN, token=False)])
    assert provisioned.returncode == 0, provisioned.stdout + provisioned.stderr
    session = start_session(root, (1080, 1920), watchdog_s=4)
    try:
        # The kiosk's own keep-alives, then the home screen.
        session.wait_for(lambda: "WATCHDOG=1" in session.read_notifications(), what="the kiosk's keep-alives")
        session.wait_for(lambda: colour_box(session.screenshot(), POWERS_TILE), what="the home screen")
        assert "stopped" in session.stop_like_systemd()
        assert "Traceback" not in session.output()
    finally:
        session.close()

    removed = _dpkg(root, "--remove", "village-kiosk")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    prefix = root / layout.PREFIX.lstrip("/")
    assert not any(prefix.iterdir()) and not (root / "usr/bin/village-kiosk").is_symlink()  # the folder stays: the test mounts it
    assert (root / "etc/village-kiosk/config.toml").is_file()  # the terminal's configuration is provisioning's: it stays
