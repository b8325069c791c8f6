"""What the ``village-kiosk hub`` sub-commands do (``kiosk.hub.cli`` parses)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import signal
import sys
import time

import msgspec

from kiosk.config import ConfigError
from kiosk.hub import accounts, tokens
from kiosk.hub.config import HubConfig, load_hub_config
from kiosk.hub.store import Store, StoreError, opened
from kiosk.ops.answers import ProvisionError, new_terminal_id, parse_terminal_id, parse_village

EXIT_OK = 0
EXIT_INVALID = 2  # a bad answer: nothing was changed
EXIT_SETUP = 3  # configuration or database unusable


def _fail(code: int, message: str) -> int:
    print(f"village-kiosk hub: {message}", file=sys.stderr)
    return code


def configuration(args: argparse.Namespace) -> HubConfig:
    config = load_hub_config(args.hub_config)
    changes = {}
    if getattr(args, "database", None):
        changes["database"] = args.database
    if getattr(args, "listen", None):
        changes["listen"] = args.listen
    try:
        return msgspec.convert({**msgspec.to_builtins(config), **changes}, HubConfig)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"command line: {exc}") from None


def _with_store(action):
    """Run ``action(args, store, config)`` with the configured store; bad
    configuration, database or answers end with a clear message."""

    def run(args: argparse.Namespace) -> int:
        try:
            config = configuration(args)
            with opened(config.database) as store:
                return action(args, store, config)
        except (ConfigError, StoreError) as exc:
            return _fail(EXIT_SETUP, str(exc))
        except (accounts.AccountError, ProvisionError) as exc:
            return _fail(EXIT_INVALID, f"{exc}; nothing was changed")

    return run


def _now() -> int:
    return int(time.time())


def _when(epoch: int | None) -> str:
    return dt.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M") if epoch else "never"


# ------------------------------------------------------------ serve


def _stopped(signum, frame):
    raise SystemExit(EXIT_OK)


@_with_store
def serve(args, store: Store, config: HubConfig) -> int:
    from kiosk.hub.app import Hub, create_app
    from kiosk.hub.server import serve as run_server

    scheme = "https" if config.tls_cert else "http"
    print(f"hub: listening on {scheme}://{config.listen} (database {config.database.split('://')[0]}); Ctrl-C stops it", flush=True)
    if not store.users():
        print("hub: no user can log in yet: village-kiosk hub user add NAME", flush=True)
    # uvicorn passes SIGTERM on once it has stopped serving (and it may come
    # before it starts): leave with status 0, closing the database on the way.
    signal.signal(signal.SIGTERM, _stopped)
    run_server(create_app(Hub(store, config)), config)
    return EXIT_OK


def demo(args) -> int:
    from kiosk.hub.demo import run_demo

    try:
        return run_demo(args)
    except OSError as exc:
        return _fail(EXIT_SETUP, f"cannot start the demo: {exc}")


def bench(args) -> int:
    from tooling.bench.hubload import run_hub_bench

    return run_hub_bench(args)


# ------------------------------------------------------------ tokens


@_with_store
def token_new(args, store: Store, config: HubConfig) -> int:
    village = parse_village(args.village)
    terminal_id = parse_terminal_id(args.terminal_id) if args.terminal_id else new_terminal_id(village)
    token = tokens.new_token()
    created = store.put_terminal(terminal_id, village, tokens.token_hash(token), _now())
    print(f"terminal  {terminal_id}  ({'new' if created else 'new token; the old one no longer works'})")
    print(f"village   {village}")
    print(f"token     {token}")
    print("The token is shown only now: the hub keeps only its hash. On the terminal:")
    print(f"  village-kiosk provision --terminal-id {terminal_id} --token {token} …")
    return EXIT_OK


@_with_store
def token_revoke(args, store: Store, config: HubConfig) -> int:
    if not store.revoke_token(args.terminal_id):
        return _fail(EXIT_INVALID, f"no terminal {args.terminal_id!r} holds a token; nothing was changed")
    print(f"terminal {args.terminal_id}: token revoked; its reports are refused from now on (its history stays)")
    return EXIT_OK


@_with_store
def token_list(args, store: Store, config: HubConfig) -> int:
    print(f"{'terminal':<24} {'village':<13} {'token':<8} {'issued':<17} last report")
    for terminal in store.terminals():
        state = "active" if terminal.token_hash else "revoked"
        print(f"{terminal.id:<24} {terminal.village:<13} {state:<8} {_when(terminal.token_issued_at):<17} {_when(terminal.last_seen)}")
    return EXIT_OK


# ------------------------------------------------------------ users


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise accounts.AccountError("no terminal to ask the password on: use --password-stdin")
    first = getpass.getpass(f"Password for {args.name} (at least {accounts.MIN_PASSWORD} characters): ")
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first


@_with_store
def user_add(args, store: Store, config: HubConfig) -> int:
    name, township = accounts.check_name(args.name), accounts.check_township(args.township)
    if store.user(name) is not None:
        return _fail(
            EXIT_INVALID, f"user {name!r} exists (to change the password: village-kiosk hub user passwd {name}); nothing was changed"
        )
    if not store.add_user(name, accounts.hash_password(_password(args)), township, _now()):
        return _fail(EXIT_INVALID, f"user {name!r} exists; nothing was changed")
    print(f"user {name}: added; sees {'township ' + township if township else 'the whole county'}")
    return EXIT_OK


@_with_store
def user_passwd(args, store: Store, config: HubConfig) -> int:
    if store.user(args.name) is None:
        return _fail(EXIT_INVALID, f"no user {args.name!r}; nothing was changed")
    store.set_password(args.name, accounts.hash_password(_password(args)))
    print(f"user {args.name}: new password set, lock-out lifted, sessions ended")
    return EXIT_OK


@_with_store
def user_remove(args, store: Store, config: HubConfig) -> int:
    if not store.remove_user(args.name):
        return _fail(EXIT_INVALID, f"no user {args.name!r}; nothing was changed")
    print(f"user {args.name}: removed")
    return EXIT_OK


@_with_store
def user_list(args, store: Store, config: HubConfig) -> int:
    now = _now()
    for user in store.users():
        scope = f"township {user.township}" if user.township else "county"
        locked = "  LOCKED until " + _when(user.locked_until) if user.locked_until > now else ""
        print(f"{user.name:<24} {scope}{locked}")
    return EXIT_OK
