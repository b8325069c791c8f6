"""Operations: provisioning, health checks, the systemd watchdog, the
heartbeat with anonymous usage counts, the technician PIN and structured
logs. docs/OPERATIONS.md is the technicians' and platform team's guide.

What the app uses (nothing here imports Kivy)::

    setup_logging()                                   # kiosk.ops.logs, once at start
    pinger = WatchdogPinger()                         # kiosk.ops.watchdog
    pinger.ready("showing v42")                       # first screen is up
    Clock.schedule_interval(lambda dt: pinger.beat(), pinger.beat_interval)  # from the UI loop only

    usage = UsageCounter()                            # kiosk.ops.usage
    usage.record_view("projects", project.id)         # on every screen shown
    reporter = HeartbeatReporter(config, config.feed.store, lambda: TerminalStatus.from_store(store), usage)
    worker = HeartbeatWorker(reporter, config.heartbeat.interval_s)
    worker.start() ... worker.stop(timeout=5)         # kiosk.ops.heartbeat

    guard = PinGuard.from_config(config)              # kiosk.ops.pin
    result = guard.check(typed_pin)                   # .ok / .outcome / .tries_left / .locked_for_s

The commands ``provision`` and ``doctor`` are registered by
``kiosk.ops.cli.add_commands``.
"""
