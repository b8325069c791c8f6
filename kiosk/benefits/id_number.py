"""The 18-digit resident identity number (居民身份证号码, GB 11643-1999).

Six digits of region, eight of birth date, three of order (odd for men,
even for women) and a check character computed from the other seventeen
(ISO 7064 MOD 11-2): a digit, or X for ten. The check catches every single
wrong digit and every swap of two neighbours, so a typing slip is told
apart from a number that is simply not in the data before anything is
looked up.
"""

from __future__ import annotations

import datetime as dt

LENGTH = 18
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != LENGTH - 1 or not first17.isascii() or not first17.isdigit():
        raise ValueError("the check character is computed from 17 digits")
    return _CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid(number: str) -> bool:
    """An 18-character number whose check character is right and whose
    birth date is a real date (x is read as X)."""
    number = number.upper()
    if len(number) != LENGTH or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if check_character(number[:17]) != number[17]:
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def grouped(typed: str) -> str:
    """The digits typed so far as a person reads them off the card: region,
    birth date, the rest (``431322 19450312 0026``)."""
    return " ".join(part for part in (typed[:6], typed[6:14], typed[14:]) if part)
