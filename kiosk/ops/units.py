"""What provisioning installs for systemd and X, as text.

Boot-to-kiosk design: a bare X server started by ``xinit`` from a system
service on tty1, running only the kiosk (no desktop, no display manager,
no window manager: the kiosk's window covers the screen). Chosen over a
Wayland kiosk compositor (cage) because Kivy's SDL2 backend is most at home
on X11, and the very same session runs under Xvfb in tests.

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
- ``kiosk-session``: the X client script: blanking off, then the kiosk.
  Rotation is the kiosk's own (``[display] rotation``): it turns its picture
  and the touches with it, on any X server and graphics driver (xrandr's
  rotation depends on the driver, and turning touches needs a matching
  xinput matrix per device).
- software updates (kiosk.release): before every start the unit runs the
  release guard as root (``ExecStartPre=-+``: ``+`` root despite User=,
  ``-`` a failing guard never keeps the kiosk from starting), from the
  ``good`` release when installed from the package, so a broken new
  release cannot break its own rollback; ``village-kiosk-update.timer``
  runs ``release update`` every half hour (it fetches only in the quiet
  hours, settles a trial at any hour).
- stopping: systemd first runs ``ExecStop=village-kiosk stop``, which asks
  the kiosk to stop (SIGTERM, by the pid it keeps in its runtime directory)
  and waits for it, while X is still up; only then does every process of
  the unit get SIGTERM. Sent to all at once, X went first and took the
  kiosk down with it before it could stop cleanly.
"""

from __future__ import annotations

import shlex

KIOSK_USER = "kiosk"
STATE_DIR = "/var/lib/village-kiosk"  # the kiosk user's home and StateDirectory=
CACHE_DIR = "/var/cache/village-kiosk"
CONFIG_DIR = "/etc/village-kiosk"
CONFIG_PATH = f"{CONFIG_DIR}/config.toml"
KEYS_DIR = f"{CONFIG_DIR}/keys"
RELEASE_KEYS_DIR = f"{CONFIG_DIR}/release-keys"  # software releases' keys, apart from the data's
SESSION_SCRIPT = "/usr/local/lib/village-kiosk/kiosk-session"
X_SERVER_SCRIPT = "/usr/local/lib/village-kiosk/kiosk-xserver"
XINIT = "/usr/bin/xinit"
X_SERVER = "/usr/bin/X"
UNIT_DIR = "/etc/systemd/system"
KIOSK_UNIT = "village-kiosk.service"
UPDATE_UNIT = "village-kiosk-update.service"
UPDATE_TIMER = "village-kiosk-update.timer"
UPDATE_INTERVAL = "30min"
# The package's command, and the one of the release proven good (kiosk.release.layout).
PACKAGED_BIN = "/usr/bin/village-kiosk"
RELEASES_DIR = "/opt/village-kiosk/releases"
GOOD_BIN = "/opt/village-kiosk/good/bin/village-kiosk"
JOURNALD_DROPIN = "/etc/systemd/journald.conf.d/village-kiosk.conf"
GRAPHICAL_TARGET = "/lib/systemd/system/graphical.target"
WATCHDOG_SEC = 30
JOURNAL_MAX_USE = "100M"
STOP_TIMEOUT_SEC = 10
ROTATIONS = (0, 90, 180, 270)  # clockwise degrees the screen may be turned
# Packages the session needs on the terminal (Debian names).
SESSION_PACKAGES = "xinit xserver-xorg x11-xserver-utils"

_HEADER = "# Written by `village-kiosk provision`; provisioning again rewrites this file.\n"


def session_script(kiosk_bin: str) -> str:
    return f"""#!/bin/sh
{_HEADER.rstrip()}
# The whole X session of the kiosk, run by xinit as the kiosk user on :0.
# When it ends, X ends and systemd starts the service again.
set -u

# The screen stays on: no screen saver, no blanking, no power saving.
xset s off
xset s noblank
xset -dpms

# WATCHDOG_PID names xinit; the kiosk pings for the service (NotifyAccess=all).
# The kiosk turns its picture and touches itself ([display] rotation).
unset WATCHDOG_PID
exec {shlex.quote(kiosk_bin)}
"""


def xserver_script() -> str:
    return f"""#!/bin/sh
{_HEADER.rstrip()}
# The X server of the kiosk session, started by xinit. Xvfb and Debian's Xorg
# are built with systemd support: given NOTIFY_SOCKET they send READY=1 as
# soon as they accept clients, and with NotifyAccess=all systemd would take
# that for the kiosk's own READY=1 (its first frame drawn). Only the kiosk
# speaks for the service.
unset NOTIFY_SOCKET
exec {X_SERVER} "$@"
"""


def guard_bin(kiosk_bin: str) -> str:
    """The command that guards starts and runs updates: the good release's
    where the kiosk is the package's; a development install's own otherwise."""
    return GOOD_BIN if kiosk_bin == PACKAGED_BIN or kiosk_bin.startswith("/opt/village-kiosk/") else kiosk_bin


def kiosk_service(kiosk_bin: str) -> str:
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
TimeoutStopSec={STOP_TIMEOUT_SEC}
# A new release on trial: go back to the good one if it did not come up (kiosk.release).
ExecStartPre=-+{shlex.quote(guard_bin(kiosk_bin))} release guard
# The kiosk first, while X is still up (see kiosk.ops.units); then the rest.
ExecStop={shlex.quote(kiosk_bin)} stop
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
RuntimeDirectory=village-kiosk
Environment=HOME={STATE_DIR} XDG_CACHE_HOME={CACHE_DIR}
ExecStart={XINIT} {SESSION_SCRIPT} -- {X_SERVER_SCRIPT} :0 vt1 -keeptty -nolisten tcp -nocursor -novtswitch -s 0 -dpms

[Install]
WantedBy=graphical.target
"""


def update_service(kiosk_bin: str) -> str:
    return f"""{_HEADER}
[Unit]
Description=village-kiosk software update (signed releases, fetched in the quiet hours)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={shlex.quote(guard_bin(kiosk_bin))} release update
# In the background of a working kiosk; a download cut off resumes at the next run.
Nice=10
IOSchedulingClass=idle
TimeoutStartSec=3h
"""


def update_timer() -> str:
    return f"""{_HEADER}
[Unit]
Description=Look for a village-kiosk software update every {UPDATE_INTERVAL}

[Timer]
OnBootSec=15min
OnUnitActiveSec={UPDATE_INTERVAL}
# The county's terminals do not all ask at once.
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
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
        f"{UNIT_DIR}/timers.target.wants/{UPDATE_TIMER}": f"{UNIT_DIR}/{UPDATE_TIMER}",
        f"{UNIT_DIR}/default.target": GRAPHICAL_TARGET,
    }
