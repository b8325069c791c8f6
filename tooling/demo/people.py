"""Fictional villagers: names, identity-card numbers, phones and bank cards.

The numbers look real on purpose (valid ID checksums, plausible mobile
prefixes) so the terminal's masking is exercised on realistic input; the
people do not exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection
from dataclasses import dataclass

REGION = "431322"  # the county part of the ID number: 新化县

SURNAMES = (
    "刘",
    "李",
    "王",
    "曾",
    "罗",
    "谢",
    "邓",
    "彭",
    "肖",
    "袁",
    "伍",
    "周",
    "陈",
    "张",
    "杨",
    "戴",
    "孙",
    "吴",
    "胡",
    "邹",
    "梁",
    "段",
    "龚",
    "苏",
    "颜",
    "康",
    "晏",
    "奉",
    "欧阳",
    "陶",
)
# Fewer surnames per village than in the country: rural villages are clan-heavy.
VILLAGE_SURNAMES = ("刘", "刘", "刘", "曾", "曾", "罗", "谢", "谢", "邓", "彭", "肖", "伍", "陈", "袁", "欧阳")

_MALE_FIRST = "建志国德春明立文永海光军伟长松云金红华新福贵友良平勇"
_MALE_SECOND = "国明华军生林平强辉成富贵才发荣清山武斌涛峰亮龙忠祥"
_FEMALE_FIRST = "春秋桂玉小美丽慧淑冬月爱红金翠雪凤艳梅秀"
_FEMALE_SECOND = "英兰芳华梅莲娥珍娟霞琴花香凤云莉平丽秀"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE_PREFIXES = (
    "130",
    "132",
    "135",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "173",
    "177",
    "180",
    "182",
    "186",
    "187",
    "189",
    "199",
)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number(birth: dt.date, sequence: int, male: bool, region: str = REGION) -> str:
    """An 18-digit ID number; the order code is odd for men, even for women."""
    order = sequence * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
    return first17 + id_check_digit(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def bank_card(rng: random.Random) -> str:
    """A 19-digit debit card number (bank prefix + digits + Luhn check)."""
    body = "621799" + "".join(str(rng.randrange(10)) for _ in range(12))
    digits = [int(d) for d in reversed(body)]
    total = sum(d if i % 2 else (d * 2 if d < 5 else d * 2 - 9) for i, d in enumerate(digits))
    return body + str((10 - total % 10) % 10)


def name(rng: random.Random, male: bool, surnames: tuple[str, ...] = VILLAGE_SURNAMES) -> str:
    first, second = (_MALE_FIRST, _MALE_SECOND) if male else (_FEMALE_FIRST, _FEMALE_SECOND)
    given = rng.choice(first) + rng.choice(second) if rng.random() < 0.85 else rng.choice(second)
    return rng.choice(surnames) + given


@dataclass(frozen=True)
class Villager:
    name: str
    male: bool
    birth: dt.date
    group: int  # 村民小组 number
    id_number: str
    mobile: str
    bank_card: str

    @property
    def sex(self) -> str:
        return "男" if self.male else "女"

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))


def population(
    rng: random.Random, count: int, groups: int, born_from: int = 1930, born_to: int = 2004, exclude: Collection[str] = ()
) -> list[Villager]:
    """``count`` villagers with distinct names, none of them in ``exclude``,
    spread over ``groups`` villager groups."""
    people: list[Villager] = []
    used_names = set(exclude)
    while len(people) < count:
        male = rng.random() < 0.52
        person_name = name(rng, male)
        if person_name in used_names:
            continue
        used_names.add(person_name)
        birth = dt.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            Villager(
                name=person_name,
                male=male,
                birth=birth,
                group=rng.randint(1, groups),
                id_number=id_number(birth, rng.randrange(500), male),
                mobile=mobile(rng),
                bank_card=bank_card(rng),
            )
        )
    return people
