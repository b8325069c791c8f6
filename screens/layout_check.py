"""The elder-mode layout check: what a 75-year-old would trip over.

For the screen on show it reports
- text that is cut off (clipped by its box or a scroll view's edge while
  not scrollable, or shortened with "…"),
- touch targets that overlap or stand closer than the minimum gap,
- touch targets smaller than the minimum,
- text whose colour against what is really behind it (read back from the
  framebuffer) is below the contrast minimum.

Minimums (on a 1080-wide screen; scaled with the shorter side): targets
80 px normal, 100 px large; 8 px between neighbours; contrast 4.5:1
normal, 7:1 large (WCAG AA / AAA).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

MIN_TARGET = {False: 80, True: 100}
MIN_GAP = 8
MIN_CONTRAST = {False: 4.5, True: 7.0}
TOLERANCE = 1.5  # px: rounding in layouts


@dataclass(frozen=True)
class Problem:
    kind: str  # clipped / overlap / too_close / too_small / contrast
    widget: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.widget}: {self.detail}"


def describe(widget) -> str:
    text = getattr(widget, "text", "") or getattr(widget, "title", "")
    return f"{type(widget).__name__}({str(text)[:24]!r})"


def _rect(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def _ancestors(widget):
    parent = widget.parent
    while parent is not None and parent is not parent.get_parent_window():
        yield parent
        parent = parent.parent


def _text_rect(label) -> tuple[float, float, float, float]:
    """Where the label's text is drawn (its texture, placed as Kivy places
    it: centred in the box unless text_size pins it to the box)."""
    left, bottom, right, top = _rect(label)
    tw, th = label.texture_size
    cx, cy = (left + right) / 2, (bottom + top) / 2
    return cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2


def _visible_rect(widget):
    """The part of the widget that scroll views let through, or None."""
    left, bottom, right, top = _rect(widget)
    parent = widget.parent
    while parent is not None and parent is not parent.get_parent_window():
        if isinstance(parent, ScrollView):
            pl, pb, pr, pt = _rect(parent)
            left, bottom, right, top = max(left, pl), max(bottom, pb), min(right, pr), min(top, pt)
        parent = parent.parent
    if right - left <= 1 or top - bottom <= 1:
        return None
    return left, bottom, right, top


def _clipped(label) -> str | None:
    if label.shorten and label.text:
        # Shortened text ends in "…": a villager cannot read the rest.
        full = label._label.get_extents(label.text)[0]
        if full > label.width - label.padding[0] - label.padding[2] + TOLERANCE:
            return f"shortened: needs {full:.0f} px, has {label.width:.0f}"
    tw, th = label.texture_size
    if label.max_lines and label.text_size[0]:
        # max_lines drops the lines that do not fit, silently: lay the text
        # out again without the limit and compare.
        from kivy.core.text import Label as CoreLabel

        options = dict(label._label.options, max_lines=0)
        full = CoreLabel(**options)
        full.text = label.text
        full.refresh()
        if full.texture.height > th + TOLERANCE:
            return f"max_lines drops text: needs {full.texture.height:.0f} px, shows {th:.0f}"
    if th > label.height + TOLERANCE:
        return f"text {th:.0f} px tall in a {label.height:.0f} px box"
    if label.text_size[0] is None and tw > label.width + TOLERANCE:
        return f"text {tw:.0f} px wide in a {label.width:.0f} px box"
    return None


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    """WCAG contrast ratio of two colours (components 0..1)."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _background(image, rect, window_height) -> tuple[float, float, float] | None:
    """The most common colour in the label's box on screen (the glyphs are
    a minority of its pixels): what the text stands on."""
    left, bottom, right, top = (int(v) for v in rect)
    box = image.crop((max(0, left), max(0, window_height - top), right, window_height - bottom))
    if box.width < 2 or box.height < 2:
        return None
    box = box.resize((min(box.width, 64), min(box.height, 24)))
    (colour, _count), = Counter(box.getdata()).most_common(1)
    return tuple(c / 255 for c in colour[:3])


def check_screen(harness) -> list[Problem]:
    """Every problem on the screen (and any dialog over it) now."""
    from kivy.core.window import Window

    theme = harness.app.theme
    unit = theme.unit
    large = theme.large
    problems: list[Problem] = []
    widgets = [w for w in harness.widgets() if not getattr(w, "disabled", False)]

    labels = [w for w in widgets if isinstance(w, Label) and w.text.strip() and w.opacity > 0]
    for label in labels:
        reason = _clipped(label)
        if reason:
            problems.append(Problem("clipped", describe(label), reason))

    # Text that runs off the screen, or onto other text, is as lost as clipped
    # text (a scroll view's content may run past its edge: it scrolls).
    boxes = []
    for label in labels:
        rect = _text_rect(label)
        in_scroll = any(isinstance(p, ScrollView) for p in _ancestors(label))
        if not in_scroll and (rect[0] < -TOLERANCE or rect[1] < -TOLERANCE
                              or rect[2] > Window.width + TOLERANCE or rect[3] > Window.height + TOLERANCE):
            problems.append(Problem("clipped", describe(label), f"runs off the screen at {tuple(round(v) for v in rect)}"))
        boxes.append((label, _visible_rect(label) and rect))
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1:]:
            if ra and rb and min(ra[2], rb[2]) - max(ra[0], rb[0]) > TOLERANCE * 2 \
                    and min(ra[3], rb[3]) - max(ra[1], rb[1]) > TOLERANCE * 2:
                problems.append(Problem("overlap", f"{describe(a)} & {describe(b)}", "text on text"))

    targets = []
    for widget in widgets:
        if isinstance(widget, ButtonBehavior) and widget.opacity > 0:
            rect = _visible_rect(widget)
            if rect is not None:
                targets.append((widget, rect))
    minimum = MIN_TARGET[large] * unit
    for widget, (left, bottom, right, top) in targets:
        whole = _rect(widget)
        # Rows cut by a scroll view's edge are reachable by scrolling; judge their full size.
        if min(whole[2] - whole[0], whole[3] - whole[1]) < minimum - TOLERANCE:
            problems.append(Problem("too_small", describe(widget),
                                    f"{whole[2] - whole[0]:.0f}×{whole[3] - whole[1]:.0f} px, minimum {minimum:.0f}"))
    gap = MIN_GAP * unit
    for i, (a, ra) in enumerate(targets):
        for b, rb in targets[i + 1:]:
            if a in b.walk(restrict=True) or b in a.walk(restrict=True):
                continue  # a button inside a tappable row is one target
            dx = max(rb[0] - ra[2], ra[0] - rb[2])
            dy = max(rb[1] - ra[3], ra[1] - rb[3])
            if dx < -TOLERANCE and dy < -TOLERANCE:
                problems.append(Problem("overlap", f"{describe(a)} & {describe(b)}", f"overlap {-dx:.0f}×{-dy:.0f} px"))
            elif max(dx, dy) < gap - TOLERANCE:
                problems.append(Problem("too_close", f"{describe(a)} & {describe(b)}",
                                        f"{max(dx, dy):.0f} px apart, minimum {gap:.0f}"))

    image = harness.screenshot()
    need = MIN_CONTRAST[large]
    for label in labels:
        rect = _visible_rect(label)
        if rect is None:
            continue
        background = _background(image, rect, Window.height)
        if background is None:
            continue
        ratio = contrast(label.color, background)
        if ratio < need - 0.05:
            problems.append(Problem("contrast", describe(label),
                                    f"{ratio:.2f}:1 (text {_hex(label.color)} on {_hex(background)}), minimum {need}:1"))
    return problems


def _hex(colour) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in colour[:3])
