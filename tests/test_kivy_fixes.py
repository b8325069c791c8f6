"""The work-arounds for Kivy (screens/kivy_fixes.py) are checked against the
Kivy they were written for: another version fails here first, so that an
upgrade of Kivy is a decision (each one looked at again), not an accident."""

from __future__ import annotations

import kivy
import pytest
from kivy.app import App
from kivy.lang import Builder, builder

from screens import kivy_fixes


def test_the_installed_kivy_is_the_one_the_work_arounds_were_checked_with():
    assert kivy.__version__ == kivy_fixes.CHECKED_WITH, (
        f"Kivy {kivy.__version__} is installed; screens/kivy_fixes.py was checked with {kivy_fixes.CHECKED_WITH}: "
        "look at each work-around's upstream issue again, then update CHECKED_WITH"
    )


def test_what_the_work_arounds_reach_into_is_still_there():
    # guard_kv_bindings replaces the function Kivy looks up for every kv binding.
    assert callable(builder.call_fn)
    # clip_with_scissor edits the rule list and clears the rule caches.
    assert isinstance(Builder.rules, list) and hasattr(Builder, "_match_cache") and hasattr(Builder, "_match_name_cache")
    # start_without_loop is App.run() up to its loop.
    assert callable(getattr(App, "_run_prepare", None))


def test_a_kv_binding_of_a_discarded_widget_is_skipped_not_raised():
    """kivy/kivy#6865: a binding whose widget is gone raised ReferenceError
    from its dead weak proxy, which aborted the dispatch to every later
    binding. Through the guard, Kivy's own call_fn meets such a binding and
    nothing escapes."""
    import gc
    import weakref

    from kivy.uix.widget import Widget

    kivy_fixes.guard_kv_bindings()
    widget = Widget()
    dead = weakref.proxy(widget)
    del widget
    gc.collect()  # the proxy a binding still holds is dead now

    # call_fn's own layout, (f, key, value, rule, idmap): the rule's code
    # evaluated for the widget, here one that reads the dead proxy.
    class Rule:  # what call_fn reads of a kv rule
        value = "self.width"
        count = 0

    binding = (dead, "width", compile(Rule.value, "<kv>", "eval"), Rule(), {"self": dead})
    try:
        kivy_fixes._call_fn(binding, dead, None)
    except ReferenceError:
        pass
    else:
        raise AssertionError("Kivy's call_fn no longer raises for a dead widget: is the guard still needed?")
    builder.call_fn(binding, dead, None)  # guarded: skipped


END, TOP = 0, -1000  # a vertical ScrollView's effect bounds as ScrollView sets them: min 0, max -(scrollable length)


def _bounce_back(effect_cls, edge: int, overscroll: float, velocity: float, fps: int) -> float:
    """The effect let go ``overscroll`` px past ``edge``, moving outwards at
    ``velocity`` px/s: where it comes to rest at ``fps`` frames a second."""
    effect = effect_cls(min=END, max=TOP)
    outwards = 1 if edge == END else -1
    effect.value = edge + overscroll * outwards
    effect.velocity = velocity * outwards
    for _frame in range(5000):  # as Kivy's clock calls it, until a frame finds it at rest (and rounds)
        resting = effect.velocity == 0 and effect.overscroll == 0
        effect.update_velocity(1 / fps)
        if resting:
            return effect.value
    raise AssertionError("the bounce never came to rest")


def test_kivys_bounce_still_rests_short_of_the_edge():
    """kivy/kivy#7196's reversed bounds: at a slow terminal's 30 frames a
    second, Kivy's DampedScrollEffect springs back past the edge and friction
    stops it well inside. If this fails, Kivy's own effect is right again and
    EdgeReturningScrollEffect can go."""
    from kivy.effects.dampedscroll import DampedScrollEffect

    assert _bounce_back(DampedScrollEffect, END, 30, 3000, fps=30) <= END - 10
    assert _bounce_back(DampedScrollEffect, TOP, 30, 3000, fps=30) >= TOP + 10


@pytest.mark.parametrize("fps", [60, 30, 15, 8])
@pytest.mark.parametrize("edge", [END, TOP], ids=["end", "top"])
@pytest.mark.parametrize(("overscroll", "velocity"), [(0.3, 0), (3, 0), (120, 0), (0, 3000), (40, 800)])
def test_a_page_pushed_past_an_edge_comes_back_to_rest_exactly_on_it(edge, overscroll, velocity, fps):
    assert _bounce_back(kivy_fixes.EdgeReturningScrollEffect, edge, overscroll, velocity, fps) == edge
