"""Theme numbers: large mode's text sizes, and how few font faces they need."""

from __future__ import annotations

import pytest

from screens.shell.theme import TEXT_SIZES, Theme

ROLES = tuple(TEXT_SIZES)


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (1280, 800)])
def test_large_mode_is_at_least_one_and_a_half_times(size):
    normal, large = Theme(window_width=size[0], window_height=size[1]), Theme(window_width=size[0], window_height=size[1], large=True)
    for role in ROLES:
        assert getattr(large, role) >= 1.5 * getattr(normal, role) - 1, role  # 1 px of rounding
        assert getattr(large, role) <= 1.5 * 1.06 * getattr(normal, role) + 1, role
    assert large.body >= 36 * min(size) / 1080  # the floor for body text in large mode


def test_large_mode_reuses_normal_sizes_where_it_can():
    """Every distinct size opens another face of the CJK font (2.5 MiB)."""
    normal, large = Theme(), Theme(large=True)
    sizes = {getattr(theme, role) for theme in (normal, large) for role in ROLES}
    assert len(sizes) <= 8 < 2 * len(ROLES)
    assert large.small == normal.title and large.body == normal.heading


def test_another_scale_is_honoured_exactly_where_no_step_is_close():
    large = Theme(large=True, large_scale=2.0)
    assert large.title == 68 and large.body == 56


def test_the_sizes_by_role_follow_every_change_of_the_sizes():
    theme = Theme(window_width=1080, window_height=1920)
    seen = []
    theme.bind(sizes=lambda _theme, sizes: seen.append(dict(sizes)))
    for change in ({"large": True}, {"window_width": 1920, "window_height": 1080}, {"large": False}):
        for name, value in change.items():
            setattr(theme, name, value)
        assert theme.sizes == {role: getattr(theme, role) for role in ROLES}, change
    assert seen and seen[-1] == {role: getattr(theme, role) for role in ROLES}
