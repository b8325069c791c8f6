"""The ``village-kiosk`` command.

With no sub-command it opens the kiosk. The UI (Kivy) is imported only by
the sub-commands that need it, so the publisher and sync tools start fast
and run on machines without a display.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

from kiosk import __version__

log = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_SETUP = 3  # missing font, display or bad configuration
EXIT_DATA = 4  # the village data is invalid


def window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1080x1920, not {text!r}") from None
    if not (320 <= width <= 8000 and 320 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size {text} is out of range")
    return width, height


def add_data_options(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--config", type=Path, default=default, help="configuration file (default /etc/village-kiosk/config.toml)")
    parser.add_argument("--data", type=Path, default=default, metavar="DIR", help="show a source folder of village data instead")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="village-kiosk", description="Village micro-power disclosure terminal.")
    parser.add_argument("--version", action="version", version=f"village-kiosk {__version__}")
    parser.add_argument("--windowed", action="store_true", help="a window instead of fullscreen (development)")
    parser.add_argument("--size", type=window_size, metavar="WxH", help="window size with --windowed, e.g. 1080x1920")
    add_data_options(parser)
    parser.set_defaults(func=run_kiosk)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    try:
        from kiosk.feed.cli import add_commands
    except ImportError:  # pragma: no cover - the feed tools are optional at import time
        pass
    else:
        add_commands(commands)
    from kiosk.ops.cli import add_commands as add_ops_commands

    add_ops_commands(commands)
    from kiosk.hub.cli import add_commands as add_hub_commands

    add_hub_commands(commands)
    from kiosk.release.cli import add_commands as add_release_commands

    add_release_commands(commands)
    try:
        from tooling.cli import add_commands as add_tooling_commands
    except ImportError:  # a terminal installed without the tooling: no tour, no bench
        pass
    else:
        add_tooling_commands(commands)
    return parser


def load_data(args):
    """Configuration and live data for the UI commands, or a clear error."""
    from kiosk.config import load_config
    from kiosk.decode import FeedError
    from kiosk.live import LiveData

    config = load_config(args.config)
    try:
        live = LiveData.open(config, args.data)
    except FeedError as exc:
        raise SystemExit(fail(EXIT_DATA, f"village data rejected: {exc}")) from None
    return config, live


def fail(code: int, message: str) -> int:
    print(f"village-kiosk: {message}", file=sys.stderr)
    return code


def run_kiosk(args) -> int:
    """The kiosk. It stops only for what no screen can work around (no X
    server, no Chinese font): anything wrong with the configuration, the
    keys or the stored data is shown on screen instead, over the last good
    data, so that a restart loop never leaves the terminal dark."""
    from kiosk.ops.memory import leave_out_unused_packages

    leave_out_unused_packages()  # before the sync's httpx is imported
    from kiosk.fonts import FontMissing
    from kiosk.live import open_terminal
    from screens.shell.xscreen import NoXServer, screen_size

    try:
        screen = screen_size()
    except NoXServer as exc:
        return fail(EXIT_SETUP, str(exc))
    config, live = open_terminal(args.config, args.data)
    try:
        from screens.shell.runtime import prepare_kivy

        fonts = prepare_kivy(size=args.size if args.windowed else screen, fullscreen=not args.windowed, rotation=config.display.rotation)
    except FontMissing as exc:
        return fail(EXIT_SETUP, str(exc))
    from kiosk import fontsubset
    from screens.shell import restart

    # The kiosk's own process only: it starts afresh into a new font subset, and keeps its own on disk till then.
    restart.started_with(*fonts)
    fontsubset.keep_while_drawn(fonts[1])
    from kiosk.ops.logs import log_event
    from kiosk.ops.stop import record_pid
    from screens.shell.app import KioskApp
    from screens.shell.kiosk_mode import stop_on_terminate

    app = KioskApp(config, live)
    stop_on_terminate(app)
    record_pid()
    app.run()
    log_event(log, "app.stopped", status=app.exit_status)
    if app.start_again_for is not None:
        _start_afresh()
    _leave_now(app.exit_status)


def _flush_logs() -> None:
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()


def _start_afresh() -> NoReturn:
    """Replace this process with a fresh kiosk (screens.shell.restart): the
    same process ID for the X session and the service, the same command.
    Only standard input, output and error go across: libraries open files
    that an exec would keep (SDL_ttf's fonts, without close-on-exec)."""
    _flush_logs()
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.execv(sys.executable, sys.orig_argv)


def _leave_now(status: int) -> NoReturn:
    """End the kiosk's process as soon as its app has stopped: a sync may
    still be inside a download, bounded only by its time budget (minutes on
    a slow link), far past the service's stop timeout; Python would wait for
    its threads. The store is built to be left at any moment."""
    _flush_logs()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    from kiosk.ops.logs import setup_logging

    setup_logging()
    # One line per request would drown the events that matter (and mix with
    # the doctor's and sync's own output on stdout).
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    from kiosk.config import ConfigError

    try:
        return args.func(args)
    except ConfigError as exc:
        return fail(EXIT_SETUP, str(exc))


if __name__ == "__main__":
    sys.exit(main())
