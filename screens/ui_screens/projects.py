"""Village project screens: the list (status and warning flags on every
row) and one project (money as a bar picture, every payment the village
made for it with its receipts, the 四议两公开 timeline with who holds each
stage, warnings, photos)."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import money
from kiosk.complaint import ItemKind
from kiosk.finance_summary import NO_RECEIPT, EntryRow
from kiosk.flags import FlagKind, TimelineRow, project_view
from kiosk.model import Direction, ProjectStatus
from kiosk.people_view import stage_holders_zh
from kiosk.privacy import public_numbers
from kiosk.project_payments import PaymentsView, payments_flag, project_payments
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.corrections import withdrawn_rows
from screens.ui_screens.lists import PageScreen
from screens.uix.history_note import add_history
from screens.uix.widgets import BarChart, FitRow, HintLabel, KButton, KLabel, MessageStrip, PictureGrid, Pill, Section, TapArea

# The few words a flag shows on a list row; the full sentence is on the detail page.
FLAG_WORDS = {
    FlagKind.OVER_BUDGET: "超预算",
    FlagKind.MISSING_STAGES: "程序不全",
    FlagKind.UNPAID: "未付清",
    FlagKind.OVERPAID: "多付款",
    FlagKind.FEE_OVERDUE: "欠费",
}
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
            paid = sum(e.amount_fen for e in self.snapshot.entries_for_project(project.id) if e.direction is Direction.EXPENSE)
            flags = [*view.flags, *filter(None, [payments_flag(project, paid)])]
            shown_fen = view.budget.settlement_fen if view.budget.settlement_fen is not None else view.budget.budget_fen
            rows.append(
                {
                    "title": view.name,
                    "status": view.status_zh,
                    "status_tone": STATUS_TONES[project.status],
                    "value": ("结算 " if view.budget.settlement_fen is not None else "预算 ") + money.yuan_short(shown_fen),
                    "flags": [FLAG_WORDS[flag.kind] for flag in flags],
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
    holders = StringProperty()  # who holds the stage: 村党支部、村委会
    state = StringProperty("done")  # done / missing / pending
    last = False


def timeline_step(number: int, row: TimelineRow) -> TimelineStep:
    if row.date is not None:
        when, state = _date(row.date) + (f"　{row.note}" if row.note else ""), "done"
    elif row.missing:
        when, state = "缺少此步骤：没有这一步的记录", "missing"
    else:
        when, state = "还没到这一步", "pending"
    step = TimelineStep(number=str(number), name=row.name_zh, when=when, state=state, holders=stage_holders_zh(row.kind))
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
        public = public_numbers(self.snapshot.complaint.hotlines)
        payments = project_payments(self.snapshot, project, public)
        for flag in [*view.flags, *filter(None, [payments.flag])]:
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

        content.add_widget(payments_section(payments))

        stages = Section(title="四议两公开：六个步骤")
        stages.add_widget(HintLabel(text="村里的大事要按这六步来办，每一步都有日期。"))
        for number, row in enumerate(view.timeline, 1):
            stages.add_widget(timeline_step(number, row))
        add_roster_link(stages, self.snapshot)
        content.add_widget(stages)

        if view.photos:
            photos = Section(title=f"照片（{len(view.photos)}张，点一下看大图）")
            grid = PictureGrid()
            grid.show(view.photos, lambda index: self.app.nav.go(ScreenName.PICTURE_VIEWER, project_id=project_id, index=index))
            photos.add_widget(grid)
            content.add_widget(photos)
        self.add_report(content, "对这个项目有疑问？扫码反映", ItemKind.PROJECT, project_id)


class EntryCard(TapArea, BoxLayout):
    """One payment made for a project, or one sum received for it: date,
    amount, what for and who, and its receipts (or 无票据); a tap opens the
    entry."""

    title = StringProperty()  # date and amount
    detail = StringProperty()  # purpose and who
    missing = StringProperty()  # NO_RECEIPT, or ""


def entry_card(row: EntryRow) -> EntryCard:
    from kivy.app import App

    paid = "付款" if row.direction is Direction.EXPENSE else "收到"
    card = EntryCard(
        title=f"{row.date.year}年{row.date_zh}　{paid}{row.amount_text}",
        detail=f"{row.purpose}　{row.counterparty_label}：{row.counterparty or '没有填写'}",
        missing=NO_RECEIPT if row.missing_receipt else "",
        action=go_to(ScreenName.FINANCE_ENTRY, entry_id=row.id),
    )
    if row.receipts:
        grid = PictureGrid()
        grid.show(row.receipts, lambda index: App.get_running_app().nav.go(ScreenName.PICTURE_VIEWER, entry_id=row.id, index=index))
        card.add_widget(grid)
    return card


def payments_section(payments: PaymentsView) -> Section:
    """Every payment for the project, each with its receipts, then the money received for it."""
    section = Section(title=f"每一笔付款（{len(payments.payments)}笔）" if payments.payments else "每一笔付款")
    section.add_widget(KLabel(text=payments.text_zh, role="title"))
    if payments.without_receipt:
        section.add_widget(HintLabel(text=f"其中{payments.without_receipt}笔没有票据照片，标着“{NO_RECEIPT}”。"))
    if payments.payments:
        section.add_widget(HintLabel(text="点一笔看详细，点票据照片看大图。"))
    for row in payments.payments:
        section.add_widget(entry_card(row))
    if payments.received:
        received = f"为这个项目收到的钱：{len(payments.received)}笔，合计{money.yuan(payments.received_fen)}。"
        section.add_widget(KLabel(text=received, role="title"))
        for row in payments.received:
            section.add_widget(entry_card(row))
    return section


def add_roster_link(section: Section, snapshot) -> None:
    """The way to who holds the stages, when the roster is published."""
    if snapshot.committees:
        section.add_widget(HintLabel(text="这些会由谁召集、谁来监督，看村干部名单和办公电话："))
        section.add_widget(KButton(text="看村两委和村监委的成员", action=go_to(ScreenName.PEOPLE)))
