"""Village project screens: the list (status and warning flags on every
row) and one project (money as a bar picture, the 四议两公开 timeline,
warnings, photos)."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import money
from kiosk.flags import FlagKind, TimelineRow, project_view
from kiosk.model import ProjectStatus
from kiosk.privacy import public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.corrections import withdrawn_rows
from screens.ui_screens.lists import PageScreen
from screens.uix.history_note import add_history
from screens.uix.widgets import BarChart, FitRow, HintLabel, KLabel, MessageStrip, PictureGrid, Pill, Section, TapArea

# The few words a flag shows on a list row; the full sentence is on the detail page.
FLAG_WORDS = {FlagKind.OVER_BUDGET: "超预算", FlagKind.MISSING_STAGES: "程序不全"}
# Status colours: red is kept for warnings, so work under way is not red.
STATUS_TONES = {ProjectStatus.PLANNED: "plain", ProjectStatus.IN_PROGRESS: "primary", ProjectStatus.SETTLED: "ok"}


def _view(screen, project):
    return project_view(
        project, screen.app.kiosk_config.records.over_budget_threshold_pct, public_numbers(screen.snapshot.complaint.hotlines)
    )


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class ProjectRow(TapArea, BoxLayout):
    """A list row: name and money on top, status and flags as words under it."""

    title = StringProperty()
    value = StringProperty()
    status = StringProperty()
    status_tone = StringProperty("plain")
    flags = ListProperty()
    index = 0  # set by the list; unused here

    def on_flags(self, _instance, flags):
        box = self.ids.flag_pills
        box.clear_widgets()
        for word in flags:
            box.add_widget(Pill(text=word))


class ProjectsScreen(KioskScreen):
    def show(self, **_params) -> None:
        self.title = "村级项目"
        rows = []
        for project in self.snapshot.projects:
            view = _view(self, project)
            shown_fen = view.budget.settlement_fen if view.budget.settlement_fen is not None else view.budget.budget_fen
            rows.append(
                {
                    "title": view.name,
                    "status": view.status_zh,
                    "status_tone": STATUS_TONES[project.status],
                    "value": ("结算 " if view.budget.settlement_fen is not None else "预算 ") + money.yuan_short(shown_fen),
                    "flags": [FLAG_WORDS[flag.kind] for flag in view.flags],
                    "action": go_to(ScreenName.PROJECT_DETAIL, project_id=project.id),
                }
            )
        # A withdrawn project keeps its row: its name, 已撤下, and its page.
        withdrawn = [
            {"title": row["title"], "status": row["badge"], "status_tone": "warn", "value": "", "flags": [], "action": row["action"]}
            for row in withdrawn_rows(self.snapshot, "project")
        ]
        self.ids.rows.rows = rows + withdrawn


class TimelineStep(BoxLayout):
    """One of the six 四议两公开 stages: a numbered dot on a line, then the
    stage's name and date -- or a grey box when a due stage is missing."""

    number = StringProperty()
    name = StringProperty()
    when = StringProperty()  # date and note, or why there is none
    state = StringProperty("done")  # done / missing / pending
    last = False


def timeline_step(number: int, row: TimelineRow) -> TimelineStep:
    if row.date is not None:
        when, state = _date(row.date) + (f"　{row.note}" if row.note else ""), "done"
    elif row.missing:
        when, state = "缺少此步骤：没有这一步的记录", "missing"
    else:
        when, state = "还没到这一步", "pending"
    step = TimelineStep(number=str(number), name=row.name_zh, when=when, state=state)
    step.last = number == 6
    return step


class ProjectDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        project_id: str = params["project_id"]
        project = self.snapshot.project(project_id)
        view = _view(self, project)
        self.title = view.name
        self.add_heading(content, view.name)
        dates = []
        if view.start_date:
            dates.append(f"{_date(view.start_date)}开工")
        if view.end_date:
            dates.append(f"{_date(view.end_date)}完工")
        status_line = FitRow()
        status_line.add_widget(Pill(text=view.status_zh, tone=STATUS_TONES[project.status]))
        status_line.add_widget(HintLabel(text="　".join(dates)))
        content.add_widget(status_line)
        add_history(content, self.snapshot, "project", project_id)
        for flag in view.flags:
            content.add_widget(MessageStrip(shown=True, text="请注意：" + flag.message_zh))

        money_part = Section(title="钱花了多少")
        bars = [{"label": "预算", "text": money.yuan(view.budget.budget_fen), "value": view.budget.budget_fen, "tone": "muted"}]
        if view.budget.settlement_fen is not None:
            over = any(flag.kind is FlagKind.OVER_BUDGET for flag in view.flags)
            bars.append(
                {
                    "label": "结算（实际花的钱）",
                    "text": money.yuan(view.budget.settlement_fen),
                    "value": view.budget.settlement_fen,
                    "tone": "danger" if over else "ok",
                }
            )
        money_part.add_widget(BarChart(bars=bars))
        money_part.add_widget(KLabel(text=view.budget.text_zh, role="title"))
        if view.funding_source:
            money_part.add_widget(KLabel(text=f"钱从哪里来：{view.funding_source}"))
        content.add_widget(money_part)

        if view.summary:
            self.add_section(content, "做什么", [view.summary])
        self.add_section(
            content,
            "谁来做",
            [
                f"招标方式：{view.tendering or '没有填写'}",
                f"施工单位：{view.contractor or '没有填写'}",
            ],
        )

        stages = Section(title="四议两公开：六个步骤")
        stages.add_widget(HintLabel(text="村里的大事要按这六步来办，每一步都有日期。"))
        for number, row in enumerate(view.timeline, 1):
            stages.add_widget(timeline_step(number, row))
        content.add_widget(stages)

        if view.photos:
            photos = Section(title=f"照片（{len(view.photos)}张，点一下看大图）")
            grid = PictureGrid()
            grid.show(view.photos, lambda index: self.app.nav.go(ScreenName.PICTURE_VIEWER, project_id=project_id, index=index))
            photos.add_widget(grid)
            content.add_widget(photos)
        self.add_button(content, "对这个项目有疑问？扫码反映", go_to(ScreenName.COMPLAINT, item_id=project_id))
