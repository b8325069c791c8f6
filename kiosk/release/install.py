"""Installing a verified package beside the running release.

The package is the very ``.deb`` technicians install with apt. An update
takes only its release folder (``opt/village-kiosk/releases/<version>``)
with ``dpkg-deb --extract`` into ``releases/.incoming-<version>``, checks it
there, and only then renames it to ``releases/<version>``: a release folder
with its name is complete. Checked first:

- the package's control fields: ``village-kiosk``, the version the signed
  manifest names, this machine's architecture;
- its ``Depends`` are installed here (a release that needs a new Debian
  package is for apt, by a technician: the terminal says which);
- every module compiles (the bytecode the kiosk user cannot write), and the
  new ``village-kiosk --version`` answers with its version.

What the release then does on screen is the trial's business (kiosk.release.trial).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from kiosk.feed.outcome import Failed, Rejected
from kiosk.release.layout import PACKAGE, PREFIX, Layout
from kiosk.release.manifest import ReleaseManifest
from kiosk.release.package import control_fields
from kiosk.release.trial import compile_bytecode

CHECK_TIMEOUT_S = 120
_DEPENDENCY = re.compile(r"^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\((<<|<=|=|>=|>>)\s*([^)\s]+)\s*\))?$")


def _dpkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=CHECK_TIMEOUT_S)


def _installed(dependency: str) -> bool:
    match = _DEPENDENCY.match(dependency.strip())
    if match is None:
        return False
    name, operator, version = match.groups()
    answer = _dpkg("dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", name)
    status, _, installed = answer.stdout.partition(" ")
    if answer.returncode != 0 or status != "installed":
        return False
    return (
        operator is None
        or _dpkg("dpkg", "--compare-versions", installed, operator.replace("<<", "lt").replace(">>", "gt"), version).returncode == 0
    )


def unmet(depends: str) -> list[str]:
    """The dependencies (``a | b (>= 1)``, …) not installed on this machine."""
    groups = [group.strip() for group in depends.split(",") if group.strip()]
    return [group for group in groups if not any(_installed(choice) for choice in group.split("|"))]


def check_package(package: Path, manifest: ReleaseManifest) -> None:
    fields = control_fields(package)
    architecture = _dpkg("dpkg", "--print-architecture").stdout.strip()
    expected = {"Package": PACKAGE, "Version": manifest.version, "Architecture": architecture}
    for name, value in expected.items():
        if fields.get(name) != value:
            raise Rejected(f"{package.name}: {name} is {fields.get(name)!r}, not {value!r}")
    missing = unmet(fields.get("Depends", ""))
    if missing:
        raise Failed(f"{manifest.version} needs Debian packages this terminal lacks ({', '.join(missing)}): install it with apt-get")


def _check_release(tree: Path, final: Path, version: str) -> None:
    if not (tree / "bin" / PACKAGE).is_file():
        raise Rejected(f"the package holds no {PREFIX}/releases/{version}/bin/{PACKAGE}")
    try:
        compile_bytecode(final, source=tree)
        # Isolated (-I) and from /: the release's own modules answer, never
        # ones from the caller's folder or PYTHONPATH.
        answer = subprocess.run(
            [str(tree / "bin" / "python"), "-I", "-m", "kiosk.cli", "--version"],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT_S,
            cwd="/",
        )
    except subprocess.CalledProcessError as exc:
        raise Rejected(f"{version} does not compile: {(exc.stdout + exc.stderr).strip()[-500:]}") from None
    except subprocess.TimeoutExpired:
        raise Rejected(f"{version} did not answer --version within {CHECK_TIMEOUT_S} s") from None
    if answer.returncode != 0 or answer.stdout.strip() != f"{PACKAGE} {version}":
        raise Rejected(f"{version}: `village-kiosk --version` said {(answer.stdout + answer.stderr).strip()[-300:]!r}")


def unpack(package: Path, manifest: ReleaseManifest, layout: Layout) -> Path:
    """The release folder, complete and checked, at ``releases/<version>``."""
    check_package(package, manifest)
    version = manifest.version
    incoming = layout.releases / f".incoming-{version}"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(mode=0o755, parents=True)
    try:
        answer = _dpkg("dpkg-deb", "--extract", str(package), str(incoming))
        if answer.returncode != 0:
            raise Rejected(f"{package.name}: cannot be unpacked ({answer.stderr.strip()})")
        tree = incoming / PREFIX.lstrip("/") / "releases" / version
        final = layout.release(version)
        _check_release(tree, final, version)
        if final.exists():
            shutil.rmtree(final)  # an incomplete leftover never has this name; an old copy of the same version
        tree.rename(final)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return final
