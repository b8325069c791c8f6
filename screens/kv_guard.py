"""Kv bindings that outlive their widget must not break the rest.

A kv rule binds a widget's property to, say, ``app.theme.text``. When such
a widget is discarded (a page refilled, a popup closed) Kivy unbinds it once
the garbage collector has run its destructor; until then a change of the
theme reaches a dead weak proxy and raises ReferenceError. That exception
aborts the whole property dispatch, so every later widget keeps its old
colour or size -- and an idle reset, which leaves large mode, would crash
the kiosk. A dead widget needs no update: skip it.
"""

from __future__ import annotations

from kivy.lang import builder

_call_fn = builder.call_fn


def _call_fn_alive(args, instance, value):
    try:
        _call_fn(args, instance, value)
    except ReferenceError:
        pass


def install() -> None:
    # Kivy looks the name up each time it creates a binding, so every kv
    # binding made after this uses the guarded version.
    builder.call_fn = _call_fn_alive
