"""The elder-mode layout check: what a 75-year-old would trip over.

For the screen on show it reports
- text that is cut off (clipped by its box or a scroll view's edge while
  not scrollable, or shortened with "…"),
- touch targets that overlap or stand closer than the minimum gap,
- touch targets smaller than the minimum,
- text whose colour against what is really behind it (read back from the
  framebuffer) is below the contrast minimum, and text (greyed out or
  not) drawn in the colour of what it stands on;
- lines that break the rules of Chinese typesetting (``tooling.text_check``:
  禁则, split numbers, orphans in titles and buttons, lines over about 40
  characters, Kivy's own wrapping) and buttons whose words wrap;
- what a scroll view cuts off even at the end of its scroll (content
  hanging out of the scrolling area), and more than one scroll area on a
  screen;
- tiles in a row that do not line up, and targets whose face melts into
  what is around them (white cards on a white page);
- what a screen says must be seen without scrolling (``above_the_fold``:
  home's tiles) lying below the fold.

Minimums (on a 1080-wide screen; scaled with the shorter side): targets
80 px normal, 100 px large; 8 px between neighbours; contrast 4.5:1
normal, 7:1 large (WCAG AA / AAA).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.gridlayout import GridLayout
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView

from screens.uix.typeset_label import is_text, measurer
from tooling.text_check import text_problems

MIN_TARGET = {False: 80, True: 100}
MIN_GAP = 8
MIN_CONTRAST = {False: 4.5, True: 7.0}
MIN_VISIBLE = 1.5  # contrast of text a villager cannot see at all, greyed out or not
TOLERANCE = 1.5  # px: rounding in layouts
EDGE_BAND = 3  # px either side of a target's edge compared to see the edge


@dataclass(frozen=True)
class Problem:
    kind: str  # clipped / overlap / too_close / too_small / contrast / invisible / a kind of text_check / ...
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
    it: centred in the box, or where a TypesetLabel's halign puts it)."""
    left, bottom, right, top = _rect(label)
    tw, th = label.texture_size
    cx, cy = (left + right) / 2 + getattr(label, "text_shift", 0), (bottom + top) / 2
    return cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2


def _visible_rect(widget):
    """The part of the widget that scroll views let through, or None."""
    visible = _scroll_clipped(widget, _rect(widget))
    if visible is None or visible[2] - visible[0] <= 1 or visible[3] - visible[1] <= 1:
        return None
    return visible


def _scroll_clipped(widget, rect):
    """The part of ``rect`` (drawn by ``widget``) that the scroll views
    around it let through, or None. Unlike ``_visible_rect``, the widget's
    own box does not clip: text running out of its label still counts."""
    left, bottom, right, top = rect
    for parent in _ancestors(widget):
        if isinstance(parent, ScrollView):
            pl, pb, pr, pt = _rect(parent)
            left, bottom, right, top = max(left, pl), max(bottom, pb), min(right, pr), min(top, pt)
    return (left, bottom, right, top) if right > left and top > bottom else None


def _clipped(label) -> str | None:
    if label.shorten and label.text:
        # Shortened text ends in "…": a villager cannot read the rest.
        full = measurer(label.font_name, label.font_size, label.bold)(label.text)
        if full > label.width - label.padding[0] - label.padding[2] + TOLERANCE:
            return f"shortened: needs {full:.0f} px, has {label.width:.0f}"
    tw, th = label.texture_size
    if label.max_lines and label.text_size[0]:
        # max_lines drops the lines that do not fit, silently: lay the text
        # out again without the limit and compare.
        from kivy.core.text import Label as CoreLabel

        full = CoreLabel(
            text=label.text,
            font_name=label.font_name,
            font_size=label.font_size,
            bold=label.bold,
            text_size=label.text_size,
            padding=label.padding,
            halign=label.halign,
            line_height=label.line_height,
            max_lines=0,
        )
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
    ((colour, _count),) = Counter(box.getdata()).most_common(1)
    return tuple(c / 255 for c in colour[:3])


def check_screen(harness) -> list[Problem]:
    """Every problem on the screen (and any dialog over it) now."""
    from kivy.core.window import Window

    theme = harness.app.theme
    unit = theme.unit
    large = theme.large
    problems: list[Problem] = []
    shown = _in_front(list(harness.widgets()))
    widgets = [w for w in shown if not getattr(w, "disabled", False)]

    labels = [w for w in widgets if is_text(w) and w.text.strip() and w.opacity > 0]
    for label in labels:
        reason = _clipped(label)
        if reason:
            problems.append(Problem("clipped", describe(label), reason))
        problems += [Problem(kind, describe(label), detail) for kind, detail in text_problems(label, theme)]
    problems += _scroll_problems(shown)
    problems += _misaligned(shown)
    problems += _below_the_fold(harness.screen)

    # Text that runs off the screen, or onto other text, is as lost as clipped
    # text (a scroll view's content may run past its edge: it scrolls).
    boxes = []
    for label in labels:
        rect = _text_rect(label)
        in_scroll = any(isinstance(p, ScrollView) for p in _ancestors(label))
        if not in_scroll and (
            rect[0] < -TOLERANCE or rect[1] < -TOLERANCE or rect[2] > Window.width + TOLERANCE or rect[3] > Window.height + TOLERANCE
        ):
            problems.append(Problem("clipped", describe(label), f"runs off the screen at {tuple(round(v) for v in rect)}"))
        # Only the part a scroll view lets through can lie on other text: a
        # line cut by its edge (a page opened part-way down) is hidden above it.
        boxes.append((label, _visible_rect(label) and _scroll_clipped(label, rect)))
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1 :]:
            if (
                ra
                and rb
                and min(ra[2], rb[2]) - max(ra[0], rb[0]) > TOLERANCE * 2
                and min(ra[3], rb[3]) - max(ra[1], rb[1]) > TOLERANCE * 2
            ):
                problems.append(Problem("overlap", f"{describe(a)} & {describe(b)}", "text on text"))

    targets = []
    for widget in widgets:
        if isinstance(widget, ButtonBehavior) and widget.opacity > 0:
            rect = _visible_rect(widget)
            if rect is not None:
                targets.append((widget, rect))
    minimum = MIN_TARGET[large] * unit
    for widget, (_left, _bottom, _right, _top) in targets:
        whole = _rect(widget)
        # Rows cut by a scroll view's edge are reachable by scrolling; judge their full size.
        if min(whole[2] - whole[0], whole[3] - whole[1]) < minimum - TOLERANCE:
            problems.append(
                Problem("too_small", describe(widget), f"{whole[2] - whole[0]:.0f}×{whole[3] - whole[1]:.0f} px, minimum {minimum:.0f}")
            )
    gap = MIN_GAP * unit
    for i, (a, ra) in enumerate(targets):
        for b, rb in targets[i + 1 :]:
            if a in b.walk(restrict=True) or b in a.walk(restrict=True):
                continue  # a button inside a tappable row is one target
            dx = max(rb[0] - ra[2], ra[0] - rb[2])
            dy = max(rb[1] - ra[3], ra[1] - rb[3])
            if dx < -TOLERANCE and dy < -TOLERANCE:
                problems.append(Problem("overlap", f"{describe(a)} & {describe(b)}", f"overlap {-dx:.0f}×{-dy:.0f} px"))
            elif max(dx, dy) < gap - TOLERANCE:
                problems.append(Problem("too_close", f"{describe(a)} & {describe(b)}", f"{max(dx, dy):.0f} px apart, minimum {gap:.0f}"))

    image = harness.screenshot()
    problems += _invisible_text(image, [w for w in shown if is_text(w) and w.text.strip()], Window.height)
    problems += _blending_targets(image, targets, Window.height)
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
            problems.append(
                Problem("contrast", describe(label), f"{ratio:.2f}:1 (text {_hex(label.color)} on {_hex(background)}), minimum {need}:1")
            )
    return problems


def _in_front(shown: list) -> list:
    """The widgets a villager can see and reach: those of the dialog in
    front when one is open (what lies dimmed under it is neither), else all."""
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    dialogs = [child for child in Window.children if isinstance(child, ModalView)]
    if not dialogs:
        return shown
    front = set(dialogs[0].walk(restrict=True))  # Window.children: the last added first
    return [widget for widget in shown if widget in front]


def _scroll_problems(shown) -> list[Problem]:
    """What a scroll view never shows: parts of its content that hang out
    of the scrolling area (even scrolled to its end, they stay cut), and
    more scroll areas than one on a screen (elders do not find the second)."""
    problems = []
    views = [w for w in shown if isinstance(w, ScrollView) and not _inside_scroll(w)]
    scrolling = [v for v in views if v.children and v.children[0].height > v.height + TOLERANCE]
    if len(scrolling) > 1:
        problems.append(
            Problem("two_scroll_areas", " & ".join(describe(v) for v in scrolling), "more than one area scrolls on this screen")
        )
    for view in (w for w in shown if isinstance(w, ScrollView) and not isinstance(w, RecycleView)):
        if not view.children:
            continue
        content = view.children[0]
        _left, bottom, _right, top = _rect(content)
        view_left, _vb, view_right, _vt = _rect(view)
        for widget in content.walk(restrict=True):
            if widget is content or widget.width <= 1 or widget.height <= 1 or widget.opacity == 0:
                continue
            if not (isinstance(widget, ButtonBehavior) or (is_text(widget) and widget.text.strip())):
                continue
            wl, wb, wr, wt = _rect(widget)
            if wb < bottom - TOLERANCE or wt > top + TOLERANCE or wl < view_left - TOLERANCE or wr > view_right + TOLERANCE:
                problems.append(
                    Problem(
                        "cut_off",
                        describe(widget),
                        f"outside its scroll area's content ({wb - bottom:.0f} px below, "
                        f"{wt - top:.0f} px above, {wr - view_right:.0f} px right): never scrolled into view",
                    )
                )
    return problems


def _inside_scroll(widget) -> bool:
    return any(isinstance(p, ScrollView) for p in _ancestors(widget))


def _misaligned(shown) -> list[Problem]:
    """Tiles side by side in a grid that do not share their top and bottom."""
    problems = []
    for grid in (w for w in shown if isinstance(w, GridLayout)):
        tiles = [c for c in grid.children if isinstance(c, ButtonBehavior)]
        for i, a in enumerate(tiles):
            for b in tiles[i + 1 :]:
                if min(a.top, b.top) - max(a.y, b.y) <= 0:  # not in the same row
                    continue
                if abs(a.top - b.top) > TOLERANCE or abs(a.y - b.y) > TOLERANCE:
                    problems.append(
                        Problem(
                            "misaligned",
                            f"{describe(a)} & {describe(b)}",
                            f"tops {a.top - b.top:+.0f} px, bottoms {a.y - b.y:+.0f} px apart",
                        )
                    )
    return problems


def _below_the_fold(screen) -> list[Problem]:
    """What the screen names as needing no scroll, wholly on screen as it opens."""
    from kivy.core.window import Window

    problems = []
    for widget in getattr(screen, "above_the_fold", list)():
        left, bottom, right, top = _rect(widget)
        visible = _visible_rect(widget)
        whole = visible is not None and visible == (left, bottom, right, top)
        if not whole or bottom < -TOLERANCE or top > Window.height + TOLERANCE:
            problems.append(Problem("below_the_fold", describe(widget), "must be seen without scrolling"))
    return problems


def _box_colours(image, rect, window_height):
    left, bottom, right, top = (round(v) for v in rect)
    box = image.crop((max(0, left), max(0, window_height - top), max(0, right), max(0, window_height - bottom)))
    return box if box.width >= 1 and box.height >= 1 else None


def _invisible_text(image, labels, window_height) -> list[Problem]:
    """Text whose strongest pixel barely differs from what it stands on:
    a label in the colour of its background (greyed out or not)."""
    problems = []
    for label in labels:
        rect = _visible_rect(label)
        if rect is None or label.opacity == 0:
            continue
        left, bottom, right, top = _text_rect(label)
        box = _box_colours(image, (max(left, rect[0]), max(bottom, rect[1]), min(right, rect[2]), min(top, rect[3])), window_height)
        if box is None or box.width < 2 or box.height < 2:
            continue
        ((background, _count),) = Counter(box.getdata()).most_common(1)
        background = tuple(c / 255 for c in background[:3])
        ink = max(
            (tuple(c / 255 for c in colour[:3]) for _n, colour in box.getcolors(box.width * box.height)),
            key=lambda colour: contrast(colour, background),
        )
        if contrast(ink, background) < MIN_VISIBLE:
            problems.append(
                Problem("invisible", describe(label), f"text drawn in the colour of its background ({_hex(ink)} on {_hex(background)})")
            )
    return problems


def _blending_targets(image, targets, window_height) -> list[Problem]:
    """Targets whose face is the colour of what is around them on every
    side, with no edge drawn: the villager cannot see where to tap."""
    problems = []
    for widget, rect in targets:
        left, bottom, right, top = rect
        if right - left < 4 * EDGE_BAND or top - bottom < 4 * EDGE_BAND or rect != _rect(widget):
            continue
        inside = _box_colours(image, (left, bottom, right, top), window_height)
        outside = _box_colours(image, (left - EDGE_BAND, bottom - EDGE_BAND, right + EDGE_BAND, top + EDGE_BAND), window_height)
        if inside is None or outside is None:
            continue
        ring_in = _ring(inside, EDGE_BAND)
        ring_out = _ring(outside, EDGE_BAND)
        if ring_in and ring_out and max(abs(a - b) for a, b in zip(ring_in, ring_out, strict=False)) < 8:
            problems.append(
                Problem(
                    "blends_in",
                    describe(widget),
                    f"face {_hex([c / 255 for c in ring_in])} on {_hex([c / 255 for c in ring_out])} with no edge",
                )
            )
    return problems


def _ring(box, band: int):
    """The most common colour of the ``band`` px along a box's edges."""
    width, height = box.size
    pixels = box.load()
    counts: Counter[tuple[int, ...]] = Counter()
    for x in range(width):
        for y in (*range(band), *range(height - band, height)):
            counts[pixels[x, y][:3]] += 1
    for y in range(band, height - band):
        for x in (*range(band), *range(width - band, width)):
            counts[pixels[x, y][:3]] += 1
    return counts.most_common(1)[0][0] if counts else None


def _hex(colour) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in colour[:3])
