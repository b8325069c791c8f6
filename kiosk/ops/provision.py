"""``village-kiosk provision``: turn a Debian machine (or a device image,
``--root DIR``) into a village's kiosk terminal.

Three phases, in this order, so a bad answer never leaves half a terminal:

1. *collect*: every answer from the flags, else (on a terminal) from
   questions that repeat until the answer is valid, else from the existing
   configuration (re-provisioning keeps the terminal id, keys, PIN hash,
   token and any hand-tuned setting);
2. *plan*: every answer checked — village code, https platform, Ed25519
   keys, a USB tree verified against those keys — and every file to write
   computed; any error here exits 2 with nothing written;
3. *apply*: files written only where they differ (so provisioning twice
   changes nothing), then the first sync or USB import, then a summary
   box the technician can photograph.

Ownership: the configuration holds the token and the PIN hash, so it is
``root:kiosk 0640``. On the running system the kiosk user comes from
useradd; in a tree (``--root``) from that tree's own ``etc/passwd`` and
``etc/group``, and files are chowned to those numeric ids when running as
root (an image's ownership is numeric; host user names do not matter).
Without root, owners cannot be set: the summary says so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.config import Config, ConfigError, parse_config
from kiosk.feed import keys
from kiosk.feed.import_ import import_tree
from kiosk.feed.outcome import Failed, Rejected, SyncOutcome
from kiosk.feed.publish import verify_tree
from kiosk.feed.store import Store
from kiosk.feed.storedb import DB_NAME
from kiosk.ops import accounts, units
from kiosk.ops.answers import (
    Asker,
    ProvisionError,
    new_terminal_id,
    parse_pin,
    parse_platform,
    parse_pubkey,
    parse_rotation,
    parse_terminal_id,
    parse_token,
    parse_village,
)
from kiosk.ops.configfile import render_config
from kiosk.ops.files import FileSpec, Writer
from kiosk.ops.pin import hash_pin, verify_pin

EXIT_OK = 0
EXIT_INVALID = 2  # a bad answer: nothing was written
EXIT_NO_DATA = 4  # installed, but the first sync or import brought no data (the timer retries)

_DEFAULT_TERMINAL_ID = Config().terminal.id
BOX_WIDTH = 72


# ------------------------------------------------------------ the target


@dataclass(frozen=True)
class Target:
    root: Path

    @property
    def is_live(self) -> bool:
        """Provisioning the running system itself (not an image)."""
        return self.root.resolve() == Path("/")

    def host(self, target_path: str) -> Path:
        return self.root / target_path.lstrip("/")

    def check(self) -> None:
        if not self.root.is_dir():
            raise ProvisionError(f"--root {self.root}: not a directory")
        if self.is_live and os.geteuid() != 0:
            raise ProvisionError("provisioning this machine needs root: run it with sudo (or use --root DIR for an image)")

    def existing_config(self, terminal_id_given: bool) -> Config | None:
        path = self.host(units.CONFIG_PATH)
        if not path.exists():
            return None
        try:
            return parse_config(path.read_text(encoding="utf-8"), str(path))
        except (ConfigError, OSError, UnicodeDecodeError) as exc:
            if terminal_id_given:
                return None  # replaced whole; the id is given
            raise ProvisionError(
                f"the existing configuration is unusable ({exc}); pass --terminal-id to keep this terminal's id, or remove {path}"
            ) from None

    def existing_release_keys(self) -> list[Ed25519PublicKey]:
        folder = self.host(units.RELEASE_KEYS_DIR)
        found = []
        for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
            try:
                found.append(keys.load_public_key(path))
            except keys.KeyFileError as exc:
                raise ProvisionError(f"a release key is unreadable ({exc}); pass --release-key again") from None
        return found

    def existing_keys(self, config: Config | None) -> list[Ed25519PublicKey]:
        found = []
        for spec in config.feed.pubkeys if config else []:
            try:
                found.append(keys.load_public_key(spec if _is_key_text(spec) else self.host(spec)))
            except keys.KeyFileError as exc:
                raise ProvisionError(f"a configured key is unreadable ({exc}); pass --pubkey again") from None
        return found


def _is_key_text(spec: str) -> bool:
    return not spec.startswith("/") and (spec.startswith("-----BEGIN") or len(spec.strip()) == 44)


# ------------------------------------------------------------ plan


@dataclass
class Plan:
    target: Target
    config: Config
    keyring: keys.Keyring
    release_keys: list[Ed25519PublicKey]
    files: dict[str, FileSpec]  # target path -> spec
    links: dict[str, str]
    stale_keys: list[str]
    usb: Path | None
    sync: bool
    kiosk_bin: str
    warnings: list[str] = field(default_factory=list)


def _collect(args, target: Target, asker: Asker) -> tuple[Config, list[Ed25519PublicKey]]:
    existing = target.existing_config(args.terminal_id is not None)
    base = existing or Config()
    allow_http = args.allow_http if args.allow_http is not None else base.feed.allow_http
    village = asker.value("Village code (12 digits)", "--village", args.village, parse_village, base.feed.village or None)
    platform = asker.value(
        "Platform address (https://…)",
        "--platform",
        args.platform,
        lambda text: parse_platform(text, allow_http),
        base.feed.platform or None,
    )
    platform = parse_platform(platform, allow_http)  # a kept address too: --no-allow-http may have changed
    existing_keys = target.existing_keys(existing) if not args.pubkey else []
    if args.pubkey:
        pubkeys = [parse_pubkey(spec) for spec in args.pubkey]
    elif asker.interactive:
        pubkeys = asker.keys(existing_keys)
    elif existing_keys:
        pubkeys = existing_keys
    else:
        raise ProvisionError("missing --pubkey (the platform's public key: a file or its base64 text)")
    kept_id = base.terminal.id if existing and base.terminal.id != _DEFAULT_TERMINAL_ID else None
    terminal_id = asker.value("Terminal id", "--terminal-id", args.terminal_id, parse_terminal_id, kept_id or new_terminal_id(village))
    pin_hash = _pin_hash(args.pin, base.terminal.pin_hash, asker)
    token = asker.value(
        "Terminal token from the platform",
        "--token",
        args.token,
        parse_token,
        base.terminal.token,  # may be blank: a terminal without a token sends no heartbeat
        shown_default="blank keeps the current one" if base.terminal.token else "blank: no heartbeat",
        secret=True,
    )
    rotation = asker.value(
        "Screen rotation, degrees clockwise (0/90/180/270)", "--rotation", args.rotation, parse_rotation, base.display.rotation
    )
    config = msgspec.structs.replace(
        base,
        terminal=msgspec.structs.replace(base.terminal, id=terminal_id, pin_hash=pin_hash, token=token),
        feed=msgspec.structs.replace(
            base.feed,
            platform=platform,
            village=village,
            allow_http=allow_http,
            pubkeys=[f"{units.KEYS_DIR}/{keys.key_id(key)}.pub" for key in _unique(pubkeys)],
        ),
        display=msgspec.structs.replace(base.display, rotation=rotation),
    )
    return config, _unique(pubkeys)


def _release_keys(args, target: Target, data_keys: list[Ed25519PublicKey]) -> list[Ed25519PublicKey]:
    """The keys software releases must be signed with: given, else kept.
    Never a data key: whoever may publish a village's data must not be able
    to ship software to its terminal."""
    found = _unique([parse_pubkey(spec) for spec in args.release_key] if args.release_key else target.existing_release_keys())
    shared = {keys.key_id(key) for key in found} & {keys.key_id(key) for key in data_keys}
    if shared:
        raise ProvisionError(
            f"key {', '.join(sorted(shared))} is given as a data key and as a release key: releases need a key of their own"
        )
    return found


def _unique(found: list[Ed25519PublicKey]) -> list[Ed25519PublicKey]:
    return list({keys.key_id(key): key for key in found}.values())


def _pin_hash(given: str | None, current: str, asker: Asker) -> str:
    """The PIN's hash; the current hash when the PIN is unchanged, so
    provisioning again writes the very same file."""
    if given is not None:
        pin = parse_pin(given)
    elif asker.interactive:
        typed = asker.new_pin("Technician PIN (4-12 digits)", " (blank keeps the current one)" if current else "")
        if typed is None:
            return current
        pin = typed
    elif current:
        return current
    else:
        raise ProvisionError("missing --pin (the technician PIN for the kiosk's service menu, 4-12 digits)")
    return current if current and verify_pin(pin, current) else hash_pin(pin)


def _check_usb(path: Path, keyring: keys.Keyring, village: str) -> None:
    try:
        manifest = verify_tree(path, keyring)
    except (Rejected, Failed) as exc:
        raise ProvisionError(f"--usb {path}: {exc}") from None
    if manifest.village != village:
        raise ProvisionError(f"--usb {path}: the data is for village {manifest.village}, not {village}")


def _check_store_village(target: Target, config: Config) -> None:
    """Moving a terminal to another village must not mix two villages' data."""
    directory = target.host(config.feed.store)
    if not (directory / DB_NAME).exists():
        return
    with Store.open(directory) as store:
        held = store.village()
    if held and held != config.feed.village:
        raise ProvisionError(
            f"this terminal holds the data of village {held}; to move it to {config.feed.village}, "
            f"remove {directory} first (the new village's data is then fetched)"
        )


def default_kiosk_bin() -> str:
    """The village-kiosk command running now (the target is assumed to have
    the software where this machine has it)."""
    running = Path(sys.argv[0])
    if running.name == "village-kiosk" and running.is_absolute():
        # A release's own command names one release for ever; the package's
        # goes through ``current``, which software updates move (kiosk.release).
        return units.PACKAGED_BIN if running.is_relative_to(units.RELEASES_DIR) else str(running)
    found = shutil.which("village-kiosk")
    return str(Path(found).absolute()) if found else "/usr/local/bin/village-kiosk"


def make_plan(args, asker: Asker) -> Plan:
    target = Target(Path(args.root or "/"))
    target.check()
    if not target.is_live:
        accounts.TreeAccounts(target.root).planned()  # a tree with no free system id fails here, not halfway
    config, pubkeys = _collect(args, target, asker)
    release_keys = _release_keys(args, target, pubkeys)
    keyring = keys.Keyring(pubkeys)
    kiosk_bin = args.kiosk_bin or default_kiosk_bin()
    if not kiosk_bin.startswith("/"):
        raise ProvisionError(f"--kiosk-bin must be an absolute path, not {kiosk_bin!r}")
    usb = Path(args.usb) if args.usb else None
    if usb is not None:
        _check_usb(usb, keyring, config.feed.village)
    _check_store_village(target, config)

    files = {
        units.CONFIG_PATH: FileSpec(render_config(config).encode(), 0o640, "root:kiosk"),
        units.SESSION_SCRIPT: FileSpec(units.session_script(kiosk_bin).encode(), 0o755),
        units.X_SERVER_SCRIPT: FileSpec(units.xserver_script().encode(), 0o755),
        f"{units.UNIT_DIR}/{units.KIOSK_UNIT}": FileSpec(units.kiosk_service(kiosk_bin).encode(), 0o644),
        units.JOURNALD_DROPIN: FileSpec(units.journald_dropin().encode(), 0o644),
        f"{units.UNIT_DIR}/{units.UPDATE_UNIT}": FileSpec(units.update_service(kiosk_bin).encode(), 0o644),
        f"{units.UNIT_DIR}/{units.UPDATE_TIMER}": FileSpec(units.update_timer().encode(), 0o644),
    }
    stale = []
    for folder, found in ((units.KEYS_DIR, pubkeys), (units.RELEASE_KEYS_DIR, release_keys)):
        for key in found:
            files[f"{folder}/{keys.key_id(key)}.pub"] = FileSpec((keys.public_key_text(key) + "\n").encode(), 0o644)
        on_target = target.host(folder)
        stale += sorted(
            f"{folder}/{path.name}"
            for path in (on_target.glob("*.pub") if on_target.is_dir() else [])
            if f"{folder}/{path.name}" not in files
        )
    plan = Plan(target, config, keyring, release_keys, files, units.enable_links(), stale, usb, not args.skip_sync, kiosk_bin)
    if not config.terminal.token:
        plan.warnings.append("no terminal token: the heartbeat is off until one is provisioned")
    if not release_keys:
        plan.warnings.append("no release key: software updates are off until one is provisioned (--release-key)")
    missing = [path for path in (units.XINIT, kiosk_bin) if not target.host(path).exists()]
    if missing:
        plan.warnings.append(
            f"not on the target yet: {', '.join(missing)} (apt-get install {units.SESSION_PACKAGES}; install village-kiosk)"
        )
    if not target.is_live and os.geteuid() != 0:
        plan.warnings.append("not root: file owners not set; in the image chown config.toml to root:kiosk and the store to kiosk")
    return plan


# ------------------------------------------------------------ apply


def _account_files(plan: Plan) -> dict[str, FileSpec]:
    """The edits of the tree's account files, as files to write."""
    tree = accounts.TreeAccounts(plan.target.root)
    files = {}
    for name, content in tree.edits().items():
        path = tree.path(name)
        secret = name in ("shadow", "gshadow")
        # An existing file keeps its mode; new ones get useradd's.
        mode = path.stat().st_mode & 0o7777 if path.exists() else (0o640 if secret else 0o644)
        files[f"/etc/{name}"] = FileSpec(content.encode(), mode, "root:shadow" if secret else "root")
    return files


@dataclass(frozen=True)
class Result:
    plan: Plan
    account: accounts.Account
    changed: list[str]
    outcome: SyncOutcome | None
    data: str  # the data version line for the summary
    has_data: bool


def apply(plan: Plan) -> Result:
    if plan.target.is_live:
        account, account_files, shadow_gid = accounts.ensure_system_account(), {}, 0
    else:
        tree = accounts.TreeAccounts(plan.target.root)
        account, account_files, shadow_gid = tree.planned(), _account_files(plan), tree.group_id("shadow") or 0
    ids = {"root": (0, 0), "root:shadow": (0, shadow_gid), "root:kiosk": (0, account.gid), "kiosk": (account.uid, account.gid)}
    writer = Writer(plan.target.root, ids if os.geteuid() == 0 else None)
    for path, spec in account_files.items():
        writer.file(path, spec)
    writer.directory(units.CONFIG_DIR, 0o755, "root")
    writer.directory(units.KEYS_DIR, 0o755, "root")
    writer.directory(units.RELEASE_KEYS_DIR, 0o755, "root")
    for path, spec in plan.files.items():
        writer.file(path, spec)
    for path in plan.stale_keys:
        writer.remove(path)
    for path, points_to in plan.links.items():
        writer.link(path, points_to)
    writer.directory(units.STATE_DIR, 0o750, "kiosk")
    store_path = plan.config.feed.store
    writer.directory(store_path, 0o750, "kiosk")

    outcome = None
    with Store.open(plan.target.host(store_path), plan.config.feed.store_limit_mb * 1024 * 1024) as store:
        if plan.usb is not None:
            outcome = import_tree(store, plan.usb, plan.keyring, plan.config.feed.village)
        elif plan.sync:
            from kiosk.feed.sync import Syncer  # the HTTP client: not loaded by every start of the kiosk

            outcome = Syncer(store, plan.config.feed.platform, plan.config.feed.village, plan.keyring).sync_once()
        manifest = store.current()
    # A sync run as root leaves root-owned files the kiosk user must write.
    writer.owner_tree(store_path, "kiosk")
    if plan.target.is_live and Path("/run/systemd/system").exists():
        reload = subprocess.run(["systemctl", "daemon-reload"], capture_output=True, text=True, check=False)
        if reload.returncode != 0:
            plan.warnings.append(f"systemctl daemon-reload failed: {reload.stderr.strip()}")
    if manifest is not None:
        data = f"v{manifest.version}, published {manifest.generated_at:%Y-%m-%d %H:%M}Z, expires {manifest.expires_at:%Y-%m-%d}"
    else:
        data = "none yet"
    if outcome is not None:
        data += f" ({'USB import' if plan.usb else 'sync'}: {outcome.message})"
    elif not plan.sync:
        data += " (sync skipped)"
    return Result(plan, account, writer.changed, outcome, data, manifest is not None)


# ------------------------------------------------------------ summary


def summary(result: Result, now: dt.datetime | None = None) -> str:
    plan, config = result.plan, result.plan.config
    now = now or dt.datetime.now(dt.UTC)
    account = result.account
    rows = [
        ("village", config.feed.village),
        ("terminal id", config.terminal.id),
        ("platform", config.feed.platform + ("  (plain http allowed)" if config.feed.allow_http else "")),
        ("keys", ", ".join(plan.keyring.ids())),
        ("release keys", ", ".join(sorted(keys.key_id(key) for key in plan.release_keys)) or "none (no software updates)"),
        ("data", result.data),
        ("rotation", f"{config.display.rotation} degrees clockwise (the kiosk turns picture and touch)"),
        ("PIN / token", f"{'set' if config.terminal.pin_hash else 'NOT SET'} / {'set' if config.terminal.token else 'not set'}"),
        ("root", str(plan.target.root)),
        (
            "installed",
            (
                f"user {account.name} (uid {account.uid}, groups {', '.join(account.groups) or 'none'}); "
                f"{units.KIOSK_UNIT} (bare X on tty1, watchdog {units.WATCHDOG_SEC} s, restart always); "
                f"in-app sync every {config.feed.sync_interval_s // 60} min; software updates in {config.update_window}; "
                f"journal <= {units.JOURNAL_MAX_USE}; "
                f"boots to graphical.target"
            ),
        ),
        ("changed", f"{len(result.changed)} items" if result.changed else "nothing (already provisioned this way)"),
    ]
    rows += [("WARNING", warning) for warning in plan.warnings]
    inner = BOX_WIDTH - 4
    label_width = max(len(label) for label, _ in rows) + 2
    rule = "+" + "-" * (BOX_WIDTH - 2) + "+"
    title = "VILLAGE KIOSK PROVISIONED"
    stamp = f"{now:%Y-%m-%d %H:%M}Z"
    lines = [rule, f"| {title}{stamp:>{inner - len(title)}} |", rule]
    for label, value in rows:
        wrapped = textwrap.wrap(value, inner - label_width, break_long_words=True, break_on_hyphens=False) or [""]
        for index, part in enumerate(wrapped):
            lines.append(f"| {(label if index == 0 else ''):<{label_width}}{part:<{inner - label_width}} |")
    lines.append(rule)
    if plan.target.is_live:
        lines.append("Reboot (or: systemctl restart village-kiosk) to start the kiosk with these settings.")
    return "\n".join(lines)


def run(args, asker: Asker | None = None, out=None) -> int:
    interactive = not args.non_interactive and sys.stdin.isatty()
    asker = asker or Asker(interactive)
    try:
        plan = make_plan(args, asker)
    except (ProvisionError, accounts.AccountError) as exc:
        print(f"provision: {exc}", file=sys.stderr)
        print("provision: nothing was written", file=sys.stderr)
        return EXIT_INVALID
    result = apply(plan)
    print(summary(result), file=out or sys.stdout, flush=True)
    if result.outcome is not None and not result.has_data:
        return EXIT_NO_DATA
    return EXIT_OK
