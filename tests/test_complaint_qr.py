"""Complaint URL building (kiosk.complaint) and its QR code (kiosk.qr),
decoded back with the real zbar decoder."""

from __future__ import annotations

import subprocess

import pytest

from kiosk import model
from kiosk.complaint import MAX_URL_LENGTH, ComplaintUrlError, ItemKind, complaint_url, item_title
from kiosk.qr import QUIET_ZONE, qr_image, qr_matrix

TEMPLATE = "https://jd.example.gov.cn/ts?v={village}&t={terminal}&i={item}"
VILLAGE = "431322106201"


def channel(template: str) -> model.ComplaintChannel:
    # Built directly, skipping the feed's own checks: the URL builder must
    # not rely on them.
    return model.ComplaintChannel(url_template=template, hotlines=[model.Hotline(name="全国", number="12388")])


@pytest.mark.parametrize(
    ("template", "terminal", "item", "expected"),
    [
        (TEMPLATE, "LD-0001", "p-001", "https://jd.example.gov.cn/ts?v=431322106201&t=LD-0001&i=p-001"),
        (TEMPLATE, "LD-0001", None, "https://jd.example.gov.cn/ts?v=431322106201&t=LD-0001&i="),
        (TEMPLATE, "LD-0001", "", "https://jd.example.gov.cn/ts?v=431322106201&t=LD-0001&i="),
        # values cannot change the URL's shape
        (TEMPLATE, "a/b?c&d=e#f g", "x.y_z", "https://jd.example.gov.cn/ts?v=431322106201&t=a%2Fb%3Fc%26d%3De%23f%20g&i=x.y_z"),
        (TEMPLATE, "终端1", None, "https://jd.example.gov.cn/ts?v=431322106201&t=%E7%BB%88%E7%AB%AF1&i="),
        # placeholders anywhere, any number of times, or not at all
        ("http://10.0.0.5:8080/c/{village}/{terminal}", "T1", "p", "http://10.0.0.5:8080/c/431322106201/T1"),
        ("https://jd.example.gov.cn/{village}?again={village}", "T1", None, "https://jd.example.gov.cn/431322106201?again=431322106201"),
        ("https://jd.example.gov.cn/complaint", "T1", "p", "https://jd.example.gov.cn/complaint"),
        # a Chinese path in the template is sent UTF-8 encoded; existing escapes stay
        ("https://jd.example.gov.cn/反映?x=%41&t={terminal}", "T1", None, "https://jd.example.gov.cn/%E5%8F%8D%E6%98%A0?x=%41&t=T1"),
        ("HTTPS://JD.EXAMPLE.GOV.CN/?t={terminal}", "T1", None, "HTTPS://JD.EXAMPLE.GOV.CN/?t=T1"),
    ],
)
def test_builds_the_url(template, terminal, item, expected):
    assert complaint_url(channel(template), VILLAGE, terminal, item) == expected


KIND_TEMPLATE = TEMPLATE + "&k={kind}"


@pytest.mark.parametrize(
    ("item", "kind", "expected"),
    [
        ("e2026-09-010", ItemKind.ENTRY, "&i=e2026-09-010&k=entry"),
        ("tea-garden-2024", ItemKind.CONTRACT, "&i=tea-garden-2024&k=contract"),
        ("allowance-2026q4", ItemKind.DISCLOSURE, "&i=allowance-2026q4&k=disclosure"),
        (None, ItemKind.ENTRY, "&i=&k="),  # no item: no kind either
        (None, None, "&i=&k="),
    ],
)
def test_the_kind_of_record_is_named_beside_its_id(item, kind, expected):
    url = complaint_url(channel(KIND_TEMPLATE), VILLAGE, "LD-0001", item, kind)
    assert url == "https://jd.example.gov.cn/ts?v=431322106201&t=LD-0001" + expected


def test_what_a_report_is_about_for_each_kind_of_record(demo):
    assert item_title(demo, ItemKind.POWER, "minimum-living") == "低保评定"
    assert item_title(demo, ItemKind.PROJECT, "office-renovation") == demo.project("office-renovation").name
    assert item_title(demo, ItemKind.ASSET, "tea-garden") == "3组集体茶园"
    assert item_title(demo, ItemKind.CONTRACT, "tea-garden-2024") == "3组集体茶园承包合同（彭国庆）"
    digger = next(e for e in demo.finance_entries() if e.purpose == "渠道清淤挖机台班费")
    assert item_title(demo, ItemKind.ENTRY, digger.id) == "支出290.00元：渠道清淤挖机台班费（2026年9月10日）"
    with pytest.raises(LookupError):
        item_title(demo, ItemKind.CONTRACT, "no-such-contract")


@pytest.mark.parametrize(
    ("template", "terminal", "complaint"),
    [
        ("javascript:alert(1)//{village}", "T1", "only http and https"),
        ("JavaScript:alert(1)", "T1", "only http and https"),
        ("ftp://jd.example.gov.cn/{village}", "T1", "only http and https"),
        ("file:///etc/passwd", "T1", "only http and https"),
        ("data:text/html,<b>{village}</b>", "T1", "only http and https"),
        ("jd.example.gov.cn/ts?v={village}", "T1", "only http and https"),
        ("https:///ts?v={village}", "T1", "no host"),
        ("https://jd.example.gov.cn@evil.example/?v={village}", "T1", "user name"),
        ("https://[::1/?v={village}", "T1", "cannot be parsed"),
        ("https://jd.example.gov.cn/ts?v={village} &t={terminal}", "T1", "white space"),
        ("https://jd.example.gov.cn/ts?v={village}\n&t={terminal}", "T1", "white space"),
        (" https://jd.example.gov.cn/ts?v={village}", "T1", "white space"),
        ("https://jd.example.gov.cn/ts?v={village}\x00", "T1", "cannot carry"),
        ("https://jd.example.gov.cn/ts?v={villages}", "T1", "unknown placeholder"),
        ("https://jd.example.gov.cn/ts?" + "x" * (MAX_URL_LENGTH - 28), "T1", "characters long"),
        ("https://jd.example.gov.cn/ts?t={terminal}", "T" * 200, "characters long"),
    ],
)
def test_rejects_unusable_urls(template, terminal, complaint):
    with pytest.raises(ComplaintUrlError, match=complaint):
        complaint_url(channel(template), VILLAGE, terminal, None)


def test_length_limit_is_inclusive():
    template = "https://jd.example.gov.cn/ts?t={terminal}"
    fits = "T" * (MAX_URL_LENGTH - len(template) + len("{terminal}"))
    assert len(complaint_url(channel(template), VILLAGE, fits)) == MAX_URL_LENGTH
    with pytest.raises(ComplaintUrlError):
        complaint_url(channel(template), VILLAGE, fits + "T")


# ------------------------------------------------------------- QR


def zbar_decode(path) -> str:
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.rstrip("\n")


@pytest.mark.parametrize(
    ("terminal", "item", "module_px"),
    [
        ("LD-0001", None, 4),
        ("LD-0001", "flood-relief_2026.03", 2),
        ("终端 1/#?&", "p-001", 3),
        ("T" * (MAX_URL_LENGTH + 12 - len(TEMPLATE)), "p", 3),  # the longest URL allowed
    ],
)
def test_qr_round_trip_through_zbar(tmp_path, terminal, item, module_px):
    url = complaint_url(channel(TEMPLATE), VILLAGE, terminal, item)
    assert len(url) <= MAX_URL_LENGTH
    path = tmp_path / "qr.png"
    qr_image(url, module_px).save(path)
    assert zbar_decode(path) == url


def test_an_item_specific_code_round_trip_through_zbar(tmp_path):
    url = complaint_url(channel(KIND_TEMPLATE), VILLAGE, "LD-0001", "e2026-09-010", ItemKind.ENTRY)
    path = tmp_path / "qr.png"
    qr_image(url, 3).save(path)
    decoded = zbar_decode(path)
    assert decoded == url and f"v={VILLAGE}" in decoded and decoded.endswith("&i=e2026-09-010&k=entry")


def test_longest_url_stays_a_small_code():
    url = "https://jd.example.gov.cn/ts?t=" + "T" * (MAX_URL_LENGTH - 31)
    assert len(url) == MAX_URL_LENGTH
    assert len(qr_matrix(url)) <= 65  # version 12: 17 + 4 * 12 modules


def test_image_has_the_quiet_zone_and_square_modules():
    url = "https://jd.example.gov.cn/ts?v=431322106201"
    matrix = qr_matrix(url)
    image = qr_image(url, 5)
    side = (len(matrix) + 2 * QUIET_ZONE) * 5
    assert image.size == (side, side)
    pixels = image.load()
    border = QUIET_ZONE * 5
    for i in range(side):
        for j in range(border):
            assert pixels[i, j] == pixels[j, i] == pixels[i, side - 1 - j] == pixels[side - 1 - j, i] == 255
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            assert pixels[border + 5 * x + 2, border + 5 * y + 2] == (0 if dark else 255)
    # finder pattern corner: the top-left module is dark
    assert matrix[0][0] and pixels[border, border] == 0
