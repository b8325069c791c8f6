"""Money is integer fen (1 yuan = 100 fen) everywhere; these only format it."""

from __future__ import annotations


def yuan(fen: int) -> str:
    """``1234550`` -> ``"12,345.50元"``; exact, no float on the way."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}元"


def yuan_short(fen: int) -> str:
    """Compact figure for tiles and charts: ``"12.35万元"`` from 10,000 yuan up.

    Rounded half up to two decimals of 万 (ten thousand yuan), with integers.
    """
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if fen < 1_000_000:
        return sign + yuan(fen)
    hundredths_of_wan = (fen + 5_000) // 10_000  # 1 wan = 1,000,000 fen
    whole, frac = divmod(hundredths_of_wan, 100)
    return f"{sign}{whole:,}.{frac:02d}万元"
