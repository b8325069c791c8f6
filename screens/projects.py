"""Village project screens: the list and one project."""

from __future__ import annotations

from kiosk import money
from kiosk.model import ProjectStatus
from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName


STATUS_NAMES = {
    ProjectStatus.PLANNED: "计划中",
    ProjectStatus.IN_PROGRESS: "正在施工",
    ProjectStatus.SETTLED: "已结算",
}


class ProjectsScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级项目"
        self.intro = "每个项目花了多少钱、谁来做、经过了哪些会议，都在这里。"
        return [
            dict(title=project.name, subtitle=STATUS_NAMES[project.status],
                 value=money.yuan_short(project.settlement_fen if project.settlement_fen is not None else project.budget_fen),
                 action=go_to(ScreenName.PROJECT_DETAIL, project_id=project.id))
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
