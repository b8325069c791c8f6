"""Command-line tools for technicians: ``provision`` and ``doctor``.

The main ``village-kiosk`` command registers them with
``add_commands(subparsers)``; each sets ``func`` to a callable(args) -> exit status.
"""

from __future__ import annotations

import argparse

from kiosk.ops import provision, units

_PROVISION_HELP = f"""Set this machine (or a device image with --root) up as a village's kiosk.

Asks for what is missing when run on a terminal; with --non-interactive every
answer comes from the flags or, when provisioning again, from the existing
configuration (the terminal id, keys, PIN and token are kept). Every answer is
checked before anything is written. Installs: the kiosk user, {units.KIOSK_UNIT}
(boots to a fullscreen kiosk with a watchdog, which also syncs), the software
update timer, a journal size bound, the configuration ({units.CONFIG_PATH}), the
platform keys and the release keys; then fetches
the village's data (or imports it from --usb). Ends with a summary to photograph.

exit status:
  {provision.EXIT_OK}  provisioned, with data
  {provision.EXIT_INVALID}  a bad answer or target: nothing was written
  {provision.EXIT_NO_DATA}  provisioned, but the first sync or import brought no data (the timer retries)"""

_DOCTOR_HELP = """Check this terminal: display and GL, Chinese font, configuration, keys, data
(presence, version, age, signature), disk space, clock, network to the platform,
read-aloud engine, heartbeat. One line per check: OK, WARN or FAIL, with the fix.

exit status: 0 when nothing FAILs, 1 otherwise"""


def _run_provision(args: argparse.Namespace) -> int:
    return provision.run(args)


def _run_stop(args: argparse.Namespace) -> int:
    from kiosk.ops import stop

    return stop.run(args)


def _run_doctor(args: argparse.Namespace) -> int:
    from kiosk.ops import doctor

    return doctor.run(args)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    prov = subparsers.add_parser(
        "provision", help="set up a kiosk terminal (technicians)", description=_PROVISION_HELP, formatter_class=formatter
    )
    prov.add_argument("--village", metavar="CODE", help="12-digit village code")
    prov.add_argument("--platform", metavar="URL", help="platform base URL (https); the feed is at URL/<village>/")
    prov.add_argument("--pubkey", action="append", metavar="KEY", help="platform public key: a file or its base64 text (repeatable)")
    prov.add_argument(
        "--release-key",
        action="append",
        metavar="KEY",
        help="public key software releases are signed with: a file or its base64 text (repeatable; not a data key)",
    )
    prov.add_argument("--terminal-id", metavar="ID", help="this terminal's id (default: kept, or generated)")
    prov.add_argument("--pin", metavar="PIN", help="technician PIN, 4-12 digits (stored only as a salted hash)")
    prov.add_argument("--token", metavar="TOKEN", help="the terminal's heartbeat token from the platform")
    prov.add_argument("--rotation", metavar="DEG", help="screen rotation, degrees clockwise: 0, 90, 180 or 270")
    prov.add_argument(
        "--allow-http", action=argparse.BooleanOptionalAction, default=None, help="allow a plain http:// platform (test bench)"
    )
    prov.add_argument("--usb", metavar="PATH", help="import the data from this tree (folder, .tar, .tar.gz, .zip) instead of syncing")
    prov.add_argument("--skip-sync", action="store_true", help="no first sync (pre-staging an image)")
    prov.add_argument("--non-interactive", action="store_true", help="never ask; fail on a missing answer")
    prov.add_argument("--root", metavar="DIR", help="write into this tree (a device image) instead of /")
    prov.add_argument("--kiosk-bin", metavar="PATH", help="the village-kiosk command on the target (default: this one)")
    prov.set_defaults(func=_run_provision)

    stop = subparsers.add_parser(
        "stop",
        help="stop the running kiosk cleanly (the service's ExecStop)",
        description="Ask the kiosk of this service to stop (SIGTERM) and wait for it, "
        "while X is still up. exit status: 0 stopped or not running, 1 still running",
    )
    stop.add_argument("--wait", type=float, default=8.0, metavar="S", help="seconds to wait (default 8)")
    stop.set_defaults(func=_run_stop)

    doc = subparsers.add_parser(
        "doctor", help="check this terminal and say how to fix what is wrong", description=_DOCTOR_HELP, formatter_class=formatter
    )
    # SUPPRESS: do not overwrite a --config given before the command name.
    doc.add_argument(
        "--config", default=argparse.SUPPRESS, metavar="PATH", help=f"configuration file (default {units.CONFIG_PATH} under --root)"
    )
    doc.add_argument("--root", metavar="DIR", help="check the terminal installed in this tree (a device image)")
    doc.set_defaults(func=_run_doctor)
