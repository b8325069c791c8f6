"""Drawn stand-ins for receipt scans and project photos.

Receipts follow the layouts a villager knows from the notice board: a
VAT ordinary invoice (增值税普通发票), a cash receipt (收款收据) and a
payout sheet (领款单), each with the amount in figures and in Chinese
capitals, the date, the payee, a red seal and the voucher number. Photos
are simple drawn scenes with a caption. Every image is marked 演示样张
(demo sample) so nobody mistakes it for a real document.

Output is deterministic: all variation comes from a ``random.Random``
seeded with a string, and JPEGs are written with fixed settings and no
metadata.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import math
import random
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

JPEG_QUALITY = 70
RECEIPT_SIZE = (1200, 800)
PAYOUT_MAX_ROWS = 12
PHOTO_SIZE = (1024, 768)

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")
_FALLBACK_FONT_DIR = "/usr/share/fonts/opentype/noto"

INK_BLUE = (28, 52, 140)
PRINT_BLACK = (30, 30, 30)
SEAL_RED = (214, 32, 38)


# ---------------------------------------------------------------- amounts


def capital_amount(fen: int) -> str:
    """Amount in Chinese financial capitals: ``1230050`` -> ``壹万贰仟叁佰元伍角整``.

    Follows the bank rules for 大写金额: 整 after 元 or 角, one 零 for a run
    of zeros, 零 between 元 and 分 when there are no 角.
    """
    if fen < 0:
        raise ValueError("amount must not be negative")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if fen == 0:
        return "零元整"
    text = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        text += _CAPITAL_DIGITS[jiao] + "角"
    elif yuan and cents:
        text += "零"
    if cents:
        return text + _CAPITAL_DIGITS[cents] + "分"
    return text + "整"


def _capital_integer(number: int) -> str:
    digits = str(number)
    out: list[str] = []
    pending_zero = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            pending_zero = True
        else:
            if pending_zero and out:
                out.append("零")
            pending_zero = False
            out.append(_CAPITAL_DIGITS[digit] + _SMALL_UNITS[position % 4])
        if position % 4 == 0 and position > 0 and int(digits[max(0, index - 3) : index + 1]):
            out.append(_BIG_UNITS[position // 4])
    return "".join(out)


def figures(fen: int) -> str:
    """``1230050`` -> ``12300.50`` (receipts print no thousands separator)."""
    return f"{fen // 100}.{fen % 100:02d}"


# ---------------------------------------------------------------- fonts


@functools.cache
def _font_file(family: str, bold: bool) -> str:
    pattern = f"Noto {family} CJK SC:lang=zh-cn" + (":bold" if bold else "")
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found.endswith(".ttc") and f"{family}CJK" in found.replace(" ", ""):
        return found
    return f"{_FALLBACK_FONT_DIR}/Noto{family}CJK-{'Bold' if bold else 'Regular'}.ttc"


@functools.cache
def _sc_index(path: str) -> int:
    """Which face of the collection is Simplified Chinese (2 in Noto's)."""
    for index in range(8):
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        family = face.getname()[0]
        if family is not None and family.endswith(" SC"):
            return index
    return 2


@functools.cache
def font(size: int, *, serif: bool = False, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = _font_file("Serif" if serif else "Sans", bold)
    # Basic layout is enough for Chinese and a little faster than raqm.
    return ImageFont.truetype(path, size, index=_sc_index(path), layout_engine=ImageFont.Layout.BASIC)


# ---------------------------------------------------------------- receipts


@dataclass(frozen=True)
class Line:
    """One printed line: goods or a service on an invoice, a person on a payout sheet."""

    name: str
    amount_fen: int
    quantity: str = ""
    unit: str = ""
    price_fen: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Receipt:
    kind: str  # "invoice" | "receipt" | "payout"
    date: dt.date
    voucher_no: str
    payer: str
    payee: str
    purpose: str
    total_fen: int
    lines: tuple[Line, ...] = ()
    serial: str = ""
    tax_id: str = ""  # the issuer's unified social credit code (invoices)
    seal: str = ""  # name carved on the seal; defaults to the payee
    handler: str = ""  # 经办人
    approver: str = ""  # 审批人
    supervisor: str = ""  # 村务监督委员会 countersign
    bookkeeper: str = ""  # 报账员
    issuer_clerks: tuple[str, str] = ("", "")  # the seller's cashier and reviewer (invoices)


def draw_receipt(receipt: Receipt) -> bytes:
    drawers = {"invoice": _draw_invoice, "receipt": _draw_cash_receipt, "payout": _draw_payout}
    rng = random.Random(f"receipt:{receipt.voucher_no}:{receipt.serial}")
    page = Image.new("RGB", RECEIPT_SIZE, _paper(rng))
    drawers[receipt.kind](page, receipt, rng)
    _voucher_mark(page, receipt.voucher_no, rng)
    _demo_watermark(page)
    return _jpeg(page)


def _paper(rng: random.Random) -> tuple[int, int, int]:
    warm = rng.randint(0, 6)
    return (250 - warm // 2, 248 - warm, 240 - warm * 2)


def _draw_invoice(page: Image.Image, r: Receipt, rng: random.Random) -> None:
    d = ImageDraw.Draw(page)
    form = (150, 70, 50)  # the brown of the printed form
    width = page.width
    title = "湖南增值税普通发票"
    d.text((width // 2, 58), title, font=font(42, serif=True, bold=True), fill=form, anchor="mm")
    d.line((width // 2 - 220, 92, width // 2 + 220, 92), fill=form, width=3)
    d.line((width // 2 - 220, 98, width // 2 + 220, 98), fill=form, width=1)
    d.text((width // 2, 120), "发  票  联", font=font(20, serif=True), fill=form, anchor="mm")
    small = font(17)
    d.text((60, 40), "发票代码 043002500111", font=small, fill=form)
    d.text((60, 66), f"机器编号 49{rng.randrange(10**10):010d}", font=small, fill=form)
    d.text((820, 40), "发票号码", font=small, fill=form)
    d.text((905, 37), r.serial, font=font(22), fill=(190, 40, 40))
    d.text((820, 66), f"开票日期 {r.date:%Y年%m月%d日}", font=small, fill=form)
    d.text((820, 92), f"校 验 码 {rng.randrange(10**10):010d}", font=small, fill=form)

    left, right = 40, width - 40
    top = 150
    boxes = (top, 262, 292, 520, 560, 672)
    for y in boxes:
        d.line((left, y, right, y), fill=form, width=2)
    d.line((left, top, left, boxes[-1]), fill=form, width=2)
    d.line((right, top, right, boxes[-1]), fill=form, width=2)
    # buyer block with the cipher area on the right, seller block with remarks
    for y0, y1, label in ((top, boxes[1], "购买方"), (boxes[4], boxes[5], "销售方")):
        d.line((left + 40, y0, left + 40, y1), fill=form, width=1)
        _vertical_text(d, (left + 20, (y0 + y1) // 2), label, font(18), form)
        d.line((700, y0, 700, y1), fill=form, width=1)
        d.line((740, y0, 740, y1), fill=form, width=1)
    _vertical_text(d, (720, (top + boxes[1]) // 2), "密码区", font(18), form)
    _vertical_text(d, (720, (boxes[4] + boxes[5]) // 2), "备注", font(18), form)
    value_font = font(19)
    buyer_code = "54431322MF" + hashlib.sha256(r.payer.encode()).hexdigest()[:8].upper()  # same buyer, same code
    buyer = (("名        称", r.payer), ("纳税人识别号", buyer_code), ("地 址、电 话", "新化县"), ("开户行及账号", "新化农商银行"))
    seller = (
        ("名        称", r.payee),
        ("纳税人识别号", r.tax_id),
        ("地 址、电 话", _place(r.payee)),
        ("开户行及账号", f"新化农商银行 8201{rng.randrange(10**12):012d}"),
    )
    for y0, rows in ((top, buyer), (boxes[4], seller)):
        for index, (label, value) in enumerate(rows):
            y = y0 + 10 + index * 25
            d.text((left + 52, y), label + "：", font=font(16), fill=form)
            d.text((left + 200, y - 2), value, font=value_font, fill=PRINT_BLACK)
    cipher = "0123456789<>+-*/"
    for row in range(4):
        text = "".join(rng.choice(cipher) for _ in range(28))
        d.text((752, top + 12 + row * 25), text, font=font(17), fill=PRINT_BLACK)
    for index in range(0, min(len(r.purpose), 54), 18):  # remarks wrap inside their box
        d.text((752, boxes[4] + 14 + index // 18 * 26), r.purpose[index : index + 18], font=font(17), fill=PRINT_BLACK)

    columns = (
        (left, "货物或应税劳务、服务名称"),
        (330, "规格型号"),
        (440, "单位"),
        (510, "数量"),
        (600, "单价"),
        (760, "金额"),
        (930, "税率"),
        (1010, "税额"),
    )
    for x, header in columns:
        if x > left:
            d.line((x, boxes[1], x, boxes[3]), fill=form, width=1)
        d.text((x + 8, boxes[1] + 6), header, font=font(16), fill=form)
    net_total = tax_total = 0
    for index, line in enumerate(r.lines[:6]):
        net = line.amount_fen * 100 // 103  # small-scale taxpayer, 3%
        tax = line.amount_fen - net
        net_total += net
        tax_total += tax
        y = boxes[2] + 10 + index * 30
        d.text((left + 8, y), line.name[:15], font=value_font, fill=PRINT_BLACK)
        d.text((445, y), line.unit, font=value_font, fill=PRINT_BLACK)
        d.text((590, y), line.quantity, font=value_font, fill=PRINT_BLACK, anchor="ra")
        if line.price_fen is not None:
            d.text((750, y), figures(line.price_fen * 100 // 103), font=value_font, fill=PRINT_BLACK, anchor="ra")
        d.text((920, y), figures(net), font=value_font, fill=PRINT_BLACK, anchor="ra")
        d.text((950, y), "3%", font=value_font, fill=PRINT_BLACK)
        d.text((1150, y), figures(tax), font=value_font, fill=PRINT_BLACK, anchor="ra")
    y = boxes[3] - 34
    d.text((left + 60, y), "合        计", font=font(18), fill=form)
    d.text((920, y), "¥" + figures(net_total), font=value_font, fill=PRINT_BLACK, anchor="ra")
    d.text((1150, y), "¥" + figures(tax_total), font=value_font, fill=PRINT_BLACK, anchor="ra")
    d.text((left + 12, boxes[3] + 10), "价税合计（大写）", font=font(18), fill=form)
    d.text((left + 200, boxes[3] + 8), "ⓧ " + capital_amount(r.total_fen), font=font(21), fill=PRINT_BLACK)
    d.text((800, boxes[3] + 10), "（小写）", font=font(18), fill=form)
    d.text((880, boxes[3] + 8), "¥" + figures(r.total_fen), font=font(21), fill=PRINT_BLACK)
    cashier, reviewer = r.issuer_clerks
    footer = f"收款人：{cashier or '—'}      复核：{reviewer or '—'}      开票人：{cashier or '—'}      销售方：（章）"
    d.text((left + 20, boxes[5] + 22), footer, font=font(18), fill=form)
    _seal(page, r.seal or r.payee, (1000, 700), rng, oval=True, bottom="发票专用章", middle=r.tax_id)


def _place(organisation: str) -> str:
    """Where an organisation is, from the place names its name starts with."""
    for place in ("湖南省", "娄底市", "新化县", "青石镇"):
        if organisation.startswith(place):
            return {"湖南省": "湖南省长沙市", "娄底市": "湖南省娄底市"}.get(place, "湖南省娄底市新化县")
    return "湖南省娄底市新化县"


def _draw_cash_receipt(page: Image.Image, r: Receipt, rng: random.Random) -> None:
    d = ImageDraw.Draw(page)
    form = (40, 70, 130)
    width = page.width
    d.rectangle((50, 50, width - 110, 740), outline=form, width=3)
    d.text((width // 2 - 30, 105), "收  款  收  据", font=font(44, serif=True, bold=True), fill=form, anchor="mm")
    d.line((width // 2 - 190, 140, width // 2 + 130, 140), fill=form, width=2)
    d.text((860, 84), "NO.", font=font(20), fill=form)
    d.text((905, 78), r.serial, font=font(26), fill=(190, 40, 40))
    d.text(
        (width // 2 - 30, 178), f"{r.date.year}  年  {r.date.month:02d}  月  {r.date.day:02d}  日", font=font(22), fill=form, anchor="mm"
    )
    hand = font(30, serif=True)
    rows = (("今收到", r.payer), ("交  来", r.purpose), ("人民币（大写）", capital_amount(r.total_fen)))
    for index, (label, value) in enumerate(rows):
        y = 250 + index * 90
        d.text((100, y), label, font=font(24), fill=form)
        x = 100 + int(d.textlength(label, font=font(24))) + 20
        d.line((x, y + 42, width - 160, y + 42), fill=form, width=1)
        d.text((x + 10, y - 2 + rng.randint(-3, 3)), value, font=hand, fill=INK_BLUE)
    d.text((100, 540), "¥", font=font(30), fill=form)
    d.rectangle((135, 528, 430, 580), outline=form, width=2)
    d.text((150, 532), figures(r.total_fen), font=font(32, serif=True), fill=INK_BLUE)
    signatures = (("收款单位（盖章）", ""), ("会计", r.bookkeeper), ("经手人", r.handler))
    x = 100
    for label, person in signatures:
        d.text((x, 650), label + "：", font=font(20), fill=form)
        x += int(d.textlength(label + "：", font=font(20))) + 6
        d.text((x, 643), person, font=font(26, serif=True), fill=INK_BLUE)
        x += 200
    _vertical_text(d, (width - 80, 400), "第二联  交付款人", font(20), form)
    _seal(page, r.seal or r.payee, (330, 600), rng, bottom="财务专用章")


def _draw_payout(page: Image.Image, r: Receipt, rng: random.Random) -> None:
    d = ImageDraw.Draw(page)
    form = PRINT_BLACK
    width = page.width
    d.text((width // 2, 60), r.purpose[:20] + "领款单", font=font(36, serif=True, bold=True), fill=form, anchor="mm")
    d.text((60, 108), f"单位：{r.payer}", font=font(20), fill=form)
    d.text((820, 108), f"{r.date:%Y年%m月%d日}", font=font(20), fill=form)
    columns = ((50, "序号"), (130, "姓名"), (290, "事由"), (620, "数量"), (720, "标准（元）"), (870, "金额（元）"), (1020, "领款人签名"))
    rows = list(r.lines)
    if len(rows) > PAYOUT_MAX_ROWS:
        raise ValueError(f"a payout sheet holds at most {PAYOUT_MAX_ROWS} people, got {len(rows)}")
    top, row_h = 150, 44 if len(rows) <= 8 else 34
    bottom = top + row_h * (len(rows) + 2)
    d.rectangle((50, top, 1150, bottom + row_h), outline=form, width=2)
    for x, header in columns:
        d.line((x, top, x, bottom), fill=form, width=1)
        d.text((x + 10, top + row_h // 2), header, font=font(19), fill=form, anchor="lm")
    for index in range(len(rows) + 2):
        y = top + row_h * (index + 1)
        d.line((50, y, 1150, y), fill=form, width=1)
    value_font = font(20 if row_h > 40 else 18)
    hand = font(24 if row_h > 40 else 21, serif=True)
    for index, line in enumerate(rows):
        y = top + row_h * (index + 1) + (10 if row_h > 40 else 6)
        d.text((70, y), str(index + 1), font=value_font, fill=form)
        d.text((140, y), line.name, font=value_font, fill=form)
        d.text((300, y), line.note[:15], font=value_font, fill=form)
        d.text((630, y), f"{line.quantity}{line.unit}", font=value_font, fill=form)
        if line.price_fen is not None:
            d.text((850, y), figures(line.price_fen), font=value_font, fill=form, anchor="ra")
        d.text((1000, y), figures(line.amount_fen), font=value_font, fill=form, anchor="ra")
        d.text((1030 + rng.randint(0, 12), y - 4 + rng.randint(-2, 2)), line.name, font=hand, fill=INK_BLUE)
    y = top + row_h * (len(rows) + 1) + (10 if row_h > 40 else 6)
    d.text((140, y), "合计", font=value_font, fill=form)
    d.text((1000, y), figures(r.total_fen), font=value_font, fill=form, anchor="ra")
    d.text(
        (70, bottom + row_h // 2),
        f"合计人民币（大写）：{capital_amount(r.total_fen)}      ¥{figures(r.total_fen)}",
        font=font(21),
        fill=form,
        anchor="lm",
    )
    y = bottom + row_h + (40 if row_h > 40 else 28)
    signatures = (("审批人", r.approver), ("村务监督委员会", r.supervisor), ("经办人", r.handler), ("报账员", r.bookkeeper))
    x = 60
    for label, person in signatures:
        d.text((x, y), label + "：", font=font(19), fill=form)
        x += int(d.textlength(label + "：", font=font(19))) + 4
        d.text((x, y - 6), person, font=font(25, serif=True), fill=INK_BLUE)
        x += 140
    _seal(page, r.seal or r.payer, (1020, min(y + 30, 680)), rng, bottom="")


def _voucher_mark(page: Image.Image, voucher_no: str, rng: random.Random) -> None:
    """The bookkeeper's handwritten voucher number in the top corner."""
    d = ImageDraw.Draw(page)
    x, y = 1010 + rng.randint(-10, 10), 8 + rng.randint(0, 6)
    d.text((x - 10, y), f"凭证 {voucher_no}", font=font(19, serif=True), fill=INK_BLUE, anchor="ra")


def _demo_watermark(page: Image.Image) -> None:
    ImageDraw.Draw(page).text((24, page.height - 12), "演示样张 · 非真实票据", font=font(18), fill=(150, 150, 150), anchor="ld")


def _vertical_text(d: ImageDraw.ImageDraw, center: tuple[int, int], text: str, face: ImageFont.FreeTypeFont, fill) -> None:
    step = face.size + 4
    y = center[1] - step * len(text) // 2 + step // 2
    for char in text:
        d.text((center[0], y), char, font=face, fill=fill, anchor="mm")
        y += step


def _seal(
    page: Image.Image, name: str, center: tuple[int, int], rng: random.Random, *, oval: bool = False, bottom: str = "", middle: str = ""
) -> None:
    """A red seal: the name around the rim, a star (or a tax code) inside."""
    rx, ry = (130, 88) if oval else (100, 100)
    size = 2 * max(rx, ry) + 20
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    c = size // 2
    ink = (*SEAL_RED, 215)
    d.ellipse((c - rx, c - ry, c + rx, c + ry), outline=ink, width=6 if not oval else 4)
    arc_font = font(26 if len(name) <= 12 else 22, bold=True)
    chars = list(name)
    span = min(240 if oval else 250, 22 * len(chars))  # short names stay together at the top
    for index, char in enumerate(chars):
        angle = math.radians(-span / 2 + span * index / max(1, len(chars) - 1))
        x = c + (rx - 24) * math.sin(angle)
        y = c - (ry - 24) * math.cos(angle)
        glyph = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((20, 20), char, font=arc_font, fill=ink, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC)
        layer.alpha_composite(glyph, (int(x) - 20, int(y) - 20))
    if middle:
        d.text((c, c + 4), middle, font=font(13, bold=True), fill=ink, anchor="mm")
    else:
        _star(d, (c, c - 4), 30, ink)
    if bottom:
        d.text((c, c + ry - 30), bottom, font=font(20, bold=True), fill=ink, anchor="mm")
    layer = layer.rotate(rng.uniform(-14, 14), resample=Image.Resampling.BICUBIC)
    x = center[0] - size // 2 + rng.randint(-12, 12)
    y = center[1] - size // 2 + rng.randint(-8, 8)
    page.paste(layer, (x, y), layer)


def _star(d: ImageDraw.ImageDraw, center: tuple[int, int], radius: int, fill) -> None:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = math.radians(-90 + index * 36)
        points.append((center[0] + r * math.cos(angle), center[1] + r * math.sin(angle)))
    d.polygon(points, fill=fill)


def _jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
    return out.getvalue()


# ---------------------------------------------------------------- photos


def draw_photo(scene: str, caption: str, seed: str) -> bytes:
    """A simple drawn scene of a village project, with a caption strip."""
    if scene not in _SCENE_DRAWERS:
        raise ValueError(f"unknown scene {scene!r}")
    rng = random.Random(f"photo:{seed}")
    width, height = PHOTO_SIZE
    page = Image.new("RGB", PHOTO_SIZE)
    d = ImageDraw.Draw(page)
    horizon = int(height * rng.uniform(0.38, 0.46))
    for y in range(horizon):  # sky, darker blue at the top
        t = y / horizon
        d.line((0, y, width, y), fill=(int(120 + 100 * t), int(170 + 60 * t), int(225 + 20 * t)))
    for layer_index, colour in enumerate(((96, 134, 98), (70, 118, 72))):
        base = horizon - 60 + layer_index * 40
        points = [(0, height)]
        for x in range(0, width + 64, 64):
            points.append((x, base - rng.randint(0, 70 - layer_index * 30)))
        points.append((width, height))
        d.polygon(points, fill=colour)
    d.rectangle((0, horizon + 20, width, height), fill=(118, 150, 80))
    for _ in range(260):  # grass tufts
        x, y = rng.randrange(width), rng.randrange(horizon + 20, height)
        d.line((x, y, x + rng.randint(-3, 3), y - rng.randint(4, 10)), fill=(84, 122, 58), width=2)
    _SCENE_DRAWERS[scene](d, rng, horizon, width, height)
    strip = Image.new("RGBA", (width, 64), (0, 0, 0, 150))
    ImageDraw.Draw(strip).text((24, 32), caption, font=font(28), fill=(255, 255, 255, 255), anchor="lm")
    ImageDraw.Draw(strip).text((width - 20, 32), "演示样张", font=font(18), fill=(220, 220, 220, 255), anchor="rm")
    page.paste(strip, (0, height - 64), strip)
    return _jpeg(page)


def _scene_building(d, rng, horizon, width, height) -> None:
    left, right, top, ground = 220, 820, horizon - 150, horizon + 230
    d.polygon(((left - 30, top), (right + 30, top), (right, top - 40), (left, top - 40)), fill=(150, 70, 50))
    d.rectangle((left, top, right, ground), fill=(236, 234, 226))
    d.rectangle((left, ground - 12, right, ground), fill=(170, 170, 170))
    for floor in range(2):
        for column in range(6):
            x = left + 40 + column * 95
            y = top + 30 + floor * 130
            d.rectangle((x, y, x + 60, y + 80), fill=(110, 150, 180), outline=(240, 240, 240), width=4)
    d.rectangle((480, ground - 110, 560, ground - 12), fill=(120, 80, 50))
    d.rectangle((360, top + 4, 680, top + 30), fill=(200, 30, 30))
    d.text((520, top + 17), "村民委员会", font=font(20, bold=True), fill=(255, 220, 0), anchor="mm")
    d.rectangle((0, ground, width, height), fill=(190, 186, 176))
    d.line((900, ground, 900, top - 60), fill=(200, 200, 200), width=6)
    d.rectangle((902, top - 60, 980, top - 12), fill=(220, 30, 30))


def _scene_road(d, rng, horizon, width, height) -> None:
    vanish = width // 2 + rng.randint(-80, 80)
    d.polygon(((vanish - 14, horizon + 22), (vanish + 14, horizon + 22), (width - 120, height), (120, height)), fill=(176, 174, 168))
    for step in range(1, 14):
        t = (step / 14) ** 2
        y = horizon + 22 + t * (height - horizon - 22)
        half = 14 + t * (width / 2 - 134)
        d.line((vanish - half, y, vanish + half, y), fill=(140, 138, 132), width=2)
    d.polygon(((vanish - 14, horizon + 22), (120, height), (80, height)), fill=(140, 120, 90))
    d.polygon(((vanish + 14, horizon + 22), (width - 120, height), (width - 80, height)), fill=(140, 120, 90))


def _scene_pipe(d, rng, horizon, width, height) -> None:
    d.polygon(((0, horizon + 160), (width, horizon + 110), (width, horizon + 260), (0, horizon + 330)), fill=(130, 96, 64))
    d.polygon(((0, horizon + 200), (width, horizon + 150), (width, horizon + 210), (0, horizon + 270)), fill=(98, 70, 46))
    d.line((0, horizon + 236, width, horizon + 180), fill=(30, 60, 150), width=34)
    d.line((0, horizon + 226, width, horizon + 170), fill=(80, 120, 210), width=6)
    for index in range(5):
        x = 80 + index * 200 + rng.randint(-30, 30)
        y = horizon + 120 - index * 8
        d.ellipse((x, y, x + 150, y + 70), fill=(150, 110, 72))


def _scene_lights(d, rng, horizon, width, height) -> None:
    _scene_road(d, rng, horizon, width, height)
    for index in range(4):
        t = 1 - index * 0.22
        x = int(width / 2 + (width / 2 - 90) * t)
        base = int(horizon + 22 + t * t * (height - horizon - 22))
        top = base - int(330 * t)
        d.line((x, base, x, top), fill=(200, 200, 205), width=max(2, int(10 * t)))
        d.polygon(((x - 40 * t, top), (x + 30 * t, top - 25 * t), (x + 50 * t, top - 5 * t), (x - 20 * t, top + 20 * t)), fill=(40, 50, 90))
        d.line((x, top + 30 * t, x - 60 * t, top + 40 * t), fill=(200, 200, 205), width=max(2, int(6 * t)))


def _scene_pond(d, rng, horizon, width, height) -> None:
    d.ellipse((120, horizon + 80, width - 120, height - 60), fill=(120, 100, 70))
    d.ellipse((150, horizon + 100, width - 150, height - 80), fill=(86, 130, 150))
    for _ in range(30):
        x, y = rng.randrange(220, width - 220), rng.randrange(horizon + 140, height - 140)
        d.line((x, y, x + 40, y), fill=(140, 180, 200), width=2)


def _scene_canal(d, rng, horizon, width, height) -> None:
    d.polygon(
        ((width // 2 - 30, horizon + 22), (width // 2 + 30, horizon + 22), (width // 2 + 260, height), (width // 2 - 260, height)),
        fill=(200, 198, 190),
    )
    d.polygon(
        ((width // 2 - 18, horizon + 22), (width // 2 + 18, horizon + 22), (width // 2 + 200, height), (width // 2 - 200, height)),
        fill=(96, 140, 160),
    )


def _scene_square(d, rng, horizon, width, height) -> None:
    d.polygon(((100, horizon + 60), (width - 100, horizon + 60), (width, height), (0, height)), fill=(200, 180, 160))
    for index in range(1, 10):
        t = index / 10
        y = horizon + 60 + t * (height - horizon - 60)
        d.line((100 * (1 - t), y, width - 100 * (1 - t), y), fill=(180, 160, 140), width=2)
    for x in (260, 520, 780):
        d.line((x, horizon + 200, x, horizon + 90), fill=(230, 120, 30), width=10)
        d.line((x - 50, horizon + 90, x + 50, horizon + 90), fill=(40, 120, 200), width=10)


def _scene_hillside(d, rng, horizon, width, height) -> None:
    for row in range(7):
        y = horizon + 40 + row * 55
        for column in range(12):
            x = column * 90 + (row % 2) * 45 + rng.randint(-8, 8)
            d.ellipse((x, y - 26, x + 64, y + 20), fill=(44, 100 + rng.randint(-10, 10), 52))


_SCENE_DRAWERS = {
    "building": _scene_building,
    "road": _scene_road,
    "pipe": _scene_pipe,
    "lights": _scene_lights,
    "pond": _scene_pond,
    "canal": _scene_canal,
    "square": _scene_square,
    "hillside": _scene_hillside,
}
SCENES = tuple(_SCENE_DRAWERS)
