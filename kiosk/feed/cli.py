"""Command-line tools for the feed: ``feed keygen|build|template|verify|import|history``
and ``sync``. The main ``village-kiosk`` command registers them with
``add_commands(subparsers)``; each sets ``func`` to a callable(args) -> exit status.

Defaults come from the terminal configuration (``args.config`` if the main
parser defines it, else the system one); options override them.
"""

from __future__ import annotations

import argparse
import re
import signal
import sqlite3
import sys
import threading
from pathlib import Path

import msgspec

from kiosk import config as kiosk_config
from kiosk import paths
from kiosk.feed import keys, publish
from kiosk.feed.manifest import stamp
from kiosk.feed.outcome import EXIT_STATUS, Failed, OutcomeKind, Rejected, SyncOutcome
from kiosk.feed.store import Store
from kiosk.feed.update import store_error
from kiosk.sheets.problems import WorkbookRejected

# As the main ``village-kiosk`` command: 2 usage, 3 setup, 4 invalid village data.
EXIT_OK = 0
EXIT_SETUP = 3  # configuration, keys, paths
EXIT_DATA = 4  # the source folder is not valid village data

_STATUS_HELP = f"""exit status:
  {EXIT_STATUS[OutcomeKind.UP_TO_DATE]}  up to date (the terminal already holds the newest data)
  {EXIT_STATUS[OutcomeKind.UPDATED]}  updated (a newer verified snapshot was committed)
  {EXIT_STATUS[OutcomeKind.REJECTED]}  rejected (forged, tampered, older or expired data; last good data kept)
  {EXIT_STATUS[OutcomeKind.FAILED]}  failed (network, server or disk; last good data kept, retry later)
  {EXIT_SETUP}  configuration, key or path error (2: wrong arguments)"""


_VERIFY_STATUS_HELP = f"""exit status:
  {EXIT_OK}  the tree is good
  {EXIT_STATUS[OutcomeKind.REJECTED]}  rejected (bad signature, unknown key, tampered or invalid file, expired)
  {EXIT_STATUS[OutcomeKind.FAILED]}  failed (a file is missing or unreadable)
  {EXIT_SETUP}  configuration, key or path error (2: wrong arguments)"""


def _load_config(args: argparse.Namespace) -> kiosk_config.Config:
    config_path = getattr(args, "config", None)
    return kiosk_config.load_config(Path(config_path) if config_path else None)


def _error(command: str, message: str, status: int = EXIT_SETUP) -> int:
    print(f"{command}: {message}", file=sys.stderr)
    return status


def _report(outcome: SyncOutcome) -> int:
    print(outcome.message, flush=True)
    return outcome.exit_status


# ------------------------------------------------------------ publisher


def _keygen(args: argparse.Namespace) -> int:
    try:
        private_path, public_path = keys.generate(Path(args.out))
    except (keys.KeyFileError, OSError) as exc:
        return _error("feed keygen", str(exc))
    public = keys.load_public_key(public_path)
    print(f"wrote {private_path} (private, keep it secret) and {public_path}; key id {keys.key_id(public)}")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    expected = 1 if args.demo else 2
    if len(args.paths) != expected:
        usage = "feed build --demo OUT --key KEY" if args.demo else "feed build SRC OUT --key KEY"
        return _error("feed build", f"usage: {usage}", 2)
    src = paths.DEMO_VILLAGE if args.demo else Path(args.paths[0])
    out = Path(args.paths[-1])
    try:
        private_key = keys.load_private_key(Path(args.key))
    except keys.KeyFileError as exc:
        return _error("feed build", str(exc))
    pictures = Path(args.pictures) if args.pictures else None
    try:
        source = publish.read_source(src, pictures)
        built = publish.build(source, out, private_key, args.version, args.expires_days, pack=not args.no_pack)
    except WorkbookRejected as exc:
        return _workbook_problems(src, exc)
    except publish.PublishError as exc:
        return _error("feed build", str(exc), EXIT_DATA)
    except OSError as exc:
        return _error("feed build", f"cannot write {out}: {exc}")
    if src.is_file():
        _stale_report(src)
    print(built.summary)
    return EXIT_OK


def _workbook_problems(workbook: Path, rejected: WorkbookRejected) -> int:
    """Every problem on stderr, and the report beside the workbook; the
    last line too is for the clerk, in Chinese."""
    from kiosk.sheets.report import write_report

    problems = rejected.problems
    for problem in problems:
        print(problem, file=sys.stderr)
    try:
        report = write_report(workbook, problems, marked=rejected.opened, advice=rejected.advice)
    except OSError as exc:
        print(f"共 {len(problems)} 处问题，没有发布。错误报告写不进工作簿所在的文件夹：{exc}", file=sys.stderr)
    else:
        summary = rejected.advice or f"共 {len(problems)} 处问题，没有发布。"
        print(f"{summary}有问题的格子在 {report} 里标成了红色。", file=sys.stderr)
    return EXIT_DATA


def _stale_report(workbook: Path) -> None:
    """A report of problems since fixed would mislead: gone once the workbook builds."""
    from kiosk.sheets.report import report_path

    report_path(workbook).unlink(missing_ok=True)


def _template(args: argparse.Namespace) -> int:
    from kiosk.sheets import write
    from kiosk.sheets.pictures import PICTURE_FOLDER

    out = Path(args.out)
    try:
        if args.demo or args.source:
            path = write.export_folder(paths.DEMO_VILLAGE if args.demo else Path(args.source), out)
        else:
            path = write.write_template(out)
    except write.ExportError as exc:
        return _error("feed template", str(exc), EXIT_DATA)
    except OSError as exc:
        return _error("feed template", f"cannot write {out}: {exc}")
    print(f"wrote {path} and the picture folder {path.with_name(PICTURE_FOLDER)}")
    return EXIT_OK


def _keyring(args: argparse.Namespace, config: kiosk_config.Config) -> keys.Keyring:
    return keys.Keyring.load(args.pubkey or config.feed.pubkeys)


def _verify(args: argparse.Namespace) -> int:
    try:
        keyring = _keyring(args, _load_config(args))
    except (keys.KeyFileError, kiosk_config.ConfigError) as exc:
        return _error("feed verify", str(exc))
    if not len(keyring):
        return _error("feed verify", "no trusted key: pass --pubkey or configure [feed] pubkeys")
    try:
        manifest = publish.verify_tree(Path(args.out), keyring)
    except Rejected as exc:
        print(f"rejected: {exc}")
        return EXIT_STATUS[OutcomeKind.REJECTED]
    except Failed as exc:
        print(f"failed: {exc}")
        return EXIT_STATUS[OutcomeKind.FAILED]
    print(
        f"ok v{manifest.version} for village {manifest.village}, {len(manifest.files)} files, expires {stamp(manifest.expires_at)}, key {manifest.key_id}"
    )
    return EXIT_OK


# ------------------------------------------------------------ terminal


def _open_store(args: argparse.Namespace, config: kiosk_config.Config) -> Store:
    """The store, healed if need be (a damaged database is set aside: the
    data is fetched again). A store that cannot be opened at all raises
    Failed with the reason (a full disk)."""
    try:
        store = Store.open(Path(args.store or config.feed.store), config.feed.store_limit_mb * 1024 * 1024)
    except sqlite3.Error as exc:
        raise Failed(store_error(exc)) from None
    if store.healing.healed:
        print(f"store: damaged database set aside ({store.healing.set_aside or 'deleted'}): {store.healing.reason}", file=sys.stderr)
    return store


def _failed(exc: Failed) -> int:
    print(f"failed: {exc}", flush=True)
    return EXIT_STATUS[OutcomeKind.FAILED]


def _import(args: argparse.Namespace) -> int:
    try:
        config = _load_config(args)
        keyring = _keyring(args, config)
        if not len(keyring):
            return _error("feed import", "no trusted key: pass --pubkey or configure [feed] pubkeys")
        store = _open_store(args, config)
    except (keys.KeyFileError, kiosk_config.ConfigError, OSError) as exc:
        return _error("feed import", str(exc))
    except Failed as exc:
        return _failed(exc)
    from kiosk.feed.import_ import import_tree

    with store:
        return _report(import_tree(store, Path(args.path), keyring, args.village or config.feed.village or None))


def _history(args: argparse.Namespace) -> int:
    from kiosk.feed import evidence

    try:
        store = _open_store(args, _load_config(args))
    except (kiosk_config.ConfigError, OSError) as exc:
        return _error("feed history", str(exc))
    except Failed as exc:
        return _failed(exc)
    with store:
        try:
            key = evidence.resolve(store, args.record)
        except evidence.NoSuchRecord as exc:
            return _error("feed history", str(exc), EXIT_DATA)
        except ValueError as exc:
            return _error("feed history", str(exc), 2)
        bundle = evidence.gather(store, key)
    if args.json:
        sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(bundle), indent=1) + b"\n")
    else:
        print("\n".join(evidence.describe(bundle)))
    return EXIT_OK


def _sync(args: argparse.Namespace) -> int:
    # Here, not at the top: the kiosk builds this parser at every start,
    # and the HTTP client is not needed before its first frame.
    from kiosk.feed.sync import ConfigurationError, Syncer

    try:
        config = _load_config(args)
        platform, village = args.platform or config.feed.platform, args.village or config.feed.village
        keyring = _keyring(args, config)
        if not (platform and village and len(keyring)):
            raise ConfigurationError("no platform address, village code or trusted key configured")
        refused = msgspec.structs.replace(config.feed, allow_http=config.feed.allow_http or args.allow_http).refuses(platform)
        if refused:
            return _error("sync", refused)
        # Opened only once the rest is known good: a mistyped command must not create a store.
        store = _open_store(args, config)
    except (kiosk_config.ConfigError, keys.KeyFileError, ConfigurationError, OSError) as exc:
        return _error("sync", f"{exc} (set [feed] in the configuration or pass --platform, --village, --pubkey)")
    except Failed as exc:
        return _failed(exc)
    with store:
        syncer = Syncer(store, platform, village, keyring)
        if args.once:
            return _report(syncer.sync_once())
        return _sync_forever(syncer, args.interval or config.feed.sync_interval_s)


def _sync_forever(syncer, interval: float) -> int:
    from kiosk.feed.worker import RetryPolicy, SyncWorker

    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    worker = SyncWorker(syncer.sync_once, _report, RetryPolicy(interval=interval))
    worker.start()
    done.wait()
    worker.stop(timeout=60)
    return EXIT_OK


# ------------------------------------------------------------ registration


def _village_code(text: str) -> str:
    if not re.fullmatch(r"\d{12}", text):
        raise argparse.ArgumentTypeError(f"a village code is 12 digits, not {text!r}")
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``feed`` (with keygen, build, verify, import) and ``sync``."""
    formatter = argparse.RawDescriptionHelpFormatter
    feed = subparsers.add_parser(
        "feed",
        help="publish, check and import signed village feeds",
        description="Publish, check and import signed village feeds (protocol: docs/FEED-PROTOCOL.md).",
    )
    commands = feed.add_subparsers(dest="feed_command", metavar="COMMAND", required=True)

    keygen = commands.add_parser(
        "keygen",
        help="make a platform signing key pair",
        description=f"Write DIR/{keys.PRIVATE_KEY_NAME} (private, mode 0600) and DIR/{keys.PUBLIC_KEY_NAME} "
        "(one line of base64, for the terminals' configuration). Never overwrites a key.",
    )
    keygen.add_argument("--out", required=True, metavar="DIR", help="folder for the key pair")
    keygen.set_defaults(func=_keygen)

    build = commands.add_parser(
        "build",
        help="build a signed, publishable tree from a source folder",
        formatter_class=formatter,
        description="Validate a source folder or a workbook (docs/FEED-FORMAT.md) and write the signed tree into OUT:\n"
        "manifest.json, manifest.sig, blobs/<sha256> and packs/<sha256> (all blobs in one file, for\n"
        "fast first syncs). Serve OUT at <platform>/<village code>/.\n"
        "The version is one more than the manifest already in OUT unless --version is given.",
        usage="%(prog)s (SRC | --demo) OUT --key KEY [--pictures DIR] [--version N] [--expires-days D] [--no-pack]",
    )
    build.add_argument("paths", nargs="+", metavar="SRC OUT", help="source folder or workbook .xlsx (left out with --demo) and output tree")
    build.add_argument("--pictures", metavar="DIR", help="a workbook's picture folder (default: 图片 beside the workbook)")
    build.add_argument("--demo", action="store_true", help=f"build the bundled demo village ({paths.DEMO_VILLAGE})")
    build.add_argument("--key", required=True, metavar="KEY", help=f"the private key ({keys.PRIVATE_KEY_NAME})")
    build.add_argument("--version", type=_positive_int, metavar="N", help="the version to publish (default: previous + 1)")
    build.add_argument(
        "--expires-days",
        type=float,
        default=publish.DEFAULT_EXPIRES_DAYS,
        metavar="D",
        help=f"days until terminals call this data stale (default {publish.DEFAULT_EXPIRES_DAYS:g})",
    )
    build.add_argument("--no-pack", action="store_true", help="no packs/ (a tree for a USB stick: import reads the blobs)")
    build.set_defaults(func=_build)

    template = commands.add_parser(
        "template",
        help="write the Excel workbook a township fills in (blank, or with a village's data)",
        description="Write a workbook (.xlsx) with a sheet per kind of record, and the picture folder 图片 beside it\n"
        "(docs/FEED-FORMAT.md section 11). With --from or --demo the workbook holds that village's data,\n"
        "to be edited and built again with `feed build WORKBOOK OUT`.",
        formatter_class=formatter,
    )
    template.add_argument("--out", required=True, metavar="DIR", help="folder for the workbook and its picture folder")
    origin = template.add_mutually_exclusive_group()
    origin.add_argument("--from", dest="source", metavar="SRC", help="export this source folder's data into the workbook")
    origin.add_argument("--demo", action="store_true", help="export the bundled demo village")
    template.set_defaults(func=_template)

    verify = commands.add_parser(
        "verify",
        help="check a published tree as a terminal would",
        formatter_class=formatter,
        description="Check a tree (folder or archive): signature by a trusted key, every blob's hash\n"
        "and size, the documents' validity, the expiry.\n\n" + _VERIFY_STATUS_HELP,
    )
    verify.add_argument("out", metavar="OUT", help="the tree: a folder, .tar, .tar.gz or .zip")
    _config_option(verify)
    verify.add_argument(
        "--pubkey", action="append", metavar="PUB", help="trusted public key file or text (repeatable; default: configured keys)"
    )
    verify.set_defaults(func=_verify)

    importer = commands.add_parser(
        "import",
        help="import a signed tree from a folder or archive (USB stick)",
        formatter_class=formatter,
        description="Import a signed tree from a folder or a .tar/.tar.gz/.zip archive into the store,\n"
        "with the same checks as a network sync.\n\n" + _STATUS_HELP,
    )
    importer.add_argument("path", metavar="PATH", help="the tree: a folder, .tar, .tar.gz or .zip")
    _terminal_options(importer, network=False)
    importer.set_defaults(func=_import)

    history = commands.add_parser(
        "history",
        help="a record's versions on this terminal, with the signed manifests that carried them",
        formatter_class=formatter,
        description="Print the versions of one published record this terminal holds: each correction\n"
        "(changed or withdrawn, with its reason) and its value now, each with the manifest that\n"
        "carried it. --json prints the evidence itself (manifests, signatures, change logs,\n"
        "documents), which anyone can check with the publisher's public keys alone\n"
        "(docs/FEED-PROTOCOL.md section 17).\n\n"
        f"exit status: {EXIT_OK} printed, 2 the id names several records, {EXIT_SETUP} store or configuration error,\n"
        f"{EXIT_DATA} no such record on this terminal",
    )
    history.add_argument("--record", required=True, metavar="ID", help="the record's id, or kind:id (finance:2026-03-007)")
    history.add_argument("--json", action="store_true", help="print the signed evidence as JSON")
    _config_option(history)
    history.add_argument("--store", metavar="DIR", help="the store folder (default: [feed] store)")
    history.set_defaults(func=_history)

    sync = subparsers.add_parser(
        "sync",
        help="fetch the village's signed feed from the platform",
        formatter_class=formatter,
        description="Fetch the newest signed feed into the store and print one line per attempt\n"
        "('up to date v42', 'updated v41 → v42, 3 files, 184 KB', 'rejected: …', 'failed: …').\n"
        "Without --once, keeps polling (retrying failures with backoff) until stopped.\n\n"
        + _STATUS_HELP
        + "\n(without --once the status is 0 when stopped)",
    )
    sync.add_argument("--once", action="store_true", help="one attempt, then exit with its status")
    sync.add_argument("--interval", type=_positive_int, metavar="SECONDS", help="poll interval (default: [feed] sync_interval_s)")
    sync.add_argument("--allow-http", action="store_true", help="allow a plain http:// platform (test bench; default: [feed] allow_http)")
    _terminal_options(sync, network=True)
    sync.set_defaults(func=_sync)


def _terminal_options(parser: argparse.ArgumentParser, network: bool) -> None:
    _config_option(parser)
    if network:
        parser.add_argument("--platform", metavar="URL", help="platform base URL; the feed is at URL/<village>/ (default: [feed] platform)")
    parser.add_argument("--village", type=_village_code, metavar="CODE", help="12-digit village code (default: [feed] village)")
    parser.add_argument(
        "--pubkey", action="append", metavar="FILE", help="trusted public key file or text (repeatable; default: [feed] pubkeys)"
    )
    parser.add_argument("--store", metavar="DIR", help="the store folder (default: [feed] store)")


def _config_option(parser: argparse.ArgumentParser) -> None:
    """``--config``, which ``village-kiosk`` also takes before the command
    name: the same meaning in either place (SUPPRESS: not given here, the
    value given there stays)."""
    parser.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, metavar="FILE", help="configuration file (default /etc/village-kiosk/config.toml)"
    )
