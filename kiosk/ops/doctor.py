"""``village-kiosk doctor``: check a terminal and say how to fix it.

One line per check, ``OK|WARN|FAIL  check: detail — fix``; the exit status
is 1 when any check FAILs. FAIL means villagers do not see correct, current
data (or will not after the next restart); WARN means something degraded
that the kiosk lives with (no network for now, software GL, no speech).

The doctor only reads: it never creates the store or the configuration
(a damaged data file it finds is dropped by the store itself, so the next
sync fetches it again).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

import kiosk
from kiosk import paths
from kiosk.config import Config, ConfigError, load_config
from kiosk.feed import keys
from kiosk.feed.manifest import MANIFEST_NAME
from kiosk.feed.outcome import Failed, Rejected, human_size
from kiosk.feed.store import Store
from kiosk.feed.storedb import DB_NAME, StoreDamaged, is_damage, is_disk_full
from kiosk.feed.sync import feed_url
from kiosk.ops import units
from kiosk.ops.heartbeat import heartbeat_url, last_result
from kiosk.ops.pin import is_pin_hash
from kiosk.ops.state import open_state, state_dir
from kiosk.release import trial
from kiosk.release.layout import TERMINAL, Layout
from kiosk.release.status import read_status

DISK_FAIL_BYTES = 100 * 1024 * 1024
DISK_WARN_BYTES = 500 * 1024 * 1024
CLOCK_SLACK = dt.timedelta(minutes=5)
EARLIEST_SANE_YEAR = 2024
NETWORK_TIMEOUT = 5.0
ROLLBACK_NEWS = dt.timedelta(days=7)  # a rollback this recent is a WARN
_FREE_SPACE = "free space: journalctl --vacuum-size=50M; apt-get clean; remove files under /var/tmp and /home"
_SYNC_FIX = "connect the network and run: sudo -u kiosk village-kiosk sync --once (or import a USB tree: village-kiosk feed import PATH)"


class Level(enum.Enum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    level: Level
    name: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.level.value:<4}  {self.name}: {self.detail}" + (f" — {self.fix}" if self.fix else "")


def _ok(name: str, detail: str) -> Check:
    return Check(Level.OK, name, detail)


def _warn(name: str, detail: str, fix: str = "") -> Check:
    return Check(Level.WARN, name, detail, fix)


def _fail(name: str, detail: str, fix: str = "") -> Check:
    return Check(Level.FAIL, name, detail, fix)


def _size(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else human_size(size)


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return f"{_ago(-delta)} in the future"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


# ------------------------------------------------------------ display


def x_answers(display: str, timeout: float = 3.0) -> str | None:
    """None when an X server answers the connection handshake on a local
    ``display``; else why not. (Any answer counts, "authorization
    required" too: the server is up, it just does not know us.)"""
    host, _, rest = display.partition(":")
    number = rest.split(".", 1)[0]
    if host or not number.isdigit():
        return f"DISPLAY={display} is not a local display"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(f"/tmp/.X11-unix/X{number}")
        except OSError as exc:
            return f"nothing listens on /tmp/.X11-unix/X{number} ({exc.strerror})"
        # Connection setup: little-endian, protocol 11.0, no authorization.
        sock.sendall(struct.pack("<BxHHHHxx", ord("l"), 11, 0, 0, 0))
        reply = sock.recv(8)
        if not reply or reply[0] not in (0, 1, 2):
            return "something listens there but does not speak X11"
        return None
    except OSError as exc:
        return f"no X11 answer ({exc})"
    finally:
        sock.close()


def check_display(display: str) -> Check:
    problem = x_answers(display)
    if problem:
        return _fail(
            "display",
            f"no X server on {display}: {problem}",
            f"is the kiosk running? systemctl status {units.KIOSK_UNIT}; journalctl -u {units.KIOSK_UNIT}",
        )
    return _ok("display", f"X server answers on {display}")


def check_gl(display: str, x_up: bool) -> Check:
    glxinfo = shutil.which("glxinfo")
    if not x_up:
        return _warn("gl", "not checked (no X server)")
    if glxinfo is None:
        return _warn("gl", "glxinfo is not installed, so GL was not checked", "apt-get install mesa-utils")
    try:
        result = subprocess.run(
            [glxinfo, "-B"], capture_output=True, text=True, timeout=20, check=False, env={**os.environ, "DISPLAY": display}
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _fail("gl", f"glxinfo failed: {exc}", "check the GPU driver (journalctl -b | grep -i drm)")
    info = dict(line.strip().split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    renderer = info.get("OpenGL renderer string", "")
    if result.returncode != 0 or not renderer:
        return _fail(
            "gl", f"no OpenGL on {display}: {result.stderr.strip()[:200]}", "apt-get install libgl1-mesa-dri; check the GPU driver"
        )
    version = info.get("OpenGL version string", "?")
    if any(soft in renderer.lower() for soft in ("llvmpipe", "softpipe", "swrast")):
        return _warn(
            "gl",
            f"software rendering ({renderer}, OpenGL {version}): works, but slowly",
            "install the GPU's driver/firmware (e.g. firmware-misc-nonfree) and reboot",
        )
    return _ok("gl", f"{renderer}, OpenGL {version}")


def check_font() -> Check:
    from kiosk.fonts import FontMissing, find_cjk_font

    try:
        faces = find_cjk_font()
    except FontMissing as exc:
        return _fail("font", str(exc).split(". Install")[0], "apt-get install fonts-noto-cjk")
    return _ok("font", f"{faces.family} ({faces.regular})")


def check_speech() -> Check:
    from kiosk.speech.engine import VOICE, SpeechEngine

    engine = SpeechEngine.detect()
    if engine is not None:
        problem = engine.audio_problem()
        if problem:
            return _warn(
                "read-aloud",
                f"espeak-ng cannot play: {problem}; the read-aloud button tells villagers it cannot speak",
                "connect the speakers or check the sound card (cat /proc/asound/cards; aplay -l from alsa-utils)",
            )
        return _ok("read-aloud", f"espeak-ng with the {VOICE} voice, sound device opens")
    if shutil.which("espeak-ng") is None:
        return _warn("read-aloud", "espeak-ng is not installed: the read-aloud button is hidden", "apt-get install espeak-ng")
    return _warn(
        "read-aloud", f"espeak-ng has no {VOICE} voice: the read-aloud button is hidden", "apt-get install --reinstall espeak-ng-data"
    )


# ------------------------------------------------------------ terminal state


@dataclass
class Terminal:
    """What the checks below share: the configuration and the store, read once."""

    root: Path | None
    config_path: Path
    now: dt.datetime
    config: Config | None = None
    config_problem: str = ""
    keyring: keys.Keyring | None = None
    store: Store | None = None
    notes: list[str] = field(default_factory=list)

    def host(self, target_path: str) -> Path:
        return self.root / target_path.lstrip("/") if self.root else Path(target_path)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def check_config(t: Terminal) -> Check:
    path = t.config_path
    if not path.exists():
        t.config_problem = "no configuration"
        return _fail("config", f"{path} does not exist: the kiosk shows the demo village", "run: village-kiosk provision")
    if not os.access(path, os.R_OK):
        t.config_problem = "configuration unreadable"
        return _fail(
            "config", f"{path} is not readable by this user (it holds secrets)", "run the doctor as root: sudo village-kiosk doctor"
        )
    try:
        t.config = load_config(path)
    except ConfigError as exc:
        t.config_problem = "configuration invalid"
        return _fail("config", str(exc), "fix the file, or provision again: village-kiosk provision")
    feed = t.config.feed
    if not t.config.uses_platform:
        return _fail("config", f"{path}: no platform or village set: the kiosk shows the demo village", "run: village-kiosk provision")
    refusal = feed.refuses()
    if refusal is not None:
        return _fail("config", refusal, "use the https address, or provision with --allow-http")
    if not feed.platform.startswith(("https://", "http://")):
        return _fail("config", f"platform {feed.platform!r} is not an http(s) URL", "provision again with --platform https://…")
    missing = [name for name, ok in (("PIN", is_pin_hash(t.config.terminal.pin_hash)), ("token", bool(t.config.terminal.token))) if not ok]
    detail = f"{path}: village {feed.village}, terminal {t.config.terminal.id}, platform {feed.platform}"
    if missing:
        return _warn(
            "config",
            f"{detail}; no {' and no '.join(missing)} set",
            "provision again with " + " ".join(f"--{name.lower()} …" for name in missing),
        )
    return _ok("config", detail)


def check_keys(t: Terminal) -> Check:
    if t.config is None:
        return _warn("keys", f"not checked ({t.config_problem})")
    if not t.config.feed.pubkeys:
        return _fail("keys", "no trusted platform key configured: no data can be accepted", "provision again with --pubkey FILE")
    loaded = []
    for spec in t.config.feed.pubkeys:
        try:
            loaded.append(keys.load_public_key(spec if not spec.startswith("/") else t.host(spec)))
        except keys.KeyFileError as exc:
            return _fail("keys", str(exc), "copy the platform's key again: village-kiosk provision --pubkey FILE")
    t.keyring = keys.Keyring(loaded)
    return _ok("keys", f"{len(t.keyring)} trusted: {', '.join(t.keyring.ids())}")


def check_data(t: Terminal) -> Check:
    if t.config is None:
        return _warn("data", f"not checked ({t.config_problem})")
    directory = t.host(t.config.feed.store)
    if not (directory / DB_NAME).exists():
        return _fail("data", f"no data store at {directory}", _SYNC_FIX)
    try:
        # Not Store.open: the doctor only looks, it sets nothing aside.
        t.store = Store(directory, t.config.feed.store_limit_mb * 1024 * 1024)
    except StoreDamaged as exc:
        return _fail(
            "data",
            f"the store's database is damaged ({exc}); villagers see no data",
            f"restart the kiosk (systemctl restart {units.KIOSK_UNIT}): it sets the damaged file aside and fetches "
            "the data again; or run: sudo -u kiosk village-kiosk sync --once",
        )
    manifest = t.store.current()
    if manifest is None:
        return _fail("data", f"the store at {directory} holds no data yet", _SYNC_FIX)
    if manifest.village != t.config.feed.village:
        return _fail(
            "data",
            f"the store holds village {manifest.village}, the configuration says {t.config.feed.village}",
            f"remove {directory} and sync again",
        )
    detail = f"v{manifest.version} for village {manifest.village}, published {manifest.generated_at:%Y-%m-%d %H:%M}Z ({_ago(t.now - manifest.generated_at)})"
    last = t.store.last_outcome()
    last_note = f"; last sync {_ago(t.now - last.at)}: {last.message}" if last else ""
    if t.now >= manifest.expires_at:
        return _warn(
            "data", f"{detail}: out of date since {manifest.expires_at:%Y-%m-%d %H:%M}Z, villagers see a warning{last_note}", _SYNC_FIX
        )
    return _ok("data", f"{detail}, expires {manifest.expires_at:%Y-%m-%d}{last_note}")


def check_signature(t: Terminal) -> Check:
    if t.store is None or t.store.current() is None:
        return _warn("signature", "not checked (no data)")
    if t.keyring is None:
        return _warn("signature", "not checked (no usable keys)")
    try:
        manifest = t.store.verify(t.keyring)
    except (Rejected, Failed) as exc:
        return _fail(
            "signature",
            f"the stored data fails verification: {exc}",
            "sync again to repair it (sudo -u kiosk village-kiosk sync --once) or import a good USB tree",
        )
    return _ok("signature", f"v{manifest.version} signed by key {manifest.key_id}; all {len(manifest.files)} files intact")


def check_history(t: Terminal) -> Check:
    """The chain of versions held, and a fork found (a rewritten feed)."""
    if t.store is None or t.store.current() is None:
        return _warn("history", "not checked (no data)")
    fork = t.store.fork()
    if fork is not None:
        return _fail(
            "history",
            f"the platform's feed was rewritten: v{fork.offered_version} (sha256 {fork.offered_sha256}) does not extend "
            f"v{fork.held_version} (sha256 {fork.held_sha256}) held here ({fork.detail}); refused since "
            f"{fork.at:%Y-%m-%d %H:%M}Z, villagers see v{fork.held_version}",
            "report both hashes to the county's platform team: only a version that extends the one held is accepted",
        )
    head = t.store.chain_head()
    assert head is not None  # the store holds data
    history = t.store.history()
    chain = f"chain at v{head.version} (sha256 {head.sha256})" if head.chained else f"v{head.version} is not part of a chain yet"
    return _ok("history", f"{chain}; {len(history)} corrections kept ({human_size(t.store.history_size())})")


def check_disk(t: Terminal) -> Check:
    store = t.host(t.config.feed.store if t.config else Config().feed.store)
    where = next((path for path in (store, *store.parents) if path.exists()), Path("/"))
    usage = shutil.disk_usage(where)
    detail = f"{_size(usage.free)} free of {_size(usage.total)} at {where}"
    if usage.free < DISK_FAIL_BYTES:
        return _fail("disk", detail + ": too little for the next data update", _FREE_SPACE)
    if usage.free < DISK_WARN_BYTES:
        return _warn("disk", detail, "soon " + _FREE_SPACE)
    return _ok("disk", detail)


def check_clock(t: Terminal) -> Check:
    now = t.now
    if now.year < EARLIEST_SANE_YEAR:
        return _fail(
            "clock",
            f"the system clock says {now:%Y-%m-%d %H:%M}Z",
            "set it: timedatectl set-ntp true (network), or date -s 'YYYY-MM-DD HH:MM'",
        )
    newest = None
    if t.store is not None:
        manifest = t.store.current()
        newest = max(filter(None, [t.store.clock.lower_bound(), manifest.generated_at if manifest else None]), default=None)
    if newest is not None and now + CLOCK_SLACK < newest:
        return _warn(
            "clock",
            f"the system clock ({now:%Y-%m-%d %H:%M}Z) is behind data published at {newest:%Y-%m-%d %H:%M}Z "
            "(the kiosk compensates, but logs and reports are off)",
            "timedatectl set-ntp true, or date -s",
        )
    return _ok("clock", f"{now:%Y-%m-%d %H:%M}Z" + (f", not behind the newest verified data ({newest:%Y-%m-%d %H:%M}Z)" if newest else ""))


def check_network(t: Terminal, timeout: float = NETWORK_TIMEOUT) -> Check:
    if t.config is None or not t.config.uses_platform:
        return _warn("network", "not checked (no platform configured)")
    url = feed_url(t.config.feed.platform, t.config.feed.village) + MANIFEST_NAME
    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=True) as client, client.stream("GET", url) as response:
            status = response.status_code  # the body is not needed
    except httpx.HTTPError as exc:
        return _warn(
            "network",
            f"cannot reach {url}: {type(exc).__name__} ({exc}); the kiosk shows its stored data meanwhile",
            "check the cable / 4G router; or bring data on a USB stick: village-kiosk feed import PATH",
        )
    elapsed = time.monotonic() - started
    if status == 200:
        return _ok("network", f"platform answers: HTTP 200 in {elapsed:.1f} s for {url}")
    if status == 404:
        return _fail(
            "network",
            f"the platform has no feed for village {t.config.feed.village} ({url}: HTTP 404)",
            "check the village code and platform address; provision again",
        )
    return _warn("network", f"{url}: HTTP {status}", "the platform may be down; the kiosk retries by itself")


def check_heartbeat(t: Terminal) -> Check:
    if t.config is None:
        return _warn("heartbeat", f"not checked ({t.config_problem})")
    url = heartbeat_url(t.config)
    if url is None or not t.config.terminal.token:
        return _warn("heartbeat", "off: no platform or no terminal token", "provision again with --token TOKEN")
    store = t.host(t.config.feed.store)
    if not (state_dir(store) / "cache.db").exists():
        return _warn("heartbeat", f"never reported yet (to {url})", f"is the kiosk running? systemctl status {units.KIOSK_UNIT}")
    with open_state(store) as state:
        last = last_result(state)
    if last is None:
        return _warn("heartbeat", f"never reported yet (to {url})", f"is the kiosk running? systemctl status {units.KIOSK_UNIT}")
    if not last.delivered:
        return _warn("heartbeat", f"last report {_ago(t.now - last.at)} {last.message}", "check the network and the token")
    return _ok("heartbeat", f"last report {_ago(t.now - last.at)}: {last.message}")


def check_boot(t: Terminal) -> Check:
    unit = t.host(f"{units.UNIT_DIR}/{units.KIOSK_UNIT}")
    enabled = t.host(next(iter(units.enable_links())))
    if not unit.exists() or not enabled.is_symlink():
        return _fail(
            "boot", f"{units.KIOSK_UNIT} is not installed and enabled: the kiosk does not start at boot", "run: village-kiosk provision"
        )
    return _ok("boot", f"{units.KIOSK_UNIT} enabled (watchdog {units.WATCHDOG_SEC} s, restart always)")


def check_software(t: Terminal) -> Check:
    """The release running, one on trial, the last rollback and update run (kiosk.release)."""
    layout = Layout.under(t.root) if t.root else TERMINAL
    status = read_status(layout)
    if not status.installed:
        return _ok("software", f"{kiosk.__version__}, a development install: software updates do not apply")
    if status.release is None or not trial.is_release(layout, status.release):
        return _fail(
            "software",
            f"{layout.current} names no installed release",
            "reinstall the package: apt-get install --reinstall ./village-kiosk_…deb",
        )
    detail = status.release + (f" (the good one: {status.good})" if status.good != status.release else "")
    rollback, last = status.rollback, status.last
    if rollback is not None and t.now - rollback.at < ROLLBACK_NEWS:
        return _warn(
            "software",
            f"{detail}; went back from {rollback.from_version} to {rollback.to_version} {_ago(t.now - rollback.at)}: "
            f"{rollback.reason}; {rollback.from_version} is not taken again here",
            "tell the platform team: the release failed on this terminal (docs/OPERATIONS.md §10)",
        )
    if status.trial is not None:
        return _ok(
            "software",
            f"{detail} on trial since {_ago(t.now - status.trial.started_at)}, start {status.trial.starts} of at most "
            f"{status.trial.max_crashes}; back to {status.trial.previous} if it does not come up",
        )
    release_keys = t.host(units.RELEASE_KEYS_DIR)
    if not (release_keys.is_dir() and any(release_keys.glob("*.pub"))):
        return _warn("software", f"{detail}; software updates are off: no release key", "provision again with --release-key FILE")
    if last is not None and last.outcome in ("rejected", "failed"):
        return _warn(
            "software",
            f"{detail}; last update {_ago(t.now - last.at)}: {last.message}",
            "a rejected release is not signed by this terminal's release key, or was changed on the way: tell the platform team"
            if last.outcome == "rejected"
            else "it tries again in the next update hours; check the network",
        )
    return _ok("software", detail + (f"; last update {_ago(t.now - last.at)}: {last.message}" if last else "; no update run yet"))


# ------------------------------------------------------------ running


def checks(
    root: Path | None = None,
    config_path: Path | None = None,
    display: str | None = None,
    now: dt.datetime | None = None,
    network_timeout: float = NETWORK_TIMEOUT,
) -> Iterator[Check]:
    """Every check, in the order printed (each as soon as it is done)."""
    display = display or os.environ.get("DISPLAY") or ":0"
    if config_path is None:
        config_path = root / units.CONFIG_PATH.lstrip("/") if root else paths.DEFAULT_CONFIG
    terminal = Terminal(root, config_path, now or dt.datetime.now(dt.UTC))
    display_check = _guarded("display", lambda: check_display(display))
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("gl", lambda: check_gl(display, display_check.level is Level.OK)),
        ("font", check_font),
        *(
            (step.__name__.removeprefix("check_"), lambda step=step: step(terminal))
            for step in (check_config, check_keys, check_data, check_signature, check_history, check_disk, check_clock)
        ),
        ("network", lambda: check_network(terminal, network_timeout)),
        ("read-aloud", check_speech),
        ("heartbeat", lambda: check_heartbeat(terminal)),
        ("boot", lambda: check_boot(terminal)),
        ("software", lambda: check_software(terminal)),
    ]
    yield display_check
    try:
        for name, step in steps:
            yield _guarded(name, step)
    finally:
        terminal.close()


def _guarded(name: str, step: Callable[[], Check]) -> Check:
    """A check that cannot run (unreadable store, permissions) is a FAIL
    line naming the cause and its fix, not a traceback that hides the
    other checks."""
    try:
        return step()
    except Exception as exc:
        return _fail(name, f"could not check: {type(exc).__name__}: {exc}", _fix_for(exc))


def _fix_for(exc: Exception) -> str:
    if is_disk_full(exc):
        return "the disk is full: " + _FREE_SPACE
    if is_damage(exc):
        return f"a data file is damaged: restart the kiosk (systemctl restart {units.KIOSK_UNIT}) to have it set aside and fetched again"
    if isinstance(exc, PermissionError) or "readonly" in str(exc) or "unable to open" in str(exc):
        return "run the doctor as root (sudo village-kiosk doctor)"
    return "report this line to the platform's support"


def run(args, out=None) -> int:
    out = out or sys.stdout
    root = Path(args.root) if getattr(args, "root", None) else None
    config = getattr(args, "config", None)
    counts = dict.fromkeys(Level, 0)
    for check in checks(root, Path(config) if config else None):
        counts[check.level] += 1
        print(check.line(), file=out, flush=True)
    print(f"{counts[Level.OK]} OK, {counts[Level.WARN]} WARN, {counts[Level.FAIL]} FAIL", file=out)
    return 1 if counts[Level.FAIL] else 0
