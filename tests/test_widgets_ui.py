"""Shared widgets on the real app: wrapped labels render once, at their real width."""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout

from screens.uix.widgets import KLabel
from support.records_ui import ink_box

PARAGRAPH = "村民代表会议决议后，在村务公开栏公示不少于五个工作日，公示期间无异议的，按程序组织实施。"


def _rendered_widths(label) -> list[float]:
    widths = []
    label.bind(texture=lambda instance, _texture: widths.append(round(instance.width)))
    return widths


def test_a_new_paragraph_is_wrapped_once_at_its_real_width(ui):
    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(800, 600), padding=24)
    label = KLabel(text=PARAGRAPH)
    widths = _rendered_widths(label)
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert widths == [752]  # not first at Kivy's default 100 px, nor at 100 - 2 * 24
        assert label.texture_size[0] <= 752 and label.height == label.texture_size[1] > 0
    finally:
        Window.remove_widget(holder)


def test_a_label_that_really_is_narrow_still_shows_its_text(ui):
    holder = BoxLayout(size_hint=(None, None), size=(60, 600))
    label = KLabel(text="公示中")
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert label.width == 60 and label.texture_size[1] > 0  # one frame later, at 60 px
    finally:
        Window.remove_widget(holder)


def _laid_out_widths(row_list) -> list[int]:
    """The widths at which the list's layout placed all its rows."""
    widths = []
    manager = row_list.layout_manager
    compute = manager.compute_layout

    def recording(data, flags):
        if data:
            widths.append(round(manager.width))
        return compute(data, flags)

    manager.compute_layout = recording
    return widths


def _rows(count: int, prefix: str = "") -> list[dict]:
    return [{"title": f"{prefix}第{i}笔", "subtitle": "", "value": "", "badge": "", "action": None} for i in range(count)]


def test_a_long_list_lays_out_its_rows_at_its_real_width_only(ui):
    from screens.uix.widgets import RowList

    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(900, 1200), padding=24)
    rows = RowList()
    widths = _laid_out_widths(rows)
    rows.rows = _rows(2000)  # given while the list is still Kivy's default 100 px wide
    holder.add_widget(rows)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert widths and set(widths) == {852}, widths  # never at 100 or 52 px first
        assert len(rows.data) == 2000 and rows.layout_manager.children  # rows on show
    finally:
        Window.remove_widget(holder)


def test_a_list_that_really_is_narrow_still_shows_its_rows(ui):
    from screens.uix.widgets import RowList

    holder = BoxLayout(size_hint=(None, None), size=(120, 800))
    rows = RowList()
    rows.rows = _rows(5)
    holder.add_widget(rows)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert rows.width == 120 and len(rows.data) == 5 and rows.layout_manager.children
    finally:
        Window.remove_widget(holder)


def test_a_list_reuses_its_rows_on_new_data_and_no_other_list_takes_them(ui):
    """Kivy hands the rows a list lets go of to one cache for the whole
    process, for any list to take: a page long left kept its rows for the
    terminal's life. A list's rows are its own: its next data reuses them,
    and they go when it goes."""
    from screens.uix.widgets import RowList

    def shown(rows_list) -> set[int]:
        return set(map(id, rows_list.layout_manager.children))

    holder = BoxLayout(size_hint=(None, None), size=(900, 1200))
    first, second = RowList(), RowList()
    first.rows = _rows(40)
    holder.add_widget(first)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        made = shown(first)
        assert len(made) > 5
        first.rows = _rows(40, "新")  # new data: every row's text changes
        ui.pump(3)
        assert shown(first) == made  # the same rows, their data set afresh
        assert all(child.title.startswith("新") for child in first.layout_manager.children)
        first.rows = _rows(3)  # fewer rows: the others are let go of
        ui.pump(3)
        let_go = made - shown(first)
        assert len(let_go) > 2
        holder.add_widget(second)
        second.rows = _rows(40)
        ui.pump(3)
        assert shown(second) and not shown(second) & let_go  # built its own
    finally:
        Window.remove_widget(holder)


def test_a_round_box_has_round_corners_and_a_filled_body(ui):
    from kivy.graphics import Color

    from screens.uix.shapes import RoundBox

    _width, height = Window.size
    x, y, w, h, radius = 100, 300, 400, 200, 60
    with Window.canvas.after:
        colour = Color(1, 0, 0, 1)
        box = RoundBox(pos=(x, y), size=(w, h), radius=[radius])
    try:
        shot = ui.screenshot()

        def at(px, py):  # window coordinates (origin bottom left)
            return shot.getpixel((px, height - 1 - py))

        red = (255, 0, 0)
        assert at(x + w // 2, y + h // 2) == red  # body
        assert at(x + 2, y + h // 2) == red and at(x + w // 2, y + h - 2) == red  # straight edges reach the sides
        assert at(x + 2, y + 2) != red and at(x + w - 3, y + h - 3) != red  # corners cut away
        assert at(x + radius, y + radius) == red  # inside the corner's circle
        box.size = (40, 20)  # narrower than two radii: the corners shrink to fit
        assert list(box.display_border) == [10, 10, 10, 10]
    finally:
        Window.canvas.after.remove(colour)
        Window.canvas.after.remove(box)


def test_a_framed_box_draws_its_outline_and_face_in_one_box(ui):
    from kivy.graphics import Color

    from screens.uix.shapes import FramedBox

    height = Window.height
    x, y, w, h, radius, edge = 100, 300, 400, 200, 30, 8
    with Window.canvas.after:
        white = Color(1, 1, 1, 1)
        box = FramedBox(pos=(x, y), size=(w, h), radius=[radius], face=(0, 0, 1, 1), edge=(1, 0, 0, 1), edge_width=edge)
    try:
        shot = ui.screenshot()

        def at(px, py):
            return shot.getpixel((px, height - 1 - py))

        red, blue = (255, 0, 0), (0, 0, 255)
        assert at(x + w // 2, y + h // 2) == blue  # face
        for ring in (
            (x + edge // 2, y + h // 2),
            (x + w - 1 - edge // 2, y + h // 2),
            (x + w // 2, y + edge // 2),
            (x + w // 2, y + h - 1 - edge // 2),
        ):
            assert at(*ring) == red, ring  # outline on every side, edge_width wide
        assert at(x + edge + 2, y + h // 2) == blue and at(x + w // 2, y + edge + 2) == blue
        assert at(x + 1, y + 1) not in (red, blue)  # corner cut away
        box.face, box.edge_width = (0, 1, 0, 1), 0  # no outline: face to the edge
        shot = ui.screenshot()
        assert at(x + edge // 2, y + h // 2) == (0, 255, 0) and at(x + w // 2, y + h // 2) == (0, 255, 0)
    finally:
        Window.canvas.after.remove(white)
        Window.canvas.after.remove(box)


def test_a_scrolling_view_draws_nothing_outside_itself(ui):
    """Scrolling views clip with the scissor test (screens.clipping): their
    content, taller than the view, shows inside and nowhere else."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.scrollview import ScrollView
    from kivy.uix.widget import Widget

    view = ScrollView(size_hint=(None, None), size=(300, 200), pos=(200, 500), do_scroll_x=False, bar_width=0)
    content = Widget(size_hint=(None, None), size=(300, 2000))
    with content.canvas:
        Color(0, 0, 1, 1)
        Rectangle(pos=(-400, -400), size=(1200, 3000))  # far beyond the view on every side
    view.add_widget(content)
    Window.add_widget(view)
    try:
        shot = ui.screenshot()
        height = Window.height

        def at(px, py):
            return shot.getpixel((px, height - 1 - py))

        blue = (0, 0, 255)
        assert at(350, 600) == blue  # inside
        for outside in ((195, 600), (505, 600), (350, 495), (350, 705)):
            assert at(*outside) != blue, f"drawn outside the view at {outside}"
    finally:
        Window.remove_widget(view)


def test_a_row_text_is_as_wide_as_its_words_and_keeps_its_beginning(ui):
    from screens.uix.widgets import RowText

    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(700, 400))
    short = RowText(full_text="低保评定", font_size=40, room=700)
    long_text = "村里修路、修水利、修房子等工程，从立项、选施工单位、施工监督、验收到结算，每一步都按程序办、都要公开，预算多少、结算多少。"
    long = RowText(full_text=long_text, font_size=40, room=700)
    two = RowText(full_text=long_text[:30], font_size=40, room=700)
    for label in (short, long, two):
        holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert 0 < short.texture_size[0] < 300 and short.width < 300  # not a 700 px texture
        line = short.texture_size[1]
        assert two.text == long_text[:30] and 1.5 * line < two.texture_size[1] < 2.5 * line  # fits in two lines: whole
        # Four lines' worth: its start in two lines, then "…" (Kivy's max_lines would keep the end).
        assert long.text.endswith("…") and long_text.startswith(long.text[:-1])
        assert len(long.text) > 20 and long.texture_size[1] < 2.5 * line and long.texture_size[0] <= 700
    finally:
        Window.remove_widget(holder)


def test_a_short_label_draws_a_texture_as_wide_as_its_text_where_halign_puts_it(ui):
    from kivy.graphics import Color, Rectangle

    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(800, 300), pos=(100, 400))
    with holder.canvas.before:  # a plain ground, so the text's own pixels can be found
        Color(1, 1, 1, 1)
        Rectangle(pos=holder.pos, size=holder.size)
    labels = {halign: KLabel(text="公示五天", halign=halign, color=(0, 0, 0, 1)) for halign in ("left", "center", "right")}
    for label in labels.values():
        holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        shot = ui.screenshot()
        for halign, label in labels.items():
            assert 0 < label.texture_size[0] < 300, halign  # not a texture as wide as the 800 px box
            ink = ink_box(shot, label, dark=128)
            assert ink is not None, halign
            left, right = label.x + ink[0], label.x + ink[2]
            where = {"left": left - label.x, "center": abs((left + right) / 2 - label.center_x), "right": label.right - right}
            assert where[halign] < 12, (halign, left, right, label.x, label.right)
    finally:
        Window.remove_widget(holder)


def _objects_each(make, count: int = 100) -> float:
    """Objects the cycle collector tracks for each widget ``make`` builds."""
    import gc

    gc.collect()
    before = len(gc.get_objects())
    kept = [make() for _ in range(count)]
    gc.collect()
    each = (len(gc.get_objects()) - before) / count
    del kept
    return each


def test_a_typeset_label_holds_a_fraction_of_what_kivys_label_does(ui):
    # Labels are most of a page's widgets; what each one holds is most of
    # what building a page allocates (see screens/uix/typeset_label.py).
    from kivy.uix.label import Label

    from screens.uix.typeset_label import TypesetLabel

    kivy_label = _objects_each(lambda: Label(text="公示五天"))
    typeset = _objects_each(lambda: TypesetLabel(text="公示五天"))
    assert typeset < 0.4 * kivy_label, (typeset, kivy_label)


def test_a_typeset_label_draws_again_when_anything_it_is_drawn_from_changes(ui):
    holder = BoxLayout(size_hint=(None, None), size=(800, 200))
    label = KLabel(text="公示五天", color=(0, 0, 0, 1))
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        changes = {
            "text": "公示五天，无异议",
            "font_size": label.font_size * 1.5,
            "bold": not label.bold,
            "color": (0.8, 0, 0, 1),
            "disabled": True,
            "line_height": 1.6,
            "padding": (10, 10, 10, 10),
            "halign": "right",
        }
        for name, value in changes.items():
            before = label.texture
            setattr(label, name, value)
            ui.pump(2)
            assert label.texture is not None and label.texture is not before, name
        label.text = ""
        ui.pump(2)
        assert label.texture is None and list(label.texture_size) == [0, 0] and label.lines == []
    finally:
        Window.remove_widget(holder)


def test_a_label_made_in_code_draws_its_words_over_its_face(ui):
    from kivy.graphics import Color, Rectangle

    from screens.uix.widgets import Pill

    holder = BoxLayout(size_hint=(None, None), size=(600, 120), pos=(100, 400))
    with holder.canvas.before:  # a plain light ground: only the words are dark
        Color(1, 1, 1, 1)
        Rectangle(pos=holder.pos, size=holder.size)
    pill = Pill(text="未付清")  # made in code, as a list row's flags are: its face is in canvas.before
    holder.add_widget(pill)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        ink = ink_box(ui.screenshot(), pill)
        assert ink is not None, "the pill's words are hidden under its face"
        assert ink[2] - ink[0] > 0.5 * pill.texture_size[0]
    finally:
        Window.remove_widget(holder)


def test_a_label_keeps_its_words_centred_when_its_box_changes_after_drawing(ui):
    from kivy.graphics import Color, Rectangle

    from screens.uix.typeset_label import TypesetLabel

    holder = BoxLayout(size_hint=(None, None), size=(400, 60), pos=(100, 400))
    with holder.canvas.before:
        Color(1, 1, 1, 1)
        Rectangle(pos=holder.pos, size=(400, 400))
    # As wide as its text, as a row's figure is: the layout then sets its height alone.
    label = TypesetLabel(text="结算 15.80万元", color=(0, 0, 0, 1), font_size=30, size_hint_x=None, width=300)
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        holder.height = 300  # the row grows once drawn, as a list's row does when its other texts arrive
        ui.pump(3)
        ink = ink_box(ui.screenshot(), label)
        assert ink is not None
        middle = (ink[1] + ink[3]) / 2
        assert abs(middle - label.height / 2) < 8, (ink, label.size)
    finally:
        Window.remove_widget(holder)


def test_a_bar_chart_draws_each_bar_under_its_figures_and_takes_new_bars_into_its_rows(ui):
    from screens.uix.widgets import BarChart

    theme = ui.app.theme
    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(800, 900), pos=(100, 200))
    chart = BarChart(
        bars=[
            {"label": "预算", "text": "1,000.00元", "value": 1000, "tone": "muted"},
            {"label": "实际支出", "text": "500.00元", "value": 500, "tone": "danger"},
        ]
    )
    holder.add_widget(chart)
    holder.add_widget(BoxLayout())  # the rest of the holder: the chart keeps its own height
    Window.add_widget(holder)
    try:
        ui.pump(4)
        budget, spent = chart.children[::-1]
        shot = ui.screenshot()

        def at(px, py):
            return shot.getpixel((round(px), Window.height - 1 - round(py)))

        def rgb(colour):
            return tuple(round(c * 255) for c in colour[:3])

        for row, tone, fraction in ((budget, theme.muted, 1.0), (spent, theme.danger, 0.5)):
            bar_y = row.y + theme.body / 2
            assert row.ids.name.top <= row.top + 1 and row.ids.name.y > row.y + theme.body  # the words above the bar
            assert at(row.x + 4, bar_y) == rgb(tone)
            assert at(row.x + row.width * fraction - 4, bar_y) == rgb(tone)
            if fraction < 1:
                assert at(row.x + row.width * fraction + 8, bar_y) == rgb(theme.line)  # the track beyond it
        chart.bars = [
            {"label": "预算", "text": "2,000.00元", "value": 2000, "tone": "muted"},
            {"label": "实际支出", "text": "3,000.00元", "value": 3000, "tone": "danger"},
        ]
        ui.pump(2)
        assert chart.children[::-1] == [budget, spent]  # the same rows, new figures
        assert (spent.text, spent.fraction, round(budget.fraction, 3)) == ("3,000.00元", 1.0, 0.667)
        chart.bars = chart.bars[:1]
        ui.pump(2)
        assert [row.label for row in chart.children] == ["预算"]
    finally:
        Window.remove_widget(holder)


def test_work_once_settled_waits_for_a_screen_still_drawing_and_not_for_one_that_never_stops(ui):
    from kivy.clock import Clock
    from kivy.graphics import Color, Rectangle

    from screens.uix.widgets import SETTLING_FRAMES_MAX, once_settled

    with Window.canvas.after:
        colour = Color(1, 0, 0, 1)
        square = Rectangle(pos=(10, 10), size=(20, 20))
    flips: list[int] = []
    done: list[int] = []

    def count(_window):
        flips.append(len(done))

    Window.bind(on_flip=count)

    def change_for(frames: int):
        left = [frames]

        def step(_dt):
            left[0] -= 1
            colour.rgba = (1, 0, left[0] % 2, 1)  # a change to draw, as a page's next text
            return left[0] > 0

        return Clock.schedule_interval(step, 0)

    try:
        drawing = change_for(5)
        once_settled(lambda: done.append(len(flips)))
        for _ in range(SETTLING_FRAMES_MAX + 10):  # whatever else on the screen may be moving meanwhile
            ui.pump(1)
            if done:
                break
        assert len(done) == 1
        assert done[0] >= 5  # not before the drawing stopped: five frames of changes, and the first
        drawing.cancel()

        done.clear()
        flips.clear()
        moving = change_for(10_000)  # an animation that goes on
        once_settled(lambda: done.append(len(flips)))
        ui.pump(SETTLING_FRAMES_MAX + 5)
        moving.cancel()
        assert len(done) == 1 and done[0] <= SETTLING_FRAMES_MAX + 2
    finally:
        Window.unbind(on_flip=count)
        Window.canvas.after.remove(colour)
        Window.canvas.after.remove(square)


def test_lay_out_now_reaches_in_one_call_the_heights_kivy_settles_on_over_frames(ui):
    """Nested boxes of wrapped text (a grid of figures, a chart, a
    paragraph), laid out now at a new width: the same heights and places
    Kivy's own triggers reach over the frames after, which then change
    nothing."""
    from kivy.factory import Factory

    from screens.uix.lay_out_now import lay_out_now
    from screens.uix.widgets import BarChart

    def build():
        root = BoxLayout(orientation="vertical", size_hint=(None, None))
        root.bind(minimum_height=root.setter("height"))
        grid = Factory.GridLayout(cols=2, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for n in range(4):
            grid.add_widget(KLabel(text=f"第{n}项的说明文字，在窄处折成几行。"[: 8 + 4 * n]))  # short: drawn in this frame
        root.add_widget(grid)
        root.add_widget(
            BarChart(
                inline=True, bars=[{"label": f"类别{n}", "text": f"{n * 1000}.00元", "value": n + 1, "tone": "danger"} for n in range(5)]
            )
        )
        root.add_widget(KLabel(text="本月共5000笔，点一笔看详细和票据。"))
        return root

    def shape(root):
        return [(round(w.x), round(w.y), round(w.width), round(w.height)) for w in root.walk(restrict=True)]

    now, later = build(), build()
    for root in (now, later):
        Window.add_widget(root)
    try:
        for root in (now, later):
            root.width = 1000
        ui.pump(3)
        for root in (now, later):
            root.width = 500  # narrower: the texts wrap into more lines
        height = lay_out_now(now)
        assert height == now.minimum_height > 0
        laid_out = shape(now)
        ui.pump(4)
        assert shape(later) == shape(now) == laid_out  # the frames after change nothing
    finally:
        for root in (now, later):
            Window.remove_widget(root)


def test_text_widths_are_kept_up_to_one_limit_for_every_face_together(ui, monkeypatch):
    """A terminal whose records keep changing measures new strings in both
    font modes' faces: those kept stay under one limit for all faces, and a
    width measured again after they are let go is the same."""
    from kivy.core.text import DEFAULT_FONT

    from screens.uix import typeset_label

    monkeypatch.setattr(typeset_label, "MEASURED_LIMIT", 300)
    faces = [typeset_label.measurer(DEFAULT_FONT, size, bold) for size in (20, 30, 45) for bold in (False, True)]
    first = faces[0]("第0笔支出")
    for n in range(1000):
        faces[n % len(faces)](f"第{n}笔支出")
        kept = sum(len(face._widths) for face in typeset_label._measurers.values())
        assert kept <= 300, n
    assert faces[0]("第0笔支出") == first


def test_a_label_draws_its_lines_with_the_widths_it_chose_them_by(ui, monkeypatch):
    """Drawing a label shapes none of its lines again with SDL_ttf: its
    lines were measured when they were chosen, and Kivy's core label
    measures through those kept widths. The texture is as Kivy makes it."""
    from kivy.core.text import Label as CoreLabel

    from screens.uix import typeset_label

    shaped: list[str] = []  # texts measured by a core label that is not a measurer's
    measure = CoreLabel.get_extents

    def counted(label, text):
        if all(label is not kept._label for kept in typeset_label._measurers.values()):
            shaped.append(text)
        return measure(label, text)

    monkeypatch.setattr(CoreLabel, "get_extents", counted)
    holder = BoxLayout(size_hint=(None, None), size=(420, 400))
    label = KLabel(text=PARAGRAPH, color=(0, 0, 0, 1))
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert len(label.lines) >= 3 and label.texture is not None
        assert shaped == [], shaped
        monkeypatch.undo()
        plain = CoreLabel(
            text="\n".join(label.lines),
            font_name=label.drawn_font(),
            font_size=label.font_size,
            halign=label.halign,
            valign=label.valign,
            color=label.color,
            line_height=label.line_height,
            padding=label.padding,
            text_size=(label.texture_size[0], None),
        )
        plain.refresh()
        assert plain.texture.size == label.texture.size
        assert plain.texture.pixels == label.texture.pixels
    finally:
        Window.remove_widget(holder)


def test_a_long_page_flicked_past_either_end_comes_to_rest_exactly_on_it(ui):
    """A finger's flicks up the year's budget page (a list) to its end and
    past it, then down past its top: each bounce comes to rest on the edge,
    its last card whole (kivy_fixes.EdgeReturningScrollEffect), where Kivy's
    own bounce stopped short of it, a little differently each time."""
    from support.records_ui import drag, open_tile, pump_until, row_list

    open_tile(ui, "村级财务")
    ui.tap_text("2026年收支和预算")
    ui.pump(6)
    rows = row_list(ui)
    effect = rows.effect_y
    x, y = rows.to_window(*rows.center)
    reach = rows.height * 0.3

    def flick(up: bool) -> float:
        lower, upper = (x, y - reach), (x, y + reach)  # window positions: y grows upwards
        drag(ui, *((lower, upper) if up else (upper, lower)))
        pump_until(ui, lambda: effect.velocity == 0 and effect.overscroll == 0, "the page to come to rest")
        ui.pump(2)  # the resting frame rounds the last fraction of a pixel
        return rows.scroll_y

    def flicks_till_it_stops(up: bool) -> list[float]:
        rests = [rows.scroll_y]
        while len(rests) < 30 and (len(rests) < 3 or rests[-1] != rests[-2]):
            rests.append(flick(up))
        return [*rests, flick(up), flick(up)]  # pushed past the edge, again and again

    ends = flicks_till_it_stops(up=True)
    assert ends[-4:] == [0, 0, 0, 0], ends
    last = rows.view_adapter.views[len(rows.data) - 1]  # the rows on show, by index
    bottom = rows.to_widget(*last.to_window(last.x, last.y))[1]
    assert rows.y <= bottom < rows.y + rows.height / 2, (bottom, rows.y)  # the last card whole, at the list's foot
    tops = flicks_till_it_stops(up=False)
    assert tops[-4:] == [1, 1, 1, 1], tops
