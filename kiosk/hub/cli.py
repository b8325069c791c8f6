"""``village-kiosk hub …``: the county's hub, from the command line.

Only the argument parser lives here (every ``village-kiosk`` start builds
it); the commands import the web stack when they run (``kiosk.hub.commands``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

_HELP = """The county's hub: receives every terminal's heartbeat and shows county and
township staff which terminals are dark, out of date or short of disk.

  village-kiosk hub demo                      try it: a hub with simulated terminals
  village-kiosk hub user add wang             a county user (asks for the password)
  village-kiosk hub user add li --township 431322199
  village-kiosk hub token new --village 431322199206
  village-kiosk hub serve                     SQLite in /var/lib, port 8480

Configuration: /etc/village-kiosk/hub.toml (see docs/OPERATIONS.md §9)."""


def _run(name: str):
    def run(args: argparse.Namespace) -> int:
        from kiosk.hub import commands

        return getattr(commands, name)(args)

    return run


def _common(parser: argparse.ArgumentParser) -> None:
    # Not the kiosk's own --config (a terminal's file): a destination of its own.
    parser.add_argument(
        "--hub-config", dest="hub_config", type=Path, metavar="PATH", help="the hub's configuration (default /etc/village-kiosk/hub.toml)"
    )
    parser.add_argument("--database", metavar="URL", help="sqlite:///PATH or postgresql://… (overrides the configuration)")


def _command(group: argparse._SubParsersAction, name: str, help: str, run: str) -> argparse.ArgumentParser:
    """A command that works on the hub's database."""
    parser = group.add_parser(name, help=help)
    _common(parser)
    parser.set_defaults(func=_run(run))
    return parser


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    hub = subparsers.add_parser(
        "hub",
        help="the county's hub: terminals' heartbeats and a status page",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = hub.add_subparsers(title="commands", metavar="COMMAND", required=True)

    serve = _command(commands, "serve", "run the hub (until Ctrl-C or SIGTERM)", "serve")
    serve.add_argument("--listen", metavar="HOST:PORT", help="address to listen on (default 127.0.0.1:8480)")

    demo = commands.add_parser("demo", help="a hub with a few simulated terminals, to look at (nothing is kept)")
    demo.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:8480", help="address to listen on (default 127.0.0.1:8480)")
    demo.add_argument("--work", type=Path, metavar="DIR", help="keep the demo's database and feeds here (default: a temporary folder)")
    demo.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds (default: at Ctrl-C)")
    demo.set_defaults(func=_run("demo"))

    token = commands.add_parser("token", help="issue or revoke a terminal's token").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    new = _command(token, "new", "register a terminal and print its new token (an old one stops working)", "token_new")
    new.add_argument("terminal_id", nargs="?", metavar="TERMINAL_ID", help="the terminal's id (default: <village>-XXXXXX, new)")
    new.add_argument("--village", required=True, metavar="CODE", help="the terminal's 12-digit village code")
    revoke = _command(token, "revoke", "the terminal's token stops working at once (its history stays)", "token_revoke")
    revoke.add_argument("terminal_id", metavar="TERMINAL_ID")
    _command(token, "list", "every terminal, its village, token state and last report", "token_list")

    user = commands.add_parser("user", help="county and township staff who may look").add_subparsers(
        title="commands", metavar="COMMAND", required=True
    )
    add = _command(user, "add", "a new user (asks for the password twice)", "user_add")
    add.add_argument(
        "--township", metavar="CODE", default="", help="9-digit township code: the user sees only its villages (default: the whole county)"
    )
    passwd = _command(user, "passwd", "set a new password (also lifts a lock-out, ends the user's sessions)", "user_passwd")
    for parser in (add, passwd):
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input (scripts)")
    _command(user, "remove", "remove a user", "user_remove").add_argument("name", metavar="NAME")
    _command(user, "list", "every user and what they see", "user_list")

    bench = commands.add_parser("bench", help="heartbeats of many simulated terminals against a hub on this machine")
    bench.add_argument("--terminals", type=int, default=10_000, metavar="N", help="simulated terminals (default 10,000)")
    bench.add_argument(
        "--field-seconds",
        type=float,
        default=60.0,
        metavar="S",
        help="first, the field's pace (a report every 300 s from each) for S seconds (default 60)",
    )
    bench.add_argument(
        "--speedup", type=float, default=10.0, metavar="X", help="then time compressed: each terminal reports every 300/X s (default 10)"
    )
    bench.add_argument("--rounds", type=int, default=2, metavar="R", help="compressed reports per terminal (default 2)")
    bench.add_argument("--backend", action="append", choices=("sqlite", "postgresql"), help="only this database (repeatable)")
    bench.add_argument("--no-restart", action="store_true", help="do not restart the hub in the middle of the load")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write every figure as JSON")
    bench.add_argument("--work", type=Path, metavar="DIR", help="keep the databases and logs in DIR")
    bench.set_defaults(func=_run("bench"))
