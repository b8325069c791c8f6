"""The demo village's subsidies (民生资金): a few households and two years of
payments, sealed as a publisher's ``feed build`` seals them.

The people are invented; their ID numbers are real-looking (valid check
characters, the county's region code) so a tester can type them. README
lists the numbers to try. One household's September disability allowance
is missing, as a withheld payment would be: the thing a villager checks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.benefits.model import BenefitsDoc, BenefitsSource, Household, Member, Payment
from kiosk.benefits.publish import default_kdf, seal_source, village_salt
from tooling.demo import content, people

D = dt.date.fromisoformat
CIVIL_AFFAIRS = "新化县民政局"
SOCIAL_SECURITY = "新化县社会保险服务中心"
FINANCE = "新化县财政局"
HOUSING = "新化县住房和城乡建设局"
DISABLED = "新化县残疾人联合会"
ENQUIRIES = f"青石镇社会事务办（经青石镇党政办转），电话{content.TOWN_PHONE}；也可以问村务监督委员会主任{content.SUPERVISOR}。"
# The demo's salt is fixed (a publisher derives its own from its key): the build is reproducible.
DEMO_SALT = village_salt(b"village-kiosk demo village", content.VILLAGE.code)


@dataclass(frozen=True)
class Person:
    name: str
    birth: dt.date
    male: bool
    sequence: int
    family_name: str = ""

    @property
    def id_number(self) -> str:
        return people.id_number(self.birth, self.sequence, self.male)

    def member(self) -> Member:
        return Member(name=self.name, id_number=self.id_number, family_name=self.family_name)


# Who a tester can be (README, "Trying the subsidy lookup").
LIU_DEMING = Person("刘德明", D("1958-04-17"), True, 77)
ZENG_GUIYING = Person("曾桂英", D("1961-09-03"), False, 88)
OUYANG_CHUNHUA = Person("欧阳春华", D("1939-02-26"), False, 14, family_name="欧阳")
XIE_ZHIQIANG = Person("谢志强", D("1970-11-08"), True, 203)
PENG_QIULIAN = Person("彭秋莲", D("1972-06-21"), False, 176)
XIE_XIAOJUN = Person("谢小军", D("2001-03-15"), True, 45)
LUO_JINGUI = Person("罗金贵", D("1950-12-30"), True, 132)
HOUSEHOLDS = {
    "h-0307": (LIU_DEMING, ZENG_GUIYING),
    "h-0512": (OUYANG_CHUNHUA,),
    "h-0821": (XIE_ZHIQIANG, PENG_QIULIAN, XIE_XIAOJUN),
    "h-1104": (LUO_JINGUI,),
}
# A valid number of the county that has no record: what everyone else sees.
NOBODY = people.id_number(D("1966-08-09"), 150, True)


def _months(first: str = "2025-01", last: str = "2026-10"):
    year, month = map(int, first.split("-"))
    while f"{year}-{month:02d}" <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _monthly(prefix: str, programme: str, fen: int, payer: str, day: int, covers: list[str], skip: tuple[str, ...] = ()) -> list[Payment]:
    return [
        Payment(
            id=f"{prefix}-{year}{month:02d}",
            date=dt.date(year, month, day),
            programme=programme,
            amount_fen=fen,
            payer=payer,
            covers=covers,
        )
        for year, month in _months()
        if f"{year}-{month:02d}" not in skip
    ]


def _farmland(prefix: str, mu_tenths: int) -> list[Payment]:
    """耕地地力保护补贴: once a year, per mu of contracted land, to the household."""
    per_mu_fen = {2025: 10_850, 2026: 11_020}
    return [
        Payment(
            id=f"{prefix}-gd{year}",
            date=D(f"{year}-06-18"),
            programme="耕地地力保护补贴",
            amount_fen=per_mu_fen[year] * mu_tenths // 10,
            payer=FINANCE,
        )
        for year in (2025, 2026)
    ]


def source() -> BenefitsSource:
    pension = "城乡居民基本养老保险"
    payments = {
        # 低保 B类, two people at 350 yuan each; his pension; their land.
        "h-0307": [
            *_monthly("p0307-db", "农村低保金", 70_000, CIVIL_AFFAIRS, 10, []),
            *_monthly("p0307-yl", pension, 16_300, SOCIAL_SECURITY, 15, [LIU_DEMING.name]),
            *_farmland("p0307", 42),
        ],
        # Living alone at 87: 特困 support, the age allowance, her pension.
        "h-0512": [
            *_monthly("p0512-tk", "特困人员供养金", 78_000, CIVIL_AFFAIRS, 10, []),
            *_monthly("p0512-gl", "高龄津贴", 6_000, CIVIL_AFFAIRS, 20, []),
            *_monthly("p0512-yl", pension, 17_800, SOCIAL_SECURITY, 15, []),
        ],
        # A C-grade house repaired in 2026, paid in two parts; their land.
        "h-0821": [
            Payment(id="p0821-wf1", date=D("2026-06-26"), programme="农村危房改造补助", amount_fen=800_000, payer=HOUSING),
            Payment(id="p0821-wf2", date=D("2026-09-29"), programme="农村危房改造补助", amount_fen=600_000, payer=HOUSING),
            *_farmland("p0821", 56),
        ],
        # Disability care allowance, September 2026 missing; his pension.
        "h-1104": [
            *_monthly("p1104-cj", "重度残疾人护理补贴", 8_000, DISABLED, 12, [], skip=("2026-09",)),
            *_monthly("p1104-yl", pension, 16_300, SOCIAL_SECURITY, 15, []),
        ],
    }
    return BenefitsSource(
        as_of=D("2026-10-31"),
        enquiries=ENQUIRIES,
        family_names=list(dict.fromkeys(people.VILLAGE_SURNAMES)),
        households=[
            Household(id=household, members=[person.member() for person in members], payments=payments[household])
            for household, members in HOUSEHOLDS.items()
        ],
    )


def benefits_doc() -> BenefitsDoc:
    return seal_source(source(), default_kdf(DEMO_SALT))
