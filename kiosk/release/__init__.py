"""Software releases: the platform publishes the terminal's Debian package
with a signed release manifest; terminals take it in their quiet hours,
install it beside the running release, switch, and go back by themselves
when the new one does not come up. docs/OPERATIONS.md §10 is the guide.

The pieces::

    layout    where releases, the ``current`` and ``good`` links and the state are
    manifest  release.json + release.sig: version, package hash and size, rollout; Ed25519
    rollout   which terminals take a release (a percentage hashed on the terminal id, townships)
    publish   the platform's side: ``release keygen / publish / stage``
    channel   the terminal fetching the manifest and the package (resumed where a cut left it)
    install   unpacking a verified package beside the running release, checked before it gets its name
    trial     switching, the start-up guard (commit or roll back), adopting the package's release
    health    the kiosk's side of a trial: "first frame drawn and kept running"
    update    one update run of the terminal (``release update``)
    status    what the heartbeat and ``doctor`` say about the software

Rollback without systemd's help: the decision is a file and a guard, not a
supervisor. Switching writes a *trial* (``/var/lib/village-kiosk-update/
trial.json``: the new release, the one before it, when it started, the
limits) and then renames the ``current`` link. The kiosk unit runs the
guard as root before every start (``ExecStartPre=-+…/good/bin/village-kiosk
release guard``): each start of the new release is counted; past
``[update] max_crashes`` starts without proof, or ``trial_s`` after the
switch, the guard points ``current`` back at ``good`` before the kiosk
starts, marks the release bad (never taken again) and records why. The
proof comes from the kiosk itself: once it has drawn its first frame (when
it also says READY=1) and its UI loop has kept running ``health_s`` — the
loop that keeps the watchdog fed — it writes ``release-health.json``; the
next guard or update run then *commits* (``good`` follows ``current``).

systemd supplies the restarts: ``Restart=always`` after a crash, the start
timeout for a release that hangs before its first frame (only the kiosk
says READY=1: the session's X server is kept from saying it, see
kiosk.ops.units), the watchdog for one that freezes later.
In the tests, which have no systemd as PID 1, a small stand-in runs the
unit's own ExecStartPre and session the same way (tests/test_release_session.py).
The guard and the updater run from ``good`` — the last release that proved
itself — so a broken new release cannot break its own rollback.
"""
