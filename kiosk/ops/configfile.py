"""The configuration file as provisioning writes it."""

from __future__ import annotations

import json
from typing import Any

from kiosk.config import Config, parse_config


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string, except for DEL.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {_toml_value(item)},\n" for item in value) + "]"
    raise TypeError(f"no TOML rendering for {type(value).__name__}")


# Written even when equal to the default: what a technician looks for first.
_ALWAYS = {("terminal", "id"), ("feed", "platform"), ("feed", "village"), ("feed", "pubkeys"), ("display", "rotation")}


def render_config(config: Config) -> str:
    """The configuration as TOML: the provisioned fields, plus every field
    set to something other than its default (kept from hand edits)."""
    lines = [
        "# village-kiosk terminal configuration, written by `village-kiosk provision`.",
        "# Holds secrets (token, PIN hash): root:kiosk, mode 0640. Provision again rather than editing.",
    ]
    for section in config.__struct_fields__:
        value, default = getattr(config, section), getattr(Config(), section)
        entries = [
            f"{name} = {_toml_value(getattr(value, name))}"
            for name in value.__struct_fields__
            if (section, name) in _ALWAYS or getattr(value, name) != getattr(default, name)
        ]
        if entries:
            lines += ["", f"[{section}]", *entries]
    text = "\n".join(lines) + "\n"
    if parse_config(text, "rendered configuration") != config:
        raise AssertionError("rendered configuration does not read back the same")
    return text
