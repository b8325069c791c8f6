"""A global option of ``village-kiosk`` means the same wherever it is
written: before the command name or after it. (``--config FILE tour``
toured the demo village while ``tour --config FILE`` toured the
configured store: argparse puts a sub-command's default over the value
given before its name.)"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import build_parser

# Each global option with a value to give it.
GLOBAL_VALUES = {"--config": "/tmp/elsewhere.toml", "--data": "/tmp/village", "--size": "800x600"}
# Commands that read the terminal's configuration: --config after their name too.
READ_CONFIGURATION = [("tour", "--out", "OUT"), ("sync", "--once"), ("feed", "verify", "TREE"), ("feed", "import", "TREE"), ("doctor",)]


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(words, parser) of every command, sub-commands included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _parsed(argv: list[str]) -> dict[str, str]:
    namespace = vars(build_parser().parse_args(argv))
    return {key: str(value) for key, value in namespace.items() if key != "func"}


def _required(parser: argparse.ArgumentParser) -> list[str]:
    """Words that make ``parser``'s command parse: its positionals and required options."""
    words = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return []  # a group of commands, checked through its members
        if not action.option_strings and action.nargs not in ("?", "*"):
            words += ["X"] * (1 if action.nargs in (None, "+") else int(action.nargs))
        elif action.required:
            words += [action.option_strings[0], "X"]
    return words


def test_every_global_option_a_command_also_takes_means_the_same_before_and_after_its_name():
    main = build_parser()
    checked = []
    for words, parser in _commands(main):
        required = _required(parser)
        if not required and any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
            continue
        for option, value in GLOBAL_VALUES.items():
            if option not in _options(parser):
                continue
            before = _parsed([option, value, *words, *required])
            after = _parsed([*words, *required, option, value])
            assert before == after, f"{option} {' '.join(words)}"
            assert before[option.lstrip("-")] == (value if option != "--size" else "(800, 600)")
            checked.append((words, option))
    assert (("tour",), "--config") in checked and (("tour",), "--data") in checked and (("tour",), "--size") in checked


@pytest.mark.parametrize("command", READ_CONFIGURATION, ids=lambda c: " ".join(c[:2]))
def test_commands_that_read_the_configuration_take_config_after_their_name_too(command):
    config = "/tmp/elsewhere.toml"
    assert _parsed(["--config", config, *command]) == _parsed([*command, "--config", config])


@pytest.mark.parametrize("where", ["before", "after"])
def test_tour_with_data_given_before_or_after_its_name_shows_that_data(tmp_path, where, x_display):
    """In a process of its own, as it is run: the folder given is used
    (here it holds no village, so the tour stops before drawing anything)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    data = ["--data", str(empty)]
    command = ["tour", "--out", str(tmp_path / "pictures")]
    argv = [*data, *command] if where == "before" else [*command, *data]
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", *argv], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"village data rejected: village.json: $: document is missing (no feed in {empty})" in done.stderr
    assert not Path(tmp_path / "pictures").exists()
