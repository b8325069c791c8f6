"""Record screens built on the generic list and page shapes.

Every string that comes from the feed and is shown on screen passes
through ``kiosk.privacy.mask_text`` first (ID, phone and bank numbers are
never shown in full, whatever the feed sends).
"""

from __future__ import annotations

from kiosk import money
from kiosk.model import Direction, ProjectStatus
from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.registry import ScreenName

STATUS_NAMES = {
    ProjectStatus.PLANNED: "计划中",
    ProjectStatus.IN_PROGRESS: "正在施工",
    ProjectStatus.SETTLED: "已结算",
}


def _go(screen, name: ScreenName, **params):
    return lambda: screen.app.nav.go(name, **params)


# ------------------------------------------------------------------ powers


class PowerCategoriesScreen(ListScreen):
    def rows(self, **_params):
        self.title = "权力清单"
        self.intro = "村干部的每一项权力都列在这里，点进去看怎么办、要带什么、找谁办。"
        return [
            dict(title=category.name, subtitle=category.description,
                 value=f"{len(self.snapshot.items_in(category.id))}项",
                 action=_go(self, ScreenName.POWER_LIST, category_id=category.id))
            for category in self.snapshot.categories
        ]


class PowerListScreen(ListScreen):
    def rows(self, category_id: str):
        category = next(c for c in self.snapshot.categories if c.id == category_id)
        self.title = category.name
        self.intro = category.description
        return [
            dict(title=item.name, subtitle=item.summary, value=item.time_limit,
                 action=_go(self, ScreenName.POWER_DETAIL, item_id=item.id))
            for item in self.snapshot.items_in(category_id)
        ]


class PowerDetailScreen(PageScreen):
    def fill(self, content, item_id: str):
        item = self.snapshot.power_item(item_id)
        self.title = item.name
        self.add_heading(content, item.name)
        self.add_section(content, "这是什么事", [mask_text(item.summary)])
        self.add_section(content, "谁来办", [item.responsible])
        if item.time_limit:
            self.add_section(content, "多长时间办完", [item.time_limit])
        if item.materials:
            self.add_section(content, "要带的材料", [f"{i}. {m}" for i, m in enumerate(item.materials, 1)])
        if item.basis:
            self.add_section(content, "政策依据", [
                f"{b.document}{b.clause}" + (f"：{b.excerpt}" if b.excerpt else "") for b in item.basis
            ])
        if item.risks:
            self.add_section(content, "容易出问题的地方和防范办法", [
                f"风险：{r.risk}\n防范：{r.control}" for r in item.risks
            ])
        nodes = {node.id: node for node in item.flowchart.nodes}
        self.add_section(content, "办事流程", [
            f"{i}. {node.label}" for i, node in enumerate(nodes.values(), 1)
        ])
        self.add_button(content, "对这件事有意见？扫码反映",
                        _go(self, ScreenName.COMPLAINT, item_id=item.id))


# ------------------------------------------------------------------ projects


class ProjectsScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级项目"
        self.intro = "每个项目花了多少钱、谁来做、经过了哪些会议，都在这里。"
        return [
            dict(title=project.name, subtitle=STATUS_NAMES[project.status],
                 value=money.yuan_short(project.settlement_fen if project.settlement_fen is not None else project.budget_fen),
                 action=_go(self, ScreenName.PROJECT_DETAIL, project_id=project.id))
            for project in self.snapshot.projects
        ]


class ProjectDetailScreen(PageScreen):
    def fill(self, content, project_id: str):
        project = self.snapshot.project(project_id)
        self.title = project.name
        self.add_heading(content, project.name)
        figures = [f"预算：{money.yuan(project.budget_fen)}"]
        if project.settlement_fen is not None:
            figures.append(f"结算：{money.yuan(project.settlement_fen)}")
        self.add_section(content, f"钱（{STATUS_NAMES[project.status]}）", figures)
        if project.summary:
            self.add_section(content, "做什么", [mask_text(project.summary)])
        self.add_section(content, "谁来做", [
            f"招标方式：{project.tendering or '未填写'}", f"施工单位：{mask_text(project.contractor) or '未填写'}",
        ])


# ------------------------------------------------------------------ finance


class FinanceScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级财务"
        self.intro = "按月份查看村里的每一笔收入和支出。"
        rows = []
        for month in self.snapshot.months():
            entries = self.snapshot.finance_month(month).entries
            spent = sum(e.amount_fen for e in entries if e.direction is Direction.EXPENSE)
            year, mon = month.split("-")
            rows.append(dict(title=f"{year}年{int(mon)}月", subtitle=f"{len(entries)}笔",
                             value=f"支出 {money.yuan_short(spent)}",
                             action=_go(self, ScreenName.FINANCE_MONTH, month=month)))
        return rows


class FinanceMonthScreen(ListScreen):
    def rows(self, month: str):
        year, mon = month.split("-")
        self.title = f"{year}年{int(mon)}月收支"
        return [
            dict(title=mask_text(entry.purpose),
                 subtitle=f"{entry.date:%-m月%-d日} · {entry.category} · {mask_text(entry.counterparty)}",
                 value=("+" if entry.direction is Direction.INCOME else "-") + money.yuan(entry.amount_fen),
                 action=_go(self, ScreenName.FINANCE_ENTRY, entry_id=entry.id))
            for entry in self.snapshot.finance_month(month).entries
        ]


class FinanceEntryScreen(PageScreen):
    def fill(self, content, entry_id: str):
        entry = self.snapshot.finance_entry(entry_id)
        kind = "收入" if entry.direction is Direction.INCOME else "支出"
        self.title = f"{kind}：{mask_text(entry.purpose)}"
        self.add_heading(content, f"{kind} {money.yuan(entry.amount_fen)}")
        self.add_section(content, "用途", [mask_text(entry.purpose)])
        self.add_section(content, "明细", [
            f"日期：{entry.date:%Y年%-m月%-d日}", f"类别：{entry.category}",
            f"{'付款方' if entry.direction is Direction.INCOME else '收款方'}：{mask_text(entry.counterparty)}",
            f"审批人：{entry.approver}", f"凭证号：{entry.voucher_no}",
            f"票据：{len(entry.receipts)}张",
        ])


# ------------------------------------------------------------------ disclosures


class DisclosuresScreen(ListScreen):
    def rows(self, **_params):
        self.title = "办事结果公开"
        self.intro = "低保、危房改造、救助、党员发展、宅基地等办理结果。"
        return [
            dict(title=d.title, subtitle=f"公示期 {d.publicity_start:%Y-%m-%d} 至 {d.publicity_end:%Y-%m-%d}",
                 value=f"{len(d.rows)}条",
                 action=_go(self, ScreenName.DISCLOSURE_DETAIL, disclosure_id=d.id))
            for d in self.snapshot.disclosures
        ]


class DisclosureDetailScreen(PageScreen):
    def fill(self, content, disclosure_id: str):
        disclosure = self.snapshot.disclosure(disclosure_id)
        self.title = disclosure.title
        self.add_heading(content, disclosure.title)
        self.add_section(content, "公示期", [
            f"{disclosure.publicity_start:%Y年%-m月%-d日} 至 {disclosure.publicity_end:%Y年%-m月%-d日}"
        ])
        self.add_section(content, "名单", [
            "　".join(f"{column}：{mask_text(cell)}" for column, cell in zip(disclosure.columns, row))
            for row in disclosure.rows
        ])


# ------------------------------------------------------------------ notices


class NoticesScreen(ListScreen):
    def rows(self, **_params):
        self.title = "通知公告和典型案例"
        notices = [
            dict(title=n.title, subtitle=f"{n.date:%Y年%-m月%-d日} · {n.issuer}", value="通知",
                 action=_go(self, ScreenName.NOTICE_DETAIL, notice_id=n.id))
            for n in self.snapshot.notices
        ]
        cases = [
            dict(title=c.title, subtitle=f"{c.date:%Y年%-m月%-d日}", value="案例",
                 action=_go(self, ScreenName.NOTICE_DETAIL, case_id=c.id))
            for c in self.snapshot.cases
        ]
        return notices + cases


class NoticeDetailScreen(PageScreen):
    def fill(self, content, notice_id: str = "", case_id: str = ""):
        if notice_id:
            notice = self.snapshot.notice(notice_id)
            self.title = "通知公告"
            self.add_heading(content, notice.title)
            self.add_section(content, f"{notice.date:%Y年%-m月%-d日}　{notice.issuer}", [mask_text(notice.body)])
        else:
            case = self.snapshot.case(case_id)
            self.title = "典型案例"
            self.add_heading(content, case.title)
            self.add_section(content, f"{case.date:%Y年%-m月%-d日}", [mask_text(case.body)])
            if case.lesson:
                self.add_section(content, "警示", [mask_text(case.lesson)])
