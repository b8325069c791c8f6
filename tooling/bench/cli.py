"""``village-kiosk bench [--quick] [--json FILE]``: measure the kiosk on the
demo village and on a large synthetic one, beside a browser kiosk showing
the same data, and print a table of targets, figures and verdicts.

Only the argument parser lives here: every ``village-kiosk`` start builds
it, the kiosk's own cold start included, so the benchmark's modules are
imported when the command runs (``tooling.bench.run``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

# hub alone: village-kiosk hub bench; idle and load: the UI parts and the browser's clicks in that condition.
PARTS = ("sync", "search", "sheets", "benefits", "cold", "ui", "idle", "load", "soak", "peer", "hub")


def _run(args: argparse.Namespace) -> int:
    from tooling.bench.run import run_bench

    return run_bench(args)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser(
        "bench",
        help="measure start-up, memory, latency, search and sync beside a browser kiosk",
        description=__doc__.split("\n\n")[0].replace("``", "") + " Starts Xvfb if there is no DISPLAY. "
        "On 2 cores with software GL the full run takes one to two hours, --quick about 15 minutes.",
    )
    bench.add_argument(
        "--quick",
        action="store_true",
        help="smaller and shorter: 1,000 soak taps instead of 10,000, 4 MB of media instead of 55, fewer repetitions",
    )
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write every figure as JSON")
    bench.add_argument(
        "--work", type=Path, metavar="DIR", help="keep the villages, stores and logs in DIR (default: a temporary folder, removed)"
    )
    bench.add_argument(
        "--skip",
        action="append",
        choices=PARTS,
        help="leave a part out (repeatable); 'load' leaves out the UI and browser runs under load (a busy core and a sync)",
    )
    bench.set_defaults(func=_run)
