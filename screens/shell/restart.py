"""The kiosk starting again into what only a start takes up.

The village's font subset (kiosk.fontsubset) is made in the background
when data arrives, and Kivy opens a font once per size and never lets it
go: a subset made after this start is drawn with only from the next one.
A terminal may run for weeks without a power cut, so the kiosk starts
again by itself, when a new subset waits, in the update hours and while
nobody is at it (the attract screen). ``kiosk.cli`` then replaces the
process with a fresh one (exec): the same process for the X session and
the service's watchdog, no crash for the release guard to count, and a
blank screen for as long as a start takes, which nobody watches.
"""

from __future__ import annotations

import datetime as dt

from kiosk import fontsubset
from kiosk.config import Config
from kiosk.fonts import FontFaces

_started_with: tuple[FontFaces, fontsubset.Subset | None] | None = None


def started_with(faces: FontFaces, subset: fontsubset.Subset | None) -> None:
    """The full font found and the subset registered at this start."""
    global _started_with
    _started_with = (faces, subset)


def reason_to_start_again(config: Config, now: dt.datetime) -> str | None:
    """Why the kiosk should start again now (None: it should not)."""
    if _started_with is None or not config.in_update_hours(now.time()):
        return None
    faces, in_use = _started_with
    return "font subset" if fontsubset.waiting(faces, in_use) is not None else None
