"""The terminal's Debian package, built from this checkout by one command:
``./provisioning/build-deb.sh [--out DIR]`` (``python3 -m tooling.debian``).

What it holds (docs/OPERATIONS.md §10):

- ``/opt/village-kiosk/releases/<version>/``: a private virtual environment
  made with Debian's own ``/usr/bin/python3.11``, with the product (``kiosk``,
  ``screens``; not the tooling) and every Python dependency from their wheels,
  and the demo village under ``share/village-kiosk/assets``. Versioned, so a
  software update installs the next release beside it (``kiosk.release``);
- ``/usr/bin/village-kiosk`` -> ``/opt/village-kiosk/current/bin/village-kiosk``;
  ``current`` (and ``good``, the release that runs the start-up guard) are set
  by the postinst through ``village-kiosk release adopt``, which also compiles
  the bytecode (the kiosk user cannot write there; prerm removes it again);
- the Debian packages it needs: those the wheels' compiled modules link
  against (found with ``ldd``, mapped with ``dpkg -S``) and those it runs or
  opens at run time (``RUNTIME_DEPENDS``).

No debhelper: the tree is laid out here and ``dpkg-deb`` builds it, owned by
root, with the timestamps of the last commit (``SOURCE_DATE_EPOCH``).

The pieces (an environment, relocating it, packing a tree) are also used by
the tests to make small releases that crash or hang at start.

Only the standard library: it runs with Debian's Python, before any
environment exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from kiosk.release.layout import PACKAGE, Layout

REPO = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3.11"  # the environment's interpreter; its Debian package is a dependency
MAINTAINER = "village-kiosk maintainers <maintainers@users.noreply.r-seed-43e15937.example>"
SUMMARY = "touchscreen query terminal for village micro-power disclosure"
DESCRIPTION = """\
 The fullscreen kiosk of the village offices' query terminals (终端查询机):
 the village's power list and flowcharts, projects, finances with their
 receipts and the results of handled matters, from a signed local copy kept
 current from the county's platform, with a large-font mode and reading
 aloud for elders. Also the technician's tools (provision, doctor), the
 platform's feed publisher and the county's hub.
 .
 The application and its Python libraries live in a private environment
 under /opt/village-kiosk; signed software updates install beside it and
 go back by themselves when a new release does not come up."""
# Needed at run time, named by no library link: the interpreter, the X
# session (kiosk.ops.units), what SDL2 in Kivy's wheel and Mesa open
# (dlopen), touch, fonts, speech, and what updates and the postinst use.
RUNTIME_DEPENDS = (
    "python3.11",
    "python3",  # some bundled modules carry a #!/usr/bin/env python3 line
    "xinit",
    "xserver-xorg",
    "x11-xserver-utils",
    "libgl1",
    "libgl1-mesa-dri",
    "libx11-6",
    "libxext6",
    "libxcursor1",
    "libxfixes3",
    "libxi6",
    "libxrandr2",
    "libxss1",
    "libmtdev1",
    "fonts-noto-cjk",
    "espeak-ng",
    "passwd",  # provision adds the kiosk user with useradd
)
RECOMMENDS = ("mesa-utils",)  # glxinfo: the doctor's GL check
LINTIAN_OVERRIDES = REPO / "provisioning" / "debian" / "lintian-overrides"
DOC_DIR = Path("usr/share/doc") / PACKAGE
MAINTAINER_SCRIPTS = ("postinst", "prerm", "postrm")


class BuildError(RuntimeError):
    pass


def _run(*command: str | Path, **options) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([str(part) for part in command], check=True, text=True, **options)
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"{' '.join(map(str, command))}: exit status {exc.returncode}\n{exc.stderr or ''}") from None


def version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"', (REPO / "kiosk" / "__init__.py").read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise BuildError("kiosk/__init__.py names no __version__")
    return match.group(1)


def architecture() -> str:
    return _run("dpkg", "--print-architecture", capture_output=True).stdout.strip()


def source_date_epoch() -> int:
    """The last commit's time (reproducible builds), or now outside git."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    found = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=False)
    return int(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else int(time.time())


# ------------------------------------------------------------ the environment


def new_environment(stage: Path, with_pip: bool) -> None:
    """A virtual environment of Debian's Python at ``stage`` (its final
    place is given to ``relocate``)."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.parent.mkdir(parents=True, exist_ok=True)
    _run(PYTHON, "-m", "venv", *([] if with_pip else ["--without-pip"]), stage)


def site_packages(environment: Path) -> Path:
    (found,) = (environment / "lib").glob("python3.*/site-packages")
    return found


def product_source(into: Path) -> Path:
    """The product alone, as a source tree pip can install: the tooling
    stays out (``packages.find`` finds only what is there)."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, into / name)
    for package in ("kiosk", "screens"):
        shutil.copytree(REPO / package, into / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return into


def install_product(stage: Path, work: Path) -> None:
    """The product and its dependencies into the environment, then pip and
    setuptools out of it again (a terminal installs nothing with pip)."""
    source = product_source(work / "source")
    python = stage / "bin" / "python"
    pip = (python, "-m", "pip", "--disable-pip-version-check", "--no-input")
    _run(*pip, "install", "--no-compile", "--no-warn-script-location", "--quiet", source)
    _run(*pip, "uninstall", "--yes", "--quiet", "pip", "setuptools")
    for leftover in site_packages(stage).glob("village_kiosk-*.dist-info/direct_url.json"):
        leftover.unlink()  # names the build's temporary folder
    copy_assets(stage)


def copy_assets(stage: Path) -> None:
    """The demo village, where ``kiosk.paths`` looks in an installed environment."""
    shutil.copytree(REPO / "assets", stage / "share" / PACKAGE / "assets", ignore=shutil.ignore_patterns("__pycache__"))


def relocate(stage: Path, final: str) -> None:
    """An environment made at ``stage`` that will live at ``final``: its
    scripts' ``#!`` lines and its pyvenv.cfg name the final place. Its
    ``bin`` keeps the interpreter and ``village-kiosk`` only: the activation
    scripts and the dependencies' own commands have no use on a terminal."""
    for script in (stage / "bin").iterdir():
        if not script.name.startswith("python") and script.name != PACKAGE:
            script.unlink()
    for path in [*(stage / "bin").iterdir(), stage / "pyvenv.cfg"]:
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if str(stage).encode() in data:
            path.write_bytes(data.replace(str(stage).encode(), final.encode()))
    for cache in list(stage.rglob("__pycache__")):
        shutil.rmtree(cache)
    found = subprocess.run(["grep", "-rlIF", str(stage), str(stage)], capture_output=True, text=True, check=False)
    if found.stdout.strip():
        raise BuildError(f"the build folder is still named in: {found.stdout.strip()}")


# ------------------------------------------------------------ dependencies


def _elf_files(tree: Path) -> Iterable[Path]:
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    yield path


def linked_libraries(tree: Path) -> set[str]:
    """The system libraries the compiled modules in ``tree`` link against
    (libraries the wheels bundle beside them are found inside the tree)."""
    tree = tree.resolve()
    bundled = {path.name for path in tree.rglob("*.so*")}
    found, missing = set(), set()
    for path in _elf_files(tree):
        listing = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
        for name, target in re.findall(r"^\s*(\S+) => (\S+)", listing, re.MULTILINE):
            if target == "not":
                if name not in bundled:
                    missing.add(f"{path.relative_to(tree)}: {name}")
            elif not target.startswith(str(tree)):
                found.add(target)
    if missing:
        raise BuildError("libraries not found on this machine:\n  " + "\n  ".join(sorted(missing)))
    return found


def owning_packages(paths: Iterable[str]) -> set[str]:
    """The Debian packages that ship ``paths`` (each as found, or where its
    links lead: /lib is /usr/lib on Debian 12), asked of dpkg at once."""
    candidates = {path: list(dict.fromkeys((path, os.path.realpath(path)))) for path in paths}
    asked = sorted({candidate for found in candidates.values() for candidate in found})
    # Unowned paths go to stderr (and a non-zero status); the owned ones are
    # listed as "package[:arch][, other]: path".
    answer = subprocess.run(["dpkg", "-S", *asked], capture_output=True, text=True, check=False) if asked else None
    owners = {}
    for line in answer.stdout.splitlines() if answer else []:
        names, separator, path = line.partition(": ")
        if separator and not line.startswith("diversion "):
            owners[path.strip()] = names.split(",")[0].split(":")[0].strip()
    unowned = sorted(path for path, found in candidates.items() if not any(candidate in owners for candidate in found))
    if unowned:
        raise BuildError("no Debian package ships: " + ", ".join(unowned))
    return {next(owners[candidate] for candidate in found if candidate in owners) for found in candidates.values()}


def depends(tree: Path) -> list[str]:
    return sorted(owning_packages(linked_libraries(tree)) | set(RUNTIME_DEPENDS))


# ------------------------------------------------------------ the package


def installed_size(root: Path) -> int:
    """In KiB, as dpkg counts it."""
    return sum(-(-path.lstat().st_size // 1024) for path in root.rglob("*") if "DEBIAN" not in path.relative_to(root).parts)


def control_text(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def package_fields(name: str, release: str, arch: str, depends_on: Iterable[str], summary: str, description: str, **more: str) -> dict:
    return {
        "Package": name,
        "Version": release,
        "Architecture": arch,
        "Maintainer": MAINTAINER,
        "Section": "misc",
        "Priority": "optional",
        "Depends": ", ".join(depends_on),
        **more,
        "Description": f"{summary}\n{description}",
    }


def _gzip(data: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(data)


def _bundled(environment: Path) -> list[str]:
    """name version: licence, of every distribution in the environment."""
    script = (
        "import importlib.metadata as m\n"
        "for d in sorted(m.distributions(), key=lambda d: d.metadata['Name'].lower()):\n"
        "    md = d.metadata\n"
        "    lic = md.get('License-Expression') or next((c.split(' :: ')[-1] for c in md.get_all('Classifier') or []"
        " if c.startswith('License ::')), None) or (md.get('License') or '').splitlines()[0:1]\n"
        "    print(f\"{md['Name']} {d.version}: {lic if isinstance(lic, str) else (lic[0] if lic else 'see its dist-info')}\")\n"
    )
    return _run(environment / "bin" / "python", "-c", script, capture_output=True).stdout.splitlines()


def _man_page(environment: Path, release: str, epoch: int) -> bytes:
    help_text = _run(
        environment / "bin" / "python", "-m", "kiosk.cli", "--help", capture_output=True, env={**os.environ, "COLUMNS": "78"}
    ).stdout
    lines = []
    for line in help_text.replace("\\", "\\e").splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    date = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d")
    page = (
        f'.TH VILLAGE-KIOSK 1 "{date}" "village-kiosk {release}" "User Commands"\n'
        f".SH NAME\nvillage-kiosk \\- {SUMMARY}\n"
        ".SH SYNOPSIS\n.B village-kiosk\n[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR]]\n"
        ".SH DESCRIPTION\nEach command explains itself with \\fB\\-\\-help\\fR. The overview:\n"
        ".PP\n.nf\n" + "\n".join(lines) + "\n.fi\n"
        ".SH SEE ALSO\nThe operations guide (provisioning, doctor, heartbeat, software updates):\n"
        "docs/OPERATIONS.md in the village-kiosk repository.\n"
    )
    return page.encode("utf-8")


def write_documents(root: Path, environment: Path, release: str, epoch: int) -> None:
    docs = root / DOC_DIR
    docs.mkdir(parents=True, exist_ok=True)
    copyright_text = (REPO / "provisioning" / "debian" / "copyright").read_text(encoding="utf-8")
    bundled = "".join(f" {line}\n" for line in _bundled(environment))
    (docs / "copyright").write_text(copyright_text.replace("@BUNDLED@\n", bundled), encoding="utf-8")
    when = email.utils.formatdate(epoch, usegmt=False).replace("-0000", "+0000")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    changelog = (
        f"{PACKAGE} ({release}) unstable; urgency=medium\n\n"
        f"  * Built from the village-kiosk repository{' at ' + commit.stdout.strip() if commit.returncode == 0 else ''}.\n\n"
        f" -- {MAINTAINER}  {when}\n"
    )
    _gzip(changelog.encode(), docs / "changelog.gz")
    _gzip(_man_page(environment, release, epoch), root / "usr/share/man/man1" / f"{PACKAGE}.1.gz")
    overrides = root / "usr/share/lintian/overrides" / PACKAGE
    overrides.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LINTIAN_OVERRIDES, overrides)


def write_scripts(debian: Path, release: str) -> None:
    for name in MAINTAINER_SCRIPTS:
        text = (REPO / "provisioning" / "debian" / name).read_text(encoding="utf-8").replace("@VERSION@", release)
        (debian / name).write_text(text, encoding="utf-8")
        (debian / name).chmod(0o755)


def _normalise(root: Path, epoch: int) -> None:
    """Modes dpkg and lintian expect (only commands and maintainer scripts
    executable: the wheels mark libraries, pictures and modules so too),
    no empty folders, and one timestamp for every file."""
    for folder, _, _ in os.walk(root, topdown=False):
        if not os.listdir(folder):
            os.rmdir(folder)
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        command = path.parent.name == "bin" or (path.parent.name == "DEBIAN" and path.name in MAINTAINER_SCRIPTS)
        path.chmod(0o755 if path.is_dir() or command else 0o644)
        os.utime(path, (epoch, epoch))


# Releases travel over village links: xz, the smallest (38 MB against 62 MB,
# but minutes to compress). ``fast``, for the tests and trying things out: gzip -1, seconds.
COMPRESSION = ("-Zxz",)
FAST_COMPRESSION = ("-Zgzip", "-z1")


def pack(root: Path, fields: dict[str, str], out_dir: Path, epoch: int, fast: bool = False) -> Path:
    """``root`` (with its ``DEBIAN`` scripts, if any) as ``<package>_<version>_<arch>.deb`` in ``out_dir``."""
    debian = root / "DEBIAN"
    debian.mkdir(exist_ok=True)
    sums = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] != "DEBIAN" and path.is_file() and not path.is_symlink():
            sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {relative}\n")  # dpkg's own format
    (debian / "md5sums").write_text("".join(sums), encoding="utf-8")
    (debian / "control").write_text(control_text({**fields, "Installed-Size": str(installed_size(root))}), encoding="utf-8")
    _normalise(root, epoch)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{fields['Package']}_{fields['Version']}_{fields['Architecture']}.deb"
    _run(
        "dpkg-deb",
        "--root-owner-group",
        *(FAST_COMPRESSION if fast else COMPRESSION),
        "--build",
        root,
        target,
        capture_output=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
    )
    return target


def build(out_dir: Path, work: Path, fast: bool = False) -> Path:
    release, arch, epoch = version(), architecture(), source_date_epoch()
    layout = Layout()
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    final = str(layout.release(release))
    stage = root / final.lstrip("/")
    new_environment(stage, with_pip=True)
    install_product(stage, work)
    relocate(stage, final)
    link = root / "usr/bin" / PACKAGE
    link.parent.mkdir(parents=True)
    link.symlink_to(layout.command(layout.current))
    write_documents(root, stage, release, epoch)
    (root / "DEBIAN").mkdir()
    write_scripts(root / "DEBIAN", release)
    fields = package_fields(PACKAGE, release, arch, depends(stage), SUMMARY, DESCRIPTION, Recommends=", ".join(RECOMMENDS))
    return pack(root, fields, out_dir, epoch, fast)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-deb.sh", description="Build the terminal's Debian package from this checkout.")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where the .deb goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "deb", help="scratch folder (default: build/deb/)")
    parser.add_argument("--fast", action="store_true", help="gzip -1 instead of xz: a larger package in seconds (tests, trials)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        package = build(args.out.resolve(), args.work.resolve(), args.fast)
    except BuildError as exc:
        print(f"build-deb: {exc}", file=sys.stderr)
        return 1
    print(f"{package} ({package.stat().st_size / 1024**2:.1f} MB, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
