"""The tooling's commands on ``village-kiosk``: ``tour`` and ``bench``
(registered when the tooling is installed beside the kiosk)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli import EXIT_DATA, EXIT_SETUP, add_data_options, fail, load_data, window_size
from tooling.bench.cli import add_commands as add_bench_commands


def add_commands(commands: argparse._SubParsersAction) -> None:
    tour = commands.add_parser("tour", help="render every screen to PNG files (starts Xvfb if there is no DISPLAY)")
    tour.add_argument("--out", type=Path, required=True, metavar="DIR")
    # SUPPRESS: an option also given before the command name keeps its value
    # (argparse would put the command's default over it).
    tour.add_argument("--size", type=window_size, default=argparse.SUPPRESS, metavar="WxH", help="default 1080x1920")
    tour.add_argument("--font-scale", type=float, default=1.0, metavar="S", help="1 = normal; 1.5 or more = large mode")
    add_data_options(tour, default=argparse.SUPPRESS)
    tour.set_defaults(func=run_tour)
    add_bench_commands(commands)


def run_tour(args) -> int:
    from kiosk.fonts import FontMissing
    from tooling.display import DisplayError

    config, live = load_data(args)
    if live.snapshot is None:
        return fail(EXIT_DATA, "no village data yet: sync or import first (village-kiosk sync --once)")
    try:
        from tooling.harness import Harness

        harness = Harness.start(config, live.snapshot, size=args.size or (1080, 1920), live=live)
    except (FontMissing, DisplayError) as exc:
        return fail(EXIT_SETUP, str(exc))
    if args.font_scale > 1:
        harness.app.theme.large_scale = args.font_scale
        harness.set_large(True)
    from tooling.tour import run_tour as tour

    for path in tour(harness, args.out):
        print(path)
    return 0
