"""``village-kiosk release …``: the platform publishes and stages software
releases; on a terminal, the update timer, the kiosk unit's start-up guard
and the package's postinst run the rest. docs/OPERATIONS.md §10."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from kiosk.config import ConfigError, load_config
from kiosk.feed import keys
from kiosk.release.layout import TERMINAL, valid_version
from kiosk.release.manifest import Rollout

EXIT_SETUP = 3

_UPDATE_HELP = """Look for a software release and take it (as root; village-kiosk-update.timer
runs it every half hour). First settles a release on trial: keeps it once it
proved itself, or goes back to the previous one. Fetches only in the update
hours ([update] window, else [display] night, else 02:00-05:00) unless --now.
One line of outcome.

exit status:
  0   nothing to do (up to date, not in this rollout stage, outside the hours, on trial)
  10  a release was installed and started on trial, kept, or rolled back
  20  rejected (not signed by a release key, a replayed manifest, a package
      that does not match its hash or names another version)
  30  failed (network, disk, a release needing Debian packages not installed)"""

_PUBLISH_HELP = """Publish a village-kiosk .deb for the terminals: copy it into OUT and write
OUT/release.json (the next serial) and its signature OUT/release.sig. Serve OUT
at <platform>/releases/. Say who takes it: --percent of the terminals (chosen by
a hash of their id) and/or every terminal of --township. Publishing an older
package again takes the fleet back to it."""


def _percent(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("a percentage is 0 to 100")
    return value


def _township(text: str) -> str:
    if not re.fullmatch(r"\d{9}", text):
        raise argparse.ArgumentTypeError(f"a township code is 9 digits, not {text!r}")
    return text


def _version(text: str) -> str:
    if not valid_version(text):
        raise argparse.ArgumentTypeError(f"not a release version: {text!r}")
    return text


def _rollout(args: argparse.Namespace) -> Rollout:
    return Rollout(percent=args.percent or 0, townships=sorted(set(args.township or [])))


def _fail(command: str, message: str, status: int = EXIT_SETUP) -> int:
    print(f"release {command}: {message}", file=sys.stderr)
    return status


def _keygen(args: argparse.Namespace) -> int:
    try:
        private_path, public_path = keys.generate(Path(args.out), stem="release")
    except (keys.KeyFileError, OSError) as exc:
        return _fail("keygen", str(exc))
    public = keys.load_public_key(public_path)
    print(f"wrote {private_path} (private, keep it apart from the data keys) and {public_path}; key id {keys.key_id(public)}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from kiosk.release import publish, rollout

    if args.percent is None and not args.township:
        return _fail(args.release_command, "say who takes it: --percent P and/or --township CODE (--percent 0 stops a rollout)", 2)
    now = dt.datetime.now(dt.UTC)
    try:
        if args.release_command == "publish":
            release = publish.publish(Path(args.package), Path(args.out), Path(args.key), _rollout(args), now)
        else:
            release = publish.stage(Path(args.out), Path(args.key), _rollout(args), now)
    except (publish.PublishError, keys.KeyFileError, OSError) as exc:
        return _fail(args.release_command, str(exc))
    print(
        f"{release.version} (serial {release.serial}, {release.package.size / 1024**2:.1f} MB) goes to {rollout.describe(release.rollout)}"
    )
    return 0


def _update(args: argparse.Namespace) -> int:
    from kiosk.release.update import Updater, exit_status

    try:
        config = load_config(Path(args.config) if getattr(args, "config", None) else None)
    except ConfigError as exc:
        return _fail("update", str(exc))
    now = dt.datetime.now(dt.UTC)
    event = Updater(config).run(now, now.astimezone().time(), anytime=args.now)
    print(event.message, flush=True)
    return exit_status(event)


def _guard(_args: argparse.Namespace) -> int:
    """Never fails the start it runs before: whatever happens, the kiosk starts."""
    from kiosk.release import trial

    try:
        print(trial.guard(TERMINAL, dt.datetime.now(dt.UTC)), flush=True)
    except Exception as exc:  # a broken guard must not keep the kiosk dark
        print(f"release guard: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
    return 0


def _use(args: argparse.Namespace) -> int:
    from kiosk.release import trial

    try:
        event = trial.adopt(TERMINAL, args.version, dt.datetime.now(dt.UTC))
    except subprocess.CalledProcessError as exc:
        return _fail("use", f"{args.version} does not compile: {exc.stderr.strip()[-500:]}")
    except OSError as exc:
        return _fail("use", str(exc))
    print(f"{event.message}; it runs from the kiosk's next start (systemctl restart village-kiosk)")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    release = subparsers.add_parser(
        "release",
        help="publish signed software releases; take them on a terminal",
        description="The platform publishes and stages signed software releases; on a terminal the update timer, "
        "the kiosk unit's start-up guard and the package's postinst take them (docs/OPERATIONS.md §10).",
    )
    commands = release.add_subparsers(dest="release_command", metavar="COMMAND", required=True)

    keygen = commands.add_parser(
        "keygen",
        help="make a release signing key pair",
        description="Write DIR/release.key (private, mode 0600) and DIR/release.pub. Keep it apart from the data keys.",
    )
    keygen.add_argument("--out", required=True, metavar="DIR")
    keygen.set_defaults(func=_keygen)

    for name, help_text in (
        ("publish", "publish a .deb as the next release"),
        ("stage", "sign the published release again with another rollout"),
    ):
        command = commands.add_parser(
            name,
            help=help_text,
            formatter_class=formatter,
            description=_PUBLISH_HELP if name == "publish" else "Sign OUT/release.json again (the next serial) with a new rollout.",
        )
        if name == "publish":
            command.add_argument("package", metavar="DEB", help="the village-kiosk_<version>_<arch>.deb (provisioning/build-deb.sh)")
        command.add_argument("--out", required=True, metavar="DIR", help="the folder served at <platform>/releases/")
        command.add_argument("--key", required=True, metavar="KEY", help="the release's private key (release.key)")
        command.add_argument("--percent", type=_percent, metavar="P", help="take it on P %% of the terminals (0-100)")
        command.add_argument(
            "--township", type=_township, action="append", metavar="CODE", help="and on every terminal of this township (repeatable)"
        )
        command.set_defaults(func=_publish)

    update = commands.add_parser(
        "update", help="look for a release and take it (the update timer, as root)", formatter_class=formatter, description=_UPDATE_HELP
    )
    update.add_argument("--now", action="store_true", help="also outside the update hours")
    update.add_argument(
        "--config", default=argparse.SUPPRESS, metavar="FILE", help="configuration file (default /etc/village-kiosk/config.toml)"
    )
    update.set_defaults(func=_update)

    guard = commands.add_parser(
        "guard",
        help="before the kiosk starts: count a release's starts, keep it or go back (the unit's ExecStartPre, as root)",
        description="Count this start of a release on trial; keep it once it proved itself, or point the kiosk back "
        "at the previous release when it did not come up. Always exits 0.",
    )
    guard.set_defaults(func=_guard)

    use = commands.add_parser(
        "use",
        help="run an installed release from now on (the package's postinst; a technician going back by hand)",
        description="Point the kiosk at an installed release, as proven good, compiled; ends any trial.",
    )
    use.add_argument("version", type=_version, metavar="VERSION")
    use.set_defaults(func=_use)
