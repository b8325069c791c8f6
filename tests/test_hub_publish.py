"""Publishing on the hub, over HTTP: the signing key only from a file its
user alone can read, each township its own villages, the upload's size
limit, hostile pictures and workbooks refused without harm, a workbook of
another village refused, one user's upload not another's."""

from __future__ import annotations

import html
import io
import os
import re
import zipfile

import httpx
import pytest

from kiosk.feed import keys
from kiosk.hub.publishing import KeyRefused, load_signing_key
from kiosk.sheets.pictures import PICTURE_FOLDER
from support.hub_fixtures import start_hub, start_publishing_hub
from support.sheet_fixtures import edit_cells, rewrite_parts, with_far_cell, zip_bomb

pytestmark = pytest.mark.slow  # the hub in a process of its own, publishing signed feeds

VILLAGE = "431322199206"


def _upload(client: httpx.Client, village: str, workbook, pictures: list[tuple[str, bytes]] = ()) -> httpx.Response:
    files = [("workbook", (workbook.name, workbook.read_bytes()))] + [("pictures", (name, data)) for name, data in pictures]
    return client.post(f"/publish/{village}", files=files)


def _zipped(folder) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{PICTURE_FOLDER}/{path.name}")
    return out.getvalue()


def _text(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def test_the_key_is_used_only_from_a_file_its_user_alone_can_read(tmp_path, caplog):
    private, _ = keys.generate(tmp_path / "keys")
    assert load_signing_key(private) is not None
    os.chmod(private, 0o640)
    with pytest.raises(KeyRefused, match=r"readable by others \(mode 0640\)"):
        load_signing_key(private)
    os.chmod(private, 0o600)
    os.chmod(private.parent, 0o777)
    with pytest.raises(KeyRefused, match="may be written by others"):
        load_signing_key(private)
    os.chmod(private.parent, 0o700)
    os.chmod(private, 0o644)
    hub = start_hub(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path, feed_dir=str(tmp_path / "feeds"), signing_key=str(private))
    try:
        hub.add_user("county")
        assert "发布功能没有开启" in _text(hub.login("county").get(f"/publish/{VILLAGE}"))
        assert "event=hub.publishing_off" in caplog.text and "chmod 600" in caplog.text
    finally:
        hub.close()


def test_a_township_publishes_its_own_villages_only(publishing_hub, workbook):
    qingshi = publishing_hub.login("qingshi")
    assert qingshi.get("/publish/431322101203").status_code == 404  # 白溪镇's
    assert _upload(qingshi, "431322101203", workbook).status_code == 404
    assert not any((publishing_hub.work / "uploads").glob("*/workbook.xlsx"))
    assert publishing_hub.login("county").get("/publish/431322101203").status_code == 200
    template = qingshi.get("/publish/template.xlsx")
    assert (
        template.status_code == 200
        and template.content.startswith(b"PK")
        and "filename*=UTF-8''" in template.headers["content-disposition"]
    )


def test_an_upload_over_the_limit_is_refused_before_it_is_read(tmp_path, workbook):
    hub = start_publishing_hub(tmp_path / "hub", max_upload_mb=1)
    try:
        response = _upload(hub.login("county"), VILLAGE, workbook, [("big.jpg", b"\xff\xd8" + b"\0" * (2 * 1024 * 1024))])
        assert response.status_code == 413
        uploads = tmp_path / "hub" / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())
    finally:
        hub.close()


def test_hostile_pictures_are_refused_and_nothing_lands_outside(publishing_hub, workbook, tmp_path):
    client = publishing_hub.login("qingshi")
    escape = io.BytesIO()
    with zipfile.ZipFile(escape, "w") as archive:
        archive.writestr("../../../escaped.jpg", b"\xff\xd8 not really")
    response = _upload(client, VILLAGE, workbook, [("图片.zip", escape.getvalue())])
    assert response.status_code == 400 and "路径不安全" in _text(response)
    assert not list(publishing_hub.work.rglob("escaped.jpg"))

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("图片/huge.jpg", b"\0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    response = _upload(client, VILLAGE, workbook, [("图片.zip", bomb.getvalue())])
    assert response.status_code == 400 and "太大" in _text(response)
    assert not any((publishing_hub.work / "uploads").iterdir())  # refused uploads are removed

    response = _upload(client, VILLAGE, workbook, [("notes.txt", b"hello")])
    assert response.status_code == 400 and "不是图片" in _text(response)


def _formula(workbook, out):
    edit_cells(workbook, {("财务收支", "D37"): "=1+2"})
    return workbook.rename(out)


HOSTILE_WORKBOOKS = {
    "macros": (
        lambda book, out: rewrite_parts(book, out, lambda name, data: None, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "有宏（VBA），不能用",
    ),
    "external-link": (
        lambda book, out: rewrite_parts(book, out, lambda name, data: None, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        "外部链接",
    ),
    "zip-bomb": (zip_bomb, "zip 炸弹"),
    "formula": (_formula, "是公式（=1+2）"),
    # The hub reads uploads in its own process: this one, read, would abort it.
    "far-cell": (with_far_cell, "表格太大"),
}


@pytest.mark.parametrize("kind", HOSTILE_WORKBOOKS)
def test_a_hostile_workbook_is_refused_on_the_page_and_the_hub_stays_up(publishing_hub, workbook, tmp_path, kind):
    make, words = HOSTILE_WORKBOOKS[kind]
    client = publishing_hub.login("qingshi")
    response = _upload(client, VILLAGE, make(workbook, tmp_path / "hostile.xlsx"))
    assert response.status_code == 422 and words in _text(response)
    assert not (publishing_hub.work / "feeds" / VILLAGE).exists()
    assert client.get("/publish").status_code == 200  # still serving


def test_pictures_one_by_one_and_a_workbook_of_another_village(publishing_hub, workbook):
    client = publishing_hub.login("county")
    pictures = [(path.name, path.read_bytes()) for path in sorted((workbook.parent / PICTURE_FOLDER).iterdir())]
    other = "431322199201"
    publishing_hub.issue("431322199201-B2D4F6", other)
    response = _upload(client, other, workbook, pictures)
    assert response.status_code == 422 and f"这里要发布的是村代码 {other} 的村" in _text(response)
    response = _upload(client, VILLAGE, workbook, pictures)
    assert response.status_code == 200 and "检查通过，可以发布" in _text(response)
    action = re.search(rf'action="(/publish/{VILLAGE}/[^"]+)"', response.text).group(1)
    # Another user cannot publish this user's upload.
    assert publishing_hub.login("qingshi").post(action).status_code == 404
    published = client.post(action)
    assert published.status_code == 200 and "已发布第 1 版" in _text(published)
    assert client.post(action).status_code == 404  # published once, then gone
    assert (publishing_hub.work / "feeds" / VILLAGE / "manifest.json").is_file()
    assert not list((publishing_hub.work / "feeds").rglob("feed.key"))


def test_the_problems_of_an_upload_come_with_a_report_to_download(publishing_hub, workbook):
    client = publishing_hub.login("qingshi")
    edit_cells(workbook, {("财务收支", "D37"): "1,5OO"})
    response = _upload(client, VILLAGE, workbook, [("图片.zip", _zipped(workbook.parent / PICTURE_FOLDER))])
    assert response.status_code == 422 and "'1,5OO' 不是数字" in _text(response)
    link = re.search(r'href="(/publish/[^"]+/report\.xlsx)"', response.text).group(1)
    report = client.get(link)
    assert report.status_code == 200 and report.content.startswith(b"PK")
    assert publishing_hub.login("county").get(link).status_code == 404  # another user's
