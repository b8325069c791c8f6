from kiosk.idle import IdlePhase, IdlePolicy, IdleTracker

POLICY = IdlePolicy(reset_after_s=60, countdown_s=10, attract_after_s=300)


def test_active_then_countdown_then_one_reset_then_attract():
    tracker = IdleTracker(POLICY, now=0)
    assert tracker.view(59.9, needs_reset=True).phase is IdlePhase.ACTIVE
    asking = tracker.view(60, needs_reset=True)
    assert asking.phase is IdlePhase.ASKING and asking.seconds_left == 10
    assert tracker.view(69.2, needs_reset=True).seconds_left == 1
    done = tracker.view(70, needs_reset=True)
    assert done.phase is IdlePhase.RESTING and done.reset_now
    assert not tracker.view(71, needs_reset=True).reset_now  # only once
    assert tracker.view(299, needs_reset=False).phase is IdlePhase.RESTING
    assert tracker.view(300, needs_reset=False).phase is IdlePhase.ATTRACT


def test_nothing_to_undo_means_no_countdown():
    tracker = IdleTracker(POLICY, now=0)
    view = tracker.view(65, needs_reset=False)
    assert view.phase is IdlePhase.RESTING and not view.reset_now


def test_touch_while_asking_is_swallowed_and_restarts_the_clock():
    tracker = IdleTracker(POLICY, now=0)
    assert tracker.touched(30) is False  # an ordinary touch goes through
    assert tracker.touched(95) is True  # 65 s idle: the countdown was showing
    assert tracker.view(100, needs_reset=True).phase is IdlePhase.ACTIVE
    assert tracker.view(155, needs_reset=True).phase is IdlePhase.ASKING


def test_touch_wakes_attract_without_pressing():
    tracker = IdleTracker(POLICY, now=0)
    assert tracker.touched(400, needs_reset=False) is True
    assert tracker.view(401, needs_reset=False).phase is IdlePhase.ACTIVE


def test_attract_still_resets_if_it_was_skipped():
    # The app was frozen through the whole countdown: the reset still happens.
    tracker = IdleTracker(POLICY, now=0)
    view = tracker.view(500, needs_reset=True)
    assert view.phase is IdlePhase.ATTRACT and view.reset_now


def test_night_schedule_crossing_midnight():
    import datetime as dt

    from kiosk.idle import NightSchedule

    night = NightSchedule.parse("22:00-06:00")
    assert night.is_night(dt.time(23, 30)) and night.is_night(dt.time(5, 59))
    assert not night.is_night(dt.time(6, 0)) and not night.is_night(dt.time(12, 0))
    assert NightSchedule.parse("12:00-13:00").is_night(dt.time(12, 30))
    assert not NightSchedule.parse("").is_night(dt.time(23, 0))


def test_bad_night_hours_are_refused():
    import pytest

    from kiosk.config import ConfigError, parse_config
    from kiosk.idle import NightSchedule

    with pytest.raises(ValueError):
        NightSchedule.parse("late")
    with pytest.raises(ConfigError):
        parse_config('[display]\nnight = "10pm"')
