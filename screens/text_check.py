"""The layout check's reading of text: the lines each label shows, judged
by the rules of a printed Chinese notice (``kiosk.typeset``).

A label laid out by ``TypesetLabel`` says which lines it drew; for any
other label the lines are found the way Kivy's own wrapping makes them
(whole words while they fit, a word wider than the line cut where it
overflows -- Chinese has no spaces, so it is cut anywhere), measured with
the label's font.
"""

from __future__ import annotations

import re

from kivy.core.text import Label as CoreLabel
from kivy.uix.behaviors import ButtonBehavior

from kiosk.typeset import line_problems


def _measure_with(label):
    core = CoreLabel(font_size=label.font_size, font_name=label.font_name, bold=label.bold)
    return lambda text: core.get_extents(text)[0]


def kivy_lines(label, measure) -> list[str]:
    """The lines Kivy's wrapping gives a plain Label (checked against its
    own layout: the same lines, padding included)."""
    width = label.text_size[0]
    if width is None:
        return label.text.split("\n")
    room = width - label.padding[0] - label.padding[2]
    lines = []
    for paragraph in label.text.split("\n"):
        line = ""
        for word in re.split(r"(?<= )", paragraph):  # words keep their trailing space
            if measure((line + word).rstrip()) <= room:
                line += word
                continue
            if line:
                lines.append(line.rstrip())
                line = ""
            for ch in word:
                if line and measure(line + ch) > room:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line.rstrip())
    return lines


def shown_lines(label, measure=None) -> list[str]:
    typeset = getattr(label, "lines", None)
    if typeset is not None and getattr(label, "typeset", False):
        return list(typeset)
    return kivy_lines(label, measure or _measure_with(label))


def is_title(label, theme) -> bool:
    """Titles and buttons: bold text at title size or larger, or a button's words."""
    return isinstance(label, ButtonBehavior) or (label.bold and label.font_size >= theme.title - 0.5)


def text_problems(label, theme) -> list[tuple[str, str]]:
    """(kind, detail) for each way the label's lines break the rules."""
    measure = _measure_with(label)
    lines = shown_lines(label, measure)
    problems = [(p.kind, p.detail) for p in line_problems(
        lines, label.text, title=is_title(label, theme), ems=[measure(line) / label.font_size for line in lines])]
    if len(lines) > 1 and not getattr(label, "typeset", False):
        problems.append(("kivy_wrap", f"wrapped by Kivy, which breaks Chinese anywhere: {lines[0][-6:]!r} / {lines[1][:6]!r}"))
    if len(lines) > 1 and isinstance(label, ButtonBehavior):
        problems.append(("button_wraps", " / ".join(lines)))
    return problems
