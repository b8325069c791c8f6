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


# ScreenName -> "module:ClassName" inside the ``screens`` package.
SCREEN_CLASSES: dict[ScreenName, str] = {
    ScreenName.HOME: "home:HomeScreen",
    ScreenName.POWER_CATEGORIES: "records:PowerCategoriesScreen",
    ScreenName.POWER_LIST: "records:PowerListScreen",
    ScreenName.POWER_DETAIL: "records:PowerDetailScreen",
    ScreenName.PROJECTS: "records:ProjectsScreen",
    ScreenName.PROJECT_DETAIL: "records:ProjectDetailScreen",
    ScreenName.FINANCE: "records:FinanceScreen",
    ScreenName.FINANCE_MONTH: "records:FinanceMonthScreen",
    ScreenName.FINANCE_ENTRY: "records:FinanceEntryScreen",
    ScreenName.DISCLOSURES: "records:DisclosuresScreen",
    ScreenName.DISCLOSURE_DETAIL: "records:DisclosureDetailScreen",
    ScreenName.NOTICES: "records:NoticesScreen",
    ScreenName.NOTICE_DETAIL: "records:NoticeDetailScreen",
    ScreenName.COMPLAINT: "complaint:ComplaintScreen",
}
