"""Every screen by name, and where its code lives.

Screens are created lazily the first time they are shown; their ``.kv``
file sits beside the module and is loaded by absolute path once.
"""

from __future__ import annotations

import enum


class ScreenName(enum.Enum):
    HOME = "home"
    POWER_CATEGORIES = "power_categories"
    POWER_LIST = "power_list"
    POWER_DETAIL = "power_detail"
    POWER_FLOWCHART = "power_flowchart"  # a power's flowchart full screen, or as numbered steps
    SEARCH = "search"
    PROJECTS = "projects"
    PROJECT_DETAIL = "project_detail"
    FINANCE = "finance"
    FINANCE_MONTH = "finance_month"
    FINANCE_ENTRY = "finance_entry"
    DISCLOSURES = "disclosures"
    DISCLOSURE_DETAIL = "disclosure_detail"
    NOTICES = "notices"
    NOTICE_DETAIL = "notice_detail"
    COMPLAINT = "complaint"
    BENEFITS = "benefits"  # 我的补贴: a villager's own subsidies, by ID number
    CORRECTIONS = "corrections"  # published records changed or withdrawn in the last 12 months
    CORRECTION_DETAIL = "correction_detail"  # one of them, a withdrawn record's page
    PICTURE_VIEWER = "picture_viewer"  # receipts and project photos, full screen
    ATTRACT = "attract"
    NO_DATA = "no_data"


# ScreenName -> "module:ClassName" inside the ``screens`` package.
SCREEN_CLASSES: dict[ScreenName, str] = {
    ScreenName.HOME: "ui_screens.home:HomeScreen",
    ScreenName.POWER_CATEGORIES: "ui_screens.powers:PowerCategoriesScreen",
    ScreenName.POWER_LIST: "ui_screens.powers:PowerListScreen",
    ScreenName.POWER_DETAIL: "ui_screens.powers:PowerDetailScreen",
    ScreenName.POWER_FLOWCHART: "ui_screens.flowchart:FlowchartScreen",
    ScreenName.SEARCH: "ui_screens.search:SearchScreen",
    ScreenName.PROJECTS: "ui_screens.projects:ProjectsScreen",
    ScreenName.PROJECT_DETAIL: "ui_screens.projects:ProjectDetailScreen",
    ScreenName.FINANCE: "ui_screens.finance:FinanceScreen",
    ScreenName.FINANCE_MONTH: "ui_screens.finance:FinanceMonthScreen",
    ScreenName.FINANCE_ENTRY: "ui_screens.finance:FinanceEntryScreen",
    ScreenName.DISCLOSURES: "ui_screens.disclosures:DisclosuresScreen",
    ScreenName.DISCLOSURE_DETAIL: "ui_screens.disclosures:DisclosureDetailScreen",
    ScreenName.NOTICES: "ui_screens.notices:NoticesScreen",
    ScreenName.NOTICE_DETAIL: "ui_screens.notices:NoticeDetailScreen",
    ScreenName.COMPLAINT: "ui_screens.complaint:ComplaintScreen",
    ScreenName.BENEFITS: "ui_screens.benefits:BenefitsScreen",
    ScreenName.CORRECTIONS: "ui_screens.corrections:CorrectionsScreen",
    ScreenName.CORRECTION_DETAIL: "ui_screens.corrections:CorrectionDetailScreen",
    ScreenName.PICTURE_VIEWER: "ui_screens.viewer:PictureViewerScreen",
    ScreenName.ATTRACT: "ui_screens.attract:AttractScreen",
    ScreenName.NO_DATA: "ui_screens.no_data:NoDataScreen",
}

# The header names the section for screens whose own title is a record's
# (often long) name: the page shows that name big; the header says where
# the villager is, in one short line at any font scale.
HEADER_TITLES: dict[ScreenName, str] = {
    ScreenName.POWER_DETAIL: "权力清单",
    ScreenName.POWER_FLOWCHART: "办事流程",
    ScreenName.PROJECT_DETAIL: "村级项目",
    ScreenName.FINANCE_ENTRY: "村级财务",
    ScreenName.DISCLOSURE_DETAIL: "办事结果公开",
    ScreenName.PICTURE_VIEWER: "看照片",
    ScreenName.CORRECTION_DETAIL: "更正记录",
}

# Where each kind of record the history follows (kiosk.feed.records) is
# shown, and the parameter naming it; a withdrawn record, or a kind without
# a page of its own, is shown on its correction's page.
RECORD_PAGES: dict[str, tuple[ScreenName, str]] = {
    "finance": (ScreenName.FINANCE_ENTRY, "entry_id"),
    "project": (ScreenName.PROJECT_DETAIL, "project_id"),
    "disclosure": (ScreenName.DISCLOSURE_DETAIL, "disclosure_id"),
    "notice": (ScreenName.NOTICE_DETAIL, "notice_id"),
    "case": (ScreenName.NOTICE_DETAIL, "case_id"),
}
