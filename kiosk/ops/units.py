"""What provisioning installs for systemd and X, as text.

Boot-to-kiosk design: a bare X server started by ``xinit`` from a system
service on tty1, running only the kiosk (no desktop, no display manager,
no window manager: Kivy draws fullscreen). Chosen over a Wayland kiosk
compositor (cage) because rotation and touch mapping are then the
well-known ``xrandr --rotate`` and ``xinput`` matrix, Kivy's SDL2 backend
is most at home on X11, and the same session runs under Xvfb in tests.

- ``village-kiosk.service``: ``Type=notify`` with ``WatchdogSec=``; the app
  sends READY=1 and keep-alives from its UI loop (kiosk.ops.watchdog), so a
  frozen UI is restarted too. ``NotifyAccess=all`` because the app is a
  grandchild of the main process (xinit). ``PAMName=login`` on tty1 gives
  the kiosk user a logind seat session, so Xorg runs without root.
- no sync timer: the kiosk syncs on its own schedule (kiosk.live, every
  ``feed.sync_interval_s`` with jitter). One writer to the store only: a
  second syncing process could collect blobs the other is about to commit.
  Technicians run ``village-kiosk sync --once`` or use the technician menu.
- a journald drop-in bounding the journal on small disks.
- ``kiosk-session``: the X client script: blanking off, rotation, touch.
"""

from __future__ import annotations

import shlex

KIOSK_USER = "kiosk"
STATE_DIR = "/var/lib/village-kiosk"  # the kiosk user's home and StateDirectory=
CACHE_DIR = "/var/cache/village-kiosk"
CONFIG_DIR = "/etc/village-kiosk"
CONFIG_PATH = f"{CONFIG_DIR}/config.toml"
KEYS_DIR = f"{CONFIG_DIR}/keys"
SESSION_SCRIPT = "/usr/local/lib/village-kiosk/kiosk-session"
XINIT = "/usr/bin/xinit"
X_SERVER = "/usr/bin/X"
UNIT_DIR = "/etc/systemd/system"
KIOSK_UNIT = "village-kiosk.service"
JOURNALD_DROPIN = "/etc/systemd/journald.conf.d/village-kiosk.conf"
GRAPHICAL_TARGET = "/lib/systemd/system/graphical.target"
WATCHDOG_SEC = 30
JOURNAL_MAX_USE = "100M"
# Packages the session needs on the terminal (Debian names).
SESSION_PACKAGES = "xinit xserver-xorg x11-xserver-utils xinput"

# Clockwise degrees the picture is turned -> xrandr rotation and the touch
# "Coordinate Transformation Matrix" that turns touches the same way.
ROTATIONS: dict[int, tuple[str, str]] = {
    0: ("normal", "1 0 0 0 1 0 0 0 1"),
    90: ("right", "0 1 0 -1 0 1 0 0 1"),
    180: ("inverted", "-1 0 1 0 -1 1 0 0 1"),
    270: ("left", "0 -1 1 1 0 0 0 0 1"),
}

_HEADER = "# Written by `village-kiosk provision`; provisioning again rewrites this file.\n"


def session_script(rotation: int, kiosk_bin: str) -> str:
    xrandr_rotation, matrix = ROTATIONS[rotation]
    return f"""#!/bin/sh
{_HEADER.rstrip()}
# The whole X session of the kiosk, run by xinit as the kiosk user on :0.
# When it ends, X ends and systemd starts the service again.
set -u

# The screen stays on: no screen saver, no blanking, no power saving.
xset s off
xset s noblank
xset -dpms

# Turn the picture {rotation} degrees clockwise on every connected screen...
for output in $(xrandr --query | awk '$2 == "connected" {{ print $1 }}'); do
    xrandr --output "$output" --rotate {xrandr_rotation}
done
# ...and touches with it, or a tap would land somewhere else.
for id in $(xinput list | sed -n 's/.*id=\\([0-9]*\\).*slave  pointer.*/\\1/p'); do
    xinput set-prop "$id" "Coordinate Transformation Matrix" {matrix} 2>/dev/null
done

# WATCHDOG_PID names xinit; the kiosk pings for the service (NotifyAccess=all).
unset WATCHDOG_PID
exec {shlex.quote(kiosk_bin)}
"""


def kiosk_service() -> str:
    return f"""{_HEADER}
[Unit]
Description=Village disclosure kiosk (fullscreen on tty1, no desktop)
After=systemd-user-sessions.service getty@tty1.service plymouth-quit-wait.service
Conflicts=getty@tty1.service
# Nobody is there to reset a unit that gave up: never stop restarting.
StartLimitIntervalSec=0

[Service]
Type=notify
NotifyAccess=all
WatchdogSec={WATCHDOG_SEC}
TimeoutStartSec=120
TimeoutStopSec=10
Restart=always
RestartSec=2
# 64: the technician chose "退出到桌面" in the technician menu.
RestartPreventExitStatus=64
User={KIOSK_USER}
Group={KIOSK_USER}
# A logind session on tty1, so Xorg runs without root.
PAMName=login
TTYPath=/dev/tty1
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty
StandardOutput=journal
StandardError=journal
UtmpIdentifier=tty1
UtmpMode=user
StateDirectory=village-kiosk
CacheDirectory=village-kiosk
Environment=HOME={STATE_DIR} XDG_CACHE_HOME={CACHE_DIR}
ExecStart={XINIT} {SESSION_SCRIPT} -- {X_SERVER} :0 vt1 -keeptty -nolisten tcp -nocursor -novtswitch -s 0 -dpms

[Install]
WantedBy=graphical.target
"""


def journald_dropin() -> str:
    return f"""{_HEADER}
# Bound the journal: terminals have small disks and nobody cleans them.
[Journal]
SystemMaxUse={JOURNAL_MAX_USE}
RuntimeMaxUse=32M
"""


def enable_links() -> dict[str, str]:
    """``systemctl enable`` and ``set-default graphical.target`` as symlinks:
    link path (under the root) -> target."""
    return {
        f"{UNIT_DIR}/graphical.target.wants/{KIOSK_UNIT}": f"{UNIT_DIR}/{KIOSK_UNIT}",
        f"{UNIT_DIR}/default.target": GRAPHICAL_TARGET,
    }
