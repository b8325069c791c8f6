"""Who and where the demo village is: its place, cadres and complaint channel.

The village, township, people and phone numbers are invented. Local
numbers start with 0 after the area code (0738-0xxxxxx), which no real
line does, so nobody's phone rings when the demo is tried.
"""

from __future__ import annotations

import datetime as dt

from kiosk import model

AS_OF = dt.date(2026, 11, 20)

VILLAGE = model.Village(
    code="431322199206",
    name="枫木冲村",
    township="青石镇",
    county="新化县",
    city="娄底市",
    province="湖南省",
)
COMMITTEE = "新化县青石镇枫木冲村民委员会"
GROUPS = 12  # 村民小组

SECRETARY = "刘志勇"  # 村党支部书记、村委会主任（一肩挑）
DEPUTY = "曾国华"  # 村委会副主任
BOOKKEEPER = "罗春梅"  # 村委委员、报账员
SUPERVISOR = "谢德明"  # 村务监督委员会主任
WOMEN_DIRECTOR = "邓秀英"  # 妇女主任
MILITIA = "彭志军"  # 民兵营长，管护林防火和防汛
CADRES = (SECRETARY, DEPUTY, BOOKKEEPER, SUPERVISOR, WOMEN_DIRECTOR, MILITIA)

TOWN_PHONE = "0738-0563110"
COUNTY_DISCIPLINE_PHONE = "0738-0512388"
TOWN_DISCIPLINE_PHONE = "0738-0563388"

COMPLAINT = model.ComplaintChannel(
    url_template="https://jiandu.example.cn/ts?v={village}&t={terminal}&i={item}&k={kind}",
    hotlines=[
        model.Hotline(name="全国纪检监察举报电话", number="12388"),
        model.Hotline(name="新化县纪委监委举报电话", number=COUNTY_DISCIPLINE_PHONE),
        model.Hotline(name="青石镇纪委举报电话", number=TOWN_DISCIPLINE_PHONE),
        model.Hotline(name="青石镇党政办", number=TOWN_PHONE),
    ],
)


def village_doc() -> model.VillageDoc:
    return model.VillageDoc(village=VILLAGE, as_of=AS_OF, complaint=COMPLAINT)
